/**
 * Feature families computed from the orders table: purchase (RFM, basket, intervals), preference
 * (category and channel mix) and price (discounts, promotions, price level).
 *
 * Order lines are first rolled up to orders (customer_id, order_id), then to customers; spend by
 * category comes from a second roll-up by (customer_id, category). Everything stays lazy.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureMeta } from "../types.ts";
import {
  DAY_MS,
  epochMs,
  exactSum,
  type FamilyResult,
  FRACTION,
  levelNames,
  meta,
  MONEY,
  nullF64,
  rankLevels,
  ratio,
  requireColumns,
} from "./_util.ts";

/** Settings the orders families need from the features options. */
export interface OrdersSettings {
  refMs: number;
  topCategories: number;
  topChannels: number;
  /** Skip the per-order step (true) or force it (false); checked on the data when absent. */
  oneLineOrders?: boolean;
}

/**
 * True when no order has two lines. With a million customers grouping 7.3 M one-line orders took
 * about half of the features stage; the check is one count of distinct order ids.
 */
function oneLinePerOrder(orders: pl.DataFrame): boolean {
  const n = orders.select(pl.col("order_id").nUnique().alias("n")).getColumn("n").get(0);
  return Number(n) === orders.height;
}

/** A value rounded as {@link exactSum} rounds it: the sum of a group of one (0 for null). */
function exactValue(e: pl.Expr, scale: number): pl.Expr {
  return e.mul(scale).round(0).cast(pl.Int64).fillNull(0).cast(pl.Float64).div(scale);
}

const NO_ORDERS = "no orders";

/** Builds the purchase, preference and price features of every customer with at least one order. */
export function ordersFamily(orders: pl.DataFrame, s: OrdersSettings): FamilyResult {
  requireColumns("orders", orders, ["customer_id", "order_id", "ts", "amount"]);
  const has = (c: string) => orders.columns.includes(c);
  const hasCat = has("category"), hasQty = has("quantity"), hasDisc = has("discount");
  const hasPromo = has("promo"), hasChannel = has("channel");

  const unit = hasQty
    ? pl.when(pl.col("quantity").gt(0)).then(pl.col("amount").div(pl.col("quantity")))
      .otherwise(pl.col("amount"))
    : pl.col("amount");
  const lines = orders.lazy().select(
    pl.col("customer_id"),
    pl.col("order_id").cast(pl.Utf8),
    epochMs("ts", orders.getColumn("ts").dtype).alias("__t"),
    pl.col("amount").cast(pl.Float64),
    unit.cast(pl.Float64).alias("__unit"),
    ...(hasQty ? [pl.col("quantity").cast(pl.Float64).fillNull(1).alias("__items")] : []),
    ...(hasCat ? [pl.col("category")] : []),
    ...(hasDisc ? [pl.col("discount").cast(pl.Float64)] : []),
    ...(hasPromo ? [pl.col("promo").cast(pl.Bool)] : []),
    ...(hasChannel ? [pl.col("channel")] : []),
  );

  // Small eager look-ups: which categories and channels get their own column, and the median
  // unit price per category that price_ratio_mean compares against.
  const cats = hasCat ? rankLevels(lines, "category", exactSum(pl.col("amount"), MONEY)) : [];
  // Channels are ranked by order lines: counting distinct orders per channel costs a hash of
  // every order id, and lines rank channels the same way unless orders mix channels.
  const channels = hasChannel ? rankLevels(lines, "channel", pl.len()) : [];
  const topCats = cats.slice(0, s.topCategories), topChannels = channels.slice(0, s.topChannels);
  const catNames = levelNames(topCats), channelNames = levelNames(topChannels);
  // Lines without a category count as "other", so the spend shares add up to 1.
  const catOther = cats.length > topCats.length ||
    (hasCat && orders.getColumn("category").nullCount() > 0);
  const channelOther = channels.length > topChannels.length;

  const medians = hasCat
    ? lines.groupBy("category").agg(pl.col("__unit").median().alias("__median"))
    : lines.select(pl.col("__unit").median().alias("__median"));
  const priced = hasCat
    ? lines.join(medians, { on: "category", how: "left" })
    : lines.join(medians, { how: "cross" });
  const inTop = (c: string) => pl.col("category").eq(pl.lit(c));
  const isOther = pl.col("category").isIn(topCats).not().or(pl.col("category").isNull());
  const catKeys = [...topCats.map((c) => catNames.get(c)!), ...(catOther ? ["other"] : [])];
  // Conditional amounts are computed per line, before grouping: a filter inside an aggregation
  // is evaluated group by group, several times slower with millions of groups.
  const amountIf = (cond: pl.Expr) =>
    pl.when(cond).then(pl.col("amount")).otherwise(pl.lit(0)).cast(pl.Float64);
  const withRatio = priced.withColumns(
    ratio(pl.col("__unit"), pl.col("__median")).alias("__ratio"),
    ...(hasPromo ? [amountIf(pl.col("promo")).alias("__promo")] : []),
    ...topCats.map((c) => amountIf(inTop(c)).alias(`__sp_${catNames.get(c)}`)),
    ...(catOther ? [amountIf(isOther).alias("__sp_other")] : []),
  );
  const orderAgg = [
    pl.col("__t").min().alias("__t"),
    exactSum(pl.col("amount"), MONEY).alias("amount"),
    (hasQty ? exactSum(pl.col("__items"), FRACTION) : pl.len().cast(pl.Float64)).alias("__items"),
    exactSum(pl.col("__ratio"), FRACTION).alias("__ratio_sum"),
    pl.col("__ratio").count().alias("__ratio_n"),
    ...(hasDisc
      ? [
        pl.col("discount").gt(0).any().cast(pl.Float64).alias("__disc_any"),
        exactSum(pl.col("discount"), FRACTION).alias("__disc_sum"),
        pl.col("discount").count().alias("__disc_n"),
      ]
      : []),
    ...(hasPromo ? [exactSum(pl.col("__promo"), MONEY).alias("__promo")] : []),
    ...catKeys.map((k) => exactSum(pl.col(`__sp_${k}`), MONEY).alias(`__sp_${k}`)),
    ...(hasChannel ? [pl.col("channel").dropNulls().first().alias("channel")] : []),
    ...topCats.map((c) => inTop(c).any().cast(pl.Float64).alias(`__has_${catNames.get(c)}`)),
    ...(catOther ? [isOther.any().cast(pl.Float64).alias("__has_other")] : []),
  ];
  // The same figures when each order is a single line: the sums rounded the same way, so the
  // bits agree with the aggregation (a test checks), without grouping millions of one-line orders.
  const lineAgg = [
    pl.col("__t"),
    exactValue(pl.col("amount"), MONEY).alias("amount"),
    (hasQty ? exactValue(pl.col("__items"), FRACTION) : pl.lit(1).cast(pl.Float64)).alias(
      "__items",
    ),
    exactValue(pl.col("__ratio"), FRACTION).alias("__ratio_sum"),
    pl.col("__ratio").isNotNull().cast(pl.UInt32).alias("__ratio_n"),
    ...(hasDisc
      ? [
        pl.col("discount").gt(0).fillNull(false).cast(pl.Float64).alias("__disc_any"),
        exactValue(pl.col("discount"), FRACTION).alias("__disc_sum"),
        pl.col("discount").isNotNull().cast(pl.UInt32).alias("__disc_n"),
      ]
      : []),
    ...(hasPromo ? [exactValue(pl.col("__promo"), MONEY).alias("__promo")] : []),
    ...catKeys.map((k) => exactValue(pl.col(`__sp_${k}`), MONEY).alias(`__sp_${k}`)),
    ...(hasChannel ? [pl.col("channel")] : []),
    ...topCats.map((c) =>
      inTop(c).fillNull(false).cast(pl.Float64).alias(`__has_${catNames.get(c)}`)
    ),
    ...(catOther ? [isOther.fillNull(false).cast(pl.Float64).alias("__has_other")] : []),
  ];
  const perOrder = (s.oneLineOrders ?? oneLinePerOrder(orders))
    ? withRatio.select(pl.col("customer_id"), pl.col("order_id"), ...lineAgg)
    : withRatio.groupBy(["customer_id", "order_id"]).agg(...orderAgg);

  const chKeys = [
    ...topChannels.map((c) => channelNames.get(c)!),
    ...(channelOther ? ["other"] : []),
  ];
  const sumOf = (c: string, scale = FRACTION) => exactSum(pl.col(c), scale).alias(c);
  const perCustomer = perOrder.groupBy("customer_id").agg(
    pl.len().cast(pl.Float64).alias("frequency"),
    exactSum(pl.col("amount"), MONEY).alias("monetary_total"),
    exactSum(pl.col("__items"), FRACTION).alias("__items"),
    pl.col("__t").max().alias("__last"),
    pl.col("__t").min().alias("__first_orders"),
    pl.col("__t").sort().diff(1, "ignore").std().alias("__gap_sd"),
    sumOf("__ratio_sum"),
    sumOf("__ratio_n"),
    ...(hasDisc ? [sumOf("__disc_any"), sumOf("__disc_sum"), sumOf("__disc_n")] : []),
    ...(hasPromo ? [sumOf("__promo", MONEY)] : []),
    ...(hasChannel
      ? [
        pl.col("channel").count().alias("__ch_known"),
        ...topChannels.map((c) =>
          pl.col("channel").eq(pl.lit(c)).sum().alias(`__ch_${channelNames.get(c)}`)
        ),
        ...(channelOther
          ? [pl.col("channel").isIn(topChannels).not().sum().alias("__ch_other")]
          : []),
      ]
      : []),
    ...catKeys.map((k) => sumOf(`__has_${k}`)),
    ...catKeys.map((k) => sumOf(`__sp_${k}`, MONEY)),
  );

  const freq = pl.col("frequency");
  const gapMean = pl.col("__last").sub(pl.col("__first_orders")).div(freq.sub(1));
  const cols: pl.Expr[] = [
    pl.col("customer_id"),
    pl.lit(s.refMs).sub(pl.col("__last")).div(DAY_MS).alias("recency_days"),
    freq,
    pl.col("monetary_total"),
    ratio(pl.col("monetary_total"), freq).alias("monetary_mean"),
    ratio(pl.col("__items"), freq).alias("basket_size"),
    pl.when(freq.gt(1)).then(gapMean.div(DAY_MS)).otherwise(nullF64()).alias("interval_mean_days"),
    pl.when(freq.gt(2)).then(ratio(pl.col("__gap_sd"), gapMean)).otherwise(nullF64()).alias(
      "interval_cv",
    ),
    pl.col("__first_orders"),
    ratio(pl.col("__ratio_sum"), pl.col("__ratio_n")).alias("price_ratio_mean"),
  ];
  const m: FeatureMeta[] = [
    meta("recency_days", "purchase", "days", "Days from the last order to the reference date", {
      nullReason: NO_ORDERS,
    }),
    meta("frequency", "purchase", "orders", "Distinct orders placed", { heavyTailed: true }),
    meta("monetary_total", "purchase", "currency", "Total amount paid over all orders", {
      heavyTailed: true,
    }),
    meta("monetary_mean", "purchase", "currency", "Mean amount paid per order", {
      heavyTailed: true,
      nullReason: NO_ORDERS,
    }),
    meta("basket_size", "purchase", "items per order", "Mean items per order", {
      heavyTailed: true,
      nullReason: NO_ORDERS,
    }),
    meta("interval_mean_days", "purchase", "days", "Mean gap between consecutive orders", {
      heavyTailed: true,
      nullReason: "fewer than two orders",
    }),
    meta(
      "interval_cv",
      "purchase",
      "ratio",
      "Irregularity of ordering: standard deviation (n-1) of the gaps between orders over their mean",
      { nullReason: "fewer than three orders, or all orders at the same time" },
    ),
    meta(
      "price_ratio_mean",
      "price",
      "ratio",
      hasCat
        ? "Mean unit price paid relative to the median unit price of the same category"
        : "Mean unit price paid relative to the median unit price of all order lines",
      { nullReason: NO_ORDERS },
    ),
  ];
  if (hasDisc) {
    cols.push(
      ratio(pl.col("__disc_any"), freq).alias("discount_order_share"),
      ratio(pl.col("__disc_sum"), pl.col("__disc_n")).alias("discount_mean"),
    );
    m.push(
      meta("discount_order_share", "price", "share", "Share of orders with a discount", {
        nullReason: NO_ORDERS,
      }),
      meta("discount_mean", "price", "fraction", "Mean discount over order lines", {
        nullReason: "no orders with a known discount",
      }),
    );
  }
  if (hasPromo) {
    cols.push(
      pl.col("__promo").alias("promo_spend"),
      ratio(pl.col("__promo"), pl.col("monetary_total")).alias("promo_spend_share"),
    );
    m.push(
      meta("promo_spend", "price", "currency", "Amount paid on promoted order lines", {
        heavyTailed: true,
      }),
      meta("promo_spend_share", "price", "share", "Share of spend on promoted order lines", {
        nullReason: "no spend",
      }),
    );
  }
  for (const k of chKeys) {
    const level = k === "other"
      ? "other channels"
      : topChannels.find((c) => channelNames.get(c) === k);
    cols.push(ratio(pl.col(`__ch_${k}`), pl.col("__ch_known")).alias(`channel_share_${k}`));
    m.push(
      meta(`channel_share_${k}`, "preference", "share", `Share of orders placed via ${level}`, {
        nullReason: "no orders with a known channel",
      }),
    );
  }
  for (const k of catKeys) {
    const level = k === "other" ? "other categories" : topCats.find((c) => catNames.get(c) === k);
    cols.push(ratio(pl.col(`__has_${k}`), freq).alias(`order_share_${k}`));
    m.push(
      meta(`order_share_${k}`, "preference", "share", `Share of orders that include ${level}`, {
        nullReason: NO_ORDERS,
      }),
    );
  }
  for (const k of catKeys) {
    const level = k === "other" ? "other categories" : topCats.find((c) => catNames.get(c) === k);
    cols.push(ratio(pl.col(`__sp_${k}`), pl.col("monetary_total")).alias(`spend_share_${k}`));
    m.push(
      meta(`spend_share_${k}`, "preference", "share", `Share of spend on ${level}`, {
        nullReason: "no spend",
      }),
    );
  }
  if (hasCat && !catOther) cols.push(entropyOf(catKeys.map((k) => pl.col(`__sp_${k}`))));
  let frame = perCustomer.select(...cols);
  if (hasCat && catOther) {
    frame = frame.join(entropyByCategory(lines), { on: "customer_id", how: "left" });
  }
  if (hasCat) {
    m.push(
      meta(
        "category_entropy",
        "preference",
        "bits",
        "Diversity of spend across categories (Shannon entropy of spend shares)",
        { nullReason: "no spend" },
      ),
    );
  }
  const zeroFill = ["frequency", "monetary_total", ...(hasPromo ? ["promo_spend"] : [])];
  return { frame, meta: m, zeroFill, internal: ["__first_orders"], warnings: [] };
}

/**
 * Shannon entropy (bits) of the positive spends in `spends`, one column per category; null when
 * nothing was spent. Used when every category has its own column.
 */
function entropyOf(spends: pl.Expr[]): pl.Expr {
  if (spends.length === 0) return nullF64().alias("category_entropy");
  const pos = spends.map((e) => pl.when(e.gt(0)).then(e).otherwise(pl.lit(0.0)));
  const total = pl.sumHorizontal(pos);
  const terms = pos.map((e) =>
    pl.when(e.gt(0)).then(e.div(total).mul(e.div(total).log(2)).mul(-1)).otherwise(pl.lit(0.0))
  );
  return pl.when(total.gt(0)).then(pl.sumHorizontal(terms)).otherwise(nullF64()).alias(
    "category_entropy",
  );
}

/** Entropy over every category, when some share the "other" column: a roll-up per category. */
function entropyByCategory(lines: pl.LazyDataFrame): pl.LazyDataFrame {
  const byCat = lines.groupBy(["customer_id", "category"]).agg(
    exactSum(pl.col("amount"), MONEY).alias("__spend"),
  ).filter(pl.col("__spend").gt(0));
  const spend = pl.col("__spend");
  const total = exactSum(spend, MONEY);
  return byCat.groupBy("customer_id").agg(
    exactSum(spend.div(total).mul(spend.div(total).log(2)).mul(-1), FRACTION).alias(
      "category_entropy",
    ),
  );
}
