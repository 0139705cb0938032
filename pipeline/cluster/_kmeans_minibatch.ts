/**
 * Mini-batch K-Means (Sculley 2010, as scikit-learn's MiniBatchKMeans): centres move towards
 * small random batches with a per-centre learning rate 1 / (rows seen), so a pass costs
 * O(batch · k · d) instead of O(n · k · d). For large n where a slightly higher inertia is an
 * acceptable price for speed.
 *
 * @module
 */

import { assignNearest, type KMeansParams, kmeansPlusPlus, type KMeansRun } from "./_kmeans.ts";
import { nearestTwo, padRows } from "./_kmeans_kernel.ts";
import { rng } from "../math/mod.ts";

/** Mini-batch settings on top of the K-Means ones. */
export interface MiniBatchParams extends KMeansParams {
  batchSize: number;
}

/** Steps without a new best smoothed batch inertia before the fit stops (scikit-learn's 10). */
const PATIENCE = 10;

/**
 * Fits by mini-batches. Each of `nInit` starts seeds with k-means++ on a seeded subsample of
 * 3 × batchSize rows and is scored by inertia on that subsample; the best start is refined for at
 * most maxIter × n / batchSize steps, stopping early once the smoothed batch inertia has not
 * improved for 10 steps. Labels and inertia are then computed on all rows.
 */
export function miniBatchKMeans(
  data: Float64Array,
  n: number,
  d: number,
  p: MiniBatchParams,
): KMeansRun {
  const { k } = p;
  const r = rng(p.seed);
  const batch = Math.min(p.batchSize, n);
  const initRows = Math.min(n, Math.max(3 * batch, 3 * k));
  const sub = new Float64Array(initRows * d);
  for (let t = 0; t < initRows; t++) {
    const i = initRows === n ? t : r.int(n);
    sub.set(data.subarray(i * d, i * d + d), t * d);
  }
  const kp = Math.ceil(k / 4) * 4;
  let centers = new Float64Array(kp * d);
  let bestInertia = Infinity;
  const nearest = new Int32Array(initRows), closest = new Float64Array(initRows);
  for (let run = 0; run < p.nInit; run++) {
    const c = new Float64Array(kp * d);
    kmeansPlusPlus(sub, initRows, d, k, r, c, nearest, closest);
    const inertia = assignNearest(sub, initRows, d, c, k, nearest);
    if (inertia < bestInertia) {
      bestInertia = inertia;
      centers = c;
    }
  }
  padRows(centers, k, d, centers);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d), inBatch = new Float64Array(k);
  const q = new Float64Array(4), two = new Float64Array(2);
  const steps = Math.max(1, Math.floor((p.maxIter * n) / batch));
  const alpha = Math.min(1, (2 * batch) / (n + 1));
  let ewa = NaN, bestEwa = Infinity, stale = 0, step = 0;
  for (; step < steps; step++) {
    sums.fill(0);
    inBatch.fill(0);
    let batchInertia = 0;
    for (let t = 0; t < batch; t++) {
      const i = r.int(n);
      const a = nearestTwo(data, i * d, centers, k, d, q, two);
      batchInertia += two[0];
      inBatch[a]++;
      for (let j = 0; j < d; j++) sums[a * d + j] += data[i * d + j];
    }
    for (let a = 0; a < k; a++) {
      if (inBatch[a] === 0) continue;
      const total = counts[a] + inBatch[a];
      for (let j = 0; j < d; j++) {
        centers[a * d + j] = (centers[a * d + j] * counts[a] + sums[a * d + j]) / total;
      }
      counts[a] = total;
    }
    padRows(centers, k, d, centers);
    const norm = batchInertia / batch;
    ewa = Number.isNaN(ewa) ? norm : ewa * (1 - alpha) + norm * alpha;
    if (ewa < bestEwa) {
      bestEwa = ewa;
      stale = 0;
    } else if (++stale >= PATIENCE) {
      step++;
      break;
    }
  }
  const labels = new Int32Array(n);
  const inertia = assignNearest(data, n, d, centers, k, labels);
  return {
    centers: centers.slice(0, k * d),
    labels,
    inertia,
    iterations: step,
    converged: step < steps,
  };
}
