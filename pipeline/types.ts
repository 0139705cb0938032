/**
 * Shapes shared by every stage: the numeric matrix, warnings and stage results.
 *
 * @module
 */

/**
 * A dense numeric matrix in row-major order: row `i`, column `j` is `data[i * cols + j]`.
 * Contiguous typed arrays keep the hot loops of clustering and classification fast.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
  /** Column names, one per column, when the matrix came from named features. */
  columns?: string[];
}

/** A warning a stage returns as data, so it reaches the manifest and the report. */
export interface StageWarning {
  stage: string;
  message: string;
  /** How many times the same message occurred (rows affected, texts skipped…). */
  count?: number;
}

/** What every stage returns: its outputs and the warnings it raised. */
export interface StageResult<T> {
  outputs: T;
  warnings: StageWarning[];
}

/** Makes a zero-filled matrix of the given shape. */
export function zeros(rows: number, cols: number, columns?: string[]): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols), columns };
}

/** Builds a matrix from an array of equal-length rows. */
export function fromRows(rows: ArrayLike<number>[], columns?: string[]): Matrix {
  const n = rows.length;
  const d = n === 0 ? (columns?.length ?? 0) : rows[0].length;
  const m = zeros(n, d, columns);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d) {
      throw new TypeError(`Row ${i + 1} has ${rows[i].length} values, expected ${d}`);
    }
    m.data.set(rows[i], i * d);
  }
  return m;
}

/** Row `i` of a matrix as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
