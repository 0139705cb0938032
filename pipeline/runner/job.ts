/**
 * The main job: run the stage table over a dataset config into a run folder and write the run's
 * manifest (config and its hash, input file hashes, seed, versions, per-stage timings, row
 * counts, cache hits and warnings). The CLI and the notebooks both call {@link runJob}.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join, relative, resolve, sep } from "node:path";
import { loadConfig, type LoadedConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import { lockRunFolder } from "./_lock.ts";
import { type RunOptions, runPipeline, type StageRecord, versions } from "./run.ts";
import { STAGES } from "./stages.ts";
import type { StageWarning } from "../types.ts";
import { artifactFile, writeAtomic } from "./_artifacts.ts";

/** The run's record, written as manifest.json in the run folder. */
export interface Manifest {
  name: string;
  config: {
    /** The config file as the run was given it (relative to the folder the run started in). */
    path: string;
    /**
     * The config file relative to the run folder: what `deno task report` and the notebooks
     * reopen, whichever folder they start in. Absent in manifests written before it was added.
     */
    fromRun?: string;
    sha256: string;
    value: unknown;
  };
  seed: number;
  inputs: { file: string; sha256: string }[];
  versions: Record<string, string>;
  stages: StageRecord[];
  warnings: StageWarning[];
  startedAt: string;
  finishedAt: string;
  seconds: number;
}

/** Options of {@link runJob}: where to write, which stages, and how to report. */
export interface JobOptions extends Omit<RunOptions, "runDir"> {
  /** Run folder. @default runs/<config name> */
  runDir?: string;
}

/** Deduplicates warnings by stage and message, adding up their counts. */
export function mergeWarnings(records: StageRecord[]): StageWarning[] {
  const seen = new Map<string, StageWarning>();
  for (const r of records) {
    for (const w of r.warnings) {
      const key = `${w.stage}\u0000${w.message}`;
      const prev = seen.get(key);
      if (prev) prev.count = (prev.count ?? 1) + (w.count ?? 1);
      else seen.set(key, { ...w });
    }
  }
  return [...seen.values()];
}

/**
 * The files and folders a run writes at the top of its folder (the notebooks write their HTML
 * into notebooks/ before the pipeline's first run there).
 */
function artifactNames(): string[] {
  return STAGES.flatMap((s) => s.outputs.map((o) => artifactFile(o).split("/")[0]))
    .flatMap((f) => [f, `${f}.json`]);
}

/** The folder every run folder and the run history live in (relative to the working folder). */
export const RUNS_ROOT = "runs";

/**
 * The folder a run writes to: `dir` when given, else runs/<config name>, resolved. A run folder
 * holds one run's artifacts and nothing else, so `dir` is refused when it is runs/ itself or a
 * folder above it (the run would mix its artifacts with every other run's and the history),
 * or a folder that already holds files a run does not write and no run (the repository, a data
 * folder).
 * Config names are plain names (checked when the config loads), so runs/<name> stays in runs/.
 */
export function runFolder(name: string, dir?: string): string {
  const root = resolve(RUNS_ROOT);
  const folder = resolve(dir ?? join(RUNS_ROOT, name));
  if (folder === root || root.startsWith(folder.endsWith(sep) ? folder : folder + sep)) {
    throw new InputError(
      `The run folder ${dir} would be ${
        folder === root ? "runs/ itself" : "a folder that holds runs/"
      }, where every run and the run history live; choose a folder of its own, e.g. ` +
        `--out ${join(RUNS_ROOT, name)}`,
      { file: dir },
    );
  }
  let entries: string[] = [];
  try {
    entries = [...Deno.readDirSync(folder)].map((e) => e.name);
  } catch {
    // Not there yet (it will be made) or not readable (the writable check will say so).
  }
  const ours = new Set([".state", "manifest.json", "notebooks", ...artifactNames()]);
  const previousRun = entries.includes(".state") || entries.includes("manifest.json");
  if (!previousRun && entries.some((e) => !ours.has(e))) {
    throw new InputError(
      `The run folder ${folder} already holds other files (${entries.slice(0, 3).join(", ")}${
        entries.length > 3 ? ", …" : ""
      }) and no run; choose an empty or new folder with --out`,
      { file: folder },
    );
  }
  return folder;
}

/**
 * The config file a run was made with, as a path that works from the current folder: found
 * from the run folder when the manifest says where it is from there, else (older manifests) as
 * recorded, relative to where that run started.
 */
export function configFile(manifest: Manifest, runDir: string): string {
  return manifest.config.fromRun === undefined
    ? resolve(manifest.config.path)
    : resolve(runDir, manifest.config.fromRun);
}

/**
 * Runs the whole pipeline for a config (path or loaded) and writes manifest.json. A stage whose
 * inputs, options and code are unchanged since it last completed is not run again (`cached`).
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "./job.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // 30 customers in two clear groups; no orders, events or texts.
 *   const csv = ["customer_id,spend,visits"];
 *   for (let i = 0; i < 30; i++) csv.push(i % 2 ? `c${i},10,1` : `c${i},200,9`);
 *   await Deno.writeTextFile(join(dir, "customers.csv"), csv.join("\n"));
 *   await Deno.writeTextFile(join(dir, "shop.json"), JSON.stringify({
 *     name: "shop",
 *     tables: { customers: { path: "customers.csv" } },
 *     cluster: { k: 2 },
 *     privacy: { minSegmentSize: 5 },
 *   }));
 *   const runDir = join(dir, "run");
 *   const manifest = await runJob(join(dir, "shop.json"), { runDir });
 *   const status = (name: string) => manifest.stages.find((s) => s.name === name)?.status;
 *   if (status("cluster") !== "ran" || status("text") !== "skipped") throw new Error();
 *   for (const file of ["manifest.json", "assignments.csv", "report.html", "model.json"]) {
 *     await Deno.stat(join(runDir, file)); // throws when the run did not write it
 *   }
 *   // Nothing changed: the second run reuses every stage's outputs.
 *   const again = await runJob(join(dir, "shop.json"), { runDir });
 *   if (again.stages.some((s) => s.status === "ran")) throw new Error("nothing should rerun");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function runJob(
  config: string | LoadedConfig,
  options: JobOptions = {},
): Promise<Manifest> {
  const loaded = typeof config === "string" ? await loadConfig(config) : config;
  const runDir = runFolder(loaded.config.name, options.runDir);
  // Held from the first stage to the manifest, so no other run writes in between.
  const lock = await lockRunFolder(runDir, { wait: options.wait, onWait: options.onWait });
  try {
    return await runLocked(loaded, runDir, options);
  } finally {
    lock.release();
  }
}

async function runLocked(
  loaded: LoadedConfig,
  runDir: string,
  options: JobOptions,
): Promise<Manifest> {
  const started = new Date();
  const t0 = performance.now();
  const { records, fileHashes } = await runPipeline(STAGES, loaded, { ...options, runDir });
  const manifest: Manifest = {
    name: loaded.config.name,
    config: {
      path: relative(Deno.cwd(), loaded.path),
      fromRun: relative(runDir, loaded.path),
      sha256: createHash("sha256").update(loaded.text).digest("hex"),
      value: loaded.config,
    },
    seed: options.seed ?? loaded.config.seed,
    inputs: Object.entries(fileHashes).map(([file, sha256]) => ({
      file: relative(loaded.dir, file),
      sha256,
    })),
    versions: versions(),
    stages: records,
    warnings: mergeWarnings(records),
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
  };
  writeAtomic(join(runDir, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
  return manifest;
}
