/**
 * The value stage: what each customer and each segment is worth in the future. From an orders
 * table it builds each customer's repeat frequency, recency, age and mean repeat spend (purchases
 * counted by day), fits BG/NBD and Gamma-Gamma, and gives per customer the expected purchases
 * over the horizon, P(alive), expected spend per purchase and discounted CLV; per segment the
 * totals, means and share of future value. With `holdoutFrom` the models see only the orders
 * before that day and their forecasts are checked against the orders after it, beside a naive
 * forecast. Segments under the privacy minimum are pooled as −2 in every output.
 *
 * @module
 */

import pl from "nodejs-polars";
import { InputError } from "../errors.ts";
import type { StageResult, StageWarning } from "../types.ts";
import { type BgNbdParams, fitBgNbd } from "./_bgnbd.ts";
import { customerValue } from "./_clv.ts";
import { segmentRows, segmentsOf, type SegmentValueRow } from "./_segments.ts";
import { fitGammaGamma, type GammaGammaParams } from "./_gamma_gamma.ts";
import { holdoutComparison, type HoldoutSummary, holdoutSummary } from "./_holdout.ts";
import { checkSummaryInput, summarizeOrders } from "./_summary.ts";
import { resolveValueOptions, type ValueOptionsInput } from "./options.ts";

/** What `score` needs to value new customers: the fitted parameters and the CLV settings. */
export interface ValueModel {
  kind: "personae.value";
  version: 1;
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  /** Weeks ahead. */
  horizon: number;
  annualDiscountRate: number;
  margin: number;
  /** Days per time unit of the models (7: weeks). */
  periodDays: number;
}

/** `value.json`: fits, holdout check and value by segment; plain JSON. */
export interface ValueSummary {
  calibration: { from: string; to: string; customers: number };
  horizon: number;
  annualDiscountRate: number;
  margin: number;
  bgnbd: BgNbdParams & { logLikelihood: number; converged: boolean; iterations: number };
  gammaGamma: GammaGammaParams & {
    logLikelihood: number;
    converged: boolean;
    iterations: number;
    customers: number;
  };
  /** Pearson correlation of repeat frequency and mean repeat spend; Gamma-Gamma assumes ≈ 0. */
  frequencySpendCorrelation: number;
  holdout: HoldoutSummary | null;
  total: { customers: number; value: number; meanValue: number; expectedPurchases: number };
  /** By segment in ascending order (−2: segments under the privacy minimum, pooled). */
  bySegment: SegmentValueRow[];
  model: ValueModel;
}

/** What the value stage reads. */
export interface ValueInputs {
  /** Order lines: customer_id, ts (dates) and amount. */
  orders: pl.DataFrame;
  /** Each customer's segment (the cluster stage's `segments`); absent: no split by segment. */
  segments?: pl.DataFrame;
}

/** What the value stage returns. */
export interface ValueOutputs {
  summary: ValueSummary;
  /**
   * One row per valued customer: customer_id, segment (pooled; null when not segmented),
   * frequency, recency, T, monetary, expected_purchases, p_alive, expected_spend, clv, and with
   * a holdout holdout_purchases, holdout_expected, holdout_spend.
   */
  customers: pl.DataFrame;
}

/**
 * The orders cannot support the value models: the BG/NBD fit lands where its forecasts are not
 * defined (too short a history to tell how customers drop out). The run skips the value stage
 * with this message rather than write numbers it cannot stand behind.
 */
export class ValueNotEstimable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueNotEstimable";
  }
}

const DAY_MS = 86_400_000;
/** Parameters this far from 1 sit at the edge of their range: the likelihood is flat there. */
const EDGE = 1e4;
/** Above this |ρ| the independence Gamma-Gamma assumes is doubtful enough to say so. */
const RHO_WARN = 0.3;

/** The calibration and holdout periods the options ask for. */
function summaryOptions(o: ReturnType<typeof resolveValueOptions>) {
  return {
    holdoutStart: o.holdoutFrom,
    calibrationEnd: o.referenceDate === undefined
      ? null
      : new Date(Date.parse(`${o.referenceDate}T00:00:00Z`) - DAY_MS),
  };
}

/**
 * Checks the orders against the value options as soon as ingest has read them (dated orders,
 * amounts, a holdout start inside the orders' dates), so bad input stops a run before the
 * heavy stages. Throws an {@link InputError} naming the column or the dates.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { checkValueInput } from "./value.ts";
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "b"],
 *   ts: [new Date("2020-01-01"), new Date("2020-06-01")],
 *   amount: [5, 7],
 * });
 * let said = "";
 * try {
 *   checkValueInput(orders, { holdoutFrom: "2021-01-01" });
 * } catch (e) {
 *   said = (e as Error).message;
 * }
 * if (!said.includes("outside the orders' dates (2020-01-01 to 2020-06-01)")) throw new Error(said);
 * ```
 */
export function checkValueInput(orders: pl.DataFrame, options: ValueOptionsInput = {}): void {
  checkSummaryInput(orders, summaryOptions(resolveValueOptions(options)));
}

/**
 * Fits the value models on an orders table and values every customer and segment.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { valueStage } from "./value.ts";
 * const days = ["2020-01-06", "2020-02-03", "2020-03-09", "2020-04-20", "2020-05-11"];
 * const rows = Array.from({ length: 40 }, (_, i) => ({
 *   customer_id: `c${i % 10}`,
 *   ts: new Date(days[(i * 3 + Math.floor(i / 10)) % 5]),
 *   amount: 10 + (i % 7),
 * }));
 * const { outputs } = valueStage({ orders: pl.DataFrame(rows) }, { horizon: 26 });
 * if (outputs.customers.height !== 10 || !(outputs.summary.total.value > 0)) {
 *   throw new Error("every customer valued");
 * }
 * ```
 */
export function valueStage(
  inputs: ValueInputs,
  options: ValueOptionsInput = {},
): StageResult<ValueOutputs> {
  const o = resolveValueOptions(options);
  const warnings: StageWarning[] = [];
  const warn = (message: string, count?: number) =>
    warnings.push({ stage: "value", message, ...(count === undefined ? {} : { count }) });
  const s = summarizeOrders(inputs.orders, summaryOptions(o));
  if (o.holdoutFrom === null && s.ordersAfter > 0) {
    warn(`Ignored order lines on or after the reference date ${o.referenceDate}`, s.ordersAfter);
  }
  if (s.excludedNew > 0) {
    const from = o.holdoutFrom === null ? "reference date" : "holdout start";
    warn(
      `Customers whose first order is on or after the ${from} ${s.holdoutStart} are not ` +
        "valued: the models need a calibration history",
      s.excludedNew,
    );
  }
  const bgnbd = fitBgNbd(s);
  const weeks = (Date.parse(s.holdoutStart) - Date.parse(s.start)) / (7 * DAY_MS);
  const edge = Object.entries(bgnbd.params).filter(([, v]) => v < 1 / EDGE || v > EDGE)
    .map(([k, v]) => `${k} = ${v.toPrecision(2)}`).join(", ");
  if (edge) {
    warn(
      `BG/NBD put ${edge} at the edge of its range over ${weeks.toFixed(0)} weeks of orders: ` +
        "the data barely tells how customers drop out, so forecasts lean on that edge",
    );
  }
  if (!bgnbd.converged) {
    warn(
      `The BG/NBD fit did not converge in ${bgnbd.iterations} iterations: its estimates and ` +
        "every forecast may be off",
    );
  }
  let gg;
  try {
    gg = fitGammaGamma(s);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const repeat = s.frequency.filter((x) => x > 0).length;
    throw new InputError(
      `Customer value needs spend on repeat purchases to fit Gamma-Gamma: ${repeat} of ` +
        `${s.customerId.length} customers bought on more than one day before ${s.holdoutStart}`,
    );
  }
  if (!gg.converged) {
    warn(
      `The Gamma-Gamma fit did not converge in ${gg.iterations} iterations: expected spend ` +
        "per purchase may be off",
    );
  }
  const rho = gg.frequencySpendCorrelation;
  if (Math.abs(rho) > RHO_WARN) {
    warn(
      `Purchase frequency and spend per purchase correlate (ρ = ${rho.toFixed(2)}); ` +
        "Gamma-Gamma assumes they do not, so expected spend leans toward the average",
    );
  }
  const clvOptions = {
    horizon: o.horizon,
    annualDiscountRate: o.annualDiscountRate,
    margin: o.margin,
  };
  let value;
  try {
    value = customerValue(bgnbd, gg, s, clvOptions);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueNotEstimable(
      `Customer value cannot be forecast from ${weeks.toFixed(0)} weeks of orders: the BG/NBD ` +
        `fit (${edge || "its parameters"}) leaves the expected purchases undefined`,
    );
  }
  const { labels, withoutOrders, unsegmented } = segmentsOf(s.customerId, inputs.segments, o);
  if (unsegmented > 0) {
    warn(
      "Customers with orders but no segment are valued but left out of every segment",
      unsegmented,
    );
  }
  const bySegment: SegmentValueRow[] = labels
    ? segmentRows(value, labels).map((r) => ({
      ...r,
      withoutOrders: withoutOrders.get(r.segment) ?? 0,
    }))
    : [];
  // A segment none of whose customers has orders still shows up, with no value: its mean is
  // written as 0 (JSON has no NaN) and readers go by `customers`, which is 0.
  for (const [segment, n] of withoutOrders) {
    if (!bySegment.some((r) => r.segment === segment)) {
      bySegment.push({
        segment,
        customers: 0,
        totalValue: 0,
        meanValue: 0,
        share: 0,
        meanExpectedPurchases: 0,
        meanPAlive: 0,
        withoutOrders: n,
      });
    }
  }
  bySegment.sort((a, b) => a.segment - b.segment);

  const cmp = o.holdoutFrom === null
    ? null
    : holdoutComparison(bgnbd, s, { maxFrequency: o.maxFrequency });
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  const n = s.customerId.length;
  const columns: pl.Series[] = [
    pl.Series("customer_id", s.customerId),
    // Built untyped then cast: a typed constructor would turn the nulls into 0.
    pl.Series("segment", labels ?? new Array(n).fill(null)).cast(pl.Int32),
    pl.Series("frequency", s.frequency),
    pl.Series("recency", s.recency),
    pl.Series("T", s.T),
    pl.Series("monetary", s.monetary),
    pl.Series("expected_purchases", value.expectedPurchases),
    pl.Series("p_alive", value.pAlive),
    pl.Series("expected_spend", value.expectedSpend),
    pl.Series("clv", value.clv),
  ];
  if (cmp) {
    columns.push(
      pl.Series("holdout_purchases", s.holdoutFrequency),
      pl.Series("holdout_expected", cmp.expected),
      pl.Series("holdout_spend", s.holdoutSpend),
    );
  }
  const total = sum(value.clv);
  const summary: ValueSummary = {
    calibration: { from: s.start, to: isoDayBefore(s.holdoutStart), customers: n },
    ...clvOptions,
    bgnbd: {
      ...bgnbd.params,
      logLikelihood: bgnbd.logLikelihood,
      converged: bgnbd.converged,
      iterations: bgnbd.iterations,
    },
    gammaGamma: {
      ...gg.params,
      logLikelihood: gg.logLikelihood,
      converged: gg.converged,
      iterations: gg.iterations,
      customers: gg.customers,
    },
    frequencySpendCorrelation: rho,
    holdout: cmp && holdoutSummary(cmp, s),
    total: {
      customers: n,
      value: total,
      meanValue: total / n,
      expectedPurchases: sum(value.expectedPurchases),
    },
    bySegment,
    model: {
      kind: "personae.value",
      version: 1,
      bgnbd: bgnbd.params,
      gammaGamma: gg.params,
      ...clvOptions,
      periodDays: s.periodDays,
    },
  };
  return { outputs: { summary, customers: pl.DataFrame(columns) }, warnings };
}

const isoDayBefore = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
