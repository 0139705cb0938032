/**
 * Features stage: one row of behavioural features per customer, built with Polars expressions
 * from whichever canonical tables exist (see {@link Tables}). Families: purchase, preference,
 * price (orders), browsing (events), social, and customer attributes passed through.
 *
 * Time features are measured against a reference date: `options.referenceDate`, or else the
 * latest timestamp over all tables plus one day (never the wall clock). With an explicit
 * reference date, rows at or after it are ignored (with a warning), so features describe the
 * customer as of that date.
 *
 * Features (unit; null when…; † = heavyTailed, log1p in the matrix):
 * - purchase: recency_days (days; no orders), frequency† (orders), monetary_total† (currency),
 *   monetary_mean† (currency; no orders), basket_size† (items per order; no orders),
 *   interval_mean_days† (days; < 2 orders), interval_cv (sd (n-1) / mean of gaps; < 3 orders),
 *   tenure_days (days since signup, else first activity).
 * - preference: spend_share_<category> and spend_share_other (share of spend; top categories
 *   by total spend), order_share_<category> (share of orders that include it), category_entropy
 *   (bits, over all categories), channel_share_<channel> (share of orders with a known channel).
 * - price: discount_order_share (share of orders with a discount > 0), discount_mean (mean
 *   discount fraction over lines with a known discount), promo_spend† (currency),
 *   promo_spend_share, price_ratio_mean (unit price paid / the category's median unit price).
 * - browsing: events_<type>† (totals over the data, not per month), browse_breadth (distinct
 *   categories browsed), browse_conversion (orders per view event), cart_abandonment (share of
 *   cart events with no order of the same category within `abandonmentDays`).
 * - social: social_<kind>_per_month† (per active month: distinct calendar months with any
 *   order, event or interaction), social_new_product_share.
 * - attribute: customer columns passed through (numeric as given, booleans 0/1, dates as
 *   <name>_days_before, text with ≤ `maxCategoricalLevels` levels as categorical).
 * Counts are 0 for a customer without rows; ratios are null where undefined. Order-derived
 * columns exist only when their source column does (discount, promo, channel, category).
 *
 * @module
 */

import pl from "nodejs-polars";
import {
  CATEGORICAL_COLUMNS,
  type FeatureMeta,
  type StageResult,
  type StageWarning,
  type Tables,
} from "../types.ts";
import {
  asCategories,
  DAY_MS,
  epochMs,
  type FamilyResult,
  isTemporal,
  meta,
  ratio,
} from "./_util.ts";
import { ordersFamily } from "./_orders.ts";
import { activeMonths, eventsFamily, socialFamily } from "./_activity.ts";
import { attributeFamily } from "./_attributes.ts";
import { parseOptions } from "../options.ts";
import { FEATURES_RULES, type FeaturesOptions } from "./options.ts";

/** What {@link buildFeatures} returns. */
export interface FeaturesOutput {
  /** customer_id then one column per feature, one row per customer in the customers' order. */
  features: pl.DataFrame;
  /** One entry per feature column, in column order. */
  meta: FeatureMeta[];
  /** The reference date used, as an ISO timestamp (absent when the data has no dates). */
  referenceDate?: string;
}

const GROUP_ORDER = ["purchase", "preference", "price", "browsing", "social", "attribute", "text"];

/**
 * Builds the feature table: one row per customer of `tables.customers`, in its order.
 * Counts are 0 for customers without activity; undefined ratios are null (their meta says why);
 * no value is NaN or infinite.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { buildFeatures } from "./features.ts";
 * const customers = pl.DataFrame({ customer_id: ["a", "b"] });
 * const orders = pl.DataFrame({
 *   customer_id: ["a", "a"], order_id: ["1", "2"], amount: [10, 30],
 *   ts: [new Date("2024-01-01"), new Date("2024-01-03")],
 * });
 * const { outputs } = buildFeatures({ customers, orders }, {});
 * const freq = outputs.features.getColumn("frequency").toArray();
 * if (freq[0] !== 2 || freq[1] !== 0) throw new Error("wrong frequency");
 * ```
 */
export function buildFeatures(
  tables: Tables,
  options: FeaturesOptions = {},
): StageResult<FeaturesOutput> {
  const o = parseOptions("features", FEATURES_RULES, options);
  const warnings: StageWarning[] = [];
  const customers = tables.customers;
  checkCustomers(customers);

  const timed = (["orders", "events", "social", "texts"] as const).filter((t) =>
    tables[t]?.columns.includes("ts")
  );
  const refMs = referenceMs(tables, timed, o.referenceDate);
  const t: Tables = { ...tables };
  if (o.referenceDate !== undefined && refMs !== undefined) {
    for (const name of timed) {
      const df = t[name]!;
      const before = epochMs("ts", df.getColumn("ts").dtype).lt(refMs);
      const late = before.fillNull(false).not().sum().alias("n");
      // Filtering copies the table: with a million customers, gigabytes for no row dropped.
      if (Number(df.select(late).getColumn("n").get(0)) === 0) continue;
      const kept = df.filter(before);
      if (kept.height < df.height) {
        warnings.push({
          stage: "features",
          message: `Ignored ${name} rows at or after the reference date`,
          count: df.height - kept.height,
        });
      }
      t[name] = kept;
    }
  }

  // Frames from ingest already hold these as categoricals; others (a notebook's) are cast here.
  for (const name of ["orders", "events", "social"] as const) {
    if (t[name]) t[name] = asCategories(t[name]!, [...CATEGORICAL_COLUMNS]);
  }

  const families: FamilyResult[] = [];
  const ts0 = refMs ?? 0;
  if (t.orders) {
    families.push(
      ordersFamily(t.orders, {
        refMs: ts0,
        topCategories: o.topCategories,
        topChannels: o.topChannels,
      }),
    );
  }
  if (t.events) families.push(eventsFamily(t.events, t.orders, o));
  if (t.social) {
    const withTs = [t.orders, t.events, t.social].filter((x): x is pl.DataFrame => !!x);
    families.push(socialFamily(t.social, activeMonths(withTs), o.topSocialKinds));
  }

  const hasSignup = customers.columns.includes("signup_date") &&
    isTemporal(customers.getColumn("signup_date").dtype) && !o.exclude.includes("signup_date");
  const skip = new Set(["customer_id", ...o.exclude, ...o.outcomes]);
  if (hasSignup) skip.add("signup_date");
  const metas = families.flatMap((f) => f.meta);
  const attrs = attributeFamily(customers, {
    attributes: o.attributes,
    skip,
    taken: new Set(metas.map((m) => m.name)),
    maxLevels: o.maxCategoricalLevels,
    refMs,
  });
  for (const w of [...families.flatMap((f) => f.warnings), ...attrs.warnings]) warnings.push(w);

  let lf = customers.lazy().select(
    pl.col("customer_id").cast(pl.Utf8).cast(pl.Categorical),
    ...(hasSignup
      ? [
        epochMs("signup_date", customers.getColumn("signup_date").dtype)
          .alias("__signup"),
      ]
      : []),
    ...attrs.exprs,
  ).withRowIndex("__row");
  // Each family is computed on its own before the joins: one plan would run them side by side,
  // and with a million customers their working sets together took 4 GB more at the peak.
  for (const f of families) {
    lf = lf.join(f.frame.collectSync().lazy(), { on: "customer_id", how: "left" });
  }
  const zero = families.flatMap((f) => f.zeroFill);
  if (zero.length > 0) lf = lf.withColumns(...zero.map((c) => pl.col(c).fillNull(0)));

  const derived = derivedFeatures(t, families, hasSignup, ts0);
  if (derived.exprs.length > 0) lf = lf.withColumns(...derived.exprs);
  for (const m of derived.meta) metas.push(m);
  metas.sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
  for (const m of attrs.meta) metas.push(m);

  // Joins need not keep the left order, so the customers' order is restored explicitly.
  const collected = lf.sort("__row")
    .select(pl.col("customer_id").cast(pl.Utf8), ...metas.map((m) => m.name))
    .collectSync();
  const features = finiteOnly(collected, warnings);
  return {
    outputs: {
      features,
      meta: metas,
      ...(refMs !== undefined ? { referenceDate: new Date(refMs).toISOString() } : {}),
    },
    warnings,
  };
}

/** Features that combine families: tenure (signup or first activity) and browse conversion. */
function derivedFeatures(
  t: Tables,
  families: FamilyResult[],
  hasSignup: boolean,
  refMs: number,
): { exprs: pl.Expr[]; meta: FeatureMeta[] } {
  const exprs: pl.Expr[] = [];
  const m: FeatureMeta[] = [];
  const firsts = families.flatMap((f) => f.internal.filter((c) => c.startsWith("__first_")));
  const starts = [...(hasSignup ? ["__signup"] : []), ...firsts];
  if (starts.length > 0) {
    const start = hasSignup
      ? (firsts.length > 0
        ? pl.col("__signup").fillNull(pl.minHorizontal(firsts.map((c) => pl.col(c))))
        : pl.col("__signup"))
      : pl.minHorizontal(firsts.map((c) => pl.col(c)));
    exprs.push(pl.lit(refMs).sub(start).div(DAY_MS).alias("tenure_days"));
    m.push(
      meta(
        "tenure_days",
        // With no activity tables, tenure is a fact from the customer table, not behaviour.
        firsts.length > 0 ? "purchase" : "attribute",
        "days",
        hasSignup
          ? "Days from signup (or first activity when unknown) to the reference date"
          : "Days from the first activity to the reference date",
        { nullReason: hasSignup ? "no signup date and no activity" : "no activity" },
      ),
    );
  }
  if (t.orders && t.events) {
    exprs.push(
      ratio(pl.col("frequency"), pl.col("__views")).alias("browse_conversion"),
    );
    m.push(
      meta("browse_conversion", "browsing", "orders per view", "Orders placed per product view", {
        nullReason: "no product views",
      }),
    );
  }
  return { exprs, meta: m };
}

function checkCustomers(customers: pl.DataFrame): void {
  if (!customers.columns.includes("customer_id")) {
    throw new TypeError(
      `The customers table has no 'customer_id' column (columns: ${
        customers.columns.map((c) => `'${c}'`).join(", ")
      })`,
    );
  }
  const ids = customers.getColumn("customer_id");
  if (ids.nullCount() > 0) {
    throw new TypeError(`The customers table has ${ids.nullCount()} rows without a customer_id`);
  }
  const dup = customers.lazy().groupBy("customer_id").agg(pl.len().alias("n"))
    .filter(pl.col("n").gt(1)).sort("customer_id").limit(1).collectSync();
  if (dup.height > 0) {
    throw new TypeError(
      `The customers table repeats customer_id '${dup.getColumn("customer_id").get(0)}' (${
        dup.getColumn("n").get(0)
      } rows): expected one row per customer`,
    );
  }
}

/** The reference instant in ms: given, or latest timestamp (else latest customer date) + 1 day. */
function referenceMs(
  tables: Tables,
  timed: readonly ("orders" | "events" | "social" | "texts")[],
  given: string | Date | undefined,
): number | undefined {
  if (given !== undefined) return given instanceof Date ? given.getTime() : Date.parse(given);
  let max = -Infinity;
  for (const name of timed) {
    const df = tables[name]!;
    const v = df.select(epochMs("ts", df.getColumn("ts").dtype).max()).getColumn("ts").get(0);
    if (v !== null && v !== undefined) max = Math.max(max, Number(v));
  }
  if (max === -Infinity) {
    const c = tables.customers;
    for (const name of c.columns) {
      if (!isTemporal(c.getColumn(name).dtype)) continue;
      const v = c.select(epochMs(name, c.getColumn(name).dtype).max()).getColumn(name).get(0);
      if (v !== null && v !== undefined) max = Math.max(max, Number(v));
    }
  }
  return max === -Infinity ? undefined : max + DAY_MS;
}

/** Replaces any NaN or infinite value by null, with a warning; the families should produce none. */
function finiteOnly(df: pl.DataFrame, warnings: StageWarning[]): pl.DataFrame {
  const floats = df.columns.filter((c) => df.getColumn(c).dtype.equals(pl.Float64));
  if (floats.length === 0) return df;
  const bad = df.select(...floats.map((c) => pl.col(c).isFinite().not().sum().alias(c))).row(
    0,
  ) as number[];
  const broken = floats.filter((_, i) => Number(bad[i]) > 0);
  if (broken.length === 0) return df;
  for (const c of broken) {
    warnings.push({
      stage: "features",
      message: `Feature '${c}' had NaN or infinite values; set to null`,
      count: Number(bad[floats.indexOf(c)]),
    });
  }
  return df.withColumns(
    ...broken.map((c) =>
      pl.when(pl.col(c).isFinite()).then(pl.col(c)).otherwise(pl.lit(null).cast(pl.Float64))
        .alias(c)
    ),
  );
}
