/**
 * Customer lifetime value over a finite horizon: BG/NBD's expected purchases times
 * Gamma-Gamma's expected value per purchase, discounted, then summed by segment.
 *
 * Discounting convention (that of lifetimes' `customer_lifetime_value`, with an annual rate):
 * the horizon is cut into steps (a month, 52/12 weeks, by default); the purchases expected in
 * step k, E[Y(t_k)] − E[Y(t_{k−1})], are valued at the step's end t_k, discounted by
 * (1 + annual rate)^(−t_k / 52). lifetimes' monthly `discount_rate` d is the annual rate
 * (1 + d)^12 − 1 here. Value per purchase is E[M | x, z̄] and is assumed not to change with time.
 *
 * @module
 */

import { bgnbdConditionalExpected, type BgNbdModel, bgnbdPAlive, prepareRfm } from "./_bgnbd.ts";
import { applyGammaGamma, type GammaGammaModel } from "./_gamma_gamma.ts";

/** Settings of {@link customerValue}. Times are in the summary's periods (weeks). */
export interface ClvOptions {
  /** How far ahead to count purchases. @default 52 */
  horizon?: number;
  /** Annual discount rate, 0.1 for 10% a year; 0 for none. @default 0.1 */
  annualDiscountRate?: number;
  /** Length of a discounting step; purchases in a step are valued at its end. @default 52 / 12 */
  stepLength?: number;
  /** Periods in a year. @default 52 */
  periodsPerYear?: number;
  /** Share of spend that is profit; 1 values revenue. @default 1 */
  margin?: number;
}

const DEFAULTS: Required<ClvOptions> = {
  horizon: 52,
  annualDiscountRate: 0.1,
  stepLength: 52 / 12,
  periodsPerYear: 52,
  margin: 1,
};

const CONSTRAINTS: [keyof ClvOptions, (v: number) => boolean, string][] = [
  ["horizon", (v) => v > 0, "a number > 0"],
  ["annualDiscountRate", (v) => v >= 0, "a number ≥ 0"],
  ["stepLength", (v) => v > 0, "a number > 0"],
  ["periodsPerYear", (v) => v > 0, "a number > 0"],
  ["margin", (v) => v > 0 && v <= 1, "a number in (0, 1]"],
];

/** The customers' frequency, recency, T and mean repeat spend (as `summarizeOrders` gives). */
export interface ValueData {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  monetary: ArrayLike<number>;
}

/** Per-customer forecasts over the horizon, in the input's order. */
export interface CustomerValue {
  /** E[Y(horizon) | x, t_x, T], undiscounted. */
  expectedPurchases: Float64Array;
  pAlive: Float64Array;
  /** E[M | x, z̄], expected value per purchase. */
  expectedSpend: Float64Array;
  /** Discounted value of the purchases expected over the horizon, times the margin. */
  clv: Float64Array;
}

/**
 * Expected purchases, P(alive), expected spend per purchase and discounted CLV per customer.
 *
 * @example
 * ```ts
 * import { customerValue } from "./_clv.ts";
 * const bgnbd = { params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 } };
 * const gg = { params: { p: 6.2488, q: 3.7446, gamma: 15.4477 } };
 * const data = { frequency: [2, 0], recency: [30.43, 0], T: [38.86, 38.86], monetary: [22.35, 0] };
 * const v = customerValue(bgnbd, gg, data, { annualDiscountRate: 0 });
 * // Undiscounted, CLV is expected purchases times expected spend.
 * const want = v.expectedPurchases[0] * v.expectedSpend[0];
 * if (Math.abs(v.clv[0] - want) > 1e-9) throw new Error("CLV ≠ E[Y] · E[M] without discounting");
 * if (!(v.clv[0] > v.clv[1])) throw new Error("a repeat buyer is worth more");
 * ```
 */
export function customerValue(
  bgnbd: Pick<BgNbdModel, "params">,
  gammaGamma: Pick<GammaGammaModel, "params">,
  data: ValueData,
  options: ClvOptions = {},
): CustomerValue {
  const o = { ...DEFAULTS, ...options };
  for (const [key, ok, want] of CONSTRAINTS) {
    if (typeof o[key] !== "number" || !ok(o[key])) {
      throw new RangeError(`The '${key}' option of customerValue must be ${want}. Got ${o[key]}`);
    }
  }
  const d = prepareRfm(data, "Customer value");
  const expectedSpend = applyGammaGamma(gammaGamma, data);
  const n = d.x.length;
  // Step ends t_1 < … < t_K = horizon and their discount factors, shared by every customer.
  const ends: number[] = [];
  for (let t = o.stepLength; t < o.horizon - 1e-9; t += o.stepLength) ends.push(t);
  ends.push(o.horizon);
  const factor = ends.map((t) => (1 + o.annualDiscountRate) ** (-t / o.periodsPerYear));
  const expectedPurchases = new Float64Array(n), pAlive = new Float64Array(n);
  const clv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = d.x[i], tx = d.tx[i], T = d.T[i];
    let before = 0, discounted = 0;
    for (let k = 0; k < ends.length; k++) {
      const cumulative = bgnbdConditionalExpected(bgnbd.params, ends[k], x, tx, T);
      discounted += (cumulative - before) * factor[k];
      before = cumulative;
    }
    expectedPurchases[i] = before;
    pAlive[i] = bgnbdPAlive(bgnbd.params, x, tx, T);
    clv[i] = o.margin * expectedSpend[i] * discounted;
  }
  return { expectedPurchases, pAlive, expectedSpend, clv };
}

/** What one segment is worth. */
export interface SegmentValue {
  segment: number;
  customers: number;
  /** Sum of the members' CLV. */
  totalValue: number;
  meanValue: number;
  /** The segment's part of all customers' future value, in [0, 1]. */
  share: number;
  /** Mean expected purchases over the horizon. */
  meanExpectedPurchases: number;
  meanPAlive: number;
}

/**
 * Totals, means and share of future value by segment, in ascending segment order.
 *
 * @example
 * ```ts
 * import { valueBySegment } from "./_clv.ts";
 * const value = {
 *   clv: Float64Array.of(10, 30, 60),
 *   expectedPurchases: Float64Array.of(1, 2, 3),
 *   pAlive: Float64Array.of(1, 0.5, 0.5),
 *   expectedSpend: Float64Array.of(10, 15, 20),
 * };
 * const [s0, s1] = valueBySegment(value, [0, 1, 1]);
 * if (s0.share !== 0.1 || s1.totalValue !== 90 || s1.meanValue !== 45) throw new Error("wrong");
 * ```
 */
export function valueBySegment(value: CustomerValue, segments: ArrayLike<number>): SegmentValue[] {
  const n = value.clv.length;
  if (segments.length !== n) {
    throw new TypeError(
      `valueBySegment needs one segment per customer: ${n} customers, ${segments.length} segments`,
    );
  }
  const groups = new Map<number, SegmentValue>();
  let all = 0;
  for (let i = 0; i < n; i++) {
    const s = segments[i];
    if (!Number.isFinite(s)) {
      throw new TypeError(`Segment of customer ${i + 1} must be a number. Got ${s} instead`);
    }
    let g = groups.get(s);
    if (!g) {
      g = {
        segment: s,
        customers: 0,
        totalValue: 0,
        meanValue: 0,
        share: 0,
        meanExpectedPurchases: 0,
        meanPAlive: 0,
      };
      groups.set(s, g);
    }
    g.customers++;
    g.totalValue += value.clv[i];
    g.meanExpectedPurchases += value.expectedPurchases[i];
    g.meanPAlive += value.pAlive[i];
    all += value.clv[i];
  }
  const out = [...groups.values()].sort((a, b) => a.segment - b.segment);
  for (const g of out) {
    g.meanValue = g.totalValue / g.customers;
    g.share = all > 0 ? g.totalValue / all : 0;
    g.meanExpectedPurchases /= g.customers;
    g.meanPAlive /= g.customers;
  }
  return out;
}
