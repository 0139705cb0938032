/**
 * The command line's contract, as a user meets it in a shell: --help, the exit codes (0 success,
 * 1 unexpected failure, 2 bad input, 64 usage), `score`'s CSV and Parquet output, and running
 * part of the graph with --from and --until.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { runJob } from "../pipeline/runner/job.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SAMPLE = join(ROOT, "data/sample/config.json");
const CLI = join(ROOT, "pipeline/cli/main.ts");

async function personae(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("--help and each command's --help exit 0 and describe the options", async () => {
  const top = await personae("--help");
  strictEqual(top.code, 0);
  ok(top.stdout.startsWith("Usage: personae [options] [command]"), top.stdout);
  for (const c of ["run", "score", "report", "runs", "models", "generate", "bench", "notebooks"]) {
    ok(new RegExp(`^\\s+${c}\\b`, "m").test(top.stdout), `${c} listed`);
  }
  const run = await personae("run", "--help");
  strictEqual(run.code, 0);
  for (const o of ["--config", "--out", "--seed", "--force", "--from", "--until", "--wait"]) {
    ok(run.stdout.includes(o), `run --help lists ${o}`);
  }
  const score = await personae("score", "--help");
  strictEqual(score.code, 0);
  ok(score.stdout.includes("--model") && score.stdout.includes("Parquet"), score.stdout);
});

Deno.test("usage errors exit 64, bad input 2", async () => {
  strictEqual((await personae("frobnicate")).code, 64);
  strictEqual((await personae("run", "--no-such-option")).code, 64);
  strictEqual((await personae("score", "--model", "m.json")).code, 64);
  const parquet = await personae("score", "-m", "m.json", "-c", SAMPLE, "-o", "x.parquet");
  strictEqual(parquet.code, 64);
  ok(parquet.stderr.includes("--out must name a .csv file"), parquet.stderr);
  const bad = await personae("run", "--config", join(ROOT, "tests/fixtures/malformed/config.json"));
  strictEqual(bad.code, 2);
});

Deno.test("an unexpected failure exits 1 with one line and no stack trace", async () => {
  // A folder where an artifact's file should be: the write fails after ingest has completed.
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, ".state"));
  await Deno.mkdir(join(dir, "features.parquet"));
  const out = await personae("run", "--out", dir, "--quiet", "--no-history");
  strictEqual(out.code, 1, out.stderr);
  strictEqual(
    out.stderr.trim(),
    `error: Cannot write ${dir}/features.parquet: it is a folder, not a file; completed stages ` +
      "are kept and a rerun resumes",
  );
});

Deno.test("a successful run exits 0; --until stops after a stage and --from reruns from one", async () => {
  const dir = await Deno.makeTempDir();
  const until = await personae("run", "--out", dir, "--until", "ingest", "--json", "--no-history");
  strictEqual(until.code, 0, until.stderr);
  const status = (m: { stages: { name: string; status: string }[] }) =>
    Object.fromEntries(m.stages.map((s) => [s.name, s.status]));
  const first = status(JSON.parse(until.stdout));
  strictEqual(first.ingest, "ran");
  strictEqual(first.features, "not selected");

  const early = await personae("run", "--out", dir, "--from", "cluster", "--no-history");
  strictEqual(early.code, 2, "--from cannot run on stages that never ran");
  ok(early.stderr.includes("but 'features' has not run there"), early.stderr);

  await runJob(SAMPLE, { runDir: dir });
  const from = await personae(
    "run",
    "--out",
    dir,
    "--from",
    "personas",
    "--force",
    "--json",
    "--no-history",
  );
  strictEqual(from.code, 0, from.stderr);
  deepStrictEqual(status(JSON.parse(from.stdout)), {
    ingest: "cached",
    features: "cached",
    text: "cached",
    matrix: "cached",
    cluster: "cached",
    classify: "cached",
    importance: "cached",
    evaluate: "skipped",
    experiment: "skipped",
    value: "cached",
    personas: "ran",
    charts: "ran",
    report: "ran",
    model: "ran",
  });
});

Deno.test("score writes the CSV it is given and a Parquet file beside it, exit 0", async () => {
  const run = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: run });
  const csv = join(run, "new", "scores.csv");
  const out = await personae("score", "-m", join(run, "model.json"), "-c", SAMPLE, "-o", csv);
  strictEqual(out.code, 0, out.stderr);
  ok(
    out.stdout.startsWith(
      `Scored 3000 customers → ${csv} and ${join(run, "new", "scores.parquet")}`,
    ),
  );
  const table = pl.readCSV(csv, { inferSchemaLength: 0 });
  // The sample has orders, so the run's value models give each new customer a value too.
  const value = ["expected_purchases", "p_alive", "expected_spend", "clv"];
  deepStrictEqual(table.columns, [
    "customer_id",
    "segment",
    "segment_name",
    "probability",
    ...value,
  ]);
  const parquet = pl.readParquet(join(run, "new", "scores.parquet"));
  deepStrictEqual(parquet.columns.slice(0, 4), table.columns.slice(0, 4));
  const rest = parquet.columns.slice(4);
  ok(value.every((c) => rest.includes(c)), parquet.columns.join());
  ok(
    rest.filter((c) => !value.includes(c)).every((c) => /^p_(\d+|pooled)$/.test(c)),
    parquet.columns.join(),
  );
  deepStrictEqual(
    parquet.getColumn("customer_id").toArray(),
    table.getColumn("customer_id").toArray(),
  );
  // The run's own predictions of the same customers, as the classify stage wrote them.
  const own = pl.readCSV(join(run, "scores.csv"), { inferSchemaLength: 0 });
  deepStrictEqual(table.getColumn("segment").toArray(), own.getColumn("predicted").toArray());
  const p = parquet.getColumn("probability").toArray() as number[];
  ok(p.every((v) => v > 0 && v <= 1));
  const sums = parquet.select(
    pl.sumHorizontal(rest.filter((c) => /^p_(\d+|pooled)$/.test(c)).map((c) => pl.col(c))).alias(
      "s",
    ),
  ).getColumn("s").toArray() as number[];
  ok(sums.every((s) => Math.abs(s - 1) < 1e-9), "each customer's probabilities sum to 1");
});
