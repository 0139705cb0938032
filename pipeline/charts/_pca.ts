/**
 * The first two principal components of a matrix, for drawing customers on a 2-D map: the
 * shared PCA (math/pca.ts), checked for what a map needs.
 *
 * @module
 */

import { applyPca, fitPca } from "../math/mod.ts";
import type { Matrix } from "../types.ts";

/** Customers projected on the first two principal components. */
export interface Pca2d {
  /** Scores on component 1 and 2, one per row. */
  x: Float64Array;
  y: Float64Array;
  /** Unit loading vectors, one weight per column. */
  components: [number[], number[]];
  /** Share of total variance each component explains (0 when the data has no variance). */
  explained: [number, number];
  /** Column means subtracted before projecting. */
  mean: number[];
}

/**
 * First two principal components (exact PCA). Sign convention: each component's
 * largest-magnitude loading is positive, so the map does not flip between runs.
 *
 * @example
 * ```ts
 * import { pca2d } from "./charts.ts";
 * import { fromRows } from "../types.ts";
 * const p = pca2d(fromRows([[0, 0], [2, 2], [4, 4]]));
 * if (Math.abs(p.explained[0] - 1) > 1e-9) throw new Error("a line has one component");
 * ```
 */
export function pca2d(m: Matrix): Pca2d {
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
  const model = fitPca(m, { components: 2 });
  const scores = applyPca(model, m);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = scores.data[2 * i];
    y[i] = scores.data[2 * i + 1];
  }
  const [r1 = 0, r2 = 0] = model.explainedVarianceRatio;
  return {
    x,
    y,
    components: [model.components[0], model.components[1]],
    explained: [r1, r2],
    mean: model.mean,
  };
}
