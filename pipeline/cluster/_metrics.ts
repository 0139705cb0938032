/**
 * Scores of a clustering: agreement between two labellings (adjusted Rand index, normalised
 * mutual information) and internal validity (silhouette, Davies–Bouldin, Calinski–Harabasz).
 * Definitions and edge cases follow scikit-learn so figures can be compared.
 *
 * @module
 */

import { createPool, spareThreads, WORKER_URL } from "./_pool.ts";
import { rowNorms, sqDist } from "./_kmeans_kernel.ts";
import { allocSil, RANGES, runSilChunk } from "./_silhouette_chunks.ts";

/** Dense contingency table of two labellings (any integers) plus the row and column sums. */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) {
    throw new TypeError(`The two labellings differ in length: ${a.length} and ${b.length}`);
  }
  const n = a.length;
  const ids = (x: ArrayLike<number>) => {
    const map = new Map<number, number>();
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let v = map.get(x[i]);
      if (v === undefined) map.set(x[i], v = map.size);
      out[i] = v;
    }
    return { out, size: map.size };
  };
  const ia = ids(a), ib = ids(b);
  const table = new Map<number, number>();
  const rowSum = new Float64Array(ia.size), colSum = new Float64Array(ib.size);
  for (let i = 0; i < n; i++) {
    const key = ia.out[i] * ib.size + ib.out[i];
    table.set(key, (table.get(key) ?? 0) + 1);
    rowSum[ia.out[i]]++;
    colSum[ib.out[i]]++;
  }
  // Each cell as [count, its row sum, its column sum].
  const cells = [...table].map(([key, c]) => [
    c,
    rowSum[Math.floor(key / ib.size)],
    colSum[key % ib.size],
  ]);
  return { n, cells, rowSum, colSum };
}

/**
 * Adjusted Rand index between two labellings of the same rows: 1 for identical partitions (up to
 * renaming), about 0 for independent ones, negative when worse than chance. Both labellings
 * trivial in the same way (one cluster, or all singletons) count as 1, as in scikit-learn.
 *
 * @example
 * ```ts
 * import { adjustedRandIndex } from "./_metrics.ts";
 * if (adjustedRandIndex([0, 0, 1, 1], [5, 5, 2, 2]) !== 1) throw new Error();
 * ```
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, cells, rowSum, colSum } = contingency(a, b);
  let sq = 0, sqRows = 0, sqCols = 0;
  for (const [c] of cells) sq += c * c;
  for (const r of rowSum) sqRows += r * r;
  for (const c of colSum) sqCols += c * c;
  // Pair counts (ordered pairs): together in both, only in b, only in a, apart in both.
  const tp = sq - n, fp = sqCols - sq, fn = sqRows - sq, tn = n * n - fp - fn - sq;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Normalised mutual information, MI / ((H(a) + H(b)) / 2) (scikit-learn's default "arithmetic"
 * normalisation). Two single-cluster labellings score 1; a zero MI scores 0.
 *
 * @example
 * ```ts
 * import { normalizedMutualInfo } from "./_metrics.ts";
 * if (normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]) !== 1) throw new Error();
 * ```
 */
export function normalizedMutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, cells, rowSum, colSum } = contingency(a, b);
  if (rowSum.length === colSum.length && rowSum.length <= 1) return 1;
  let mi = 0;
  for (const [c, r, s] of cells) mi += (c / n) * Math.log((c * n) / (r * s));
  if (mi <= 0) return 0;
  const norm = (entropy(rowSum, n) + entropy(colSum, n)) / 2;
  const v = mi / Math.max(norm, Number.EPSILON);
  return v > 1 && v - 1 < 1e-12 ? 1 : v;
}

/** Labels mapped to 0..K-1 in order of first appearance; rows labelled -1 (noise) must be removed first. */
function denseLabels(labels: ArrayLike<number>): { ids: Int32Array; k: number; counts: number[] } {
  const map = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let v = map.get(labels[i]);
    if (v === undefined) {
      map.set(labels[i], v = map.size);
      counts.push(0);
    }
    ids[i] = v;
    counts[v]++;
  }
  return { ids, k: map.size, counts };
}

function checkClusterCount(k: number, n: number, what: string): void {
  if (k < 2 || k > n - 1) {
    throw new RangeError(
      `The ${what} needs between 2 and ${n - 1} clusters (rows − 1). Got ${k} instead`,
    );
  }
}

/**
 * Silhouette of every row: (b − a) / max(a, b), with a the mean distance to the other rows of
 * its cluster and b the smallest mean distance to another cluster; 0 for a row alone in its
 * cluster. Exact: every pair is visited once and distances are computed row by row, so memory
 * stays O(n·k) (times 8 partial buffers); time is O(n²·d), so pass a sample of rows for large
 * data. Large inputs share the pairs with worker threads without changing the result.
 *
 * @example
 * ```ts
 * import { silhouetteSamples } from "./_metrics.ts";
 * // Rows 0, 1 | 4, 6 on a line: row 0 has a = 1, b = (4 + 6) / 2 = 5, so s = 4/5.
 * const s = silhouetteSamples(new Float64Array([0, 1, 4, 6]), 4, 1, [0, 0, 1, 1]);
 * if (Math.abs(s[0] - 0.8) > 1e-12) throw new Error();
 * ```
 */
export function silhouetteSamples(
  data: Float64Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
  options: { threads?: number } = {},
): Float64Array {
  const { ids, k, counts } = denseLabels(labels);
  checkClusterCount(k, n, "silhouette");
  const norms = new Float64Array(n);
  rowNorms(data, n, d, norms);
  const threads = options.threads ?? (n * n * d >= PARALLEL_WORK ? spareThreads() : 0);
  const { state, init } = allocSil(data, norms, ids, n, d, k, threads > 0);
  const pool = createPool(
    WORKER_URL,
    { kind: "silhouette", init },
    threads,
    (_op, c) => runSilChunk(state, c),
  );
  try {
    pool.run(1, RANGES);
  } finally {
    pool.close();
  }
  const sums = new Float64Array(n * k);
  for (let c = 0; c < RANGES; c++) {
    const part = state.sums.subarray(c * n * k, (c + 1) * n * k);
    for (let t = 0; t < n * k; t++) sums[t] += part[t];
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const li = ids[i];
    if (counts[li] < 2) continue;
    const a = sums[i * k + li] / (counts[li] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li) b = Math.min(b, sums[i * k + c] / counts[c]);
    const m = Math.max(a, b);
    out[i] = m > 0 ? (b - a) / m : 0;
  }
  return out;
}

/** Pair-distance work (rows² × columns) above which the silhouette uses worker threads. */
const PARALLEL_WORK = 2 ** 28;

/** Centroids (k × d) and sizes of a dense labelling. */
function centroids(data: Float64Array, n: number, d: number, ids: Int32Array, k: number) {
  const c = new Float64Array(k * d), size = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    size[ids[i]]++;
    for (let j = 0; j < d; j++) c[ids[i] * d + j] += data[i * d + j];
  }
  for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) c[a * d + j] /= size[a];
  return { c, size };
}

/**
 * Davies–Bouldin index: mean over clusters of the worst ratio (sᵢ + sⱼ) / ‖cᵢ − cⱼ‖, with s the
 * mean distance of a cluster's rows to its centroid. Lower is better; 0 when every cluster is a
 * single point.
 *
 * @example
 * ```ts
 * import { daviesBouldin } from "./_metrics.ts";
 * // Spreads 0.5 and 1 around centroids 0.5 and 5: (0.5 + 1) / 4.5 = 1/3.
 * const db = daviesBouldin(new Float64Array([0, 1, 4, 6]), 4, 1, [0, 0, 1, 1]);
 * if (Math.abs(db - 1 / 3) > 1e-12) throw new Error();
 * ```
 */
export function daviesBouldin(
  data: Float64Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
): number {
  const { ids, k } = denseLabels(labels);
  checkClusterCount(k, n, "Davies–Bouldin index");
  const { c } = centroids(data, n, d, ids, k);
  const spread = new Float64Array(k), size = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    spread[ids[i]] += Math.sqrt(sqDist(data, i * d, c, ids[i] * d, d));
    size[ids[i]]++;
  }
  for (let a = 0; a < k; a++) spread[a] /= size[a];
  if (spread.every((s) => s < 1e-12)) return 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (b === a) continue;
      const gap = Math.sqrt(sqDist(c, a * d, c, b * d, d));
      // Coinciding centroids contribute nothing, as in scikit-learn (gap treated as infinite).
      if (gap > 0) worst = Math.max(worst, (spread[a] + spread[b]) / gap);
    }
    total += worst;
  }
  return total / k;
}

/**
 * Calinski–Harabasz index: between-cluster dispersion / within-cluster dispersion, each divided by
 * its degrees of freedom (k − 1 and n − k). Higher is better; 1 when every cluster is a point.
 *
 * @example
 * ```ts
 * import { calinskiHarabasz } from "./_metrics.ts";
 * // Between 20.25 over 1 degree of freedom, within 2.5 over 2: 16.2.
 * const ch = calinskiHarabasz(new Float64Array([0, 1, 4, 6]), 4, 1, [0, 0, 1, 1]);
 * if (Math.abs(ch - 16.2) > 1e-12) throw new Error();
 * ```
 */
export function calinskiHarabasz(
  data: Float64Array,
  n: number,
  d: number,
  labels: ArrayLike<number>,
): number {
  const { ids, k } = denseLabels(labels);
  checkClusterCount(k, n, "Calinski–Harabasz index");
  const { c, size } = centroids(data, n, d, ids, k);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  let between = 0, within = 0;
  for (let a = 0; a < k; a++) between += size[a] * sqDist(c, a * d, mean, 0, d);
  for (let i = 0; i < n; i++) within += sqDist(data, i * d, c, ids[i] * d, d);
  return within === 0 ? 1 : (between * (n - k)) / (within * (k - 1));
}
