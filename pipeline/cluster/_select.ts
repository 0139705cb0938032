/**
 * Choosing k for K-Means: fit every k in a range, score each fit, keep the table, pick by rule.
 *
 * @module
 */

import { calinskiHarabasz, daviesBouldin, silhouetteSamples } from "./_metrics.ts";
import type { KMeansRun } from "./_kmeans.ts";
import { permutation, rng } from "../math/mod.ts";
import { minOf } from "../math/mod.ts";

/** The scores of one k, a row of the table kept for plots. */
export interface KScore {
  k: number;
  inertia: number;
  /** Mean silhouette (on `silhouetteRows` rows); NaN when the fit has fewer than 2 clusters. */
  silhouette: number;
  daviesBouldin: number;
  calinskiHarabasz: number;
  /** Rows the silhouette was computed on: all rows, or a seeded sample of them. */
  silhouetteRows: number;
  /** Distinct clusters the fit actually produced (less than k when rows coincide). */
  clusters: number;
  /** Share of rows in the fit's smallest cluster. */
  smallestShare: number;
  chosen: boolean;
}

/** Rows (as a sub-matrix) on which silhouettes are computed: all, or a seeded sample. */
export interface RowSample {
  rows: Int32Array | null;
  data: Float64Array;
  n: number;
}

/** All rows when n ≤ maxRows, else a seeded sample of maxRows rows (sorted, copied out). */
export function sampleRows(
  data: Float64Array,
  n: number,
  d: number,
  maxRows: number,
  seed: number,
): RowSample {
  if (n <= maxRows) return { rows: null, data, n };
  const rows = Int32Array.from(permutation(n, rng(seed)).subarray(0, maxRows)).sort();
  const sub = new Float64Array(maxRows * d);
  for (let t = 0; t < maxRows; t++) sub.set(data.subarray(rows[t] * d, rows[t] * d + d), t * d);
  return { rows, data: sub, n: maxRows };
}

/** Labels of the sampled rows. */
export function sampleLabels(labels: Int32Array, s: RowSample): Int32Array {
  if (!s.rows) return labels;
  const out = new Int32Array(s.n);
  for (let t = 0; t < s.n; t++) out[t] = labels[s.rows[t]];
  return out;
}

function distinct(labels: Int32Array): number {
  return new Set(labels).size;
}

/** Scores one fit. Scores that need two or more clusters are NaN when there are fewer. */
export function scoreFit(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  run: KMeansRun,
  sample: RowSample,
): KScore {
  const clusters = distinct(run.labels);
  const counts = new Map<number, number>();
  for (const l of run.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const sub = sampleLabels(run.labels, sample);
  const ok = clusters >= 2 && clusters < n;
  const subOk = ok && distinct(sub) >= 2 && distinct(sub) < sample.n;
  let silhouette = NaN;
  if (subOk) {
    const s = silhouetteSamples(sample.data, sample.n, d, sub);
    silhouette = s.reduce((a, b) => a + b, 0) / sample.n;
  }
  return {
    k,
    inertia: run.inertia,
    silhouette,
    daviesBouldin: ok ? daviesBouldin(data, n, d, run.labels) : NaN,
    calinskiHarabasz: ok ? calinskiHarabasz(data, n, d, run.labels) : NaN,
    silhouetteRows: sample.n,
    clusters,
    smallestShare: minOf(counts.values()) / n,
    chosen: false,
  };
}

/**
 * The rule that picks k: the highest mean silhouette among the fits whose smallest segment
 * holds at least `minShare` of the rows (a segment too small to act on, often a handful of
 * outliers, can lift the silhouette without being a segment anyone would use); every such k
 * whose silhouette is within `tolerance` of the best counts as a near-tie (differences that
 * small are within sampling noise), and the smallest such k wins, being the simpler
 * segmentation. When no fit passes the size test, every fit is eligible and `relaxed` says so.
 * Returns the index into `table`, or -1 when no silhouette is finite.
 */
export function pickK(
  table: KScore[],
  tolerance: number,
  minShare = 0,
): { at: number; relaxed: boolean } {
  const finite = (row: KScore) => Number.isFinite(row.silhouette);
  const big = (row: KScore) => finite(row) && row.smallestShare >= minShare;
  const relaxed = !table.some(big);
  const eligible = relaxed ? finite : big;
  let best = -Infinity;
  for (const row of table) if (eligible(row)) best = Math.max(best, row.silhouette);
  if (best === -Infinity) return { at: -1, relaxed };
  const at = table.findIndex((row) => eligible(row) && row.silhouette >= best - tolerance);
  return { at, relaxed };
}

/** Silhouette overall and per segment, on the non-noise rows or a seeded sample of them. */
export function segmentSilhouettes(
  data: Float64Array,
  d: number,
  labels: Int32Array,
  segments: number,
  maxRows: number,
  seed: number,
): {
  score: number | null;
  rows: number;
  perSegment: { segment: number; silhouette: number; rows: number }[];
} {
  const kept: number[] = [];
  labels.forEach((l, i) => l >= 0 && kept.push(i));
  let rows = kept;
  if (kept.length > maxRows) {
    const pick = permutation(kept.length, rng(seed)).subarray(0, maxRows);
    rows = Array.from(pick, (p) => kept[p]).sort((a, b) => a - b);
  }
  const m = rows.length;
  const sub = new Float64Array(m * d), lab = new Int32Array(m);
  rows.forEach((i, t) => {
    sub.set(data.subarray(i * d, i * d + d), t * d);
    lab[t] = labels[i];
  });
  const k = new Set(lab).size;
  if (k < 2 || k > m - 1) return { score: null, rows: m, perSegment: [] };
  const s = silhouetteSamples(sub, m, d, lab);
  const sum = new Float64Array(segments), count = new Float64Array(segments);
  let total = 0;
  for (let t = 0; t < m; t++) {
    sum[lab[t]] += s[t];
    count[lab[t]]++;
    total += s[t];
  }
  const perSegment = Array.from(sum, (v, segment) => ({
    segment,
    silhouette: count[segment] > 0 ? v / count[segment] : NaN,
    rows: count[segment],
  }));
  return { score: total / m, rows: m, perSegment };
}
