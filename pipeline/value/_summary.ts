/**
 * The per-customer summary the value models read, built from an orders table: repeat frequency
 * x, recency t_x, age T and mean repeat spend over a calibration period, and repeat purchases
 * and spend in the holdout period that follows it.
 *
 * Purchases are counted by day: the order lines of a customer on one calendar day (UTC) are one
 * transaction whose amount is their sum. x counts the purchase days after the first one up to
 * the last calibration day (the day before `holdoutStart`); t_x = (last calibration purchase day
 * − first purchase day) / 7 and T = (last calibration day − first purchase day) / 7, in weeks,
 * unrounded; monetary is the mean amount of the x repeat days (0 when x = 0). These are the
 * definitions of Fader, Hardie & Lee (2005) and of BTYD and lifetimes.
 *
 * Without a holdout (`holdoutStart` null) every order up to `calibrationEnd` is calibration and
 * the holdout figures are zeros over a holdout of length 0: the summary a forecast from today
 * starts from.
 *
 * @module
 */

import pl from "nodejs-polars";
import { didYouMean, InputError } from "../errors.ts";

/** Settings of {@link summarizeOrders}. */
export interface SummaryOptions {
  /**
   * First day of the holdout period, "yyyy-mm-dd" (UTC); calibration is every day before it.
   * null: no holdout, calibration runs to `calibrationEnd`.
   */
  holdoutStart: string | Date | null;
  /** Last day of the holdout period, inclusive. @default the last order day */
  holdoutEnd?: string | Date | null;
  /**
   * Without a holdout, the last calibration day; later orders are left out (and counted in
   * `ordersAfter`). Ignored with a holdout. @default the last order day
   */
  calibrationEnd?: string | Date | null;
  /**
   * Names of the orders' columns.
   * @default { customerId: "customer_id", ts: "ts", amount: "amount" }
   */
  columns?: { customerId?: string; ts?: string; amount?: string };
  /** Days per time unit of recency, T and the tracking curve. @default 7 (weeks) */
  periodDays?: number;
}

const DEFAULTS = {
  holdoutEnd: null as string | Date | null,
  calibrationEnd: null as string | Date | null,
  columns: { customerId: "customer_id", ts: "ts", amount: "amount" },
  periodDays: 7,
};

/** Per-customer arrays (one entry per customer, in customer id order) and the periods' layout. */
export interface OrdersSummary {
  customerId: string[];
  /** x: repeat purchase days in the calibration period. */
  frequency: Float64Array;
  /** t_x: periods from the first purchase to the last calibration purchase (0 when x = 0). */
  recency: Float64Array;
  /** Periods from the first purchase to the last calibration day. */
  T: Float64Array;
  /** Mean amount of the repeat calibration purchase days; 0 when x = 0. */
  monetary: Float64Array;
  /** x*: repeat purchase days in the holdout period. */
  holdoutFrequency: Float64Array;
  /** Total amount of the holdout purchase days. */
  holdoutSpend: Float64Array;
  /** Periods from the first day of the data (the earliest first purchase) to the first purchase. */
  birth: Float64Array;
  /** Repeat purchases (days after each customer's first) in period 1, 2, … from the start. */
  periodRepeats: Float64Array;
  /** First day of the data, first holdout day and last holdout day, "yyyy-mm-dd". */
  start: string;
  holdoutStart: string;
  holdoutEnd: string;
  /** Length of the holdout period in periods (the horizon to predict). */
  holdoutLength: number;
  periodDays: number;
  /** Customers whose first purchase falls after the calibration period: left out. */
  excludedNew: number;
  /** Order lines after the last day summarised (the holdout end, or `calibrationEnd`): left out. */
  ordersAfter: number;
}

const DAY_MS = 86_400_000;
const MONEY = 1e4; // amounts are summed to a hundredth of a cent, so sums do not depend on order

const isoDay = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);

function parseDay(v: string | Date, name: string): number {
  const ms = v instanceof Date
    ? v.getTime()
    : /^\d{4}-\d{2}-\d{2}$/.test(v)
    ? Date.parse(`${v}T00:00:00Z`)
    : NaN;
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `The '${name}' option of summarizeOrders must be a date like "1997-10-01". Got ${
        JSON.stringify(v instanceof Date ? "Invalid Date" : v)
      } instead`,
    );
  }
  return Math.floor(ms / DAY_MS);
}

const isTemporal = (t: pl.DataType) =>
  t.equals(pl.Date) || String(t).startsWith("DataType(Datetime");
const isNumeric = (t: pl.DataType) => /^DataType\((U?Int\d+|Float\d+)\)$/.test(String(t));

/** Checks the orders' columns; throws an {@link InputError} naming the column and first bad row. */
function checkOrders(orders: pl.DataFrame, c: typeof DEFAULTS.columns): void {
  for (const col of [c.customerId, c.ts, c.amount]) {
    if (!orders.columns.includes(col)) {
      throw new InputError(
        `The orders have no '${col}' column${didYouMean(col, orders.columns)}`,
        { column: col },
      );
    }
  }
  const firstNull = (col: string) =>
    (orders.getColumn(col).isNull().toArray() as boolean[]).findIndex((v) => v);
  const ts = orders.getColumn(c.ts);
  if (!isTemporal(ts.dtype)) {
    throw new InputError(
      `Column '${c.ts}' of the orders must hold dates. Got ${String(ts.dtype).slice(9, -1)} ` +
        `(first value ${JSON.stringify(ts.get(0))})`,
      { column: c.ts },
    );
  }
  if (ts.nullCount() > 0) {
    throw new InputError(
      `${ts.nullCount()} orders have no date in column '${c.ts}' (first at row ${
        firstNull(c.ts) + 1
      }): every order needs one`,
      { column: c.ts, line: firstNull(c.ts) + 1 },
    );
  }
  if (orders.getColumn(c.customerId).nullCount() > 0) {
    const row = firstNull(c.customerId) + 1;
    throw new InputError(
      `Order at row ${row} has no customer id in column '${c.customerId}'`,
      { column: c.customerId, line: row },
    );
  }
  const amount = orders.getColumn(c.amount);
  const asNumber = isNumeric(amount.dtype)
    ? amount.cast(pl.Float64)
    : amount.cast(pl.Float64, false);
  const values = asNumber.toArray() as (number | null)[];
  const bad = values.findIndex((v) => v === null || !Number.isFinite(v));
  if (bad >= 0) {
    throw new InputError(
      `Column '${c.amount}' of the orders must hold numbers: row ${bad + 1} has ${
        JSON.stringify(amount.get(bad))
      }`,
      { column: c.amount, line: bad + 1 },
    );
  }
}

/** The periods' layout a summary uses, after checking the orders and the dates. */
function layout(orders: pl.DataFrame, options: SummaryOptions) {
  const o = { ...DEFAULTS, ...options, columns: { ...DEFAULTS.columns, ...options.columns } };
  if (!(Number.isInteger(o.periodDays) && o.periodDays > 0)) {
    throw new RangeError(
      `The 'periodDays' option of summarizeOrders must be an integer > 0. Got ${o.periodDays}`,
    );
  }
  checkOrders(orders, o.columns);
  const c = o.columns;
  const dayExpr = pl.col(c.ts).cast(pl.Date).cast(pl.Int32);
  if (orders.height === 0) throw new InputError("The orders table has no rows");
  const [lo, hi] = orders.select(dayExpr.min().alias("lo"), dayExpr.max().alias("hi")).row(0);
  const noHoldout = o.holdoutStart === null;
  let holdoutStart: number, holdoutEnd: number;
  if (noHoldout) {
    holdoutEnd = o.calibrationEnd === null ? hi : parseDay(o.calibrationEnd, "calibrationEnd");
    if (holdoutEnd < lo) {
      throw new InputError(
        `The calibration end ${isoDay(holdoutEnd)} is before the first order day ${isoDay(lo)}`,
        { column: c.ts },
      );
    }
    holdoutStart = holdoutEnd + 1;
  } else {
    holdoutStart = parseDay(o.holdoutStart!, "holdoutStart");
    holdoutEnd = o.holdoutEnd === null ? hi : parseDay(o.holdoutEnd, "holdoutEnd");
  }
  if (!noHoldout && !(holdoutStart > lo && holdoutStart <= hi)) {
    throw new InputError(
      `The holdout start ${isoDay(holdoutStart)} is outside the orders' dates (${isoDay(lo)} to ` +
        `${isoDay(hi)}): it must fall after the first order day and on or before the last`,
      { column: c.ts },
    );
  }
  if (!noHoldout && holdoutEnd < holdoutStart) {
    throw new RangeError(
      `The holdout end ${isoDay(holdoutEnd)} must not be before its start ${isoDay(holdoutStart)}`,
    );
  }
  return { o, c, dayExpr, lo, holdoutStart, holdoutEnd };
}

/**
 * Checks an orders table and the summary's dates without summarising: the columns, the dates
 * present and the holdout start inside them. Cheap, so a run can stop on bad input right after
 * ingest. Throws what {@link summarizeOrders} would.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { checkSummaryInput } from "./_summary.ts";
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "a"],
 *   ts: [new Date("1997-01-01"), new Date("1997-03-01")],
 *   amount: [1, 2],
 * });
 * checkSummaryInput(orders, { holdoutStart: "1997-02-01" });
 * let said = "";
 * try {
 *   checkSummaryInput(orders, { holdoutStart: "1998-01-01" });
 * } catch (e) {
 *   said = (e as Error).message;
 * }
 * if (!said.includes("outside the orders' dates")) throw new Error(said);
 * ```
 */
export function checkSummaryInput(orders: pl.DataFrame, options: SummaryOptions): void {
  layout(orders, options);
}

/**
 * Summarises an orders table (one row per order or order line: customer id, date, amount) into
 * calibration and holdout figures per customer, with purchases counted by day.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { summarizeOrders } from "./_summary.ts";
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "a", "a", "a", "b"],
 *   ts: ["1997-01-01", "1997-01-01", "1997-01-15", "1997-02-05", "1997-01-08"]
 *     .map((d) => new Date(d)),
 *   amount: [10, 5, 20, 30, 8],
 * });
 * const s = summarizeOrders(orders, { holdoutStart: "1997-02-01" });
 * // "a": 2 lines on 01-01 make one purchase; 01-15 is the one repeat before February.
 * if (s.frequency[0] !== 1 || s.recency[0] !== 2 || s.holdoutFrequency[0] !== 1) {
 *   throw new Error("wrong summary for customer a");
 * }
 * if (s.monetary[0] !== 20 || s.T[1] !== 23 / 7) throw new Error("wrong spend or age");
 * ```
 */
export function summarizeOrders(orders: pl.DataFrame, options: SummaryOptions): OrdersSummary {
  const { o, c, dayExpr, lo, holdoutStart, holdoutEnd } = layout(orders, options);
  const day = pl.col("day"), first = pl.col("first");
  const calEnd = holdoutStart - 1, p = o.periodDays;
  const daily = orders.lazy()
    .select(
      pl.col(c.customerId).cast(pl.Utf8).alias("id"),
      dayExpr.alias("day"),
      pl.col(c.amount).cast(pl.Float64).mul(MONEY).round(0).cast(pl.Int64).alias("amount"),
    )
    .filter(day.ltEq(holdoutEnd))
    .groupBy(["id", "day"]).agg(pl.col("amount").sum())
    .withColumns(day.min().over("id").alias("first"))
    .filter(first.ltEq(calEnd))
    .collectSync();
  const repeatCal = day.gt(first).and(day.ltEq(calEnd));
  const inHoldout = day.gtEq(holdoutStart);
  const money = (e: pl.Expr) => e.sum().cast(pl.Float64).div(MONEY);
  const cust = daily.lazy().groupBy("id").agg(
    first.first().alias("first"),
    repeatCal.sum().cast(pl.Float64).alias("x"),
    day.filter(day.ltEq(calEnd)).max().alias("last"),
    money(pl.col("amount").filter(repeatCal)).alias("repeatSpend"),
    inHoldout.sum().cast(pl.Float64).alias("xHoldout"),
    money(pl.col("amount").filter(inHoldout)).alias("holdoutSpend"),
  ).sort("id").collectSync();
  const start = daily.height === 0 ? lo : (daily.getColumn("first").min() as number);
  const periods = Math.ceil((holdoutEnd - start + 1) / p);
  const weekly = daily.lazy().filter(day.gt(first))
    .groupBy(day.sub(pl.lit(start)).div(p).floor().cast(pl.Int32).alias("w"))
    .agg(pl.len().alias("n")).collectSync();
  const periodRepeats = new Float64Array(periods);
  const ws = weekly.getColumn("w").toArray() as number[], ns = weekly.getColumn("n").toArray();
  ws.forEach((w, i) => periodRepeats[w] = Number(ns[i]));

  const firsts = cust.getColumn("first").toArray() as number[];
  const last = cust.getColumn("last").toArray() as number[];
  const x = Float64Array.from(cust.getColumn("x").toArray() as number[]);
  const spend = cust.getColumn("repeatSpend").toArray() as number[];
  const n = cust.height;
  const recency = new Float64Array(n), T = new Float64Array(n), monetary = new Float64Array(n);
  const birth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    recency[i] = (last[i] - firsts[i]) / p;
    T[i] = (calEnd - firsts[i]) / p;
    monetary[i] = x[i] > 0 ? spend[i] / x[i] : 0;
    birth[i] = (firsts[i] - start) / p;
  }
  const everyone = orders.select(pl.col(c.customerId).nUnique().alias("n")).getColumn("n").get(0);
  const after = orders.select(dayExpr.gt(holdoutEnd).sum().alias("n")).getColumn("n").get(0);
  return {
    customerId: cust.getColumn("id").toArray() as string[],
    frequency: x,
    recency,
    T,
    monetary,
    holdoutFrequency: Float64Array.from(cust.getColumn("xHoldout").toArray() as number[]),
    holdoutSpend: Float64Array.from(cust.getColumn("holdoutSpend").toArray() as number[]),
    birth,
    periodRepeats,
    start: isoDay(start),
    holdoutStart: isoDay(holdoutStart),
    holdoutEnd: isoDay(holdoutEnd),
    holdoutLength: (holdoutEnd - holdoutStart + 1) / p,
    periodDays: p,
    excludedNew: Number(everyone) - n,
    ordersAfter: Number(after),
  };
}
