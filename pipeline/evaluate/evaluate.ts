/**
 * Evaluate stage: external validity of the segments against an outcome the segmentation never
 * saw (campaign response, churn, subscription). Per segment the outcome rate with a Wilson
 * interval; the association of segment and outcome (Pearson's chi-square, Cramér's V); and the
 * same for two baselines, RFM quintile segments and K-Means on the raw unscaled features, so
 * the comparison table answers: do Personae's segments separate the outcome better?
 *
 * Only customers with a known outcome are counted. Noise (segment -1) is a row of its own in
 * the rate table and a group of its own in the chi-square test.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureMeta, StageResult } from "../types.ts";
import { didYouMean, InputError } from "../errors.ts";
import { wilson } from "./_stats.ts";
import { normalQuantile } from "../math/mod.ts";
import {
  associationOf,
  bootstrapVDifferences,
  type OutcomeRate,
  rateRows,
  type Segmentation,
  segmentationOf,
} from "./_tables.ts";
import {
  collector,
  featureRows,
  rawKMeansBaseline,
  rfmBaseline,
  TRANSACTION_RFM,
} from "./_baselines.ts";
import {
  EVALUATE_DEFAULTS,
  type EvaluateOptions,
  type EvaluateOptionsInput,
  resolveEvaluateOptions,
} from "./options.ts";
import { type MethodComparison, verdictText } from "./_verdict.ts";
import { rfmBands, type RfmModel, rfmSegmentOrder } from "./_rfm.ts";

export { EVALUATE_DEFAULTS, type EvaluateOptions, type MethodComparison, type OutcomeRate };
export { chiSquareTest, wilson } from "./_stats.ts";
export { chiSquareSf, normalQuantile } from "../math/mod.ts";
export type { Association, Interval } from "./_stats.ts";
export {
  applyRfm,
  fitRfm,
  RFM_SEGMENTS,
  type RfmColumns,
  type RfmModel,
  type RfmScores,
} from "./_rfm.ts";
export { TRANSACTION_RFM };

/** What the evaluate stage reads. */
export interface EvaluateInputs {
  /** Segment per customer: the cluster stage's assignments frame, or the same as arrays. */
  assignments: pl.DataFrame | { customer_id: ArrayLike<string>; segment: ArrayLike<number> };
  /** customer_id plus outcome columns (ingest's `outcomes`). */
  outcomes: pl.DataFrame;
  /** customer_id plus feature columns (the features stage's table); needed by the baselines. */
  features?: pl.DataFrame;
  /** The features' metadata; raw K-Means reads the numeric ones. */
  featureMeta?: FeatureMeta[];
  /**
   * The feature columns the segmentation was built from (e.g. the matrix model's step columns),
   * so raw K-Means clusters the same features, unscaled. @default every numeric feature
   */
  segmentationFeatures?: string[];
}

/** What the evaluate stage returns. */
export interface EvaluateOutputs {
  outcome: string;
  /** The outcome value counted as the event. */
  positive: string | number | boolean;
  /** The rate over every customer with a known outcome, with its Wilson interval. */
  overall: { n: number; events: number; rate: number; low: number; high: number };
  /**
   * Rate per segment of every segmentation (Personae first): the rows of the evaluation
   * table, and the input of `outcomeRateChart` (with `overall: overall.rate`).
   */
  rates: OutcomeRate[];
  /** One row per segmentation: chi-square, dof, p, Cramér's V (Personae first). */
  comparison: MethodComparison[];
  /** The fitted RFM cut points, when the RFM baseline ran. */
  rfm: RfmModel | null;
  /**
   * Per segmented customer: customer_id, segment, event (1, 0 or null), and when computed
   * rfm_r, rfm_f, rfm_m, rfm_segment, raw_kmeans_segment.
   */
  labels: pl.DataFrame;
  /** A few plain sentences answering: do the segments separate the outcome, better than RFM? */
  verdict: string;
}

const STAGE = "evaluate";
const YES = /^(yes|true|y|1)$/i;
const NO = /^(no|false|n|0)$/i;

const isFrame = (a: unknown): a is pl.DataFrame =>
  typeof a === "object" && a !== null && typeof (a as pl.DataFrame).getColumn === "function";

function readAssignments(a: EvaluateInputs["assignments"]): { ids: string[]; seg: Int32Array } {
  let ids: string[], raw: number[];
  if (isFrame(a)) {
    for (const c of ["customer_id", "segment"]) {
      if (!a.columns.includes(c)) {
        throw new TypeError(`The assignments given to evaluate have no '${c}' column`);
      }
    }
    ids = a.getColumn("customer_id").cast(pl.Utf8).toArray() as string[];
    // A CSV artifact read back holds text: "0", "-1".
    try {
      raw = a.getColumn("segment").cast(pl.Float64, true).toArray() as number[];
    } catch {
      throw new TypeError("The 'segment' column of the assignments must hold integers");
    }
  } else {
    ids = Array.from(a.customer_id, String);
    raw = Array.from(a.segment);
  }
  if (raw.length !== ids.length) {
    throw new TypeError(
      `The assignments given to evaluate have ${ids.length} customer ids and ${raw.length} segments`,
    );
  }
  const bad = raw.findIndex((s) => !Number.isInteger(s) || s < -1);
  if (bad >= 0) {
    throw new TypeError(
      `Segment ${bad + 1} of the assignments must be an integer ≥ -1. Got ${raw[bad]} instead`,
    );
  }
  if (new Set(ids).size !== ids.length) {
    throw new TypeError("The assignments given to evaluate repeat a customer id");
  }
  return { ids, seg: Int32Array.from(raw) };
}

type Value = string | number | boolean | null;
const known = (v: Value) => v !== null && v !== undefined && !(typeof v === "number" && isNaN(v));

/** The event per segmented customer (1, 0, or -1 when unknown) and the positive value. */
function readOutcome(outcomes: pl.DataFrame, ids: string[], o: EvaluateOptions) {
  for (const c of ["customer_id", o.outcome]) {
    if (!outcomes.columns.includes(c)) {
      throw new TypeError(
        `Column '${c}' is missing from the outcomes given to evaluate${
          didYouMean(c, outcomes.columns)
        }`,
      );
    }
  }
  const oid = outcomes.getColumn("customer_id").cast(pl.Utf8).toArray() as string[];
  const values = outcomes.getColumn(o.outcome).toArray() as Value[];
  const byId = new Map<string, Value>();
  oid.forEach((id, i) => {
    if (byId.has(id)) throw new TypeError(`The outcomes repeat customer id '${id}'`);
    byId.set(id, values[i]);
  });
  const levels = [...new Set(values.filter(known).map(String))].sort();
  const shown = levels.slice(0, 10).map((l) => `"${l}"`).join(", ");
  let positive: string | number | boolean;
  if (o.positive !== undefined) {
    if (!levels.includes(String(o.positive))) {
      throw new RangeError(
        `The 'positive' option of evaluate is ${JSON.stringify(o.positive)}, which the outcome ` +
          `'${o.outcome}' never takes; its values are ${shown}`,
      );
    }
    positive = o.positive;
  } else {
    const yes = levels.filter((l) => YES.test(l)), no = levels.filter((l) => NO.test(l));
    if (yes.length !== 1 || yes.length + no.length !== levels.length || no.length > 1) {
      throw new RangeError(
        `Cannot tell which value of the outcome '${o.outcome}' is the event: its values are ` +
          `${shown}. Set the 'positive' option of evaluate`,
      );
    }
    const sample = values.find((v) => known(v) && String(v) === yes[0])!;
    positive = sample;
  }
  const key = String(positive);
  const event = Int8Array.from(ids, (id) => {
    const v = byId.get(id);
    return v === undefined || !known(v) ? -1 : String(v) === key ? 1 : 0;
  });
  return { event, positive };
}

const personaeLabel = (s: number | string) => (Number(s) < 0 ? "Noise" : `Segment ${s}`);

/**
 * Checks that the outcome exists in the outcomes table and that its event is known (the
 * `positive` option, or a yes/no-like pair of values), as soon as ingest has read the outcomes:
 * a run stops with one clear message instead of failing after clustering.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { checkOutcome } from "./evaluate.ts";
 * const outcomes = pl.DataFrame({ customer_id: ["a", "b", "c"], plan: ["gold", "silver", "none"] });
 * checkOutcome(outcomes, { outcome: "plan", positive: "gold" });
 * let said = "";
 * try {
 *   checkOutcome(outcomes, { outcome: "plan" });
 * } catch (e) {
 *   said = (e as Error).message;
 * }
 * if (!said.includes("Set the 'positive' option")) throw new Error(said);
 * ```
 */
export function checkOutcome(outcomes: pl.DataFrame, options: EvaluateOptionsInput): void {
  const o = resolveEvaluateOptions(options);
  try {
    readOutcome(outcomes, [], o);
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new InputError(e.message);
    throw e;
  }
}

/**
 * Evaluates segments against an outcome they were not built from, beside the RFM and raw
 * K-Means baselines. Deterministic for a given seed.
 *
 * @param inputs See {@link EvaluateInputs}.
 * @param options See {@link EvaluateOptions} (one rule each in ./options.ts); defaults in
 *   {@link EVALUATE_DEFAULTS}.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { evaluateStage } from "./evaluate.ts";
 * const outcomes = pl.DataFrame({ customer_id: ["a", "b", "c", "d"], y: ["yes", "yes", "no", "no"] });
 * const assignments = { customer_id: ["a", "b", "c", "d"], segment: [0, 0, 1, 1] };
 * const { outputs } = evaluateStage({ assignments, outcomes }, { outcome: "y", rfm: false, rawKMeans: false });
 * if (outputs.comparison[0].cramersV !== 1) throw new Error("perfect separation has V = 1");
 * ```
 */
export function evaluateStage(
  inputs: EvaluateInputs,
  options: EvaluateOptionsInput,
): StageResult<EvaluateOutputs> {
  const o = resolveEvaluateOptions(options);
  const { warnings, warn } = collector(STAGE);
  const { ids, seg } = readAssignments(inputs.assignments);
  const { event, positive } = readOutcome(inputs.outcomes, ids, o);
  const unknown = event.reduce((a, e) => a + (e < 0 ? 1 : 0), 0);
  if (unknown > 0) {
    warn(`Segmented customers without a known '${o.outcome}' are left out of every rate`, unknown);
  }
  if (unknown === ids.length) {
    throw new RangeError(`No segmented customer has a known '${o.outcome}' value`);
  }
  const order = [...new Set(seg)].sort((a, b) => (a < 0 ? Infinity : a) - (b < 0 ? Infinity : b));
  const segs: Segmentation[] = [segmentationOf("Personae", seg, order, personaeLabel)];
  const columns: Record<string, pl.Series> = {
    customer_id: pl.Series("customer_id", ids),
    segment: pl.Series("segment", seg, pl.Int32),
    // Built untyped then cast: a typed constructor would turn the nulls into 0.
    event: pl.Series("event", Array.from(event, (e) => (e < 0 ? null : e))).cast(pl.Int32),
  };
  const skipped: string[] = [];
  let rfm: RfmModel | null = null;
  const wantBaseline = o.rfm !== false || o.rawKMeans;
  if (wantBaseline && (inputs.features === undefined || inputs.featureMeta === undefined)) {
    const msg = "Baselines skipped: evaluate was given no features and feature metadata";
    warn(msg);
    skipped.push(`${msg}.`);
  } else if (wantBaseline) {
    const rows = featureRows(inputs.features!, ids);
    if (o.rfm !== false) {
      const before = warnings.length;
      const res = rfmBaseline(inputs.features!, rows, o.rfm, warn);
      if (res) {
        rfm = res.model;
        const present = new Set(res.scores.segment);
        const names = rfmSegmentOrder(res.model).filter((s) => present.has(s));
        segs.push(segmentationOf("RFM", res.scores.segment, names, String));
        if (res.scores.r) columns.rfm_r = pl.Series("rfm_r", res.scores.r, pl.Int32);
        columns.rfm_f = pl.Series("rfm_f", res.scores.f, pl.Int32);
        columns.rfm_m = pl.Series("rfm_m", res.scores.m, pl.Int32);
        columns.rfm_segment = pl.Series("rfm_segment", res.scores.segment);
        // The same number of segments as Personae's, so neither side wins by having more.
        const k = order.filter((s) => s >= 0).length;
        if (k >= 2 && k !== names.length) {
          const bands = rfmBands(res.scores, k);
          const keys = [...new Set(bands)].sort();
          segs.push(segmentationOf(`RFM (k = ${k})`, bands, keys, String));
          columns.rfm_band = pl.Series("rfm_band", bands);
        }
      } else skipped.push(`${warnings[before].message}.`);
    }
    const k = order.filter((s) => s >= 0).length;
    if (o.rawKMeans && k < 2) {
      const msg = `Raw K-Means baseline skipped: Personae has ${k} segment(s), K-Means needs k ≥ 2`;
      warn(msg);
      skipped.push(`${msg}.`);
    } else if (o.rawKMeans) {
      const labels = rawKMeansBaseline(
        inputs.features!,
        rows,
        inputs.featureMeta!,
        inputs.segmentationFeatures,
        k,
        o.seed,
        warn,
      );
      if (labels) {
        const names = Array.from(labels, (l) => `Cluster ${l}`);
        const keys = [...new Set(labels)].sort((a, b) => a - b).map((l) => `Cluster ${l}`);
        segs.push(segmentationOf("Raw K-Means", names, keys, String));
        columns.raw_kmeans_segment = pl.Series("raw_kmeans_segment", labels, pl.Int32);
      } else skipped.push("Raw K-Means baseline skipped: no numeric feature to cluster.");
    }
  }

  const z = normalQuantile(1 - (1 - o.confidence) / 2);
  const rates = segs.flatMap((s) => rateRows(s, event, z));
  const n = ids.length - unknown;
  const events = event.reduce((a, e) => a + (e === 1 ? 1 : 0), 0);
  const overall = { n, events, ...wilson(events, n, z) };
  const diffs = o.bootstrap > 0 && segs.length > 1
    ? bootstrapVDifferences(segs, event, o.bootstrap, o.confidence, o.seed)
    : null;
  const assoc = segs.map((s) => associationOf(s, event));
  const own = assoc[0].cramersV;
  const comparison = segs.map((s, m): MethodComparison => {
    const a = assoc[m];
    if (a.sparseCells > 0) {
      warn(
        `${s.method}: ${a.sparseCells} cells expect fewer than 5 customers; ` +
          "the chi-square p-value is rough",
      );
    }
    const vDiff = m === 0 || own === null || a.cramersV === null ? null : own - a.cramersV;
    const d = m === 0 ? undefined : diffs?.[m - 1];
    const interval = vDiff !== null && d !== undefined && d.skipped < o.bootstrap;
    return {
      method: s.method,
      segments: rates.filter((r) => r.segmentation === s.method).length,
      n: a.n,
      chi2: a.chi2,
      dof: a.dof,
      p: a.p,
      cramersV: a.cramersV,
      cramersVCorrected: a.cramersVCorrected,
      vDiff,
      vDiffLow: interval ? d.low : null,
      vDiffHigh: interval ? d.high : null,
    };
  });
  const verdict = verdictText({
    outcome: o.outcome,
    positive,
    overall,
    personae: rates.filter((r) => r.segmentation === "Personae"),
    comparison,
    confidence: o.confidence,
    skipped,
  });
  return {
    outputs: {
      outcome: o.outcome,
      positive,
      overall,
      rates,
      comparison,
      rfm,
      labels: pl.DataFrame(Object.values(columns)),
      verdict,
    },
    warnings,
  };
}
