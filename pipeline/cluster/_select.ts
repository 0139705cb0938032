/**
 * Choosing k for K-Means: fit every k in a range, score each fit, keep the table, pick by rule.
 *
 * @module
 */

import { calinskiHarabasz, daviesBouldin, silhouetteSamples } from "./_metrics.ts";
import type { KMeansRun } from "./_kmeans.ts";
import { maxOf, minOf, permutation, rng } from "../math/mod.ts";

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
  /** Mean ARI between the fit and refits on bootstrap samples; null when not measured. */
  stability: number | null;
  chosen: boolean;
}

/** How k was chosen: the rule's settings and outcome, for the report to explain in a sentence. */
export interface KChoice {
  k: number;
  /** The k that came closest (null when only one k was eligible). */
  runnerUp: number | null;
  /**
   * "silhouette": the chosen k has the highest silhouette; "stability": silhouettes within
   * `tolerance` of the best tied, and the chosen k was the most stable of them.
   */
  criterion: "silhouette" | "stability";
  kMin: number;
  kMax: number;
  minShare: number;
  /** The stability a k needed (lowered below the setting when no k reached it). */
  stabilityBar: number | null;
  tolerance: number;
  /** No k kept every segment above `minShare`: all were considered. */
  relaxedShare: boolean;
  /** No k reached the stability setting: the bar was lowered to the best k's stability − 0.05. */
  relaxedStability: boolean;
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
    stability: null,
    chosen: false,
  };
}

/** Settings of {@link pickK}. */
export interface KRule {
  /** Silhouettes this close to the best count as a tie. */
  tolerance: number;
  /** Share of rows the smallest segment must hold. */
  minShare: number;
  /** Bootstrap ARI a k needs to count as stable. */
  minStability: number;
}

/**
 * The rule that picks k, in three steps:
 * 1. Only fits whose smallest segment holds `minShare` of the rows are considered (a handful of
 *    outliers can lift the silhouette without being a segment anyone would act on).
 * 2. Of those, only the stable ones: segments that come back when the fit is repeated on
 *    bootstrap samples (mean ARI ≥ `minStability`); a segmentation that reshuffles under
 *    resampling is not one to build campaigns on. When none is that stable, the bar drops to the
 *    most stable fit's ARI − 0.05.
 * 3. The highest mean silhouette wins; fits within `tolerance` of it tie (differences that small
 *    are sampling noise), and the most stable of the tied wins (then the smaller k).
 * Each relaxation is reported. Returns the index into `table` (−1 when no silhouette is finite)
 * and the choice, for the report.
 *
 * @example
 * ```ts
 * import { pickK } from "./_select.ts";
 * const row = (k: number, silhouette: number, stability: number) => ({
 *   k, silhouette, stability, smallestShare: 0.1, inertia: 0, daviesBouldin: 0,
 *   calinskiHarabasz: 0, silhouetteRows: 100, clusters: k, chosen: false,
 * });
 * // k = 4 has the best silhouette but reshuffles under resampling; k = 5 ties k = 3 on
 * // silhouette and is more stable.
 * const table = [row(3, 0.30, 0.85), row(4, 0.40, 0.50), row(5, 0.295, 0.95)];
 * const { at, choice } = pickK(table, { tolerance: 0.01, minShare: 0.02, minStability: 0.8 });
 * if (table[at].k !== 5 || choice!.criterion !== "stability" || choice!.runnerUp !== 3) {
 *   throw new Error(JSON.stringify(choice));
 * }
 * ```
 */
export function pickK(
  table: KScore[],
  rule: KRule,
): { at: number; choice: KChoice | null } {
  const finite = table.filter((row) => Number.isFinite(row.silhouette));
  const big = finite.filter((row) => row.smallestShare >= rule.minShare);
  const relaxedShare = big.length === 0;
  const pool = relaxedShare ? finite : big;
  if (pool.length === 0) return { at: -1, choice: null };
  const measured = pool.filter((row) => row.stability !== null);
  let bar: number | null = null, relaxedStability = false;
  if (measured.length > 0) {
    const best = measured.reduce((a, row) => Math.max(a, row.stability!), -Infinity);
    relaxedStability = best < rule.minStability;
    bar = relaxedStability ? best - 0.05 : rule.minStability;
  }
  const eligible = pool.filter((row) => bar === null || (row.stability ?? Infinity) >= bar);
  const bestSil = eligible.reduce((a, row) => Math.max(a, row.silhouette), -Infinity);
  const byRank = (a: KScore, b: KScore) => (b.stability ?? 0) - (a.stability ?? 0) || a.k - b.k;
  const tied = eligible.filter((row) => row.silhouette >= bestSil - rule.tolerance).sort(byRank);
  const winner = tied[0];
  const rest = eligible.filter((row) => row !== winner)
    .sort((a, b) => b.silhouette - a.silhouette || byRank(a, b));
  const ks = table.map((row) => row.k);
  return {
    at: table.indexOf(winner),
    choice: {
      k: winner.k,
      runnerUp: rest[0]?.k ?? null,
      criterion: winner.silhouette === bestSil ? "silhouette" : "stability",
      kMin: minOf(ks),
      kMax: maxOf(ks),
      minShare: rule.minShare,
      stabilityBar: bar,
      tolerance: rule.tolerance,
      relaxedShare,
      relaxedStability,
    },
  };
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
