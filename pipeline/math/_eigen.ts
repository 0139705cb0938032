/**
 * The dense linear algebra PCA rests on: the sample covariance of a matrix and a cyclic Jacobi
 * eigensolver for symmetric matrices (exact, deterministic, fine for the tens to hundreds of
 * columns a customer matrix has).
 *
 * @module
 */

import type { Matrix } from "../types.ts";

/**
 * Eigen-decomposition of a symmetric n × n matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues and eigenvectors as columns of `vectors` (row-major n × n), unsorted.
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i] * m[i];
  const tol = 1e-30 * Math.max(scale, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q, then rows p and q: M ← Jᵀ M J.
          const mkp = m[k * n + p], mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k], mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/** Column means and the sample covariance (divisor n - 1) of a matrix. */
export function covariance(x: Matrix): { mean: Float64Array; cov: Float64Array } {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  const cov = new Float64Array(cols * cols);
  const r = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) r[j] = data[i * cols + j] - mean[j];
    for (let j = 0; j < cols; j++) {
      const rj = r[j];
      if (rj === 0) continue;
      const base = j * cols;
      for (let k = j; k < cols; k++) cov[base + k] += rj * r[k];
    }
  }
  const div = Math.max(rows - 1, 1);
  for (let j = 0; j < cols; j++) {
    for (let k = j; k < cols; k++) {
      cov[j * cols + k] /= div;
      cov[k * cols + j] = cov[j * cols + k];
    }
  }
  return { mean, cov };
}
