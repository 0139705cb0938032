/**
 * The value stage through the whole pipeline on the CDNOW sample (tests/datasets/cdnow-sample.json,
 * holdout from 1997-10-01): value.json lands on the published BG/NBD and Gamma-Gamma estimates
 * and holdout figures (SOURCE.md in shared/datasets/cdnow-sample), value.parquet and the
 * readers (personas, report, model.json, score) agree with it, and a notebook calling the stage
 * function gets the run's value.json.
 */

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import { loadConfig } from "../pipeline/config.ts";
import { ingest } from "../pipeline/ingest/mod.ts";
import type { Persona } from "../pipeline/personas/mod.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { score, type ScoringModel } from "../pipeline/score/mod.ts";
import { valueStage, type ValueSummary } from "../pipeline/value/mod.ts";

const CONFIG = fromFileUrl(new URL("./datasets/cdnow-sample.json", import.meta.url));
const dir = await Deno.makeTempDir({ prefix: "personae-cdnow-" });
const manifest = await runJob(CONFIG, { runDir: dir });
const value: ValueSummary = JSON.parse(await Deno.readTextFile(join(dir, "value.json")));

function close(actual: number, expected: number, tol: number, what: string): void {
  ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);
}

Deno.test("the CDNOW run lands on Fader, Hardie & Lee's BG/NBD and Gamma-Gamma estimates", () => {
  strictEqual(manifest.stages.find((s) => s.name === "value")?.status, "ran");
  // Within 1% of the published estimates (CLVTools, lifetimes and BTYD quote them).
  const bgnbd = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
  for (const [k, v] of Object.entries(bgnbd)) {
    close(value.bgnbd[k as keyof typeof bgnbd], v, 0.01 * v, `BG/NBD ${k}`);
  }
  close(value.bgnbd.logLikelihood, -9582.43, 0.5, "BG/NBD log-likelihood");
  // The run keeps unrounded times, as BTYD does: its vignette prints these.
  const btyd = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
  for (const [k, v] of Object.entries(btyd)) {
    close(value.bgnbd[k as keyof typeof btyd], v, 2e-4 * v, `BTYD's ${k}`);
  }
  const gg = { p: 6.2488, q: 3.7446, gamma: 15.4477 };
  for (const [k, v] of Object.entries(gg)) {
    close(value.gammaGamma[k as keyof typeof gg], v, 0.01 * v, `Gamma-Gamma ${k}`);
  }
  strictEqual(value.gammaGamma.customers, 946);
  ok(value.bgnbd.converged && value.gammaGamma.converged);
  ok(Math.abs(value.frequencySpendCorrelation) < 0.2, `ρ ${value.frequencySpendCorrelation}`);
  deepStrictEqual(value.calibration, { from: "1997-01-01", to: "1997-09-30", customers: 2357 });
});

Deno.test("the CDNOW holdout: 1,882 actual against about 1,653 predicted, as published", () => {
  const h = value.holdout!;
  deepStrictEqual([h.from, h.to, h.weeks, h.customers], ["1997-10-01", "1998-06-30", 39, 2357]);
  strictEqual(h.actualRepeatTransactions, 1882);
  // BTYDplus: the BG/NBD sum of conditional expectations is 12.1% under the actual.
  close(h.predictedRepeatTransactions, 1653.4, 1, "predicted holdout transactions");
  close(h.predictedRepeatTransactions / h.actualRepeatTransactions - 1, -0.121, 1e-3, "error");
  ok(h.mae < h.maeNaive, `MAE ${h.mae} vs naive ${h.maeNaive}`);
  // BTYD vignette p. 27: cumulative repeat transactions, weeks 20-25.
  const actual = [1359, 1414, 1484, 1517, 1573, 1672];
  const expected = [1312.458, 1387.346, 1460.392, 1531.713, 1601.418, 1669.6];
  h.tracking.slice(19, 25).forEach((w, k) => {
    strictEqual(w.period, 20 + k);
    strictEqual(w.actual, actual[k], `actual, week ${w.period}`);
    close(w.expected, expected[k], 0.01, `expected, week ${w.period}`);
  });
  strictEqual(h.tracking.length, 78);
  strictEqual(h.tracking[77].actual, 4339);
  // BTYD vignette p. 24: mean holdout purchases by calibration frequency 0…6, 7+.
  const bins = [1411, 439, 214, 100, 62, 38, 29, 64];
  const means = [0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359];
  const model = [0.225, 0.523, 1.044, 1.520, 2.164, 2.654, 3.504, 6.157];
  h.byFrequency.forEach((b, k) => {
    strictEqual(b.customers, bins[k]);
    close(b.actual, means[k], 5e-4, `actual, x = ${b.frequency}`);
    close(b.expected, model[k], 1e-3, `expected, x = ${b.frequency}`);
  });
});

Deno.test("value.parquet values every customer and the segments add up to the total", () => {
  const perCustomer = pl.readParquet(join(dir, "value.parquet"));
  strictEqual(perCustomer.height, 2357);
  const clv = perCustomer.getColumn("clv").toArray() as number[];
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  close(sum(clv), value.total.value, 1e-6, "CLV total");
  const holdout = perCustomer.getColumn("holdout_purchases").toArray() as number[];
  strictEqual(sum(holdout), 1882);
  close(
    sum(perCustomer.getColumn("holdout_expected").toArray() as number[]),
    value.holdout!.predictedRepeatTransactions,
    1e-6,
    "holdout expected",
  );
  const segments = pl.readParquet(join(dir, "segments.parquet"));
  strictEqual(value.bySegment.length, new Set(segments.getColumn("segment").toArray()).size);
  close(sum(value.bySegment.map((s) => s.share)), 1, 1e-12, "shares");
  close(sum(value.bySegment.map((s) => s.totalValue)), value.total.value, 1e-6, "totals");
  strictEqual(sum(value.bySegment.map((s) => s.customers)), 2357);
  for (const s of value.bySegment) {
    const mine = perCustomer.filter(pl.col("segment").eq(s.segment));
    close(
      sum(mine.getColumn("clv").toArray() as number[]),
      s.totalValue,
      1e-6,
      `segment ${s.segment}`,
    );
  }
});

Deno.test("personas, the report and model.json carry each segment's expected value", async () => {
  const personas: Persona[] = JSON.parse(await Deno.readTextFile(join(dir, "personas.json")));
  for (const p of personas) {
    const row = value.bySegment.find((s) => s.segment === p.segments[0])!;
    deepStrictEqual(
      [p.value?.meanValue, p.value?.share, p.value?.horizon],
      [row.meanValue, row.share, 52],
    );
  }
  const md = await Deno.readTextFile(join(dir, "personas.md"));
  ok(md.includes("of future value"), "personas.md names the share of future value");
  const html = await Deno.readTextFile(join(dir, "report.html"));
  for (
    const text of [
      "What the segments are worth",
      "CLV per customer",
      "Holdout check",
      "1,882",
      "Repeat purchases: actual against expected",
    ]
  ) ok(html.includes(text), `report.html lacks "${text}"`);
  const model: ScoringModel = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  deepStrictEqual(model.value, value.model);
});

Deno.test("score() values customers as the run did, and the stage function gives value.json", async () => {
  const loaded = await loadConfig(CONFIG);
  const { tables } = (await ingest(loaded)).outputs;
  const model: ScoringModel = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  // The reference date is the holdout start: score values as of the same day the run did.
  const { outputs } = await score(model, tables, { referenceDate: loaded.config.referenceDate });
  const run = pl.readParquet(join(dir, "value.parquet")).select("customer_id", "clv");
  const joined = outputs.select("customer_id", "clv").join(run, { on: "customer_id" });
  strictEqual(joined.height, 2357);
  const a = joined.getColumn("clv").toArray() as number[];
  const b = joined.getColumn("clv_right").toArray() as number[];
  ok(a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.max(1, b[i])), "score's CLV");

  const segments = pl.readParquet(join(dir, "segments.parquet"));
  const { outputs: notebook } = valueStage({ orders: tables.orders!, segments }, {
    ...loaded.config.value,
    referenceDate: loaded.config.referenceDate,
    minSegmentSize: loaded.config.privacy.minSegmentSize,
  });
  deepStrictEqual(
    JSON.stringify(notebook.summary, null, 1) + "\n",
    await Deno.readTextFile(join(dir, "value.json")),
  );
});
