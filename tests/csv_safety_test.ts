/**
 * Spreadsheet-safe CSV: no cell of any CSV the product writes starts with a character that makes
 * a spreadsheet evaluate it (=, +, -, @, tab, carriage return), except plain numbers; the escape
 * reverses exactly when the runner reads its own CSV back.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";
import { main } from "../pipeline/cli/main.ts";
import { csvSafe, csvUnsafe } from "../pipeline/runner/_csv.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { loadArtifact } from "../pipeline/runner/mod.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const RISKY = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

Deno.test("csvSafe() prefixes formula-like text cells with ' and csvUnsafe() undoes it", () => {
  const ids = [
    '=HYPERLINK("http://evil.example/x","y")',
    "+SUM(A1:A2)",
    "-2+3",
    "@cmd",
    "\tx",
    "\rx",
    "'quoted",
    "C1",
    "-2",
    "+1.5e3",
    "a=b",
  ];
  const df = pl.DataFrame({ id: ids, n: [-1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
  const safe = csvSafe(df);
  deepStrictEqual(safe.getColumn("id").toArray(), [
    `'=HYPERLINK("http://evil.example/x","y")`,
    "'+SUM(A1:A2)",
    "'-2+3",
    "'@cmd",
    "'\tx",
    "'\rx",
    "''quoted",
    "C1",
    "-2",
    "+1.5e3",
    "a=b",
  ]);
  deepStrictEqual(safe.getColumn("n").toArray(), df.getColumn("n").toArray());
  deepStrictEqual(csvUnsafe(safe).getColumn("id").toArray(), ids);
});

function csvFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? csvFiles(join(dir, e.name)) : e.name.endsWith(".csv") ? [join(dir, e.name)] : []
  );
}

Deno.test("no CSV the run or the score command writes holds a cell a spreadsheet would evaluate", async () => {
  const data = await Deno.makeTempDir();
  await generate({ customers: 300, seed: 31, out: data, piiRate: 0 });
  // Ids an attacker chose, in every table (quoted where they hold the delimiter or quotes).
  const evil = [
    '"=HYPERLINK(""http://evil.example/x"",""y"")"',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
  ];
  for (const t of ["customers", "orders", "events", "social", "texts"]) {
    const file = join(data, `${t}.csv`);
    let text = await Deno.readTextFile(file);
    evil.forEach((id, k) => (text = text.replaceAll(`C000000${k + 1},`, `${id},`)));
    await Deno.writeTextFile(file, text);
  }
  const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify({ ...sample, name: "csv" }));
  const run = await Deno.makeTempDir();
  await runJob(join(data, "config.json"), { runDir: run });
  const code = await main([
    "score",
    "-m",
    join(run, "model.json"),
    "-c",
    join(data, "config.json"),
    "-o",
    join(run, "scored", "scores.csv"),
    "-q",
  ]);
  strictEqual(code, 0);
  const files = csvFiles(run);
  ok(
    files.some((f) => f.endsWith("assignments.csv")) &&
      files.some((f) => f.endsWith("scored/scores.csv")),
  );
  let escaped = 0;
  for (const file of files) {
    const df = pl.readCSV(file, { inferSchemaLength: 0 });
    for (const c of df.columns) {
      for (const cell of df.getColumn(c).toArray() as (string | null)[]) {
        if (cell === null) continue;
        ok(!RISKY.test(cell) || NUMBER.test(cell), `${file}, column ${c}: ${JSON.stringify(cell)}`);
        if (cell.startsWith("'")) escaped++;
      }
    }
  }
  ok(escaped >= 4 * 3, `only ${escaped} escaped cells`);
  // A spreadsheet shows the id as text; the runner reads its own CSV back unescaped.
  const link = `=HYPERLINK("http://evil.example/x","y")`;
  const scores = pl.readCSV(join(run, "scores.csv"), { inferSchemaLength: 0 });
  ok(scores.getColumn("customer_id").toArray().includes(`'${link}`));
  const back = loadArtifact(run, { name: "scores", kind: "csv" }) as pl.DataFrame;
  ok(back.getColumn("customer_id").toArray().includes(link));
});
