/**
 * Per-segment drivers: how each segment stands against the rest of the customers and against
 * everyone, feature by feature, in forms a persona can quote ("3.2× the average", "89% vs 55%
 * of all customers"). Numeric features give means and medians; 0/1 flags and the levels of
 * categorical features give shares.
 *
 * Every row carries one effect size on one scale, so a strong categorical level can outrank a
 * weak numeric difference: for numbers the rank-based d = √2·Φ⁻¹(A), where A is the probability
 * that a member of the segment has the higher value (Vargha and Delaney's A, the Mann–Whitney U
 * over n₁n₂) — robust to skew and outliers, and equal to Cohen's d for normal data; for shares
 * Cohen's h = 2·asin√p₁ − 2·asin√p₂, which Cohen put on the same conventions (0.2 small, 0.5
 * medium, 0.8 large).
 *
 * @module
 */

import { normalQuantile } from "../math/mod.ts";
import type { Matrix } from "../types.ts";

/** One segment × feature comparison; null where the figure is undefined (see each field). */
export interface DriverRow {
  segment: number;
  feature: string;
  /** Customers of the segment / of the rest with a value for this feature (NaN ignored). */
  nIn: number;
  nOut: number;
  meanIn: number | null;
  meanOut: number | null;
  meanAll: number | null;
  /** Sample standard deviation (n − 1) over all customers with a value. */
  sdAll: number | null;
  /** Cohen's d of segment against rest: mean difference over the pooled sample sd. */
  effectSize: number | null;
  /** (meanIn − meanAll) / sdAll. */
  z: number | null;
  /** meanIn / meanAll; null when meanAll is 0. */
  lift: number | null;
  /**
   * "numeric" (means and medians), "share" (a 0/1 flag), "level" (a categorical level).
   * @default "numeric"
   */
  kind?: "numeric" | "share" | "level";
  /** The categorical column and level of a "level" row (its feature is "column=level"). */
  column?: string;
  level?: string;
  /** Medians of the segment and of everyone (numeric rows). */
  medianIn?: number | null;
  medianAll?: number | null;
  /**
   * The comparable effect of segment against rest: rank-based d, or Cohen's h for shares.
   * @default effectSize
   */
  effect?: number | null;
}

/** Cohen's h between two shares. */
export const cohenH = (p1: number, p2: number) =>
  2 * Math.asin(Math.sqrt(Math.min(1, Math.max(0, p1)))) -
  2 * Math.asin(Math.sqrt(Math.min(1, Math.max(0, p2))));

/** √2·Φ⁻¹(A), A kept off 0 and 1 so a complete separation stays finite (|d| ≤ 6.7). */
const rankD = (a: number) => Math.SQRT2 * normalQuantile(Math.min(1 - 1e-6, Math.max(1e-6, a)));

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Compares every segment with the rest and with everyone, feature by feature, on raw
 * (unscaled) values where NaN means missing. Rows labelled -1 (noise) count among "everyone"
 * and "the rest" but get no rows of their own.
 *
 * @param names Feature names, one per column; @default values.columns, else x1, x2…
 * @example
 * ```ts
 * import { segmentDrivers } from "./_drivers.ts";
 * import { fromRows } from "../types.ts";
 * const rows = segmentDrivers(fromRows([[1], [3], [4], [8]]), [0, 0, 1, 1], ["orders"]);
 * if (rows[1].lift !== 1.5) throw new Error("segment 1 orders 6 against an average of 4");
 * ```
 */
export function segmentDrivers(
  values: Matrix,
  labels: ArrayLike<number>,
  names?: string[],
): DriverRow[] {
  const { rows: n, cols: d, data } = values;
  if (labels.length !== n) {
    throw new TypeError(`segmentDrivers got ${labels.length} labels for ${n} rows of values`);
  }
  const cols = names ?? values.columns ?? Array.from({ length: d }, (_, j) => `x${j + 1}`);
  if (cols.length !== d) {
    throw new TypeError(`segmentDrivers got ${cols.length} names for ${d} columns`);
  }
  const segments = [...new Set(Array.from(labels).filter((l) => l !== -1))].sort((a, b) => a - b);
  const index = new Map(segments.map((s, i) => [s, i]));
  const out: DriverRow[] = [];
  const cnt = new Float64Array(segments.length);
  const s1 = new Float64Array(segments.length), s2 = new Float64Array(segments.length);
  for (let j = 0; j < d; j++) {
    let nAll = 0, sum = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j];
      if (v === v) {
        nAll++;
        sum += v;
      }
    }
    const meanAll = nAll > 0 ? sum / nAll : NaN;
    // Sums of deviations from the overall mean keep the variances free of cancellation.
    cnt.fill(0), s1.fill(0), s2.fill(0);
    let t1 = 0, t2 = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j];
      if (v !== v) continue;
      const dev = v - meanAll;
      t1 += dev;
      t2 += dev * dev;
      const g = index.get(labels[i]);
      if (g === undefined) continue;
      cnt[g]++;
      s1[g] += dev;
      s2[g] += dev * dev;
    }
    const sdAll = nAll > 1 ? Math.sqrt((t2 - (t1 * t1) / nAll) / (nAll - 1)) : NaN;
    const ranks = rankStats(data, n, d, j, labels, index, segments.length);
    for (let g = 0; g < segments.length; g++) {
      const nIn = cnt[g], nOut = nAll - nIn;
      const meanIn = meanAll + s1[g] / nIn;
      const meanOut = meanAll + (t1 - s1[g]) / nOut;
      const ssIn = s2[g] - (s1[g] * s1[g]) / nIn;
      const ssOut = t2 - s2[g] - ((t1 - s1[g]) ** 2) / nOut;
      const pooled = Math.sqrt((Math.max(ssIn, 0) + Math.max(ssOut, 0)) / (nAll - 2));
      const meanInOk = nIn > 0 ? meanIn : NaN;
      out.push({
        segment: segments[g],
        feature: cols[j],
        nIn,
        nOut,
        meanIn: orNull(meanInOk),
        meanOut: orNull(nOut > 0 ? meanOut : NaN),
        meanAll: orNull(meanAll),
        sdAll: orNull(sdAll),
        effectSize: orNull(
          nIn > 0 && nOut > 0 && nAll > 2 && pooled > 0 ? (meanIn - meanOut) / pooled : NaN,
        ),
        z: orNull(sdAll > 0 ? (meanInOk - meanAll) / sdAll : NaN),
        lift: orNull(meanAll !== 0 ? meanInOk / meanAll : NaN),
        kind: ranks.binary ? "share" : "numeric",
        ...(ranks.binary ? {} : {
          medianIn: orNull(ranks.medians[g]),
          medianAll: orNull(ranks.medianAll),
        }),
        effect: orNull(
          nIn > 0 && nOut > 0 ? ranks.binary ? cohenH(meanIn, meanOut) : rankD(ranks.a[g]) : NaN,
        ),
      });
    }
  }
  return out;
}

/**
 * For one column: whether it only holds 0 and 1, each segment's A (probability that a member's
 * value beats a non-member's, ties counting half, from mid-ranks) and median, and the overall
 * median. Sorting uses typed arrays (native sort, then binary search for each value's rank):
 * a comparator sort of a million indices would be ten times slower.
 */
function rankStats(
  data: Float64Array,
  n: number,
  d: number,
  j: number,
  labels: ArrayLike<number>,
  index: ReadonlyMap<number, number>,
  k: number,
): { binary: boolean; a: Float64Array; medians: Float64Array; medianAll: number } {
  let m = 0;
  for (let i = 0; i < n; i++) if (data[i * d + j] === data[i * d + j]) m++;
  const sorted = new Float64Array(m);
  let t = 0, binary = true;
  for (let i = 0; i < n; i++) {
    const v = data[i * d + j];
    if (v !== v) continue;
    sorted[t++] = v;
    if (v !== 0 && v !== 1) binary = false;
  }
  sorted.sort();
  const a = new Float64Array(k), medians = new Float64Array(k).fill(NaN);
  const medianAll = m > 0 ? (sorted[(m - 1) >> 1] + sorted[m >> 1]) / 2 : NaN;
  if (binary || m === 0) return { binary, a, medians, medianAll };
  const rankSum = new Float64Array(k), count = new Float64Array(k);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const v = data[i * d + j];
    if (v !== v) continue;
    const g = index.get(labels[i]);
    if (g === undefined) continue;
    // Mid-rank (1-based) of v among all values: the mean of its first and last positions.
    const lo = lowerBound(sorted, v), hi = lowerBound(sorted, v, true);
    rankSum[g] += (lo + hi + 1) / 2;
    count[g]++;
    members[g].push(v);
  }
  for (let g = 0; g < k; g++) {
    const n1 = count[g], n2 = m - n1;
    a[g] = n1 > 0 && n2 > 0 ? (rankSum[g] - (n1 * (n1 + 1)) / 2) / (n1 * n2) : NaN;
    if (n1 > 0) {
      const own = Float64Array.from(members[g]).sort();
      medians[g] = (own[(n1 - 1) >> 1] + own[n1 >> 1]) / 2;
    }
  }
  return { binary, a, medians, medianAll };
}

/** The first position whose value is ≥ v (> v with `after`). */
function lowerBound(sorted: Float64Array, v: number, after = false): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after ? sorted[mid] <= v : sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One categorical column's values, one per customer (null when unknown). */
export interface LevelColumn {
  name: string;
  values: ArrayLike<string | null>;
}

/**
 * Segment against rest and everyone for each level of each categorical column: the share of
 * the segment's customers at that level vs the share of all customers (customers with no value
 * left out of both). A row's feature is "column=level", as the matrix names one-hot columns.
 *
 * @example
 * ```ts
 * import { segmentLevels } from "./_drivers.ts";
 * const rows = segmentLevels(
 *   [{ name: "contract", values: ["month", "month", "month", "year", "year", "month"] }],
 *   [0, 0, 0, 1, 1, 1],
 * );
 * const month0 = rows.find((r) => r.segment === 0 && r.level === "month")!;
 * // All of segment 0 against 1 in 3 of the rest: h = 2·asin(1) − 2·asin(√(1/3)).
 * if (month0.meanIn !== 1 || Math.abs(month0.meanAll! - 4 / 6) > 1e-12) throw new Error();
 * if (Math.abs(month0.effect! - (Math.PI - 2 * Math.asin(Math.sqrt(1 / 3)))) > 1e-12) {
 *   throw new Error(String(month0.effect));
 * }
 * ```
 */
export function segmentLevels(columns: LevelColumn[], labels: ArrayLike<number>): DriverRow[] {
  const segments = [...new Set(Array.from(labels).filter((l) => l !== -1))].sort((a, b) => a - b);
  const out: DriverRow[] = [];
  for (const col of columns) {
    if (col.values.length !== labels.length) {
      throw new TypeError(
        `segmentLevels got ${col.values.length} values of '${col.name}' for ${labels.length} labels`,
      );
    }
    const all = new Map<string, number>(), bySeg = new Map<number, Map<string, number>>();
    const known = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = col.values[i];
      if (v === null || v === undefined) continue;
      total++;
      all.set(v, (all.get(v) ?? 0) + 1);
      const l = labels[i];
      if (l === -1) continue;
      known.set(l, (known.get(l) ?? 0) + 1);
      const m = bySeg.get(l) ?? new Map<string, number>();
      m.set(v, (m.get(v) ?? 0) + 1);
      bySeg.set(l, m);
    }
    const levels = [...all.keys()].sort();
    for (const level of levels) {
      const pAll = all.get(level)! / total;
      for (const s of segments) {
        const nIn = known.get(s) ?? 0, nOut = total - nIn;
        const cIn = bySeg.get(s)?.get(level) ?? 0;
        const pIn = nIn > 0 ? cIn / nIn : NaN;
        const pOut = nOut > 0 ? (all.get(level)! - cIn) / nOut : NaN;
        const sd = Math.sqrt(pAll * (1 - pAll));
        out.push({
          segment: s,
          feature: `${col.name}=${level}`,
          column: col.name,
          level,
          kind: "level",
          nIn,
          nOut,
          meanIn: orNull(pIn),
          meanOut: orNull(pOut),
          meanAll: orNull(pAll),
          sdAll: orNull(sd),
          effectSize: orNull(nIn > 0 && nOut > 0 ? cohenH(pIn, pOut) : NaN),
          z: orNull(sd > 0 ? (pIn - pAll) / sd : NaN),
          lift: orNull(pAll > 0 ? pIn / pAll : NaN),
          effect: orNull(nIn > 0 && nOut > 0 ? cohenH(pIn, pOut) : NaN),
        });
      }
    }
  }
  return out;
}
