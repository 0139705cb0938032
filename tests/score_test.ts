import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";
import { adjustedRandIndex } from "../pipeline/cluster/cluster.ts";
import { loadConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { score, type ScoringModel } from "../pipeline/score/score.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;

async function trained(): Promise<{ dir: string; model: ScoringModel }> {
  const dir = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: dir, until: "model" });
  return { dir, model: JSON.parse(await Deno.readTextFile(join(dir, "model.json"))) };
}

async function secondDataSet(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await generate({ customers: 600, seed: 99, out: dir });
  const config = JSON.parse(await Deno.readTextFile(SAMPLE));
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ ...config, name: "new" }));
  return join(dir, "config.json");
}

Deno.test("score() reproduces the run's own assignments after a JSON round trip", async () => {
  const { dir, model } = await trained();
  const loaded = await loadConfig(SAMPLE);
  const { outputs } = await score(model, (await ingest(loaded)).outputs.tables, {
    referenceDate: loaded.config.referenceDate,
  });
  const run = pl.readCSV(join(dir, "scores.csv"), { inferSchemaLength: 0 });
  deepStrictEqual(
    outputs.getColumn("segment").toArray().map(String),
    run.getColumn("predicted").toArray().map(String),
  );
  const p = outputs.getColumn("probability").toArray() as number[];
  const q = run.getColumn("probability").toArray().map(Number);
  ok(p.every((v, i) => Math.abs(v - q[i]) < 1e-12));
});

Deno.test("score() assigns a second generated data set to the planted groups", async () => {
  const { model } = await trained();
  const config = await secondDataSet();
  const loaded = await loadConfig(config);
  const { outputs } = await score(model, (await ingest(loaded)).outputs.tables, {
    referenceDate: loaded.config.referenceDate,
  });
  const truth = pl.readCSV(join(loaded.dir, "truth.csv"), { inferSchemaLength: 0 });
  const joined = outputs.join(truth, { on: "customer_id" });
  const ari = adjustedRandIndex(
    Int32Array.from(joined.getColumn("group").toArray().map(Number)),
    Int32Array.from(joined.getColumn("segment").toArray().map(Number)),
  );
  ok(ari > 0.8, `ARI ${ari}`);
  ok(outputs.getColumn("segment_name").toArray().every((n) => typeof n === "string" && n.length));
});

Deno.test("score() refuses data whose columns do not match the model, naming them", async () => {
  const { model } = await trained();
  const loaded = await loadConfig(SAMPLE);
  const tables = (await ingest(loaded)).outputs.tables;
  await rejects(
    score(model, { ...tables, social: undefined }),
    (e: Error) =>
      e instanceof InputError && e.message.startsWith("The data does not match the model:") &&
      e.message.includes("'social_like_per_month'") &&
      e.message.includes("'social_new_product_share'"),
  );
});
