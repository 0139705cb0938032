/**
 * A run killed mid-stage resumes: completed stages are reused, the interrupted one reruns, and
 * the result is the same as an uninterrupted run's.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";
import { exists } from "./bench/_bench.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const CLI = new URL("../pipeline/cli/main.ts", import.meta.url).pathname;

const sha = (file: string) => createHash("sha256").update(Deno.readFileSync(file)).digest("hex");

Deno.test("a run killed mid-stage resumes where it stopped and gives the same result", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--config", SAMPLE, "--out", dir, "--quiet", "--no-history"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Kill it as soon as the matrix stage is committed, while clustering runs.
  const deadline = Date.now() + 120_000;
  while (!(await exists(join(dir, ".state", "matrix.json")))) {
    if (Date.now() > deadline) throw new Error("the run never reached the cluster stage");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  await child.status;
  ok(!(await exists(join(dir, ".state", "report.json"))), "the run was stopped before the end");

  const resumed = await runJob(SAMPLE, { runDir: dir });
  const status = Object.fromEntries(resumed.stages.map((s) => [s.name, s.status]));
  for (const s of ["ingest", "features", "text", "matrix"]) {
    deepStrictEqual([s, status[s]], [s, "cached"]);
  }
  deepStrictEqual(status.cluster, "ran");

  const clean = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: clean });
  for (const f of ["assignments.csv", "scores.csv", "personas.json", "report.html", "model.json"]) {
    deepStrictEqual([f, sha(join(dir, f))], [f, sha(join(clean, f))]);
  }
});
