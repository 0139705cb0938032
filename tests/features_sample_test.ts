/**
 * On the bundled sample, the planted groups differ on the features one would expect (the truth
 * file is read here, by the test, never by a stage).
 */
import { ok } from "node:assert/strict";
import pl from "nodejs-polars";
import { loadConfig } from "../pipeline/config.ts";
import { buildFeatures } from "../pipeline/features/features.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { ordersFamily } from "../pipeline/features/_orders.ts";

Deno.test("the sample's planted groups differ on the expected features", async () => {
  const loaded = await loadConfig(new URL("../data/sample/config.json", import.meta.url).pathname);
  const { tables, attributes } = (await ingest(loaded)).outputs;
  const { features } = buildFeatures(tables, {
    referenceDate: loaded.config.referenceDate,
    attributes,
  }).outputs;
  const truth = pl.readCSV(new URL("../data/sample/truth.csv", import.meta.url).pathname, {
    inferSchemaLength: 0,
  });
  const byGroup = features.join(truth, { on: "customer_id" }).groupBy("group").agg(
    pl.col("frequency").mean(),
    pl.col("spend_share_digital").mean(),
    pl.col("browse_share_apparel").add(pl.col("browse_share_beauty")).mean().alias("fashion"),
    pl.col("social_share_per_month").add(pl.col("social_like_per_month")).mean().alias("social"),
    pl.col("social_new_product_share").mean(),
    pl.col("discount_order_share").mean(),
    pl.col("events_view").mean(),
    pl.col("browse_conversion").mean(),
  ).sort("group");
  const col = (name: string) =>
    Object.fromEntries(
      byGroup.toRecords().map((r) => [Number(r.group), Number(r[name])]),
    ) as Record<number, number>;
  const others = (g: number) => [1, 2, 3, 4, 5].filter((x) => x !== g);
  const highest = (name: string, g: number, factor = 1) => {
    const v = col(name);
    for (const o of others(g)) {
      ok(v[g] > factor * v[o], `${name}: group ${g} ${v[g]} vs ${o} ${v[o]}`);
    }
  };
  highest("frequency", 1, 1.5);
  highest("spend_share_digital", 1, 2);
  highest("fashion", 2, 1.5);
  highest("social", 3, 4);
  highest("social_new_product_share", 3);
  highest("discount_order_share", 4, 1.5);
  highest("events_view", 5, 1.2);
  const conversion = col("browse_conversion");
  for (const o of others(5)) ok(conversion[5] < conversion[o], `conversion: 5 vs ${o}`);
});

Deno.test("one-line orders skip the per-order step and give the same bits", async () => {
  const loaded = await loadConfig(new URL("../data/sample/config.json", import.meta.url).pathname);
  const orders = (await ingest(loaded)).outputs.tables.orders!;
  const s = { refMs: Date.parse("2026-01-01"), topCategories: 4, topChannels: 2 };
  const run = (o: pl.DataFrame, oneLineOrders?: boolean) =>
    ordersFamily(o, { ...s, oneLineOrders }).frame.sort("customer_id").collectSync();
  // The sample has one line per order: the check finds it, and both ways agree to the bit.
  const grouped = run(orders, false);
  ok(run(orders, true).frameEqual(grouped, true));
  ok(run(orders).frameEqual(grouped, true));
  // A second line in some orders: the check sees it and groups.
  const split = orders.head(200).withColumns(pl.col("amount").div(2));
  const twoLines = pl.concat([orders, split]);
  ok(run(twoLines).frameEqual(run(twoLines, false), true));
  ok(!run(twoLines, true).frameEqual(run(twoLines, false), true));
});
