/**
 * Feature families from the activity tables: browsing (events) and social interactions.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureMeta } from "../types.ts";
import {
  DAY_MS,
  epochMs,
  type FamilyResult,
  levelNames,
  meta,
  rankLevels,
  ratio,
  requireColumns,
} from "./_util.ts";

/** Settings the browsing family needs from the features options. */
export interface EventsSettings {
  topEventTypes: number;
  topCategories: number;
  viewEvent: string;
  cartEvent: string;
  abandonmentDays: number;
}

/**
 * Event counts by type (totals over the data), browse breadth, the share of browsing per top
 * category (where a customer's attention goes: "browsing concentrated on apparel and beauty"
 * shows here, not in breadth, which saturates for heavy browsers), and cart abandonment: the share
 * of cart events not followed by an order line of the same customer and category (any category
 * when either table has none) within `abandonmentDays`. Carts without a category never match.
 * Also returns the internal `__views` count that browse_conversion divides by.
 */
export function eventsFamily(
  events: pl.DataFrame,
  orders: pl.DataFrame | undefined,
  s: EventsSettings,
): FamilyResult {
  requireColumns("events", events, ["customer_id", "ts", "event_type"]);
  const hasCat = events.columns.includes("category");
  const lf = events.lazy().select(
    pl.col("customer_id"),
    epochMs("ts", events.getColumn("ts").dtype).alias("__t"),
    pl.col("event_type"),
    ...(hasCat ? [pl.col("category")] : []),
  );
  const types = rankLevels(lf, "event_type", pl.len());
  const top = types.slice(0, s.topEventTypes);
  const names = levelNames(top);
  const other = types.length > top.length || events.getColumn("event_type").nullCount() > 0;
  const keys = [...top.map((t) => names.get(t)!), ...(other ? ["other"] : [])];
  const type = pl.col("event_type");

  const browseCats = hasCat ? rankLevels(lf, "category", pl.len()).slice(0, s.topCategories) : [];
  const catNames = levelNames(browseCats);
  // 0/1 flags are made per row before grouping: comparisons inside an aggregation run group by
  // group, markedly slower with a million customers.
  const flag = (cond: pl.Expr, name: string) => cond.fillNull(false).alias(name);
  const flags = [
    ...top.map((t) => flag(type.eq(pl.lit(t)), `__e_${names.get(t)}`)),
    ...(other ? [flag(type.isIn(top).not().or(type.isNull()), "__e_other")] : []),
    flag(type.eq(pl.lit(s.viewEvent)), "__e_views"),
    ...browseCats.map((c) => flag(pl.col("category").eq(pl.lit(c)), `__b_${catNames.get(c)}`)),
  ];
  const count = (c: string) => pl.col(c).sum().cast(pl.Float64);
  const agg: pl.Expr[] = [
    ...keys.map((k) => count(`__e_${k}`).alias(`events_${k}`)),
    count("__e_views").alias("__views"),
    pl.col("__t").min().alias("__first_events"),
    ...(hasCat
      ? [
        pl.col("category").nUnique().cast(pl.Float64).sub(
          pl.col("category").nullCount().gt(0).cast(pl.Float64),
        ).alias("browse_breadth"),
      ]
      : []),
    ...browseCats.map((c) =>
      count(`__b_${catNames.get(c)}`).div(pl.len().cast(pl.Float64)).alias(
        `browse_share_${catNames.get(c)}`,
      )
    ),
  ];
  let frame = lf.withColumns(...flags).groupBy("customer_id").agg(...agg);
  const m: FeatureMeta[] = keys.map((k) => {
    const level = k === "other" ? "other types" : `type '${top.find((t) => names.get(t) === k)}'`;
    return meta(`events_${k}`, "browsing", "events", `Browsing events of ${level} (total)`, {
      heavyTailed: true,
    });
  });
  const zeroFill = [...keys.map((k) => `events_${k}`), "__views"];
  if (hasCat) {
    m.push(
      meta("browse_breadth", "browsing", "categories", "Distinct categories browsed"),
    );
    zeroFill.push("browse_breadth");
    for (const c of browseCats) {
      m.push(
        meta(
          `browse_share_${catNames.get(c)}`,
          "browsing",
          "share",
          `Share of browsing events in category '${c}'`,
          { nullReason: "no browsing events" },
        ),
      );
    }
  }

  if (orders && types.includes(s.cartEvent)) {
    const byCat = hasCat && orders.columns.includes("category");
    const carts = lf.filter(type.eq(pl.lit(s.cartEvent))).select(
      "customer_id",
      "__t",
      ...(byCat ? ["category"] : []),
    ).sort("__t");
    const bought = orders.lazy().select(
      pl.col("customer_id"),
      epochMs("ts", orders.getColumn("ts").dtype).alias("__ot"),
      ...(byCat ? [pl.col("category")] : []),
    ).sort("__ot");
    const by = byCat ? ["customer_id", "category"] : ["customer_id"];
    const abandoned = carts.joinAsof(bought, {
      leftOn: "__t",
      rightOn: "__ot",
      by,
      strategy: "forward",
      tolerance: s.abandonmentDays * DAY_MS,
      checkSortedness: false,
    }).groupBy("customer_id").agg(
      pl.len().cast(pl.Float64).alias("__carts"),
      pl.col("__ot").isNull().sum().cast(pl.Float64).alias("__abandoned"),
    ).select(
      pl.col("customer_id"),
      ratio(pl.col("__abandoned"), pl.col("__carts")).alias("cart_abandonment"),
    );
    frame = frame.join(abandoned, { on: "customer_id", how: "left" });
    m.push(
      meta(
        "cart_abandonment",
        "browsing",
        "share",
        `Share of '${s.cartEvent}' events not followed by an order ${
          byCat ? "in the same category " : ""
        }within ${s.abandonmentDays} days`,
        { nullReason: "no cart events" },
      ),
    );
  }
  return { frame, meta: m, zeroFill, internal: ["__first_events", "__views"], warnings: [] };
}

/**
 * Distinct calendar months (UTC) in which a customer has any timestamped row. One count over
 * all rows: making (customer, month) pairs unique first hashes pairs, and took 3× the time and
 * memory on a million customers' 64 M rows.
 */
export function activeMonths(tables: pl.DataFrame[]): pl.LazyDataFrame {
  const parts = tables.map((df) =>
    df.lazy().select(
      pl.col("customer_id"),
      pl.col("ts").cast(pl.Datetime("ms")).dt.year().cast(pl.Int32).mul(12).add(
        pl.col("ts").cast(pl.Datetime("ms")).dt.month().cast(pl.Int32),
      ).alias("__month"),
    )
  );
  const all = parts.length === 1 ? parts[0] : pl.concat(parts);
  return all.groupBy("customer_id").agg(
    pl.col("__month").nUnique().cast(pl.Float64).alias("__active_months"),
  );
}

/**
 * Social interactions by kind per active month (months with any order, event or interaction),
 * and the share of interactions on new products.
 */
export function socialFamily(
  social: pl.DataFrame,
  months: pl.LazyDataFrame,
  topKinds: number,
): FamilyResult {
  requireColumns("social", social, ["customer_id", "ts", "kind"]);
  const hasNew = social.columns.includes("new_product");
  const lf = social.lazy().select(
    pl.col("customer_id"),
    epochMs("ts", social.getColumn("ts").dtype).alias("__t"),
    pl.col("kind"),
    ...(hasNew ? [pl.col("new_product").cast(pl.Float64)] : []),
  );
  const kinds = rankLevels(lf, "kind", pl.len());
  const top = kinds.slice(0, topKinds);
  const names = levelNames(top);
  const other = kinds.length > top.length || social.getColumn("kind").nullCount() > 0;
  const keys = [...top.map((t) => names.get(t)!), ...(other ? ["other"] : [])];
  const kind = pl.col("kind");
  const counts = lf.groupBy("customer_id").agg(
    ...top.map((t) => kind.eq(pl.lit(t)).sum().cast(pl.Float64).alias(`__n_${names.get(t)}`)),
    ...(other
      ? [kind.isIn(top).not().or(kind.isNull()).sum().cast(pl.Float64).alias("__n_other")]
      : []),
    pl.col("__t").min().alias("__first_social"),
    ...(hasNew
      ? [
        pl.col("new_product").sum().alias("__new"),
        pl.col("new_product").count().alias("__new_n"),
      ]
      : []),
  );
  const frame = counts.join(months, { on: "customer_id", how: "left" }).select(
    pl.col("customer_id"),
    pl.col("__first_social"),
    ...keys.map((k) =>
      ratio(pl.col(`__n_${k}`), pl.col("__active_months")).alias(`social_${k}_per_month`)
    ),
    ...(hasNew
      ? [ratio(pl.col("__new"), pl.col("__new_n")).alias("social_new_product_share")]
      : []),
  );
  const m: FeatureMeta[] = keys.map((k) => {
    const level = k === "other" ? "other kinds" : `kind '${top.find((t) => names.get(t) === k)}'`;
    return meta(
      `social_${k}_per_month`,
      "social",
      "count per month",
      `Social interactions of ${level} per active month`,
      { heavyTailed: true },
    );
  });
  if (hasNew) {
    m.push(
      meta(
        "social_new_product_share",
        "social",
        "share",
        "Share of social interactions on new products",
        { nullReason: "no social interactions" },
      ),
    );
  }
  return {
    frame,
    meta: m,
    zeroFill: keys.map((k) => `social_${k}_per_month`),
    internal: ["__first_social"],
    warnings: [],
  };
}
