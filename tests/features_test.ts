import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { buildFeatures } from "../pipeline/features/features.ts";
import type { Tables } from "../pipeline/types.ts";

// Four customers: "a" orders three times, "b" once, "c" never and has no events, "d" only browses
// and likes. Reference date 2024-02-01, so day counts are easy to check by hand.
const ts = (s: string) => new Date(`${s}Z`);
const dtms = (col: string) => pl.col(col).cast(pl.Datetime("ms"));

function tinyTables(): Tables {
  const customers = pl.DataFrame({
    customer_id: ["a", "b", "c", "d"],
    signup_date: [new Date("2023-12-01"), null, null, null],
    age: [30, 40, null, 50],
    region: ["n", "s", "n", null],
    vip: [true, false, false, true],
    account_id: ["k1", "k2", "k3", "k4"],
    churned: [0, 1, 0, 1],
  }).withColumns(pl.col("signup_date").cast(pl.Date));
  const orders = pl.DataFrame({
    customer_id: ["a", "a", "a", "a", "b"],
    order_id: ["o1", "o1", "o2", "o3", "o4"],
    ts: [
      ts("2024-01-01T00:00:00"),
      ts("2024-01-01T00:00:00"),
      ts("2024-01-05T00:00:00"),
      ts("2024-01-11T00:00:00"),
      ts("2024-01-21T12:00:00"),
    ],
    category: ["Home & Garden", "books", "books", "digital", "books"],
    amount: [20, 10, 30, 100, 5],
    quantity: [2, 1, 2, 1, 1],
    discount: [0, 0.5, 0, 0.2, null],
    promo: [false, true, false, true, false],
    channel: ["web", "web", "app", "app", "store"],
  }).withColumns(dtms("ts"));
  const events = pl.DataFrame({
    customer_id: ["a", "a", "a", "a", "a", "b", "d", "d", "d"],
    ts: [
      ts("2024-01-01T00:00:00"),
      ts("2024-01-02T00:00:00"),
      ts("2024-01-03T00:00:00"),
      ts("2024-01-04T00:00:00"),
      ts("2024-01-01T00:00:00"),
      ts("2024-01-20T00:00:00"),
      ts("2024-01-15T00:00:00"),
      ts("2024-01-16T00:00:00"),
      ts("2024-01-16T00:00:00"),
    ],
    event_type: ["view", "view", "search", "cart", "cart", "view", "view", "view", "cart"],
    category: [
      "Home & Garden",
      "books",
      null,
      "books",
      "digital",
      "books",
      "digital",
      "digital",
      "digital",
    ],
  }).withColumns(dtms("ts"));
  const social = pl.DataFrame({
    customer_id: ["a", "a", "a", "d"],
    ts: [
      ts("2023-12-20T00:00:00"),
      ts("2024-01-03T00:00:00"),
      ts("2024-01-02T00:00:00"),
      ts("2024-01-15T00:00:00"),
    ],
    kind: ["like", "share", "like", "like"],
    new_product: [true, false, null, true],
  }).withColumns(dtms("ts"));
  return { customers, orders, events, social };
}

const OPTIONS = { referenceDate: "2024-02-01", topCategories: 2, outcomes: ["churned"] };

function column(df: pl.DataFrame, name: string): (number | null)[] {
  return df.getColumn(name).toArray() as (number | null)[];
}

function assertClose(actual: (number | null)[], expected: (number | null)[], name: string) {
  assert.equal(actual.length, expected.length, name);
  actual.forEach((v, i) => {
    const e = expected[i];
    if (e === null) assert.equal(v, null, `${name}[${i}] should be null, got ${v}`);
    else {
      assert.ok(v !== null, `${name}[${i}] should be ${e}, got null`);
      // Sums are exact to 1e-9 (integer fixed point, so reruns give the same bits).
      assert.ok(Math.abs(v - e) < 2e-9, `${name}[${i}] should be ${e}, got ${v}`);
    }
  });
}

Deno.test("buildFeatures() computes purchase features for several, one and no orders", () => {
  const { features } = buildFeatures(tinyTables(), OPTIONS).outputs;
  assert.deepEqual(features.getColumn("customer_id").toArray(), ["a", "b", "c", "d"]);
  assertClose(column(features, "recency_days"), [21, 10.5, null, null], "recency_days");
  assertClose(column(features, "frequency"), [3, 1, 0, 0], "frequency");
  assertClose(column(features, "monetary_total"), [160, 5, 0, 0], "monetary_total");
  assertClose(column(features, "monetary_mean"), [160 / 3, 5, null, null], "monetary_mean");
  // a: items 2 + 1 + 2 + 1 over 3 orders.
  assertClose(column(features, "basket_size"), [2, 1, null, null], "basket_size");
  // a: gaps of 4 and 6 days; sample sd sqrt(2), mean 5.
  assertClose(column(features, "interval_mean_days"), [5, null, null, null], "interval_mean");
  assertClose(column(features, "interval_cv"), [Math.SQRT2 / 5, null, null, null], "interval_cv");
  // a: signup 2023-12-01; b: first activity is its view on 01-20; d: its view on 01-15.
  assertClose(column(features, "tenure_days"), [62, 12, null, 17], "tenure_days");
});

Deno.test("buildFeatures() computes category and channel shares with an 'other' bucket", () => {
  const { features, meta } = buildFeatures(tinyTables(), OPTIONS).outputs;
  // Spend by category: digital 100, books 45, Home & Garden 20; the top 2 keep their own column.
  assertClose(column(features, "spend_share_digital"), [100 / 160, 0, null, null], "digital");
  assertClose(column(features, "spend_share_books"), [40 / 160, 1, null, null], "books");
  assertClose(column(features, "spend_share_other"), [20 / 160, 0, null, null], "other");
  assertClose(column(features, "order_share_books"), [2 / 3, 1, null, null], "order books");
  assertClose(column(features, "order_share_other"), [1 / 3, 0, null, null], "order other");
  const h = -(0.625 * Math.log2(0.625) + 0.25 * Math.log2(0.25) + 0.125 * Math.log2(0.125));
  assertClose(column(features, "category_entropy"), [h, 0, null, null], "entropy");
  // With every category in its own column, entropy comes from those columns directly.
  const all = buildFeatures(tinyTables(), { ...OPTIONS, topCategories: 8 }).outputs.features;
  assertClose(column(all, "category_entropy"), [h, 0, null, null], "entropy, no other");
  assertClose(column(all, "spend_share_home_garden"), [0.125, 0, null, null], "home & garden");
  assert.ok(!all.columns.includes("spend_share_other"));
  // Channels by orders: app 2, then store and web tied at 1 (ordered by name).
  assertClose(column(features, "channel_share_app"), [2 / 3, 0, null, null], "app");
  assertClose(column(features, "channel_share_store"), [0, 1, null, null], "store");
  assertClose(column(features, "channel_share_web"), [1 / 3, 0, null, null], "web");
  assert.ok(!features.columns.includes("channel_share_other"));
  const names = meta.map((m) => m.name);
  assert.ok(names.indexOf("channel_share_app") < names.indexOf("channel_share_store"));
  assert.equal(meta.find((m) => m.name === "spend_share_other")?.nullReason, "no spend");
});

Deno.test("buildFeatures() computes discount, promotion and relative price features", () => {
  const { features } = buildFeatures(tinyTables(), OPTIONS).outputs;
  assertClose(column(features, "discount_order_share"), [2 / 3, 0, null, null], "disc share");
  // b's only discount is unknown, so its mean discount is undefined.
  assertClose(column(features, "discount_mean"), [0.7 / 4, null, null, null], "disc mean");
  assertClose(column(features, "promo_spend"), [110, 0, 0, 0], "promo spend");
  assertClose(column(features, "promo_spend_share"), [110 / 160, 0, null, null], "promo share");
  // Unit prices: Home & Garden 10 (median 10); books 10, 15, 5 (median 10); digital 100.
  assertClose(column(features, "price_ratio_mean"), [4.5 / 4, 0.5, null, null], "price ratio");
});

Deno.test("buildFeatures() computes browsing counts, breadth, conversion and cart abandonment", () => {
  const { features } = buildFeatures(tinyTables(), OPTIONS).outputs;
  assertClose(column(features, "events_view"), [2, 1, 0, 2], "views");
  assertClose(column(features, "events_cart"), [2, 0, 0, 1], "carts");
  assertClose(column(features, "events_search"), [1, 0, 0, 0], "searches");
  assertClose(column(features, "browse_breadth"), [3, 1, 0, 1], "breadth");
  assertClose(column(features, "browse_conversion"), [1.5, 1, null, 0], "conversion");
  // a's books cart is followed by a books order a day later; its digital cart only after 10
  // days (window 7). d never orders.
  assertClose(column(features, "cart_abandonment"), [0.5, null, null, 1], "abandonment");
  const wide = buildFeatures(tinyTables(), { ...OPTIONS, abandonmentDays: 10 }).outputs.features;
  assertClose(column(wide, "cart_abandonment"), [0, null, null, 1], "abandonment 10 days");
});

Deno.test("buildFeatures() computes social rates per active month and new-product share", () => {
  const { features } = buildFeatures(tinyTables(), OPTIONS).outputs;
  // a is active in December and January; d only in January.
  assertClose(column(features, "social_like_per_month"), [1, 0, 0, 1], "likes");
  assertClose(column(features, "social_share_per_month"), [0.5, 0, 0, 0], "shares");
  assertClose(column(features, "social_new_product_share"), [0.5, null, null, 1], "new share");
});

Deno.test("buildFeatures() passes attributes through and leaves out ids and outcomes", () => {
  const { outputs, warnings } = buildFeatures(tinyTables(), OPTIONS);
  const { features, meta } = outputs;
  assertClose(column(features, "age"), [30, 40, null, 50], "age");
  assertClose(column(features, "vip"), [1, 0, 0, 1], "vip");
  assert.deepEqual(features.getColumn("region").toArray(), ["n", "s", "n", null]);
  assert.equal(meta.find((m) => m.name === "region")?.kind, "categorical");
  for (const gone of ["account_id", "churned", "signup_date"]) {
    assert.ok(!features.columns.includes(gone), gone);
  }
  assert.ok(warnings.some((w) => w.message.includes("'account_id' looks like an identifier")));
  const explicit = buildFeatures(tinyTables(), {
    ...OPTIONS,
    attributes: [{ name: "age", kind: "categorical" }, { name: "signup_date", kind: "numeric" }],
  }).outputs;
  assert.deepEqual(explicit.features.getColumn("age").toArray(), ["30.0", "40.0", null, "50.0"]);
  assertClose(
    column(explicit.features, "signup_date_days_before"),
    [62, null, null, null],
    "date attribute",
  );
});

Deno.test("buildFeatures() gives every column a meta entry and never NaN or Infinity", () => {
  const { features, meta } = buildFeatures(tinyTables(), OPTIONS).outputs;
  assert.deepEqual(features.columns, ["customer_id", ...meta.map((m) => m.name)]);
  for (const m of meta) {
    if (m.kind !== "numeric") continue;
    for (const v of column(features, m.name)) {
      assert.ok(v === null || Number.isFinite(v), `${m.name} has ${v}`);
    }
    if (column(features, m.name).includes(null)) assert.ok(m.nullReason, `${m.name} nullReason`);
  }
  const heavy = meta.filter((m) => m.heavyTailed).map((m) => m.name);
  for (const name of ["frequency", "monetary_total", "monetary_mean", "promo_spend"]) {
    assert.ok(heavy.includes(name), name);
  }
  assert.ok(!heavy.includes("spend_share_books"));
});

Deno.test("buildFeatures() derives the reference date from the data, not the clock", () => {
  const { outputs } = buildFeatures(tinyTables(), { topCategories: 2 });
  // Latest timestamp is b's order on 2024-01-21 12:00, so the reference is a day later.
  assert.equal(outputs.referenceDate, "2024-01-22T12:00:00.000Z");
  assertClose(column(outputs.features, "recency_days"), [11.5, 1, null, null], "recency");
});

Deno.test("buildFeatures() ignores rows after an explicit reference date, with a warning", () => {
  const { outputs, warnings } = buildFeatures(tinyTables(), { referenceDate: "2024-01-10" });
  assertClose(column(outputs.features, "frequency"), [2, 0, 0, 0], "frequency");
  const w = warnings.find((x) =>
    x.message === "Ignored orders rows at or after the reference date"
  );
  assert.equal(w?.count, 2);
});

Deno.test("buildFeatures() works with customers only, and with empty activity tables", () => {
  const t = tinyTables();
  const only = buildFeatures({ customers: t.customers }, {}).outputs;
  // Without timestamps the reference is the day after the latest date of the customers table.
  assert.deepEqual(only.features.columns, [
    "customer_id",
    "tenure_days",
    "age",
    "region",
    "vip",
    "churned",
  ]);
  assertClose(column(only.features, "tenure_days"), [1, null, null, null], "tenure");
  const empty = buildFeatures({
    customers: t.customers,
    orders: t.orders!.head(0),
    events: t.events!.head(0),
    social: t.social!.head(0),
  }, { referenceDate: "2024-02-01" }).outputs;
  assertClose(column(empty.features, "frequency"), [0, 0, 0, 0], "frequency");
  assertClose(column(empty.features, "monetary_mean"), [null, null, null, null], "mean");
  assertClose(column(empty.features, "tenure_days"), [62, null, null, null], "tenure");
});

Deno.test("buildFeatures() validates its options and its input", () => {
  const t = tinyTables();
  assert.throws(() => buildFeatures(t, { topCategories: -1 }), {
    name: "OptionError",
    message: "The 'topCategories' option of features must be an integer ≥ 0. Got -1 instead",
  });
  assert.throws(
    () => buildFeatures(t, { referenceDate: "soon" }),
    /The 'referenceDate' option of features must be a date/,
  );
  assert.throws(
    () => buildFeatures(t, { topCategorie: 3 } as never),
    /Unknown option 'topCategorie' of features \(did you mean 'topCategories'\?\)/,
  );
  assert.throws(
    () => buildFeatures({ ...t, orders: t.orders!.drop("amount") }, {}),
    /The orders table has no 'amount' column/,
  );
  const twice = pl.concat([t.customers, t.customers.head(1)]);
  assert.throws(
    () => buildFeatures({ customers: twice }, {}),
    /The customers table repeats customer_id 'a' \(2 rows\)/,
  );
});

Deno.test("buildFeatures() is deterministic", () => {
  const a = buildFeatures(tinyTables(), OPTIONS).outputs.features;
  const b = buildFeatures(tinyTables(), OPTIONS).outputs.features;
  assert.ok(a.frameEqual(b, true));
});

Deno.test("buildFeatures() works with only the required order and event columns", () => {
  const t = tinyTables();
  const { outputs } = buildFeatures({
    customers: t.customers.select("customer_id"),
    orders: t.orders!.select("customer_id", "order_id", "ts", "amount"),
    events: t.events!.select("customer_id", "ts", "event_type"),
  }, { referenceDate: "2024-02-01" });
  const names = outputs.meta.map((m) => m.name);
  assert.ok(!names.includes("discount_mean") && !names.includes("spend_share_other"));
  // Without categories, an order within 7 days of any cart counts: a's carts on 01-01 and
  // 01-04 are both followed by o2 (01-05).
  assertClose(column(outputs.features, "cart_abandonment"), [0, null, null, 1], "abandonment");
  // Without quantities every order line is one item: a has 4 lines over 3 orders.
  assertClose(column(outputs.features, "basket_size"), [4 / 3, 1, null, null], "basket");
  assertClose(column(outputs.features, "price_ratio_mean"), [
    (20 / 20 + 10 / 20 + 30 / 20 + 100 / 20) / 4,
    5 / 20,
    null,
    null,
  ], "price ratio");
});
