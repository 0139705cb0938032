/**
 * A stage is reused only while every file it wrote is the file it wrote: a truncated Parquet
 * file, a flipped byte of the matrix, a deleted chart, text appended to the report or a deleted
 * table make exactly the stages that wrote them rerun, saying why, and the rebuilt artifacts are
 * the same bytes as before.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";
import { hashTree } from "./_tree.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;

Deno.test("truncated, flipped, deleted or appended artifacts are rebuilt, each stage saying why", async () => {
  const dir = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: dir });
  const before = hashTree(dir);

  await Deno.truncate(join(dir, "features.parquet"), 1000);
  const matrix = await Deno.readFile(join(dir, "matrix.f64"));
  matrix[4321] ^= 0x01;
  await Deno.writeFile(join(dir, "matrix.f64"), matrix);
  await Deno.remove(join(dir, "charts", "sizes.svg"));
  await Deno.writeTextFile(join(dir, "report.html"), "<!-- appended -->", { append: true });
  await Deno.remove(join(dir, "tables", "orders.parquet"));

  const m = await runJob(SAMPLE, { runDir: dir });
  const ran = Object.fromEntries(
    m.stages.filter((s) => s.status === "ran").map((s) => [s.name, s.reason]),
  );
  deepStrictEqual(ran, {
    ingest: "tables/orders.parquet is missing",
    features: "features.parquet changed since it was written",
    matrix: "matrix.f64 changed since it was written",
    charts: "charts/sizes.svg is missing",
    report: "report.html changed since it was written",
  });
  deepStrictEqual(hashTree(dir), before);
  const again = await runJob(SAMPLE, { runDir: dir });
  ok(again.stages.every((s) => s.status === "cached" || s.status === "skipped"));
});

Deno.test("a stage whose state records no output hashes, or cannot be read, is rerun, not trusted", async () => {
  const dir = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: dir, until: "features" });
  const state = join(dir, ".state", "features.json");
  const record = JSON.parse(await Deno.readTextFile(state));
  delete record.outputs;
  await Deno.writeTextFile(state, JSON.stringify(record));
  const m = await runJob(SAMPLE, { runDir: dir, until: "features" });
  deepStrictEqual(
    m.stages.slice(0, 2).map((s) => [s.name, s.status, s.reason]),
    [["ingest", "cached", undefined], [
      "features",
      "ran",
      "no hashes of its outputs were recorded",
    ]],
  );
  await Deno.writeTextFile(join(dir, ".state", "ingest.json"), '{"name": "ingest", "ha');
  const n = await runJob(SAMPLE, { runDir: dir, until: "features" });
  deepStrictEqual(
    n.stages.slice(0, 2).map((s) => [s.name, s.status, s.reason]),
    [["ingest", "ran", "its record .state/ingest.json is unreadable"], [
      "features",
      "cached",
      undefined,
    ]],
  );
});
