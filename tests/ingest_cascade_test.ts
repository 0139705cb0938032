/**
 * Rows of customers the customers table lacks or rejected: millions of them are set aside
 * without exhausting the stack, the ones set aside only because their customer's row was
 * rejected are counted as such, and a table with nothing left is refused.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import pl from "nodejs-polars";
import { type LoadedConfig, parseConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";

function loaded(dir: string, value: unknown): LoadedConfig {
  return { config: parseConfig(value, "test.json"), dir, path: `${dir}/config.json`, text: "" };
}

Deno.test("ingest() sets aside 300,000 events of unknown customers without overflowing the stack", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/c.csv`, "customer_id,age\nC1,30\n");
  const n = 300_000;
  const lines = ["customer_id,ts,event_type"];
  for (let i = 0; i < n; i++) lines.push(`X${i % 5000},2025-01-01 10:00:00,view`);
  lines.push("C1,2025-01-02 10:00:00,cart");
  await Deno.writeTextFile(`${dir}/e.csv`, lines.join("\n") + "\n");
  const { outputs, warnings } = await ingest(loaded(dir, {
    name: "orphans",
    maxDate: "2026-01-01",
    tables: { customers: { path: "c.csv" }, events: { path: "e.csv" } },
  }));
  const s = outputs.summary.events;
  deepStrictEqual([s.read, s.kept, s.quarantined], [n + 1, 1, n]);
  deepStrictEqual(s.byReason, { "unknown customer_id": n });
  strictEqual(s.customerRejected, 0);
  strictEqual(outputs.quarantine.height, n);
  const last = outputs.quarantine.tail(1).toRecords()[0];
  deepStrictEqual([last.line, last.reason, last.column], [
    n + 1,
    "unknown customer_id",
    "customer_id",
  ]);
  ok(
    warnings.some((w) =>
      w.message === `events: ${n} of ${n + 1} rows quarantined (${n} unknown customer_id)`
    ),
  );
});

Deno.test("ingest() counts the rows set aside because their customer's own row was rejected", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/c.csv`,
    "customer_id,income\nC1,100\nC2,12,5O\nC3,300\nC4,abc\n".replace("12,5O", '"12,5O"'),
  );
  await Deno.writeTextFile(
    `${dir}/o.csv`,
    "order_id,customer_id,ts,amount\n" +
      "O1,C1,2025-01-01,1\nO2,C2,2025-01-01,2\nO3,C2,2025-01-02,3\nO4,C4,2025-01-01,4\n" +
      "O5,C9,2025-01-01,5\nO6,C3,2025-01-01,6\n",
  );
  const { outputs, warnings } = await ingest(loaded(dir, {
    name: "cascade",
    maxDate: "2026-01-01",
    tables: { customers: { path: "c.csv" }, orders: { path: "o.csv" } },
  }));
  const o = outputs.summary.orders;
  deepStrictEqual([o.read, o.kept, o.quarantined, o.customerRejected], [6, 2, 4, 3]);
  deepStrictEqual(o.byReason, { "customer rejected": 3, "unknown customer_id": 1 });
  const q = outputs.quarantine.filter(pl.col("table").eq(pl.lit("orders"))).toRecords().map((
    r,
  ) => [r.line, r.reason]);
  deepStrictEqual(q, [
    [3, "customer rejected"],
    [4, "customer rejected"],
    [5, "customer rejected"],
    [
      6,
      "unknown customer_id",
    ],
  ]);
  ok(
    warnings.some((w) =>
      w.message === "orders: 3 rows set aside because their customer's own row was quarantined " +
          "(2 customers)" && w.count === 3
    ),
    JSON.stringify(warnings),
  );
});

Deno.test("ingest() refuses a customers table none of whose rows is usable, naming why", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/c.csv`, "customer_id,income\nC1,n/a\nC2,none\nC3,-\n");
  await Deno.writeTextFile(`${dir}/e.csv`, "customer_id,ts,event_type\nC1,2025-01-01,view\n");
  await rejects(
    ingest(loaded(dir, {
      name: "none",
      maxDate: "2026-01-01",
      tables: { customers: { path: "c.csv" }, events: { path: "e.csv" } },
    })),
    (e: Error) =>
      e instanceof InputError && e.file === "c.csv" &&
      e.message === "Cannot use c.csv: all 3 rows of customers were quarantined (3 × " +
          `unparseable number in 'income', e.g. "n/a"); nothing is left to work with`,
  );
});
