/**
 * How well a fitted BG/NBD model forecasts the holdout period, in the three views of Fader,
 * Hardie & Lee (2005): per customer (mean absolute error and totals), by calibration frequency
 * (conditional expectations), and over time (the cumulative repeat-transaction tracking curve).
 * A naive forecast sits beside the model in each: every customer keeps buying at their
 * calibration rate x / T.
 *
 * @module
 */

import { bgnbdConditionalExpected, bgnbdExpectedCumulative, type BgNbdModel } from "./_bgnbd.ts";
import type { OrdersSummary } from "./_summary.ts";

/** Settings of {@link holdoutComparison}. */
export interface HoldoutOptions {
  /** Calibration frequencies from this one up share the last bin ("7+"). @default 7 */
  maxFrequency?: number;
}

const DEFAULTS: Required<HoldoutOptions> = { maxFrequency: 7 };

/** Mean holdout repeat purchases of the customers with one calibration frequency. */
export interface FrequencyBin {
  /** "0", "1", … or "7+". */
  frequency: string;
  customers: number;
  actual: number;
  expected: number;
  naive: number;
}

/** Cumulative repeat purchases of all summarised customers by the end of a period. */
export interface TrackingPoint {
  /** 1-based period from the start of the data (weeks by default). */
  period: number;
  actual: number;
  expected: number;
  /** True for periods that end inside the calibration period. */
  calibration: boolean;
}

/** Model and naive forecasts of the holdout against what happened. */
export interface HoldoutComparison {
  customers: number;
  /** The forecast horizon, in periods. */
  holdoutLength: number;
  /** Repeat purchases in the holdout period, all customers together. */
  total: { actual: number; expected: number; naive: number };
  /** Mean absolute error per customer. */
  mae: { model: number; naive: number };
  byFrequency: FrequencyBin[];
  tracking: TrackingPoint[];
  /** Each customer's E[Y(holdoutLength) | x, t_x, T], in the summary's order. */
  expected: Float64Array;
  /** Each customer's x / T · holdoutLength (0 when T = 0). */
  naive: Float64Array;
}

/**
 * Compares a BG/NBD model's holdout forecasts with the actual holdout purchases in a summary
 * built by `summarizeOrders`. The expected tracking curve follows BTYD: a customer born b
 * periods after the start contributes E[X(j − b)] by the end of period j.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { summarizeOrders } from "./_summary.ts";
 * import { holdoutComparison } from "./_holdout.ts";
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "a", "a", "b", "b"],
 *   ts: ["1997-01-01", "1997-01-20", "1997-03-03", "1997-01-05", "1997-02-10"]
 *     .map((d) => new Date(d)),
 *   amount: [10, 20, 30, 8, 9],
 * });
 * const summary = summarizeOrders(orders, { holdoutStart: "1997-02-01" });
 * const model = { params: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 } };
 * const cmp = holdoutComparison(model, summary);
 * if (cmp.total.actual !== 2 || cmp.tracking.length !== 9) throw new Error("wrong holdout");
 * ```
 */
export function holdoutComparison(
  model: Pick<BgNbdModel, "params">,
  summary: OrdersSummary,
  options: HoldoutOptions = {},
): HoldoutComparison {
  const o = { ...DEFAULTS, ...options };
  if (!(Number.isInteger(o.maxFrequency) && o.maxFrequency >= 1)) {
    throw new RangeError(
      "The 'maxFrequency' option of holdoutComparison must be an integer ≥ 1. " +
        `Got ${o.maxFrequency}`,
    );
  }
  const { frequency: x, recency, T, holdoutFrequency: actual, holdoutLength: t } = summary;
  const n = x.length;
  const expected = new Float64Array(n), naive = new Float64Array(n);
  const total = { actual: 0, expected: 0, naive: 0 }, mae = { model: 0, naive: 0 };
  const bins = Array.from({ length: o.maxFrequency + 1 }, (_, k) => ({
    frequency: k < o.maxFrequency ? String(k) : `${k}+`,
    customers: 0,
    actual: 0,
    expected: 0,
    naive: 0,
  }));
  for (let i = 0; i < n; i++) {
    expected[i] = bgnbdConditionalExpected(model.params, t, x[i], recency[i], T[i]);
    naive[i] = T[i] > 0 ? (x[i] / T[i]) * t : 0;
    total.actual += actual[i];
    total.expected += expected[i];
    total.naive += naive[i];
    mae.model += Math.abs(expected[i] - actual[i]) / n;
    mae.naive += Math.abs(naive[i] - actual[i]) / n;
    const bin = bins[Math.min(x[i], o.maxFrequency)];
    bin.customers++;
    bin.actual += actual[i];
    bin.expected += expected[i];
    bin.naive += naive[i];
  }
  for (const b of bins) {
    if (b.customers === 0) continue;
    b.actual /= b.customers;
    b.expected /= b.customers;
    b.naive /= b.customers;
  }
  return {
    customers: n,
    holdoutLength: t,
    total,
    mae,
    byFrequency: bins,
    tracking: trackingCurve(model, summary),
    expected,
    naive,
  };
}

/** Actual and expected cumulative repeat purchases at the end of every period. */
function trackingCurve(model: Pick<BgNbdModel, "params">, s: OrdersSummary): TrackingPoint[] {
  // Customers born the same day share E[X(·)]: one evaluation per birth day and period.
  const births = new Map<number, number>();
  for (const b of s.birth) births.set(b, (births.get(b) ?? 0) + 1);
  const calibrationDays = (Date.parse(s.holdoutStart) - Date.parse(s.start)) / 86_400_000;
  const out: TrackingPoint[] = [];
  let actual = 0;
  for (let j = 1; j <= s.periodRepeats.length; j++) {
    actual += s.periodRepeats[j - 1];
    let expected = 0;
    for (const [b, count] of births) {
      if (b < j) expected += count * bgnbdExpectedCumulative(model.params, j - b);
    }
    out.push({ period: j, actual, expected, calibration: j * s.periodDays <= calibrationDays });
  }
  return out;
}

/** The holdout check of `value.json`. Transactions are repeat purchase days. */
export interface HoldoutSummary {
  from: string;
  to: string;
  weeks: number;
  customers: number;
  predictedRepeatTransactions: number;
  actualRepeatTransactions: number;
  /** Each customer's calibration rate x / T carried forward. */
  naiveRepeatTransactions: number;
  /** Mean absolute error per customer of the model's and the naive forecast. */
  mae: number;
  maeNaive: number;
  /** Mean actual and forecast holdout purchases by calibration frequency. */
  byFrequency: FrequencyBin[];
  /** Actual and expected cumulative repeat purchases week by week from the first day. */
  tracking: TrackingPoint[];
}

/** The holdout figures `value.json` keeps. */
export function holdoutSummary(
  cmp: HoldoutComparison,
  s: OrdersSummary,
): HoldoutSummary {
  return {
    from: s.holdoutStart,
    to: s.holdoutEnd,
    weeks: s.holdoutLength,
    customers: cmp.customers,
    predictedRepeatTransactions: cmp.total.expected,
    actualRepeatTransactions: cmp.total.actual,
    naiveRepeatTransactions: cmp.total.naive,
    mae: cmp.mae.model,
    maeNaive: cmp.mae.naive,
    byFrequency: cmp.byFrequency,
    tracking: cmp.tracking,
  };
}
