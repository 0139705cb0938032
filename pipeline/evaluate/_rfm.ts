/**
 * RFM segmentation, the marketer's traditional baseline: recency, frequency and monetary value
 * each scored 1–5 by quintiles, then combined into named segments (or score bands).
 *
 * Scores come from cut points: the 20/40/60/80% quantiles (linear interpolation, numpy's
 * default) of the column over the customers it was fitted on. A value's score is 1 + the number
 * of cut points strictly below it, so equal values always share a score, whatever the row order,
 * and a value equal to a cut point goes to the lower score. Recency is reversed (the most recent
 * customers score 5). Heavy ties (say, most customers bought once) leave some scores empty; the
 * fit reports which. A missing value scores 1: no recorded purchase counts as the least recent,
 * least frequent, lowest value. When a score is a sum of columns, missing parts count as 0.
 *
 * Named segments ("named" scheme) read R against FM = the mean of F and M rounded half up:
 *
 * | R \ FM | 1 | 2 | 3 | 4 | 5 |
 * |---|---|---|---|---|---|
 * | 4–5 | New customers | Potential loyalists | Potential loyalists | Champions | Champions |
 * | 3 | Need attention | Need attention | Need attention | Loyal | Loyal |
 * | 1–2 | Hibernating | Hibernating | At risk | At risk | At risk |
 *
 * The "score" scheme (for data without a recency, e.g. a subscription base where every customer
 * was billed last month) bands the mean of the available scores into five equal-width bands of
 * [1, 5]: "RFM score 1" (lowest) to "RFM score 5" ("FM score …" without recency).
 *
 * @module
 */

import pl from "nodejs-polars";
import { quantileSorted } from "./_stats.ts";
import type { RfmColumns } from "./options.ts";

export type { RfmColumns };

/** The cut points of one score. */
export interface RfmScoreModel {
  columns: string[];
  /** The 20/40/60/80% quantiles. */
  cuts: [number, number, number, number];
  /** Scores no fitted customer received (heavy ties). */
  emptyScores: number[];
}

/** A fitted RFM model: plain JSON, no customer rows. */
export interface RfmModel {
  kind: "personae.rfm";
  version: 1;
  scheme: "named" | "score";
  recency: RfmScoreModel | null;
  frequency: RfmScoreModel;
  monetary: RfmScoreModel;
}

/** RFM scores and segment per customer, in the row order of the frame. */
export interface RfmScores {
  /** 1–5, or null without a recency column. */
  r: Int8Array | null;
  f: Int8Array;
  m: Int8Array;
  segment: string[];
  /** Customers whose R, F or M value was missing (scored 1). */
  missing: { recency: number; frequency: number; monetary: number };
}

/** Named segments in display order, best first. */
export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalists",
  "New customers",
  "Need attention",
  "At risk",
  "Hibernating",
] as const;

const asList = (c: string | string[]) => (Array.isArray(c) ? [...c] : [c]);

/** Sum of the columns per row; missing parts count as 0, all parts missing gives NaN. */
function summed(df: pl.DataFrame, columns: string[]): Float64Array {
  const out = new Float64Array(df.height).fill(NaN);
  for (const c of columns) {
    const v = df.getColumn(c).cast(pl.Float64).toArray() as (number | null)[];
    for (let i = 0; i < out.length; i++) {
      const x = v[i];
      if (x === null || !Number.isFinite(x)) continue;
      out[i] = Number.isNaN(out[i]) ? x : out[i] + x;
    }
  }
  return out;
}

function fitScore(df: pl.DataFrame, columns: string[], reversed: boolean): RfmScoreModel {
  const values = summed(df, columns).filter((v) => !Number.isNaN(v)).sort();
  const cuts = [1, 2, 3, 4].map((j) => quantileSorted(values, j, 5)) as RfmScoreModel["cuts"];
  const used = new Set<number>();
  for (const v of values) used.add(scoreOf(v, cuts, reversed));
  return { columns, cuts, emptyScores: [1, 2, 3, 4, 5].filter((s) => !used.has(s)) };
}

function scoreOf(v: number, cuts: readonly number[], reversed: boolean): number {
  if (Number.isNaN(v)) return 1;
  let below = 0;
  for (const c of cuts) if (c < v) below++;
  return reversed ? 5 - below : 1 + below;
}

/**
 * Fits the quintile cut points of R, F and M on a feature table (one row per customer).
 * Throws a TypeError naming a missing column.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { applyRfm, fitRfm } from "./_rfm.ts";
 * const df = pl.DataFrame({ days: [1, 50, 90], orders: [9, 2, 1], spend: [500, 80, 10] });
 * const model = fitRfm(df, { recency: "days", frequency: "orders", monetary: "spend" });
 * const { segment } = applyRfm(model, df);
 * if (segment[0] !== "Champions" || segment[2] !== "Hibernating") throw new Error(segment.join());
 * ```
 */
export function fitRfm(features: pl.DataFrame, columns: RfmColumns): RfmModel {
  const scheme = columns.scheme ?? "named";
  const recency = columns.recency ?? null;
  for (const c of [...(recency ? [recency] : []), ...rfmColumnList(columns)]) {
    if (!features.columns.includes(c)) {
      throw new TypeError(`Column '${c}' of the RFM columns is missing from the features`);
    }
  }
  if (scheme === "named" && recency === null) {
    throw new TypeError(
      'The "named" RFM scheme needs a recency column: set \'recency\' or use scheme "score"',
    );
  }
  return {
    kind: "personae.rfm",
    version: 1,
    scheme,
    recency: recency === null ? null : fitScore(features, [recency], true),
    frequency: fitScore(features, asList(columns.frequency), false),
    monetary: fitScore(features, asList(columns.monetary), false),
  };
}

/** Every column the frequency and monetary scores read. */
export function rfmColumnList(columns: RfmColumns): string[] {
  return [...asList(columns.frequency), ...asList(columns.monetary)];
}

function scores(df: pl.DataFrame, s: RfmScoreModel, reversed: boolean) {
  const v = summed(df, s.columns);
  let missing = 0;
  const out = Int8Array.from(v, (x) => {
    if (Number.isNaN(x)) missing++;
    return scoreOf(x, s.cuts, reversed);
  });
  return { out, missing };
}

/** Scores customers with a fitted model and names their segment. */
export function applyRfm(model: RfmModel, features: pl.DataFrame): RfmScores {
  const r = model.recency ? scores(features, model.recency, true) : null;
  const f = scores(features, model.frequency, false);
  const m = scores(features, model.monetary, false);
  const segment = Array.from(f.out, (fi, i) => {
    const mi = m.out[i];
    return model.scheme === "named"
      ? namedSegment(r!.out[i], Math.floor((fi + mi + 1) / 2))
      : scoreBand(r === null ? [fi, mi] : [r.out[i], fi, mi]);
  });
  return {
    r: r?.out ?? null,
    f: f.out,
    m: m.out,
    segment,
    missing: { recency: r?.missing ?? 0, frequency: f.missing, monetary: m.missing },
  };
}

/** The named segment of a recency score and an FM score (see the module table). */
export function namedSegment(r: number, fm: number): string {
  if (r >= 4) return fm >= 4 ? "Champions" : fm >= 2 ? "Potential loyalists" : "New customers";
  if (r === 3) return fm >= 4 ? "Loyal" : "Need attention";
  return fm >= 3 ? "At risk" : "Hibernating";
}

/**
 * The band of the mean score: [1, 5] cut into five bands of width 0.8, computed on the integer
 * sum so no rounding decides a band. Symmetric: band 1 and band 5 hold as many sums.
 */
export function scoreBand(s: number[]): string {
  const c = s.length, sum = s.reduce((a, b) => a + b, 0);
  const band = Math.min(5, 1 + Math.floor((5 * (sum - c)) / (4 * c)));
  return `${c === 3 ? "RFM" : "FM"} score ${band}`;
}

/** Display order of the segment names a model can produce, best first. */
export function rfmSegmentOrder(model: RfmModel): string[] {
  if (model.scheme === "named") return [...RFM_SEGMENTS];
  const prefix = model.recency ? "RFM" : "FM";
  return [5, 4, 3, 2, 1].map((b) => `${prefix} score ${b}`);
}

/**
 * RFM cut into `k` segments: customers ranked by the sum of their R, F and M scores (F and M
 * without a recency column) and split at the k-quantiles of that sum; customers with the same
 * sum share a band, so bands can differ in size. Band 1 holds the lowest sums.
 *
 * @example
 * ```ts
 * import { rfmBands } from "./_rfm.ts";
 * const bands = rfmBands({ r: [1, 5, 3, 5], f: [1, 5, 3, 4], m: [1, 5, 3, 5] }, 2);
 * if (bands.join() !== "band 1,band 2,band 1,band 2") throw new Error(bands.join());
 * ```
 */
export function rfmBands(
  scores: { r: ArrayLike<number> | null; f: ArrayLike<number>; m: ArrayLike<number> },
  k: number,
): string[] {
  const n = scores.f.length;
  const sum = Float64Array.from(
    { length: n },
    (_, i) => (scores.r ? scores.r[i] : 0) + scores.f[i] + scores.m[i],
  );
  const sorted = Float64Array.from(sum).sort();
  const cuts = Array.from({ length: k - 1 }, (_, j) => quantileSorted(sorted, j + 1, k));
  return Array.from(sum, (v) => `band ${1 + cuts.filter((c) => v > c).length}`);
}
