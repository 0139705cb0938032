/**
 * The first two principal components of a matrix, for drawing customers on a 2-D map.
 *
 * @module
 */

import { rng } from "./_random.ts";
import type { Matrix } from "./types.ts";

/** Options of {@link pca2d}. */
export interface Pca2dOptions {
  /** Seed of the power iteration's start vectors. @default 0 */
  seed?: number;
  /** Most iterations per component. @default 1000 */
  maxIterations?: number;
  /** Stop when no loading of a component moves more than this in one iteration. @default 1e-10 */
  tolerance?: number;
}

/** Customers projected on the first two principal components. */
export interface Pca2d {
  /** Scores on component 1 and 2, one per row. */
  x: Float64Array;
  y: Float64Array;
  /** Unit loading vectors, one weight per column. */
  components: [Float64Array, Float64Array];
  /** Share of total variance each component explains (0 when the data has no variance). */
  explained: [number, number];
  /** Column means subtracted before projecting. */
  mean: Float64Array;
  /**
   * Whether both components settled within `maxIterations` (slow when the leading eigenvalues
   * nearly tie; the map is then one of several equally good views).
   */
  converged: boolean;
}

const DEFAULTS: Required<Pca2dOptions> = { seed: 0, maxIterations: 1000, tolerance: 1e-10 };

/**
 * First two principal components by power iteration with deflation, from seeded start vectors.
 * Sign convention: each component's largest-magnitude loading is positive (ties: the first), so
 * the map does not flip between runs or seeds.
 *
 * @example
 * ```ts
 * import { pca2d } from "./plots.ts";
 * import { fromRows } from "./types.ts";
 * const p = pca2d(fromRows([[0, 0], [2, 2], [4, 4]]));
 * if (Math.abs(p.explained[0] - 1) > 1e-9) throw new Error("a line has one component");
 * ```
 */
export function pca2d(m: Matrix, options: Pca2dOptions = {}): Pca2d {
  const opts = { ...DEFAULTS, ...options };
  if (!Number.isInteger(opts.maxIterations) || opts.maxIterations < 1) {
    throw new RangeError(
      `The 'maxIterations' option of pca2d must be an integer >= 1. Got ${opts.maxIterations} ` +
        "instead",
    );
  }
  if (!(opts.tolerance >= 0)) {
    throw new RangeError(
      `The 'tolerance' option of pca2d must be a number >= 0. Got ${opts.tolerance} instead`,
    );
  }
  const { rows: n, cols: d, data } = m;
  if (n < 1 || d < 2) {
    throw new RangeError(
      `pca2d needs a matrix with at least 1 row and 2 columns. Got ${n} × ${d} instead`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `pca2d needs finite values. Got ${data[i]} at row ${Math.floor(i / d) + 1}, ` +
          `column ${(i % d) + 1}`,
      );
    }
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const cov = covariance(m, mean);
  let totalVar = 0;
  for (let j = 0; j < d; j++) totalVar += cov[j * d + j];
  const r = rng(opts.seed);
  const [v1, ok1] = leading(cov, d, [], r, opts);
  const [v2, ok2] = leading(cov, d, [v1], r, opts);
  const explained: [number, number] = totalVar > 0
    ? [rayleigh(cov, d, v1) / totalVar, rayleigh(cov, d, v2) / totalVar]
    : [0, 0];
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0;
    for (let j = 0; j < d; j++) {
      const c = data[i * d + j] - mean[j];
      a += c * v1[j];
      b += c * v2[j];
    }
    x[i] = a;
    y[i] = b;
  }
  return { x, y, components: [v1, v2], explained, mean, converged: ok1 && ok2 };
}

/** Sample covariance (d × d, row-major); two passes over the centred data for accuracy. */
function covariance(m: Matrix, mean: Float64Array): Float64Array {
  const { rows: n, cols: d, data } = m;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = data[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) {
      const cj = c[j];
      if (cj === 0) continue;
      const base = j * d;
      for (let k = j; k < d; k++) cov[base + k] += cj * c[k];
    }
  }
  const div = Math.max(n - 1, 1);
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      cov[j * d + k] /= div;
      cov[k * d + j] = cov[j * d + k];
    }
  }
  return cov;
}

/** The top eigenvector of `cov` orthogonal to `found`, by power iteration; and if it settled. */
function leading(
  cov: Float64Array,
  d: number,
  found: Float64Array[],
  r: ReturnType<typeof rng>,
  opts: Required<Pca2dOptions>,
): [Float64Array, boolean] {
  let v = new Float64Array(d);
  for (let j = 0; j < d; j++) v[j] = r.normal();
  orthonormalize(v, found);
  let converged = false;
  for (let it = 0; it < opts.maxIterations && !converged; it++) {
    const w = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += cov[j * d + k] * v[k];
      w[j] = s;
    }
    // Deflation by projection: keeps rounding from pulling w back towards earlier components.
    if (orthonormalize(w, found) === 0) {
      converged = true; // no variance left: any orthogonal unit vector will do
      break;
    }
    // A covariance matrix has no negative eigenvalues, so w never flips sign against v.
    let moved = 0;
    for (let j = 0; j < d; j++) moved = Math.max(moved, Math.abs(w[j] - v[j]));
    v = w;
    converged = moved <= opts.tolerance;
  }
  let big = 0;
  for (let j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big]) + 1e-12) big = j;
  if (v[big] < 0) { for (let j = 0; j < d; j++) v[j] = -v[j]; }
  return [v, converged];
}

/** Removes the components along `basis` from `v` and scales it to unit length; returns the norm. */
function orthonormalize(v: Float64Array, basis: Float64Array[]): number {
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < v.length; j++) dot += v[j] * b[j];
    for (let j = 0; j < v.length; j++) v[j] -= dot * b[j];
  }
  let norm = 0;
  for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
  norm = Math.sqrt(norm);
  if (norm > 0) { for (let j = 0; j < v.length; j++) v[j] /= norm; }
  return norm;
}

function rayleigh(cov: Float64Array, d: number, v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) s += v[j] * cov[j * d + k] * v[k];
  }
  return s;
}
