/**
 * Scoring data that differs from the training data: category levels the model never saw are
 * scored and counted in a warning per column (whether the column defines the segments or only
 * describes them), and a numeric column that holds only text is refused, naming it.
 */
import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { generate } from "../data/generate.ts";
import { loadConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { score, type ScoringModel } from "../pipeline/score/score.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;

/** Generated customers with an extra numeric attribute, 'points'. */
async function dataSet(seed: number, edit: (fields: string[], k: number) => void = () => {}) {
  const dir = await Deno.makeTempDir();
  await generate({ customers: 400, seed, out: dir, piiRate: 0 });
  const file = join(dir, "customers.csv");
  const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
  const out = lines.map((line, k) => {
    if (k === 0) return `${line},points`;
    const fields = [...line.split(","), String((k * 37) % 500)];
    edit(fields, k);
    return fields.join(",");
  });
  await Deno.writeTextFile(file, out.join("\n") + "\n");
  return dir;
}

/** A model trained with the customers' attributes among the segmenting features. */
async function trained(): Promise<ScoringModel> {
  const data = await dataSet(21);
  const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
  const config = { ...sample, name: "attrs", matrix: { excludeGroups: [] } };
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify(config));
  const run = await Deno.makeTempDir();
  await runJob(join(data, "config.json"), { runDir: run, until: "model" });
  return JSON.parse(await Deno.readTextFile(join(run, "model.json")));
}

const model = await trained();

async function scoreData(dir: string) {
  const sample = JSON.parse(await Deno.readTextFile(SAMPLE));
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ ...sample, name: "new" }));
  const loaded = await loadConfig(join(dir, "config.json"));
  return score(model, (await ingest(loaded)).outputs.tables, {
    referenceDate: loaded.config.referenceDate,
  });
}

Deno.test("score() counts category levels the model never saw, column by column", async () => {
  const REGION = 4, GENDER = 3;
  const dir = await dataSet(22, (f, k) => {
    if (k % 40 === 0) f[REGION] = "mars";
    if (k % 100 === 0) f[REGION] = "venus";
    if (k % 200 === 1) f[GENDER] = "X";
  });
  ok(model.matrix.steps.some((s) => s.column === "region"), "region segments customers");
  const { outputs, warnings } = await scoreData(dir);
  deepStrictEqual(outputs.height, 400);
  const unseen = warnings.filter((w) => w.stage === "score").map((w) => [w.message, w.count]);
  deepStrictEqual(unseen, [
    [
      "Column 'gender': 2 customers have 1 level the model never saw ('X' ×2); scored as " +
      "having none of its levels",
      2,
    ],
    [
      "Column 'region': 12 customers have 2 levels the model never saw ('mars' ×8, 'venus' ×4); " +
      "scored as having none of its levels",
      12,
    ],
  ]);
  const known = await scoreData(await dataSet(23));
  deepStrictEqual(known.warnings.filter((w) => w.stage === "score"), []);
});

Deno.test("score() refuses a numeric column whose values are all text, naming it", async () => {
  const dir = await dataSet(24, (f) => (f[f.length - 1] = "lots"));
  await rejects(
    scoreData(dir),
    (e: Error) =>
      e instanceof InputError &&
      e.message === `Column 'points' of customers must hold numbers, as when the model was ` +
          `fitted, but its values are text (e.g. "lots"); fix the column or declare its type`,
  );
});

Deno.test("ingest() refuses a canonical numeric column whose values are all text", async () => {
  const dir = await dataSet(25, (f, k) => (f[5] = `n/a-${k}`));
  await rejects(
    scoreData(dir),
    (e: Error) =>
      e instanceof InputError && e.message.startsWith(
        "Cannot use customers.csv: all 400 rows of customers were quarantined (400 × " +
          `unparseable number in 'income', e.g. "n/a-1")`,
      ),
  );
});
