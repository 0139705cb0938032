import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    out[e.name] = createHash("sha256").update(await Deno.readFile(`${dir}/${e.name}`)).digest(
      "hex",
    );
  }
  return out;
}

Deno.test("generate() writes identical bytes for the same seed and different ones for another", async () => {
  const a = await Deno.makeTempDir(), b = await Deno.makeTempDir(), c = await Deno.makeTempDir();
  await generate({ customers: 400, seed: 7, out: a });
  await generate({ customers: 400, seed: 7, out: b });
  await generate({ customers: 400, seed: 8, out: c });
  const ha = await hashes(a);
  deepStrictEqual(Object.keys(ha), [
    "customers.csv",
    "events.csv",
    "orders.csv",
    "social.csv",
    "texts.csv",
    "truth.csv",
  ]);
  deepStrictEqual(await hashes(b), ha);
  notDeepStrictEqual((await hashes(c))["orders.csv"], ha["orders.csv"]);
});

Deno.test("generate() plants the five groups in the tables", async () => {
  const dir = await Deno.makeTempDir();
  const summary = await generate({ customers: 2500, seed: 11, out: dir });
  const truth = pl.readCSV(`${dir}/truth.csv`, { dtypes: { group: pl.Int64 } });
  const orders = pl.readCSV(`${dir}/orders.csv`).join(truth, { on: "customer_id" });
  const events = pl.readCSV(`${dir}/events.csv`).join(truth, { on: "customer_id" });
  const social = pl.readCSV(`${dir}/social.csv`).join(truth, { on: "customer_id" });
  const byGroup = (df: pl.DataFrame, expr: pl.Expr) =>
    Object.fromEntries(
      df.groupBy("group").agg(expr.alias("v")).sort("group").toRecords().map((
        r,
      ) => [Number(r.group), Number(r.v)]),
    );
  const perCustomer = (df: pl.DataFrame) => {
    const counts = byGroup(df, pl.len());
    const sizes = byGroup(truth, pl.len());
    return Object.fromEntries(Object.keys(sizes).map((g) => [g, counts[+g] / sizes[+g]]));
  };
  const digital = byGroup(orders, pl.col("category").eq(pl.lit("digital")).mean());
  const ordersPer = perCustomer(orders);
  // 1: frequent buyers of digital products.
  for (const g of [2, 3, 4, 5]) {
    ok(digital[1] > 2.5 * digital[g], `digital share g1 ${digital[1]} vs g${g} ${digital[g]}`);
    ok(ordersPer[1] > 1.7 * ordersPer[g], `orders g1 ${ordersPer[1]} vs g${g} ${ordersPer[g]}`);
  }
  // 2: browsing concentrated on apparel and beauty.
  const fashion = byGroup(events, pl.col("category").str.contains("^(apparel|beauty)$").mean());
  for (const g of [1, 3, 4, 5]) ok(fashion[2] > 0.8 && fashion[g] < 0.45, `fashion ${fashion[g]}`);
  // 3: socially active, following new products.
  const socialPer = perCustomer(social);
  const fresh = byGroup(social, pl.col("new_product").mean());
  for (const g of [1, 2, 4, 5]) {
    ok(socialPer[3] > 5 * socialPer[g], `social g3 ${socialPer[3]} vs g${g} ${socialPer[g]}`);
    ok(fresh[3] > fresh[g] + 0.2, `new products g3 ${fresh[3]} vs g${g} ${fresh[g]}`);
  }
  // 4: price sensitive.
  const discounted = byGroup(orders, pl.col("discount").gt(0).mean());
  for (const g of [1, 2, 3, 5]) {
    ok(discounted[4] > discounted[g] + 0.35, `discount ${discounted[g]}`);
  }
  // 5: broad browsing, few purchases.
  const eventsPer = perCustomer(events);
  for (const g of [1, 2, 3, 4]) {
    ok(eventsPer[5] > 1.3 * eventsPer[g] && ordersPer[5] < 0.4 * ordersPer[g], `g5 vs g${g}`);
  }
  // Texts carry planted PII for the privacy tests.
  const texts = await Deno.readTextFile(`${dir}/texts.csv`);
  ok(summary.planted.length > 20);
  for (const p of summary.planted) ok(texts.includes(p.value), p.value);
});

Deno.test("generate() dirty variant lists each defect with its line", async () => {
  const dir = await Deno.makeTempDir();
  const s = await generate({ customers: 200, seed: 3, out: dir, dirty: true });
  const reasons = new Set(s.defects.map((d) => d.reason));
  deepStrictEqual([...reasons].sort(), [
    "duplicate key",
    "empty text",
    "negative value",
    "not a finite number",
    "timestamp in the future",
    "unknown customer_id",
    "unparseable date",
    "unparseable number",
  ]);
  const lines = (await Deno.readTextFile(`${dir}/orders.csv`)).split("\n");
  for (const d of s.defects.filter((d) => d.table === "orders")) {
    ok(lines[d.line - 1].startsWith("O"), `line ${d.line} is an order row`);
  }
  const neg = s.defects.find((d) => d.reason === "negative value")!;
  ok(lines[neg.line - 1].includes(",-35.20,"));
  strictEqual(s.rows.customers, 202);
});

Deno.test("deno task generate, as the README shows it, exits 0 and reports its peak memory", async () => {
  const out = await Deno.makeTempDir();
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["task", "generate", "--customers", "40", "--seed", "3", "--out", out],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  strictEqual(run.code, 0, new TextDecoder().decode(run.stderr));
  ok(/^Wrote [\d,]+ rows to .* in [\d.]+ s \(peak RSS \d+ MiB\)$/m.test(stdout), stdout);
  ok((await Deno.stat(join(out, "customers.csv"))).size > 0);
});
