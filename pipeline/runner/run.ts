/**
 * The runner: a small table of stages (name, inputs, outputs, function), checked when built, run
 * in order with every output persisted as an artifact of the run. A stage is skipped when the
 * hash of its inputs, options and code is unchanged since it last completed (like DVC) and every
 * file it wrote still has the sha-256 recorded when it was written, so a rerun resumes after a
 * crash, a rerun with nothing changed does no work, and a damaged artifact is rebuilt. A run
 * holds its folder's lock from before the first stage to the end (see _lock.ts).
 *
 * @module
 */

import { join } from "node:path";
import type { LoadedConfig } from "../config.ts";
import { InputError } from "../errors.ts";
import { peakRssMb, releaseMemory, resetPeakRss } from "../memory.ts";
import type { StageWarning } from "../types.ts";
import {
  type ArtifactSpec,
  loadArtifact,
  saveArtifact,
  staleReason,
  sweepTemporaryFiles,
  writeAtomic,
  type WrittenFiles,
} from "./_artifacts.ts";
import { lockRunFolder } from "./_lock.ts";
import { codeClosure, codeHash, fileHash, inputHash, sha, versions } from "./_hashes.ts";
import { buildGraph, selectRange } from "./_graph.ts";

export { buildGraph, codeClosure, fileHash, versions };

/** What a stage sees besides its inputs. */
export interface StageContext {
  loaded: LoadedConfig;
  seed: number;
  runDir: string;
  /** What the stages before this one did (status and warnings), in order. */
  records: readonly StageRecord[];
  /** A progress callback for long loops, labelled; quiet runs get a no-op. */
  progress(label: string): (done: number, total: number) => void;
}

/** What a stage's function returns. */
export interface StageRun {
  outputs: Record<string, unknown>;
  warnings: StageWarning[];
  /** Figures for the manifest (row counts, scores, throughput). */
  metrics?: Record<string, unknown>;
  /**
   * Set when the stage found that the data cannot support it (too short a history to fit a
   * model, say): the reason. The stage is then recorded as skipped, writes nothing, and the
   * stages after it run without its outputs, as when it does not apply.
   */
  skipped?: string;
}

/** One row of the stage table. */
export interface Stage {
  name: string;
  inputs: string[];
  /** Inputs used when their stage ran and passed as undefined when it was skipped. */
  optional?: string[];
  outputs: ArtifactSpec[];
  /** The stage's modules (relative to pipeline/): they and all they import are its code version. */
  code: string[];
  /** The options that change the stage's result (hashed). */
  options(loaded: LoadedConfig): unknown;
  /** Files outside the run folder the stage reads (hashed). */
  files?(loaded: LoadedConfig): string[];
  /**
   * A check of the stage's options against outputs of earlier stages (an outcome's values read
   * at ingest, say), run as soon as those outputs exist: bad input stops the run before the
   * heavy stages in between, not when this stage's turn comes.
   */
  precheck?: {
    inputs: string[];
    run(inputs: Record<string, unknown>, loaded: LoadedConfig): void;
  };
  /** Whether the stage applies to this data set; a stage that does not is skipped, not faked. */
  applies?(loaded: LoadedConfig): boolean | string;
  run(inputs: Record<string, unknown>, ctx: StageContext): Promise<StageRun> | StageRun;
}

/** Options of {@link runPipeline}. */
export interface RunOptions {
  runDir: string;
  /** Rerun every selected stage even when its hash is unchanged. */
  force?: boolean;
  from?: string;
  until?: string;
  seed?: number;
  progress?: (stage: string, label: string) => (done: number, total: number) => void;
  /** Called when a stage starts, is skipped or finishes. */
  onStage?: (event: StageEvent) => void;
  /** Wait for a run folder another run holds instead of refusing. @default false */
  wait?: boolean;
  /** Told when the run starts waiting for the folder, with who holds it. */
  onWait?: (holder: string) => void;
}

export interface StageEvent {
  stage: string;
  status: "start" | "ran" | "cached" | "skipped";
  seconds?: number;
  reason?: string;
}

/** One stage's line in the manifest. */
export interface StageRecord {
  name: string;
  status: "ran" | "cached" | "skipped" | "not selected";
  hash?: string;
  seconds?: number;
  /** Peak resident memory while the stage ran (Linux), in MiB. */
  peakRssMb?: number;
  reason?: string;
  warnings: StageWarning[];
  metrics?: Record<string, unknown>;
  /**
   * Every file the stage wrote (relative to the run folder) with its sha-256 at writing: the
   * stage is reused only while its files still match.
   */
  outputs?: WrittenFiles;
}

function stateFile(runDir: string, stage: string): string {
  return join(runDir, ".state", `${stage}.json`);
}

/** The stage's last committed record; `unreadable` when the file is there but not JSON. */
function readState(runDir: string, stage: string): StageRecord | "unreadable" | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(stateFile(runDir, stage));
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return "unreadable";
  }
}

/**
 * Runs the stages of a pipeline over a dataset config, writing artifacts into `runDir`.
 * Returns the per-stage records (the manifest is assembled by the caller).
 */
export async function runPipeline(
  stageTable: Stage[],
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<{ records: StageRecord[]; fileHashes: Record<string, string> }> {
  const stages = buildGraph(stageTable);
  selectRange(stages, options.from, options.until);
  // The folder is checked writable and locked before any work; a killed run's temporary files
  // are swept while no other run can be writing here.
  const lock = await lockRunFolder(options.runDir, { wait: options.wait, onWait: options.onWait });
  try {
    sweepTemporaryFiles(options.runDir);
    return await runLocked(stages, loaded, options);
  } finally {
    lock.release();
  }
}

async function runLocked(
  stages: Stage[],
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<{ records: StageRecord[]; fileHashes: Record<string, string> }> {
  const selected = selectRange(stages, options.from, options.until);
  const producer = new Map<string, Stage>();
  for (const s of stages) for (const o of s.outputs) producer.set(o.name, s);
  const hashes = new Map<string, string>();
  const values = new Map<string, unknown>();
  const records: StageRecord[] = [];
  const fileHashes: Record<string, string> = {};
  const seed = options.seed ?? loaded.config.seed;

  const input = (name: string): unknown => {
    if (!values.has(name)) {
      const spec = producer.get(name)!.outputs.find((o) => o.name === name)!;
      values.set(name, loadArtifact(options.runDir, spec));
    }
    return values.get(name);
  };

  // An artifact is kept in memory only until the last stage that reads it has run.
  const lastUse = new Map<string, number>();
  stages.forEach((s, k) => [...s.inputs, ...(s.optional ?? [])].forEach((i) => lastUse.set(i, k)));
  const forget = (k: number) => {
    for (const name of [...values.keys()]) if ((lastUse.get(name) ?? -1) <= k) values.delete(name);
  };

  const prechecked = new Set<string>();
  const precheck = () => {
    for (const s of stages) {
      if (!s.precheck || prechecked.has(s.name) || !selected.has(s.name)) continue;
      if ((s.applies?.(loaded) ?? true) !== true) continue;
      if (!s.precheck.inputs.every((i) => hashes.has(i))) continue;
      prechecked.add(s.name);
      s.precheck.run(Object.fromEntries(s.precheck.inputs.map((i) => [i, input(i)])), loaded);
    }
  };

  for (const [k, stage] of stages.entries()) {
    precheck();
    const applies = stage.applies?.(loaded) ?? true;
    const missingInput = stage.inputs.find((i) => !hashes.has(i));
    if (applies !== true || missingInput) {
      const reason = typeof applies === "string"
        ? applies
        : missingInput
        ? `input '${missingInput}' is not available`
        : "does not apply to this data set";
      records.push({ name: stage.name, status: "skipped", reason, warnings: [] });
      options.onStage?.({ stage: stage.name, status: "skipped", reason });
      continue;
    }
    const files = stage.files?.(loaded) ?? [];
    for (const f of files) fileHashes[f] ??= await inputHash(f, loaded);
    const optional = (stage.optional ?? []).filter((i) => hashes.has(i));
    const hash = sha(JSON.stringify({
      options: stage.options(loaded),
      seed,
      code: codeHash(stage.code),
      inputs: [...stage.inputs, ...optional].map((i) => [i, hashes.get(i)]),
      files: files.map((f) => fileHashes[f]),
    }));
    const state = readState(options.runDir, stage.name);
    const previous = state === "unreadable" ? undefined : state;
    // Reused only when its inputs, options and code hash the same and every file it wrote is
    // still the one it wrote; otherwise it reruns and says why.
    const stale = state === "unreadable"
      ? `its record .state/${stage.name}.json is unreadable`
      : previous === undefined
      ? undefined
      : previous.hash !== hash
      ? "its inputs, options or code changed"
      : staleReason(options.runDir, stage.outputs, previous.outputs);
    const fresh = previous !== undefined && stale === undefined;
    if (!selected.has(stage.name) || (fresh && !options.force)) {
      if (!fresh) {
        // --from promises the stages before it are done; running on without them would skip
        // every selected stage for want of inputs and report success having done nothing.
        if (options.from && k < stages.findIndex((s) => s.name === options.from)) {
          throw new InputError(
            `--from ${options.from} needs the stages before it complete in ${options.runDir}, ` +
              `but '${stage.name}' ${
                stale ? `is not reusable (${stale})` : "has not run there"
              }; run without --from first`,
            { file: options.runDir },
          );
        }
        records.push({
          name: stage.name,
          status: "not selected",
          reason: `outside --from/--until and ${
            stale ? `not reusable: ${stale}` : "not run before"
          }`,
          warnings: [],
        });
        continue;
      }
      for (const o of stage.outputs) hashes.set(o.name, `${hash}:${o.name}`);
      const { reason: _ranBecause, ...kept } = previous!;
      records.push({ ...kept, status: "cached" });
      options.onStage?.({ stage: stage.name, status: "cached" });
      continue;
    }
    const reason = options.force && fresh ? "--force" : stale;
    options.onStage?.({ stage: stage.name, status: "start", reason });
    const t0 = performance.now();
    const inputs = Object.fromEntries([...stage.inputs, ...optional].map((i) => [i, input(i)]));
    const ctx: StageContext = {
      loaded,
      seed,
      runDir: options.runDir,
      records: [...records],
      progress: (label) => options.progress?.(stage.name, label) ?? (() => {}),
    };
    // Frames of the stages before are released first, so this stage's peak is its own.
    await releaseMemory();
    const measured = resetPeakRss();
    const result = await stage.run(inputs, ctx);
    if (result.skipped !== undefined) {
      records.push({
        name: stage.name,
        status: "skipped",
        reason: result.skipped,
        warnings: result.warnings,
      });
      options.onStage?.({ stage: stage.name, status: "skipped", reason: result.skipped });
      // An earlier completion of this stage must not pass for this one.
      try {
        Deno.removeSync(stateFile(options.runDir, stage.name));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      forget(k);
      continue;
    }
    const written: WrittenFiles = {};
    for (const o of stage.outputs) {
      if (!(o.name in result.outputs)) {
        throw new Error(`Stage '${stage.name}' did not return its output '${o.name}'`);
      }
      Object.assign(written, saveArtifact(options.runDir, o, result.outputs[o.name]));
      values.set(o.name, result.outputs[o.name]);
      hashes.set(o.name, `${hash}:${o.name}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const record: StageRecord = {
      name: stage.name,
      status: "ran",
      hash,
      seconds,
      peakRssMb: measured ? peakRssMb() : undefined,
      ...(reason ? { reason } : {}),
      warnings: result.warnings,
      metrics: result.metrics,
      outputs: written,
    };
    // The state file is the commit point: written only after every output is in place.
    writeAtomic(stateFile(options.runDir, stage.name), JSON.stringify(record, null, 1));
    records.push(record);
    options.onStage?.({ stage: stage.name, status: "ran", seconds, reason });
    forget(k);
  }
  return { records, fileHashes };
}
