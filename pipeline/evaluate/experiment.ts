/**
 * Experiments by segment: what each arm of a randomised test did to each outcome against the
 * control arm, over all customers and within each segment (pipeline/uplift does the
 * statistics). Segments under the privacy minimum are pooled as −2 before anything is
 * computed, so no output describes them on their own.
 *
 * @module
 */

import pl from "nodejs-polars";
import { didYouMean, InputError } from "../errors.ts";
import { POOLED_SEGMENT, poolLabels, smallSegments } from "../privacy.ts";
import type { StageResult } from "../types.ts";
import { upliftBySegment, type UpliftResult } from "../uplift/mod.ts";
import {
  type ExperimentOptions,
  type ExperimentOptionsInput,
  resolveExperimentOptions,
} from "./options.ts";

/** `uplift.json`: the experiment's settings and its effects overall and by segment. */
export interface ExperimentOutputs extends Omit<UpliftResult, "warnings"> {
  arm: string;
  control: string;
  outcomes: string[];
  confidence: number;
  adjust: "holm" | "bh";
  /** Customers with a segment and an arm, per arm. */
  arms: { arm: string; customers: number }[];
  /** The segment label of pooled small segments, when any were pooled. */
  pooledSegment: number | null;
}

/** What the experiment stage reads. */
export interface ExperimentInputs {
  /** customer_id, the arm column and the outcome columns (ingest's `outcomes`). */
  outcomes: pl.DataFrame;
  /** customer_id and segment (the cluster stage's `segments`). */
  segments: pl.DataFrame;
}

/** Settings of the experiment stage: the `experiment` section plus the privacy minimum. */
export type ExperimentStageOptions = ExperimentOptionsInput & {
  /** Segments with fewer customers are pooled as −2. @default 20 */
  minSegmentSize?: number;
};

const NUMERIC = /^DataType\((U?Int\d+|Float\d+|Bool(ean)?)\)$/;

/**
 * Checks the experiment against the customers' data as soon as ingest has read it: the arm
 * column and every outcome exist, the outcomes are numbers, and the control arm occurs with at
 * least one other arm. Throws an {@link InputError} naming the column or the level.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { checkExperiment } from "./experiment.ts";
 * const outcomes = pl.DataFrame({ customer_id: ["a", "b"], arm: ["mail", "none"], buy: [1, 0] });
 * checkExperiment(outcomes, { arm: "arm", control: "none", outcomes: ["buy"] });
 * let said = "";
 * try {
 *   checkExperiment(outcomes, { arm: "arm", control: "nothing", outcomes: ["buy"] });
 * } catch (e) {
 *   said = (e as Error).message;
 * }
 * if (!said.includes("Control arm 'nothing' does not occur in column 'arm'")) throw new Error(said);
 * ```
 */
export function checkExperiment(outcomes: pl.DataFrame, options: ExperimentOptionsInput): void {
  const o = resolveExperimentOptions(options);
  for (const c of [o.arm, ...o.outcomes]) {
    if (!outcomes.columns.includes(c)) {
      const what = c === o.arm ? "arm column" : "outcome";
      throw new InputError(
        `The experiment's ${what} '${c}' is not among the customers' columns` +
          didYouMean(c, outcomes.columns),
        { column: c },
      );
    }
  }
  for (const c of o.outcomes) {
    const s = outcomes.getColumn(c);
    if (!NUMERIC.test(String(s.dtype))) {
      const first = s.dropNulls().get(0);
      throw new InputError(
        `Outcome column '${c}' of the experiment must hold numbers (rates as 0/1, or amounts). ` +
          `Got ${String(s.dtype).slice(9, -1)} (first value ${JSON.stringify(first)})`,
        { column: c },
      );
    }
  }
  const arm = outcomes.getColumn(o.arm);
  if (arm.nullCount() > 0) {
    throw new InputError(
      `${arm.nullCount()} customers have no arm in column '${o.arm}': every customer of the ` +
        "experiment needs one",
      { column: o.arm },
    );
  }
  const arms = (arm.cast(pl.Utf8).unique().toArray() as string[]).sort();
  const control = String(o.control);
  if (!arms.includes(control)) {
    const list = arms.slice(0, 10).map((a) => `'${a}'`).join(", ");
    throw new InputError(
      `Control arm '${control}' does not occur in column '${o.arm}' (its arms: ${list})` +
        didYouMean(control, arms),
      { column: o.arm },
    );
  }
  if (arms.length < 2) {
    throw new InputError(
      `Column '${o.arm}' holds only the control arm '${control}': nothing to compare it with`,
      { column: o.arm },
    );
  }
}

/**
 * The experiment's effects, overall and by segment, with intervals, adjusted p-values, a test
 * of whether effects differ between segments and which arm to send each segment.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { experimentStage } from "./experiment.ts";
 * const n = 400;
 * const ids = Array.from({ length: n }, (_, i) => `c${i}`);
 * const outcomes = pl.DataFrame({
 *   customer_id: ids,
 *   arm: ids.map((_, i) => (i % 2 ? "mail" : "none")),
 *   buy: ids.map((_, i) => (i % 2 ? +(i % 4 === 1) : +(i % 20 === 0))),
 * });
 * const segments = pl.DataFrame({ customer_id: ids, segment: ids.map((_, i) => +(i >= n / 2)) });
 * const { outputs } = experimentStage({ outcomes, segments }, {
 *   arm: "arm", control: "none", outcomes: ["buy"],
 * });
 * const d = outputs.overall[0].difference;
 * if (Math.abs(d - 0.4) > 1e-12) throw new Error(`mail: 50% vs 10%, got ${d}`);
 * ```
 */
export function experimentStage(
  inputs: ExperimentInputs,
  options: ExperimentStageOptions,
): StageResult<ExperimentOutputs> {
  const { minSegmentSize = 20, ...section } = options;
  const o: ExperimentOptions = resolveExperimentOptions(section);
  checkExperiment(inputs.outcomes, o);
  for (const c of ["customer_id", "segment"]) {
    if (!inputs.segments.columns.includes(c)) {
      throw new TypeError(`The segments given to the experiment stage have no '${c}' column`);
    }
  }
  const raw = Int32Array.from(inputs.segments.getColumn("segment").cast(pl.Int32).toArray());
  const small = smallSegments(raw, minSegmentSize);
  const segments = pl.DataFrame([
    inputs.segments.getColumn("customer_id").cast(pl.Utf8).alias("customer_id"),
    pl.Series("__segment", poolLabels(raw, small), pl.Int32),
  ]);
  // The arm and the segment get names no customer column has: an arm column may well be
  // called "segment" (Hillstrom's is).
  const data = inputs.outcomes.select(
    pl.col("customer_id").cast(pl.Utf8),
    pl.col(o.arm).cast(pl.Utf8).alias("__arm"),
    ...o.outcomes.map((c) => pl.col(c)),
  ).join(segments, { on: "customer_id" });
  const res = upliftBySegment(data, {
    arm: "__arm",
    segment: "__segment",
    control: String(o.control),
    outcomes: o.outcomes,
    confidence: o.confidence,
    adjust: o.adjust,
    lowerIsBetter: o.lowerIsBetter,
  });
  const counts = data.groupBy("__arm").len().sort("__arm").toRecords();
  const { warnings, ...effects } = res;
  return {
    outputs: {
      arm: o.arm,
      control: String(o.control),
      outcomes: o.outcomes,
      confidence: o.confidence,
      adjust: o.adjust,
      arms: counts.map((r) => ({ arm: String(r.__arm), customers: Number(r.len) })),
      pooledSegment: small.size > 0 ? POOLED_SEGMENT : null,
      ...effects,
    },
    warnings: warnings.map((message) => ({ stage: "experiment", message })),
  };
}
