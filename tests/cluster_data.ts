/**
 * Seeded synthetic data for the cluster tests and benchmark: Gaussian blobs and uniform clouds.
 *
 * @module
 */

import { rng } from "../pipeline/math/random.ts";
import type { Matrix } from "../pipeline/types.ts";

/** Gaussian blobs: centres uniform in [-spread, spread]^d, row i drawn from blob i mod k. */
export function blobs(
  opts: {
    rows: number;
    cols: number;
    k: number;
    seed: number;
    spread?: number;
    sd?: number;
    /** Explicit centres (k rows of cols values) instead of random ones. */
    at?: number[][];
  },
): { matrix: Matrix; truth: Int32Array; centers: Float64Array } {
  const { rows: n, cols: d, k, seed } = opts;
  const spread = opts.spread ?? 10, sd = opts.sd ?? 1;
  const r = rng(seed);
  const centers = new Float64Array(k * d);
  for (let i = 0; i < k * d; i++) centers[i] = (r.next() * 2 - 1) * spread;
  if (opts.at) centers.set(opts.at.flat());
  const data = new Float64Array(n * d), truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    truth[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = centers[c * d + j] + r.normal() * sd;
  }
  return { matrix: { rows: n, cols: d, data }, truth, centers };
}

/** Rows uniform in the unit cube. */
export function uniform(rows: number, cols: number, seed: number): Matrix {
  const r = rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.next();
  return { rows, cols, data };
}
