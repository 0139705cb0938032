/**
 * Experiment statistics by segment: for a randomised test with a control arm, the effect of
 * every other arm on each outcome, overall and within each segment, with intervals, p-values
 * adjusted across segments, a test of whether the effect differs between segments, and which
 * arm to send each segment.
 *
 * Outcomes holding only 0 and 1 are rates: the difference of proportions with Newcombe's hybrid
 * score interval and a pooled two-proportion z-test. Other outcomes are amounts: the difference
 * of means with Welch's t interval and test. Missing outcome values are left out of that
 * outcome's figures. The p-values of each outcome's per-segment comparisons (every arm and
 * segment) form one family for the Holm or Benjamini–Hochberg adjustment.
 *
 * @module
 */

import pl from "nodejs-polars";
import { didYouMean, InputError } from "../errors.ts";
import {
  benjaminiHochberg,
  cochranQ,
  type Effect,
  type GroupStats,
  holm,
  meanDifference,
  rateDifference,
} from "./_effects.ts";
import { recommend } from "./_recommend.ts";

/** Settings of {@link upliftBySegment}. */
export interface UpliftOptions {
  /** Column naming each customer's arm (treatment group). @default "arm" */
  arm?: string;
  /** The arm every other arm is compared with; must occur in the arm column. */
  control: string;
  /** Outcome columns: numbers or booleans; columns of only 0 and 1 are rates. */
  outcomes: string[];
  /** Column of segment numbers. @default "segment" */
  segment?: string;
  /** Confidence level of the intervals. @default 0.95 */
  confidence?: number;
  /**
   * Adjustment of the per-segment p-values: Holm (family-wise) or Benjamini–Hochberg (FDR).
   * @default "holm"
   */
  adjust?: "holm" | "bh";
  /** Outcomes where a decrease is the good direction (churn, returns). @default [] */
  lowerIsBetter?: string[];
}

const DEFAULTS = {
  arm: "arm",
  segment: "segment",
  confidence: 0.95,
  adjust: "holm" as "holm" | "bh",
  lowerIsBetter: [] as string[],
};

/** Which interval and test produced a row. */
export type EffectMethod = "newcombe-wilson" | "welch";

/** One arm against control on one outcome. Differences are treatment − control. */
export interface ArmComparison {
  arm: string;
  outcome: string;
  control: string;
  n: number;
  nControl: number;
  /** The arm's rate (0–1) or mean. */
  mean: number;
  meanControl: number;
  /** In the outcome's own unit: a rate difference as a fraction (0.0766), spend in currency. */
  difference: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** difference / meanControl; null when the control mean is 0. */
  relativeLift: number | null;
  pValue: number | null;
  method: EffectMethod;
}

/** A comparison within one segment, with its p-value adjusted across segments and arms. */
export interface SegmentComparison extends ArmComparison {
  segment: number;
  pAdjusted: number | null;
}

/** Cochran's Q test of whether an arm's effect on an outcome differs between segments. */
export interface Heterogeneity {
  arm: string;
  outcome: string;
  q: number | null;
  df: number;
  pValue: number | null;
  /** Share of the between-segment variation beyond chance, in [0, 1]. */
  i2: number | null;
}

/** Which arm to send a segment for one outcome; null when no arm clearly wins. */
export interface Recommendation {
  segment: number;
  outcome: string;
  arm: string | null;
  reason: string;
}

/** Everything {@link upliftBySegment} returns; plain JSON. */
export interface UpliftResult {
  overall: ArmComparison[];
  bySegment: SegmentComparison[];
  heterogeneity: Heterogeneity[];
  recommendations: Recommendation[];
  /** Comparisons that could not be made in full, deduplicated. */
  warnings: string[];
}

const isNumeric = (t: pl.DataType) =>
  /^DataType\((U?Int\d+|Float\d+|Bool(ean)?)\)$/.test(String(t));

function validate(data: pl.DataFrame, options: UpliftOptions) {
  const o = { ...DEFAULTS, ...options };
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw new RangeError(
      `The 'confidence' option of uplift must be in (0, 1). Got ${o.confidence}`,
    );
  }
  if (o.adjust !== "holm" && o.adjust !== "bh") {
    throw new RangeError(`The 'adjust' option of uplift must be "holm" or "bh". Got "${o.adjust}"`);
  }
  if (!Array.isArray(o.outcomes) || o.outcomes.length === 0) {
    throw new RangeError("The 'outcomes' option of uplift must name at least one column");
  }
  for (const c of [o.arm, o.segment, ...o.outcomes]) {
    if (!data.columns.includes(c)) {
      const what = c === o.arm ? "arm column" : c === o.segment ? "segment column" : "outcome";
      throw new InputError(
        `The experiment data have no ${what} '${c}'${didYouMean(c, data.columns)}`,
        { column: c },
      );
    }
  }
  for (const c of [o.segment, ...o.outcomes]) {
    const t = data.getColumn(c).dtype;
    if (!isNumeric(t)) {
      const what = c === o.segment ? "Segment column" : "Outcome column";
      throw new InputError(
        `${what} '${c}' must hold numbers. Got ${String(t).slice(9, -1)} (first value ${
          JSON.stringify(data.getColumn(c).get(0))
        })`,
        { column: c },
      );
    }
  }
  for (const c of [o.arm, o.segment]) {
    const nulls = data.getColumn(c).nullCount();
    if (nulls > 0) {
      throw new InputError(`${nulls} rows have no value in column '${c}'`, { column: c });
    }
  }
  const arms = (data.getColumn(o.arm).cast(pl.Utf8).unique().toArray() as string[]).sort();
  if (!arms.includes(o.control)) {
    const list = arms.slice(0, 10).map((a) => `'${a}'`).join(", ");
    throw new InputError(
      `Control arm '${o.control}' does not occur in column '${o.arm}' (its arms: ${list})` +
        didYouMean(o.control, arms),
      { column: o.arm },
    );
  }
  if (arms.length < 2) {
    throw new InputError(`Column '${o.arm}' holds only the control arm '${o.control}'`);
  }
  return { o, treatments: arms.filter((a) => a !== o.control) };
}

/** n, mean and variance of every outcome per group of `by`, keyed by the group's values. */
function groupStats(
  lf: pl.LazyDataFrame,
  by: string[],
  outcomes: string[],
): Map<string, GroupStats[]> {
  const aggs = outcomes.flatMap((o, k) => [
    pl.col(o).count().alias(`n${k}`),
    pl.col(o).mean().alias(`m${k}`),
    pl.col(o).var().alias(`v${k}`),
  ]);
  const df = lf.groupBy(by).agg(...aggs).collectSync();
  const out = new Map<string, GroupStats[]>();
  for (const row of df.toRecords()) {
    const key = by.map((c) => String(row[c])).join("\u0000");
    out.set(
      key,
      outcomes.map((_, k) => ({
        n: Number(row[`n${k}`]),
        mean: Number(row[`m${k}`] ?? NaN),
        variance: Number(row[`v${k}`] ?? NaN),
      })),
    );
  }
  return out;
}

/**
 * Effects of each arm against control, overall and per segment, for every outcome.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { upliftBySegment } from "./uplift.ts";
 * const rows = 400;
 * const data = pl.DataFrame({
 *   arm: Array.from({ length: rows }, (_, i) => (i % 2 ? "email" : "none")),
 *   segment: Array.from({ length: rows }, (_, i) => (i < rows / 2 ? 0 : 1)),
 *   // Segment 0: email 50% vs none 10%; segment 1: 20% in both.
 *   visit: Array.from({ length: rows }, (_, i) =>
 *     i < rows / 2 ? (i % 2 ? +(i % 4 === 1) : +(i % 20 === 0)) : +(i % 5 === 0)),
 * });
 * const res = upliftBySegment(data, { control: "none", outcomes: ["visit"] });
 * const rec = res.recommendations.map((r) => r.arm);
 * if (rec[0] !== "email" || rec[1] !== null) throw new Error(`got ${rec}`);
 * if (!(res.heterogeneity[0].pValue! < 0.001)) throw new Error("effects differ by segment");
 * ```
 */
export function upliftBySegment(data: pl.DataFrame, options: UpliftOptions): UpliftResult {
  const { o, treatments } = validate(data, options);
  const lf = data.lazy().select(
    pl.col(o.arm).cast(pl.Utf8).alias("__arm"),
    pl.col(o.segment).cast(pl.Float64).alias("__segment"),
    ...o.outcomes.map((c, k) => pl.col(c).cast(pl.Float64).alias(`o${k}`)),
  );
  const cols = o.outcomes.map((_, k) => `o${k}`);
  const binary = lf.select(
    ...cols.map((c) => pl.col(c).eq(0).or(pl.col(c).eq(1)).or(pl.col(c).isNull()).all().alias(c)),
  ).collectSync().row(0) as boolean[];
  const overallStats = groupStats(lf, ["__arm"], cols);
  const segStats = groupStats(lf, ["__segment", "__arm"], cols);
  const segments = [...new Set([...segStats.keys()].map((k) => Number(k.split("\u0000")[0])))]
    .sort((a, b) => a - b);
  const warnings = new Set<string>();
  const compare = (t: GroupStats, c: GroupStats, k: number): Effect =>
    binary[k] ? rateDifference(t, c, o.confidence) : meanDifference(t, c, o.confidence);

  const row = (arm: string, k: number, stats: Map<string, GroupStats[]>, prefix: string) => {
    const t = stats.get(prefix + arm)?.[k], c = stats.get(prefix + o.control)?.[k];
    const where = prefix ? ` in segment ${prefix.slice(0, -1)}` : "";
    if (!t || !c || t.n === 0 || c.n === 0) {
      warnings.add(`No '${o.outcomes[k]}' values for arm '${t?.n ? o.control : arm}'${where}`);
      return null;
    }
    const e = compare(t, c, k);
    if (e.pValue === null) {
      warnings.add(`Fewer than 2 '${o.outcomes[k]}' values in an arm${where}: no interval`);
    }
    return {
      arm,
      outcome: o.outcomes[k],
      control: o.control,
      n: t.n,
      nControl: c.n,
      mean: t.mean,
      meanControl: c.mean,
      difference: e.difference,
      ciLow: e.ciLow,
      ciHigh: e.ciHigh,
      relativeLift: c.mean !== 0 ? e.difference / c.mean : null,
      pValue: e.pValue,
      method: (binary[k] ? "newcombe-wilson" : "welch") as EffectMethod,
      variance: e.variance,
    };
  };

  const overall: ArmComparison[] = [];
  const bySegment: SegmentComparison[] = [];
  const variances: (number | null)[] = [];
  o.outcomes.forEach((_, k) => {
    for (const arm of treatments) {
      const r = row(arm, k, overallStats, "");
      if (r) {
        const { variance: _v, ...rest } = r;
        overall.push(rest);
      }
    }
  });
  for (const segment of segments) {
    for (const arm of treatments) {
      o.outcomes.forEach((_, k) => {
        const r = row(arm, k, segStats, `${segment}\u0000`);
        if (!r) return;
        const { variance, ...rest } = r;
        bySegment.push({ segment, ...rest, pAdjusted: null });
        variances.push(variance);
      });
    }
  }
  const adjust = o.adjust === "holm" ? holm : benjaminiHochberg;
  for (const outcome of o.outcomes) {
    const idx = bySegment.map((_, i) => i).filter((i) => bySegment[i].outcome === outcome);
    const adjusted = adjust(idx.map((i) => bySegment[i].pValue));
    idx.forEach((i, j) => bySegment[i].pAdjusted = adjusted[j]);
  }
  const heterogeneity: Heterogeneity[] = [];
  for (const outcome of o.outcomes) {
    for (const arm of treatments) {
      const idx = bySegment.map((_, i) => i)
        .filter((i) => bySegment[i].outcome === outcome && bySegment[i].arm === arm);
      const q = cochranQ(idx.map((i) => bySegment[i].difference), idx.map((i) => variances[i]));
      heterogeneity.push({ arm, outcome, ...q });
    }
  }
  const recommendations = recommend(bySegment, {
    segments,
    outcomes: o.outcomes,
    confidence: o.confidence,
    adjust: o.adjust,
    lowerIsBetter: o.lowerIsBetter,
    headToHead: (segment, a, b, outcome) => {
      const k = o.outcomes.indexOf(outcome);
      const sa = segStats.get(`${segment}\u0000${a}`)![k],
        sb = segStats.get(`${segment}\u0000${b}`)![k];
      return compare(sa, sb, k);
    },
  });
  return { overall, bySegment, heterogeneity, recommendations, warnings: [...warnings] };
}
