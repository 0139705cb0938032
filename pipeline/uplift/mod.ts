/**
 * Experiment statistics by segment: what each arm of a randomised test does to each outcome
 * against control, overall and within segments, whether the effect differs between segments,
 * and which arm to send each segment. Pure functions on a Polars frame.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { upliftBySegment } from "./mod.ts";
 * const n = 600;
 * const data = pl.DataFrame({
 *   arm: Array.from({ length: n }, (_, i) => ["none", "mens", "womens"][i % 3]),
 *   segment: Array.from({ length: n }, (_, i) => i % 2),
 *   spend: Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 12 : 10) + (i % 7)),
 * });
 * const res = upliftBySegment(data, { control: "none", outcomes: ["spend"] });
 * const mens = res.overall.find((r) => r.arm === "mens")!;
 * if (mens.method !== "welch" || !(mens.ciLow! > 0)) throw new Error("mens raises spend");
 * ```
 *
 * @module
 */

export { upliftBySegment } from "./uplift.ts";
export type {
  ArmComparison,
  EffectMethod,
  Heterogeneity,
  Recommendation,
  SegmentComparison,
  UpliftOptions,
  UpliftResult,
} from "./uplift.ts";
export {
  benjaminiHochberg,
  cochranQ,
  holm,
  meanDifference,
  rateDifference,
  wilsonInterval,
} from "./_effects.ts";
export type { Effect, GroupStats, QTest } from "./_effects.ts";
