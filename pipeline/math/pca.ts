/**
 * Principal component analysis, one model shape for every use: the matrix stage's reduction
 * (exact), the text stage's reduction of sparse TF-IDF rows (randomized) and the segment map
 * (exact, two components). Deterministic: components are ordered by explained variance (ties by
 * position) and each is signed so that its entry of largest magnitude is positive.
 *
 * @module
 */

import { covariance, symmetricEigen } from "./_eigen.ts";
import { type Input, isSparse, mulRight, randomizedPca } from "./_randomized.ts";
import type { Matrix } from "../types.ts";

/** A fitted PCA: x ↦ (x − mean) · componentsᵀ. Plain data, JSON-serialisable. */
export interface PcaModel {
  /** Column means of the training matrix (zeros when fitted without centering). */
  mean: number[];
  /** k × d, one unit-length component per row (zeros past the data's rank). */
  components: number[][];
  /** Variance along each component (divisor n − 1). */
  explainedVariance: number[];
  /** Share of the total variance along each component. */
  explainedVarianceRatio: number[];
}

/** How many components to keep: a count, or the smallest count reaching a variance share. */
export type PcaSize = { components: number } | { variance: number };

/** How to fit a PCA. */
export interface PcaOptions {
  /**
   * "exact": covariance and Jacobi eigenvectors (dense input, any size request);
   * "randomized": seeded subspace iteration, for sparse or wide input and a fixed count.
   * @default "exact"
   */
  method?: "exact" | "randomized";
  /** Seed of the randomized method's start. @default 0 */
  seed?: number;
  /** Subtract the column means first; false gives a plain truncated SVD (randomized only). @default true */
  center?: boolean;
  /** Extra random directions beyond the components kept (randomized). @default 10 */
  oversample?: number;
  /** Subspace iterations; more sharpen the trailing components (randomized). @default 4 */
  powerIterations?: number;
}

/**
 * Fits a PCA of `x`, keeping the requested number of components (at most its column count).
 *
 * @example
 * ```ts
 * import { applyPca, fitPca } from "./pca.ts";
 * import { fromRows } from "../types.ts";
 * const x = fromRows([[0, 0], [1, 1], [2, 2], [3, 3]]);
 * const exact = fitPca(x, { components: 1 });
 * const fast = fitPca(x, { components: 1 }, { method: "randomized", seed: 1 });
 * if (Math.abs(exact.components[0][0] - Math.SQRT1_2) > 1e-9) throw new Error("wrong direction");
 * if (Math.abs(fast.components[0][0] - Math.SQRT1_2) > 1e-9) throw new Error("wrong direction");
 * if (Math.abs(applyPca(exact, x).data[3] - 1.5 * Math.SQRT2) > 1e-9) throw new Error("wrong score");
 * ```
 */
export function fitPca(x: Input, size: PcaSize, options: PcaOptions = {}): PcaModel {
  const method = options.method ?? "exact";
  if (method === "randomized") {
    if (!("components" in size)) {
      throw new TypeError(
        "A randomized PCA keeps a fixed number of components, not a variance share",
      );
    }
    const center = options.center ?? true;
    const fit = randomizedPca(x, size.components, {
      seed: options.seed ?? 0,
      center,
      oversample: options.oversample ?? 10,
      powerIterations: options.powerIterations ?? 4,
    });
    const total = totalVariance(x, center ? fit.mean : null);
    return {
      mean: Array.from(fit.mean),
      components: fit.components,
      explainedVariance: fit.explainedVariance,
      explainedVarianceRatio: fit.explainedVariance.map((v) => total > 0 ? v / total : 0),
    };
  }
  if (isSparse(x)) {
    throw new TypeError("An exact PCA needs a dense matrix; use method 'randomized'");
  }
  if (options.center === false) throw new TypeError("An exact PCA always centres its input");
  return exactPca(x, size);
}

function exactPca(x: Matrix, size: PcaSize): PcaModel {
  const d = x.cols;
  const { mean, cov } = covariance(x);
  const { values, vectors } = symmetricEigen(cov, d);
  const order = Array.from({ length: d }, (_, i) => i).sort((a, b) =>
    values[b] - values[a] || a - b
  );
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  let k: number;
  if ("components" in size) k = Math.min(size.components, d);
  else {
    k = d;
    let acc = 0;
    for (let i = 0; i < d; i++) {
      acc += Math.max(values[order[i]], 0);
      if (total > 0 && acc / total >= size.variance - 1e-12) {
        k = i + 1;
        break;
      }
    }
  }
  const components: number[][] = [];
  for (let c = 0; c < k; c++) {
    const col = order[c];
    const vec = Array.from({ length: d }, (_, j) => vectors[j * d + col]);
    let big = 0;
    for (let j = 1; j < d; j++) if (Math.abs(vec[j]) > Math.abs(vec[big])) big = j;
    components.push(vec[big] < 0 ? vec.map((v) => -v) : vec);
  }
  const explained = order.slice(0, k).map((i) => Math.max(values[i], 0));
  return {
    mean: Array.from(mean),
    components,
    explainedVariance: explained,
    explainedVarianceRatio: explained.map((v) => (total > 0 ? v / total : 0)),
  };
}

/** Sum of the column variances (divisor n − 1) around `mean`, or of the raw squares without it. */
function totalVariance(x: Input, mean: Float64Array | null): number {
  let sq = 0;
  if (isSparse(x)) { for (let p = 0; p < x.indptr[x.rows]; p++) sq += x.values[p] ** 2; }
  else for (let i = 0; i < x.data.length; i++) sq += x.data[i] ** 2;
  if (mean) { for (let j = 0; j < x.cols; j++) sq -= x.rows * mean[j] ** 2; }
  return Math.max(sq, 0) / Math.max(1, x.rows - 1);
}

/**
 * Projects the rows of `x` (dense or sparse) onto the components: an n × k matrix.
 *
 * @example
 * ```ts
 * import { applyPca } from "./pca.ts";
 * import { fromRows } from "../types.ts";
 * const model = {
 *   mean: [1, 1],
 *   components: [[1, 0]],
 *   explainedVariance: [1],
 *   explainedVarianceRatio: [1],
 * };
 * if (applyPca(model, fromRows([[3, 5]])).data[0] !== 2) throw new Error("wrong projection");
 * ```
 */
export function applyPca(model: PcaModel, x: Input): Matrix {
  const k = model.components.length, d = model.mean.length;
  if (x.cols !== d) {
    throw new TypeError(`PCA was fitted on ${d} columns, got a matrix with ${x.cols}`);
  }
  if (isSparse(x)) {
    // Centering a sparse matrix would densify it: project first, then subtract the mean's image.
    const basis = new Float64Array(d * k);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) basis[j * k + c] = model.components[c][j];
    }
    return { rows: x.rows, cols: k, data: mulRight(x, Float64Array.from(model.mean), basis, k) };
  }
  const out = new Float64Array(x.rows * k);
  const comp = Float64Array.from(model.components.flat());
  const r = new Float64Array(d);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < d; j++) r[j] = x.data[i * d + j] - model.mean[j];
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += r[j] * comp[c * d + j];
      out[i * k + c] = s;
    }
  }
  return { rows: x.rows, cols: k, data: out };
}
