/**
 * What customers and segments are worth: BG/NBD repeat-purchase forecasts, Gamma-Gamma spend
 * per purchase, discounted customer lifetime value and its split by segment, and a holdout
 * check of the forecasts against a naive baseline. Pure functions; the caller reads the orders.
 * `valueStage` is the stage the run calls: all of it from an orders table and the segments.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { customerValue, summarizeOrders, valueBySegment } from "./mod.ts";
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "a", "a", "b", "c", "c"],
 *   ts: ["1997-01-01", "1997-01-20", "1997-03-02", "1997-01-06", "1997-01-09", "1997-02-25"]
 *     .map((d) => new Date(d)),
 *   amount: [12, 30, 40, 9, 20, 22],
 * });
 * const summary = summarizeOrders(orders, { holdoutStart: "1997-03-01" });
 * // Parameters as fitBgNbd and fitGammaGamma give them on the CDNOW sample (a few customers
 * // are far too few to fit on).
 * const bgnbd = { params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 } };
 * const gg = { params: { p: 6.2488, q: 3.7446, gamma: 15.4477 } };
 * const value = customerValue(bgnbd, gg, summary, { horizon: 52 });
 * const [s0, s1] = valueBySegment(value, [0, 1, 1]);
 * if (Math.abs(s0.share + s1.share - 1) > 1e-12) throw new Error("shares add up to 1");
 * ```
 *
 * @module
 */

export {
  applyBgNbd,
  bgnbdConditionalExpected,
  bgnbdExpectedCumulative,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  fitBgNbd,
} from "./_bgnbd.ts";
export type {
  BgNbdFitOptions,
  BgNbdModel,
  BgNbdParams,
  BgNbdPrediction,
  RfmData,
} from "./_bgnbd.ts";
export {
  applyGammaGamma,
  fitGammaGamma,
  frequencySpendCorrelation,
  gammaGammaLogLikelihood,
} from "./_gamma_gamma.ts";
export type {
  GammaGammaFitOptions,
  GammaGammaModel,
  GammaGammaParams,
  SpendData,
} from "./_gamma_gamma.ts";
export { customerValue, valueBySegment } from "./_clv.ts";
export type { ClvOptions, CustomerValue, SegmentValue, ValueData } from "./_clv.ts";
export { summarizeOrders } from "./_summary.ts";
export type { OrdersSummary, SummaryOptions } from "./_summary.ts";
export { holdoutComparison } from "./_holdout.ts";
export type { FrequencyBin, HoldoutComparison, HoldoutOptions, TrackingPoint } from "./_holdout.ts";
export { checkValueInput, ValueNotEstimable, valueStage } from "./value.ts";
export type { HoldoutSummary } from "./_holdout.ts";
export type { SegmentValueRow } from "./_segments.ts";
export type { ValueInputs, ValueModel, ValueOutputs, ValueSummary } from "./value.ts";
export {
  resolveValueOptions,
  VALUE_DEFAULTS,
  VALUE_RULES,
  type ValueOptions,
  type ValueOptionsInput,
} from "./options.ts";
