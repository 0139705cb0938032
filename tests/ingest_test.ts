import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";
import { type LoadedConfig, parseConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";

function loaded(dir: string, value: unknown): LoadedConfig {
  return { config: parseConfig(value, "test.json"), dir, path: `${dir}/config.json`, text: "" };
}

const SAMPLE_TABLES = {
  customers: { path: "customers.csv" },
  orders: { path: "orders.csv", key: ["order_id"] },
  events: { path: "events.csv" },
  social: { path: "social.csv" },
  texts: { path: "texts.csv" },
};

Deno.test("ingest() quarantines each planted defect with its reason, file and line", async () => {
  const dir = await Deno.makeTempDir();
  const { defects } = await generate({ customers: 300, seed: 5, out: dir, dirty: true });
  const { outputs } = await ingest(
    loaded(dir, { name: "dirty", maxDate: "2026-01-01", tables: SAMPLE_TABLES }),
  );
  const q = outputs.quarantine.toRecords();
  const got = q.map((r) => `${r.table}:${r.line}:${r.column}:${r.reason}`).sort();
  const want = defects.map((d) => `${d.table}:${d.line}:${d.column}:${d.reason}`).sort();
  deepStrictEqual(got, want);
  for (const r of q) strictEqual(r.file, `${r.table}.csv`);
  for (const [table, s] of Object.entries(outputs.summary)) {
    strictEqual(s.read, s.kept + s.quarantined, table);
    strictEqual(s.quarantined, defects.filter((d) => d.table === table).length, table);
  }
  const bad = q.find((r) => r.reason === "unparseable number")!;
  strictEqual(bad.value, "12,5O");
  ok(String(bad.record).includes('"amount":"12,5O"'), "the whole raw row is kept");
});

Deno.test("ingest() types canonical columns and keeps attributes apart from outcomes", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/c.csv`,
    "ID;Since;Income;Plan;Churn\n1;01-02-2020;1000,5;gold;Yes\n2;15-03-2021;;basic; No \n",
  );
  const { outputs } = await ingest(loaded(dir, {
    name: "wide",
    tables: {
      customers: {
        path: "c.csv",
        delimiter: ";",
        decimalComma: true,
        columns: { customer_id: "ID", signup_date: "Since" },
        types: { signup_date: { type: "date", format: "%d-%m-%Y" } },
      },
    },
    roles: { outcomes: ["Churn"] },
  }));
  const c = outputs.tables.customers;
  deepStrictEqual(c.columns, ["customer_id", "signup_date", "Income", "Plan"]);
  deepStrictEqual(c.getColumn("Income").toArray(), [1000.5, null]);
  strictEqual(String(c.getColumn("signup_date").dtype), "DataType(Date)");
  deepStrictEqual(outputs.attributes, [
    { name: "Income", kind: "numeric" },
    { name: "Plan", kind: "categorical" },
  ]);
  deepStrictEqual(outputs.outcomes!.getColumn("Churn").toArray(), ["Yes", "No"]);
});

Deno.test("ingest() applies business rules, computed columns and float-written ids", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/o.csv`,
    "Invoice,Cust,When,Qty,Price\n" +
      "A1,17850.0,2010-12-01 08:26:00,6,2.55\n" +
      "C2,17850.0,2010-12-01 08:27:00,-1,2.55\n" +
      "A3,,2010-12-01 08:28:00,2,1.00\n" +
      "A1,17850.0,2010-12-01 08:26:00,6,2.55\n",
  );
  const { outputs } = await ingest(loaded(dir, {
    name: "retail",
    tables: {
      customers: { path: "o.csv", derive: "orders" },
      orders: {
        path: "o.csv",
        columns: { order_id: "Invoice", customer_id: "Cust", ts: "When", quantity: "Qty" },
        compute: { amount: { multiply: ["quantity", "Price"] } },
        dedupe: true,
        exclude: [{ column: "order_id", startsWith: "C", reason: "cancellation" }],
      },
    },
  }));
  const reasons = outputs.quarantine.toRecords().map((r) => [r.line, r.reason]);
  deepStrictEqual(reasons, [[3, "cancellation"], [4, "missing customer_id"], [5, "duplicate row"]]);
  const o = outputs.tables.orders!;
  deepStrictEqual(o.getColumn("customer_id").toArray(), ["17850"]);
  ok(Math.abs(Number(o.getColumn("amount").toArray()[0]) - 15.3) < 1e-12);
  deepStrictEqual(outputs.tables.customers.getColumn("customer_id").toArray(), ["17850"]);
});

async function fatal(files: Record<string, string | Uint8Array>, tables: unknown) {
  const dir = await Deno.makeTempDir();
  for (const [name, body] of Object.entries(files)) {
    if (typeof body === "string") await Deno.writeTextFile(`${dir}/${name}`, body);
    else await Deno.writeFile(`${dir}/${name}`, body);
  }
  let error: InputError | undefined;
  try {
    await ingest(loaded(dir, { name: "bad", tables }));
  } catch (e) {
    error = e as InputError;
  }
  ok(error instanceof InputError, `expected an InputError, got ${error}`);
  return error;
}

const CUSTOMERS = "customer_id,age\nC1,30\nC2,40\n";

Deno.test("ingest() stops on a missing file and names it", async () => {
  const e = await fatal({}, { customers: { path: "nope.csv" } });
  strictEqual(e.message, "Cannot read nope.csv: no such file");
});

Deno.test("ingest() stops on a missing required column and suggests the close one", async () => {
  const e = await fatal(
    { "c.csv": CUSTOMERS, "o.csv": "customer_id,ts,amout\nC1,2025-01-01,3\n" },
    { customers: { path: "c.csv" }, orders: { path: "o.csv" } },
  );
  strictEqual(
    e.message,
    "Cannot read o.csv: required column 'amount' of orders is missing (did you mean 'amout'?); " +
      "map it in tables.orders.columns",
  );
  strictEqual(e.column, "amount");
});

Deno.test("ingest() stops on a mapped column the file lacks", async () => {
  const e = await fatal({ "c.csv": CUSTOMERS }, {
    customers: { path: "c.csv", columns: { customer_id: "CustomerID" } },
  });
  ok(
    e.message.startsWith(
      "Cannot read c.csv: column 'CustomerID' (mapped to customers.customer_id)",
    ),
  );
});

Deno.test("ingest() stops on an empty table", async () => {
  const e = await fatal({ "c.csv": "customer_id,age\n" }, { customers: { path: "c.csv" } });
  strictEqual(e.message, "Cannot read c.csv: the table is empty (a header and no rows)");
});

Deno.test("ingest() stops on a file that is not UTF-8 and names line and column", async () => {
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode("customer_id,city\nC1,M"),
    0xfc,
    0x6e,
  ]);
  const e = await fatal({ "c.csv": latin1 }, { customers: { path: "c.csv" } });
  ok(e.message.startsWith("Cannot read c.csv: line 2, column 5: not UTF-8 (byte 0xfc"), e.message);
  strictEqual(e.line, 2);
  strictEqual(e.column, 5);
});

Deno.test("ingest() stops on a ragged row or an unclosed quote with line and column", async () => {
  const ragged = await fatal(
    { "c.csv": 'customer_id,note\nC1,"two\nlines"\nC2,x,y\n' },
    { customers: { path: "c.csv" } },
  );
  strictEqual(
    ragged.message,
    "Cannot read c.csv: line 4, column 3: expected 2 fields as in the header, got 3",
  );
  const unclosed = await fatal(
    { "c.csv": 'customer_id,note\nC1,ok\nC2,"open\n' },
    { customers: { path: "c.csv" } },
  );
  strictEqual(
    unclosed.message,
    "Cannot read c.csv: line 3, column 4: quote opened here is never closed",
  );
});

Deno.test("parseConfig() names the bad key and what was expected", () => {
  throws(
    () => parseConfig({ name: "x", tables: { customers: { path: 3 } } }, "x.json"),
    (e: Error) =>
      e instanceof InputError && e.message.includes("'tables.customers.path'") &&
      e.message.includes("expected string"),
  );
  throws(
    () =>
      parseConfig({ name: "x", tables: { customers: { path: "a", delimeter: ";" } } }, "x.json"),
    (e: Error) => e.message.includes('Unrecognized key: "delimeter"'),
  );
});

Deno.test("deno task run on a malformed CSV exits 2 naming file, line and column", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "pipeline/cli/main.ts",
      "run",
      "--config",
      "tests/fixtures/malformed/config.json",
      "--out",
      await Deno.makeTempDir(),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(out.code, 2);
  const stderr = new TextDecoder().decode(out.stderr);
  ok(stderr.includes("Cannot read orders.csv: line 4, column 5: expected 4 fields"), stderr);
});

Deno.test("ingest() reads Parquet and JSON lines tables too", async () => {
  const dir = await Deno.makeTempDir();
  pl.DataFrame({ customer_id: ["a", "b"], age: [30, 40] }).writeParquet(`${dir}/c.parquet`);
  await Deno.writeTextFile(
    `${dir}/e.jsonl`,
    '{"customer_id":"a","ts":"2025-01-01 10:00:00","event_type":"view"}\n' +
      '{"customer_id":"b","ts":"2025-01-02 10:00:00","event_type":"cart"}\n',
  );
  const { outputs } = await ingest(loaded(dir, {
    name: "formats",
    tables: {
      customers: { path: "c.parquet", format: "parquet" },
      events: { path: "e.jsonl", format: "jsonl" },
    },
  }));
  deepStrictEqual(outputs.tables.customers.getColumn("age").toArray(), [30, 40]);
  deepStrictEqual(outputs.tables.events!.getColumn("event_type").toArray(), ["view", "cart"]);
});

Deno.test("ingest() gives the same tables and quarantine when files are parsed in small parts", async () => {
  const dir = await Deno.makeTempDir();
  await generate({ customers: 300, seed: 8, out: dir, dirty: true });
  const config = { name: "parts", maxDate: "2026-01-01", tables: SAMPLE_TABLES };
  const whole = (await ingest(loaded(dir, config))).outputs;
  const parts = (await ingest(loaded(dir, config), { batchRows: 997 })).outputs;
  deepStrictEqual(parts.quarantine.toRecords(), whole.quarantine.toRecords());
  deepStrictEqual(parts.summary, whole.summary);
  for (const name of ["customers", "orders", "events", "social", "texts"] as const) {
    ok(parts.tables[name]!.frameEqual(whole.tables[name]!), name);
  }
  ok(whole.tables.events!.height > 3 * 997, "the events file spans several parts");
});
