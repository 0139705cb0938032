/**
 * Truncated SVD / PCA by seeded randomized subspace iteration (Halko, Martinsson and Tropp 2011),
 * for dense matrices and sparse rows alike. Centering is implicit, so a sparse TF-IDF matrix is
 * never densified.
 *
 * @module
 */

import { symmetricEigen } from "./_eigen.ts";
import { rng } from "./random.ts";
import type { Matrix, SparseRows } from "../types.ts";

/** Settings of {@link randomizedPca}; see `PcaOptions` in pca.ts for their meaning. */
export interface RandomizedOptions {
  seed: number;
  center: boolean;
  oversample: number;
  powerIterations: number;
}

/** Mean, components and the variance along each (zeros past the data's rank). */
export interface Reduction {
  mean: Float64Array;
  components: number[][];
  explainedVariance: number[];
}

export type Input = Matrix | SparseRows;
export const isSparse = (x: Input): x is SparseRows => "indptr" in x;

/** X·B for a d×l block B (row-major), minus the mean term when centering. */
export function mulRight(
  x: Input,
  mean: Float64Array | null,
  b: Float64Array,
  l: number,
): Float64Array {
  const n = x.rows, d = x.cols, y = new Float64Array(n * l);
  if (isSparse(x)) {
    for (let i = 0; i < n; i++) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
        const v = x.values[p], off = x.indices[p] * l;
        for (let c = 0; c < l; c++) y[i * l + c] += v * b[off + c];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = x.data[i * d + j];
        if (v === 0) continue;
        for (let c = 0; c < l; c++) y[i * l + c] += v * b[j * l + c];
      }
    }
  }
  if (mean) {
    const mb = new Float64Array(l);
    for (let j = 0; j < d; j++) for (let c = 0; c < l; c++) mb[c] += mean[j] * b[j * l + c];
    for (let i = 0; i < n; i++) for (let c = 0; c < l; c++) y[i * l + c] -= mb[c];
  }
  return y;
}

/** Xᵀ·C for an n×l block C, minus the mean term when centering. */
function mulLeftT(x: Input, mean: Float64Array | null, cm: Float64Array, l: number): Float64Array {
  const n = x.rows, d = x.cols, z = new Float64Array(d * l);
  if (isSparse(x)) {
    for (let i = 0; i < n; i++) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) {
        const v = x.values[p], off = x.indices[p] * l;
        for (let c = 0; c < l; c++) z[off + c] += v * cm[i * l + c];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = x.data[i * d + j];
        if (v === 0) continue;
        for (let c = 0; c < l; c++) z[j * l + c] += v * cm[i * l + c];
      }
    }
  }
  if (mean) {
    const colSum = new Float64Array(l);
    for (let i = 0; i < n; i++) for (let c = 0; c < l; c++) colSum[c] += cm[i * l + c];
    for (let j = 0; j < d; j++) for (let c = 0; c < l; c++) z[j * l + c] -= mean[j] * colSum[c];
  }
  return z;
}

/** Orthonormalizes the columns of an m×l block in place (Gram–Schmidt, twice for accuracy). */
function orthonormalize(a: Float64Array, m: number, l: number): void {
  for (let c = 0; c < l; c++) {
    let before = 0;
    for (let i = 0; i < m; i++) before += a[i * l + c] ** 2;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[i * l + c] * a[i * l + p];
        for (let i = 0; i < m; i++) a[i * l + c] -= dot * a[i * l + p];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[i * l + c] ** 2;
    // A column that vanished lies in the span of the others: the data has lower rank.
    const keep = norm > 1e-20 * Math.max(before, 1e-300) && norm > 1e-300;
    const s = keep ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < m; i++) a[i * l + c] *= s;
  }
}

/** Eigen-decomposition of a symmetric l×l matrix (the matrix stage's Jacobi); values descending. */
function sortedEigen(g: Float64Array, l: number): { values: number[]; vectors: Float64Array } {
  const { values: raw, vectors: v } = symmetricEigen(g, l);
  const order = [...Array(l).keys()].sort((x, y) => raw[y] - raw[x] || x - y);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src];
  });
  return { values: order.map((i) => Math.max(0, raw[i])), vectors };
}

/** Column means of the input. */
export function columnMeans(x: Input): Float64Array {
  const mean = new Float64Array(x.cols);
  if (isSparse(x)) {
    for (let p = 0; p < x.indptr[x.rows]; p++) mean[x.indices[p]] += x.values[p];
  } else {
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) mean[j] += x.data[i * x.cols + j];
    }
  }
  for (let j = 0; j < x.cols; j++) mean[j] /= Math.max(1, x.rows);
  return mean;
}

export function randomizedPca(x: Input, k: number, options: RandomizedOptions): Reduction {
  const { seed, center, oversample, powerIterations } = options;
  const n = x.rows, d = x.cols;
  const mean = center ? columnMeans(x) : new Float64Array(d);
  const m = center ? mean : null;
  const l = Math.min(k + oversample, n, d);
  const comps: number[][] = [], variance: number[] = [];
  if (l > 0) {
    const r = rng(seed);
    const omega = new Float64Array(d * l);
    for (let i = 0; i < omega.length; i++) omega[i] = r.normal();
    let q = mulRight(x, m, omega, l);
    orthonormalize(q, n, l);
    for (let it = 0; it < powerIterations; it++) {
      const z = mulLeftT(x, m, q, l);
      orthonormalize(z, d, l);
      q = mulRight(x, m, z, l);
      orthonormalize(q, n, l);
    }
    const bt = mulLeftT(x, m, q, l); // d×l = (QᵀA)ᵀ
    const g = new Float64Array(l * l);
    for (let j = 0; j < d; j++) {
      for (let a = 0; a < l; a++) {
        const v = bt[j * l + a];
        if (v === 0) continue;
        for (let b = 0; b < l; b++) g[a * l + b] += v * bt[j * l + b];
      }
    }
    const { values, vectors } = sortedEigen(g, l);
    const top = values[0] ?? 0;
    for (let c = 0; c < Math.min(k, l); c++) {
      const s = Math.sqrt(values[c]);
      const comp = new Array<number>(d).fill(0);
      if (s > 1e-9 * Math.sqrt(top) && s > 0) {
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let a = 0; a < l; a++) acc += bt[j * l + a] * vectors[a * l + c];
          comp[j] = acc / s;
        }
        let big = 0;
        for (let j = 1; j < d; j++) if (Math.abs(comp[j]) > Math.abs(comp[big])) big = j;
        if (comp[big] < 0) { for (let j = 0; j < d; j++) comp[j] = -comp[j]; }
      }
      comps.push(comp);
      variance.push(comp.some((v) => v !== 0) ? values[c] / Math.max(1, n - 1) : 0);
    }
  }
  while (comps.length < k) {
    comps.push(new Array<number>(d).fill(0));
    variance.push(0);
  }
  return { mean, components: comps, explainedVariance: variance };
}
