/**
 * A run killed mid-stage resumes: completed stages are reused, the interrupted one reruns, and
 * the result is the same as an uninterrupted run's, byte for byte, with no temporary file left.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { rng } from "../pipeline/math/mod.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { exists } from "./bench/_bench.ts";
import { hashTree, temporaryFiles } from "./_tree.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const CLI = new URL("../pipeline/cli/main.ts", import.meta.url).pathname;

function spawnRun(dir: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--config", SAMPLE, "--out", dir, "--no-history"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Resolves when the child's stderr announces `stage` ("▸ stage…"), or false if it ends first. */
async function started(child: Deno.ChildProcess, stage: string): Promise<boolean> {
  let seen = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      seen += value;
      if (seen.includes(`▸ ${stage}…`)) return true;
    }
  } finally {
    // The rest of the output is not read; release it so the child never blocks on a full pipe.
    reader.releaseLock();
    child.stderr.cancel().catch(() => {});
  }
}

Deno.test("a run killed mid-stage resumes where it stopped and gives the same result", async () => {
  const dir = await Deno.makeTempDir();
  const child = spawnRun(dir);
  // Kill it as soon as the matrix stage is committed, while clustering runs. No time limit:
  // a loaded machine is slow, not wrong; the run ending first fails the check below instead.
  while (!(await exists(join(dir, ".state", "matrix.json")))) {
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
  deepStrictEqual(hashTree(dir), hashTree(clean));
});

Deno.test("killed at a random moment in every stage, the run resumes to the same bytes and leaves no .tmp", async () => {
  const clean = await Deno.makeTempDir();
  const reference = await runJob(SAMPLE, { runDir: clean });
  const stages = reference.stages.filter((s) => s.status === "ran");
  const seed = Number(Deno.env.get("PERSONAE_FAULT_SEED") ?? 20_240_607);
  const r = rng(seed);
  const dir = await Deno.makeTempDir();
  const landed: string[] = [];
  let inside = 0;
  for (const [k, stage] of stages.entries()) {
    const state = join(dir, ".state", `${stage.name}.json`);
    // Up to four tries per stage, each sooner than the last, until a kill lands before the
    // stage commits; a try that came too late is undone by forgetting the stage's state.
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = spawnRun(dir);
      const inStage = await started(child, stage.name);
      const delay = r.next() * (stage.seconds ?? 0.1) * 1000 * 0.5 ** attempt;
      await new Promise((res) => setTimeout(res, delay));
      try {
        // Mostly SIGKILL (nothing runs after it); every third stage an interrupt, as Ctrl-C.
        child.kill(k % 3 === 2 ? "SIGINT" : "SIGKILL");
      } catch {
        // The run finished before the moment came: nothing to kill.
      }
      const status = await child.status;
      const committed = await exists(state);
      landed.push(
        `${stage.name}: ${inStage ? `+${delay.toFixed(0)} ms` : "never started"}, ` +
          `${status.signal ?? `exit ${status.code}`}, ${committed ? "committed" : "interrupted"}`,
      );
      if (!committed) {
        inside++;
        break;
      }
      if (attempt < 3) await Deno.remove(state);
    }
  }
  const resumed = await runJob(SAMPLE, { runDir: dir });
  deepStrictEqual(temporaryFiles(dir), [], landed.join("\n"));
  deepStrictEqual(hashTree(dir), hashTree(clean), `seed ${seed}:\n${landed.join("\n")}`);
  ok(resumed.stages.some((s) => s.status === "cached"), "completed stages were reused");
  // Stages of a few milliseconds (report, model) may always finish first; the others are hit.
  ok(inside >= stages.length - 2, landed.join("\n"));
});
