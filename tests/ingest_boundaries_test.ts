/**
 * Ingest's boundaries, one row either side of each: a timestamp is "in the future" only after
 * the whole of maxDate (its last second is kept, the next day's first is not); an amount is
 * negative below 0 (0 kept, −0.01 not; ages may be negative, amounts and quantities not); every
 * reason is counted exactly.
 */
import { deepStrictEqual } from "node:assert/strict";
import pl from "nodejs-polars";
import { type LoadedConfig, parseConfig } from "../pipeline/config.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";

function loaded(dir: string, value: unknown): LoadedConfig {
  return { config: parseConfig(value, "test.json"), dir, path: `${dir}/config.json`, text: "" };
}

Deno.test("ingest() boundaries: the last second of maxDate is kept, amounts below 0 are not", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/c.csv`, "customer_id\nC1\nC2\n");
  await Deno.writeTextFile(
    `${dir}/o.csv`,
    [
      "order_id,customer_id,ts,amount,quantity",
      "O1,C1,2025-06-30 23:59:59,10,1", // last second of maxDate: kept
      "O2,C1,2025-07-01 00:00:00,10,1", // first second after: in the future
      "O3,C1,2025-06-30 00:00:00,0,1", // an amount of 0: kept
      "O4,C2,2025-06-01 12:00:00,-0.01,1", // just below 0: negative
      "O5,C2,2025-06-01 12:00:00,-1,1", // negative
      "O6,C2,2025-06-01 12:00:00,-0.5,1", // negative, above -1
      "O7,C2,2025-06-01 12:00:00,5,-1", // negative quantity
      "O8,C2,2025-06-01 12:00:00,5,0", // a quantity of 0: kept
      "O9,C2,2025-07-02 00:00:00,-3,1", // future and negative: the first column's check names it
      "O10,C2,2025-06-29 08:00:00,abc,1", // not a number
    ].join("\n") + "\n",
  );
  const { outputs } = await ingest(loaded(dir, {
    name: "edges",
    maxDate: "2025-06-30",
    tables: { customers: { path: "c.csv" }, orders: { path: "o.csv", key: ["order_id"] } },
  }));
  const kept = outputs.tables.orders!.getColumn("order_id").toArray();
  deepStrictEqual(kept, ["O1", "O3", "O8"]);
  const q = outputs.quarantine.filter(pl.col("table").eq(pl.lit("orders"))).toRecords().map((
    r,
  ) => [r.line, r.column, r.reason, r.value]);
  deepStrictEqual(q, [
    [3, "ts", "timestamp in the future", "2025-07-01 00:00:00"],
    [5, "amount", "negative value", "-0.01"],
    [6, "amount", "negative value", "-1"],
    [7, "amount", "negative value", "-0.5"],
    [8, "quantity", "negative value", "-1"],
    [10, "ts", "timestamp in the future", "2025-07-02 00:00:00"],
    [11, "amount", "unparseable number", "abc"],
  ]);
  const s = outputs.summary.orders;
  deepStrictEqual([s.read, s.kept, s.quarantined], [10, 3, 7]);
  deepStrictEqual(s.byReason, {
    "negative value": 4,
    "timestamp in the future": 2,
    "unparseable number": 1,
  });
});

Deno.test("ingest() counts each reason of a dirty data set exactly, table by table", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/c.csv`,
    "customer_id,age\nC1,30\nC2,x\nC1,31\nC3,-4\n\nC4,40\n",
  );
  await Deno.writeTextFile(
    `${dir}/e.csv`,
    "customer_id,ts,event_type\nC1,2025-01-01,view\nC2,2025-01-01,view\nC9,2025-01-01,cart\n" +
      "C4,,view\nC4,2025-01-01,\nC4,2027-01-01,view\n",
  );
  const { outputs } = await ingest(loaded(dir, {
    name: "counts",
    maxDate: "2026-01-01",
    tables: { customers: { path: "c.csv" }, events: { path: "e.csv" } },
  }));
  deepStrictEqual(outputs.summary.customers.byReason, {
    "blank line": 1,
    "duplicate key": 1,
    "unparseable number": 1,
  });
  deepStrictEqual(outputs.summary.events.byReason, {
    "customer rejected": 1,
    "missing event_type": 1,
    "missing ts": 1,
    "timestamp in the future": 1,
    "unknown customer_id": 1,
  });
  deepStrictEqual(outputs.tables.customers.getColumn("customer_id").toArray(), ["C1", "C3", "C4"]);
  deepStrictEqual(outputs.tables.events!.height, 1);
});
