/**
 * The privacy rule over every column, not only texts: nothing that looks like a contact detail
 * reaches any artifact unless its column is declared an id. Free-text customer attributes,
 * phone numbers written as plain digits, the social target column and quarantined records are
 * all planted with e-mails (internationalised ones too), links and phone numbers; every file of
 * the run is then searched. With pseudonymous ids, the files that list customers (assignments,
 * scores, the score command's CSV and Parquet) hold no raw id.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";
import { main } from "../pipeline/cli/main.ts";
import { runJob } from "../pipeline/runner/job.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]
  );
}

function readable(file: string): string {
  if (file.endsWith(".parquet")) {
    const df = pl.readParquet(file);
    return df.columns.map((c) => JSON.stringify(df.getColumn(c).toArray())).join("\n");
  }
  return new TextDecoder().decode(Deno.readFileSync(file));
}

/** Rewrites a CSV file line by line (header included as line 0). */
async function rewrite(file: string, edit: (line: string, k: number) => string) {
  const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
  await Deno.writeTextFile(file, lines.map(edit).join("\n") + "\n");
}

const NOTES = [
  "mail 张三@例子.中国 please",
  "see https://evil.example/promo for more",
  "call me on +44 20 7946 0958",
  "write to kefu@shop.example",
  "ivan@пример.рф",
];

Deno.test("no contact detail from any column reaches an artifact unless it is a declared id", async () => {
  const data = await Deno.makeTempDir();
  await generate({ customers: 400, seed: 11, out: data, piiRate: 0 });
  const planted = [
    "张三@例子.中国",
    "evil.example/promo",
    "+44 20 7946 0958",
    "kefu@shop.example",
    "ivan@пример.рф",
    "jo@brand.example",
    "evil.example/x",
  ];
  const mobiles: string[] = [];
  await rewrite(join(data, "customers.csv"), (line, k) => {
    if (k === 0) return `${line},notes,mobile,email`;
    const mobile = `139${String(10_000_000 + k * 7919).slice(0, 8)}`;
    mobiles.push(mobile);
    const note = k % 7 === 0 ? NOTES[k % NOTES.length] : "regular";
    // One customer with an unparseable age: its row is quarantined with its record.
    const fields = line.split(",");
    if (k === 5) fields[2] = "n/a";
    return `${fields.join(",")},"${note}",${mobile},person${k}@private.example`;
  });
  await rewrite(join(data, "social.csv"), (line, k) => {
    if (k === 0 || k % 9 !== 0) return line;
    const f = line.split(",");
    f[3] = k % 2 ? "follow jo@brand.example" : "https://evil.example/x";
    return f.join(",");
  });
  const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
  const config = { ...sample, name: "columns", roles: { exclude: ["language"], pii: ["email"] } };
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify(config));
  const run = await Deno.makeTempDir();
  const m = await runJob(join(data, "config.json"), { runDir: run });
  const summary = m.stages.find((s) => s.name === "ingest")!.metrics!.tables as Record<
    string,
    { masked: Record<string, number>; quarantined: number }
  >;
  ok(summary.customers.quarantined === 1, "the bad row was quarantined");
  ok(summary.customers.masked.email > 0 && summary.social.masked.url > 0, JSON.stringify(summary));
  const input = readable(join(data, "customers.csv")) + readable(join(data, "social.csv"));
  for (const p of [...planted, "person5@private.example"]) ok(input.includes(p), p);
  const files = filesUnder(run).filter((f) => !f.endsWith(".png") && !f.endsWith(".f64"));
  ok(files.length > 20);
  for (const file of files) {
    const body = readable(file);
    for (const p of planted) ok(!body.includes(p), `'${p}' found in ${file}`);
    ok(!body.includes("@private.example"), `a declared-personal e-mail found in ${file}`);
    for (const mobile of mobiles.slice(0, 50)) ok(!body.includes(mobile), `${mobile} in ${file}`);
  }
});

Deno.test("with pseudonymous ids, assignments, scores and the score command's files hold no raw id", async () => {
  const data = await Deno.makeTempDir();
  await generate({ customers: 300, seed: 12, out: data, piiRate: 0 });
  // Ids that are themselves contact details: e-mail addresses.
  for (const t of ["customers", "orders", "events", "social", "texts", "truth"]) {
    const file = join(data, `${t}.csv`);
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, text.replace(/\bC(\d{7})\b/g, "c$1@mail.example"));
  }
  const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
  const config = { ...sample, name: "pseudo", privacy: { pseudonymize: true, salt: "s" } };
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify(config));
  const run = await Deno.makeTempDir();
  await runJob(join(data, "config.json"), { runDir: run });
  const out = join(run, "scored", "new.csv");
  const code = await main([
    "score",
    "--model",
    join(run, "model.json"),
    "--config",
    join(data, "config.json"),
    "--out",
    out,
    "--quiet",
  ]);
  strictEqual(code, 0);
  const scored = pl.readParquet(join(run, "scored", "new.parquet"));
  strictEqual(scored.height, 300);
  for (const file of ["assignments.csv", "scores.csv", "scored/new.csv", "scored/new.parquet"]) {
    const body = readable(join(run, file));
    ok(!body.includes("@mail.example"), `a raw id in ${file}`);
    ok(/[0-9a-f]{16}/.test(body), `pseudonyms in ${file}`);
  }
});
