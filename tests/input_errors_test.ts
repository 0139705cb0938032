/**
 * Bad input through the command line: each case exits 2 with one line naming the file (and the
 * line and column where there is one) and what to do, and no message of Polars, Rust or the
 * operating system reaches the user.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { main } from "../pipeline/cli/main.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { loadConfig } from "../pipeline/config.ts";

/** Runs the CLI in this process; returns its exit code and what it printed as errors. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const error = console.error, log = console.log;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  console.log = () => {};
  try {
    const code = await main(args);
    return { code, stderr: lines.join("\n") };
  } finally {
    console.error = error;
    console.log = log;
  }
}

/** A data set of one customers file with `body` and the table settings `table`. */
async function dataSet(file: string, body: string, table: Record<string, unknown> = {}) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, file), body);
  const config = { name: "bad", tables: { customers: { path: file, ...table } } };
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
  return join(dir, "config.json");
}

const RAW = /polars|panicked|os error|Resolved plan|RUST_|\bat file:|ReadOnlyFilesystem/i;

async function refused(config: string, expected: string) {
  const out = await Deno.makeTempDir();
  const { code, stderr } = await cli(["run", "--config", config, "--out", out, "--quiet"]);
  strictEqual(code, 2, stderr);
  strictEqual(stderr, `error: ${expected}`);
  ok(!RAW.test(stderr), stderr);
}

Deno.test("a missing data file exits 2 naming it", async () => {
  const config = await dataSet("c.csv", "customer_id\nC1\n", { path: "nope.csv" });
  await refused(config, "Cannot read nope.csv: no such file");
});

Deno.test("a missing config or model file exits 2 naming it", async () => {
  const { code, stderr } = await cli(["run", "--config", "/no/such/config.json", "-q"]);
  strictEqual(code, 2);
  strictEqual(stderr, "error: Cannot read config /no/such/config.json: no such file");
  const config = await dataSet("c.csv", "customer_id\nC1\n");
  const s = await cli(["score", "-m", "/no/model.json", "-c", config, "-o", "/tmp/x.csv"]);
  strictEqual(s.code, 2);
  strictEqual(s.stderr, "error: Cannot read model /no/model.json: no such file");
});

Deno.test("a header naming a column twice is refused, naming both columns", async () => {
  const config = await dataSet("c.csv", "customer_id,age,region,age\nC1,30,n,31\nC2,40,s,41\n");
  await refused(
    config,
    "Cannot read c.csv: line 1: columns 2 and 4 are both named 'age'; rename one of them",
  );
});

Deno.test("a quote inside an unquoted field is refused with its line and column", async () => {
  const config = await dataSet("c.csv", 'customer_id,age,channel\nC1,30,web\nC2,40,we"b\nC3,1,x\n');
  await refused(
    config,
    'Cannot read c.csv: line 3, column 3: a quote (") inside an unquoted field, at character ' +
      '9; quote the whole field and double the quotes inside it ("we""b"), or set the ' +
      `table's "quote" to a character the file does not use`,
  );
});

Deno.test("a header that looks like another delimiter's says which", async () => {
  const config = await dataSet("c.csv", "customer_id;age;region\nC1;30;n\nC2;40;s\n");
  await refused(
    config,
    "Cannot read c.csv: required column 'customer_id' of customers is missing; map it in " +
      "tables.customers.columns; the header looks ';'-delimited (customer_id;age;region): set " +
      'tables.customers.delimiter to ";"',
  );
  const tabs = await dataSet("c.csv", "customer_id\tage\nC1\t30\n");
  await refused(
    tabs,
    "Cannot read c.csv: required column 'customer_id' of customers is missing; map it in " +
      "tables.customers.columns; the header looks '\\t'-delimited (customer_id\tage): set " +
      'tables.customers.delimiter to "\\t"',
  );
});

Deno.test("a JSON-lines file read as CSV says it looks like JSON lines", async () => {
  const config = await dataSet(
    "c.jsonl",
    '{"customer_id":"C1","age":3}\n{"customer_id":"C2","age":4}\n',
    { delimiter: ":" },
  );
  const out = await Deno.makeTempDir();
  const { code, stderr } = await cli(["run", "--config", config, "--out", out, "-q"]);
  strictEqual(code, 2);
  ok(stderr.startsWith("error: Cannot read c.jsonl: line 1, column 1: a quote"), stderr);
  ok(stderr.endsWith('; the file looks like JSON lines: set tables.customers.format to "jsonl"'));
});

Deno.test("a delimiter on a table that is not CSV, or one that cannot work, is refused at load", async () => {
  const jsonl = await dataSet("c.jsonl", '{"customer_id":"C1"}\n', {
    format: "jsonl",
    delimiter: ":",
  });
  await refused(
    jsonl,
    `Invalid config ${jsonl}: 'tables.customers.delimiter': applies to CSV files only; this ` +
      "table's format is 'jsonl'",
  );
  for (const delimiter of ["，", "\n", '"']) {
    const config = await dataSet("c.csv", "customer_id\nC1\n", { delimiter });
    const out = await Deno.makeTempDir();
    const { code, stderr } = await cli(["run", "--config", config, "--out", out, "-q"]);
    strictEqual(code, 2, stderr);
    ok(stderr.includes("'tables.customers.delimiter'"), stderr);
  }
});

Deno.test("a delimited file whose name does not end in .csv is read as the file, not its path", async () => {
  const config = await dataSet("customers.txt", "customer_id:age\nC1:30\nC2:40\n", {
    delimiter: ":",
  });
  const { outputs } = await ingest(await loadConfig(config));
  strictEqual(outputs.tables.customers.height, 2);
  strictEqual(outputs.tables.customers.getColumn("age").toArray().join(), "30,40");
});
