/**
 * Checks and reshaping of the classifier's inputs: complete matrices, labels turned into class
 * indices, and row subsets.
 *
 * @module
 */

import type { Matrix } from "../types.ts";

/** Column names of a matrix, or x1, x2… when it carries none. */
export function columnNames(m: Matrix): string[] {
  return m.columns ?? Array.from({ length: m.cols }, (_, j) => `x${j + 1}`);
}

/** Throws when the matrix is misshapen or holds a value that is not a finite number. */
export function checkMatrix(m: Matrix, what: string): void {
  if (m.data.length !== m.rows * m.cols) {
    throw new TypeError(
      `The matrix given to ${what} has ${m.data.length} values, expected rows × cols = ${m.rows} × ${m.cols}`,
    );
  }
  if (m.columns && m.columns.length !== m.cols) {
    throw new TypeError(
      `The matrix given to ${what} names ${m.columns.length} columns, expected ${m.cols}`,
    );
  }
  for (let t = 0; t < m.data.length; t++) {
    if (!Number.isFinite(m.data[t])) {
      const i = Math.floor(t / m.cols), j = t % m.cols;
      throw new RangeError(
        `The matrix given to ${what} holds ${m.data[t]} at row ${i + 1}, column '${
          columnNames(m)[j]
        }': classifiers need a complete matrix of finite numbers (impute or drop first)`,
      );
    }
  }
}

/**
 * The distinct labels in ascending order and each row's index into them. Labels must be
 * integers ≥ 0 and there must be at least two classes.
 */
export function encodeLabels(
  labels: ArrayLike<number>,
  rows: number,
  what: string,
): { classes: number[]; y: Int32Array } {
  if (labels.length !== rows) {
    throw new TypeError(`${what} got ${labels.length} labels for a matrix of ${rows} rows`);
  }
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0) {
      const hint = v === -1
        ? ": rows labelled -1 (noise) must be dropped first; classifyStage drops them with a warning"
        : "";
      throw new RangeError(
        `Labels must be integers ≥ 0. Got ${v} at row ${i + 1} in ${what}${hint}`,
      );
    }
    seen.add(v);
  }
  if (seen.size < 2) {
    throw new RangeError(
      `${what} needs at least two classes to tell apart. Got ${
        seen.size === 0 ? "no rows" : `only class ${[...seen][0]}`
      }`,
    );
  }
  const classes = [...seen].sort((a, b) => a - b);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) y[i] = index.get(labels[i])!;
  return { classes, y };
}

/** The listed rows of a matrix, copied, in the order listed. */
export function takeRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const d = m.cols;
  const data = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    data.set(m.data.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  }
  return { rows: rows.length, cols: d, data, columns: m.columns };
}

/** The listed entries of a label array. */
export function takeLabels(labels: ArrayLike<number>, rows: ArrayLike<number>): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = labels[rows[i]];
  return out;
}
