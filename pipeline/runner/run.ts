/**
 * The runner: a small table of stages (name, inputs, outputs, function), checked when built, run
 * in order with every output persisted as an artifact of the run. A stage is skipped when the
 * hash of its inputs, options and code is unchanged since it last completed (like DVC), so a rerun
 * resumes after a crash and a rerun with nothing changed does no work.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { LoadedConfig } from "../config.ts";
import { didYouMean } from "../errors.ts";
import { peakRssMb, releaseMemory, resetPeakRss } from "../memory.ts";
import type { StageWarning } from "../types.ts";
import {
  artifactExists,
  type ArtifactSpec,
  loadArtifact,
  saveArtifact,
  writeAtomic,
} from "./_artifacts.ts";

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

/** A stage table checked for duplicate names and outputs, unknown inputs and cycles. */
export function buildGraph(stages: Stage[]): Stage[] {
  const names = new Set<string>();
  const producer = new Map<string, string>();
  for (const s of stages) {
    if (names.has(s.name)) throw new TypeError(`Stage '${s.name}' is defined twice`);
    names.add(s.name);
    for (const o of s.outputs) {
      const other = producer.get(o.name);
      if (other) {
        throw new TypeError(
          `Output '${o.name}' is produced by both '${other}' and '${s.name}'`,
        );
      }
      producer.set(o.name, s.name);
    }
  }
  for (const s of stages) {
    for (const i of [...s.inputs, ...(s.optional ?? [])]) {
      if (!producer.has(i)) {
        throw new TypeError(
          `Stage '${s.name}' needs input '${i}', which no stage produces${
            didYouMean(i, producer.keys())
          }`,
        );
      }
    }
  }
  // Order topologically (stable: table order among ready stages); a leftover means a cycle.
  const ordered: Stage[] = [];
  const done = new Set<string>();
  const pending = [...stages];
  while (pending.length) {
    const k = pending.findIndex((s) =>
      [...s.inputs, ...(s.optional ?? [])].every((i) => done.has(producer.get(i)!))
    );
    if (k < 0) {
      throw new TypeError(
        `The stages ${
          pending.map((s) => `'${s.name}'`).join(", ")
        } form a cycle through their inputs`,
      );
    }
    const [s] = pending.splice(k, 1);
    ordered.push(s);
    done.add(s.name);
  }
  return ordered;
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
}

const repoDir = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

/** Deno's version and the npm packages pinned in deno.lock. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
  try {
    const lock = JSON.parse(Deno.readTextFileSync(join(repoDir, "deno.lock")));
    for (const spec of lock.specifiers ? Object.keys(lock.specifiers) : []) {
      const m = spec.match(/^npm:(@?[^@]+)@/);
      if (m) out[m[1]] = lock.specifiers[spec];
    }
  } catch {
    out.lock = "deno.lock not found";
  }
  return out;
}

const sha = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");
const pipelineDir = dirname(dirname(fromFileUrl(import.meta.url)));

const LOCAL_IMPORT = /(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+\.ts)["']/g;

/**
 * The stage's modules and every pipeline module they import, transitively: editing any code a
 * stage runs changes its version, with no list to keep up to date by hand. The stage-table
 * modules (stages.ts, _stages_*.ts) count as text only: they import every stage, and following
 * them would tie each stage's version to all the others' code.
 */
export function codeClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.startsWith("runner/")) return;
    const text = Deno.readTextFileSync(join(pipelineDir, file));
    for (const m of text.matchAll(LOCAL_IMPORT)) {
      const target = join(dirname(file), m[1]);
      if (!target.startsWith("..")) visit(target);
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

function codeHash(files: string[]): string {
  return sha(
    codeClosure(files).map((f) => `${f}\u0000${Deno.readTextFileSync(join(pipelineDir, f))}`)
      .join("\u0000"),
  );
}

/** sha-256 of a file, streamed. */
export async function fileHash(path: string): Promise<string> {
  const h = createHash("sha256");
  using f = await Deno.open(path);
  for await (const chunk of f.readable) h.update(chunk);
  return h.digest("hex");
}

function stateFile(runDir: string, stage: string): string {
  return join(runDir, ".state", `${stage}.json`);
}

function readState(runDir: string, stage: string): StageRecord | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(stateFile(runDir, stage)));
  } catch {
    return undefined;
  }
}

function selectRange(stages: Stage[], from?: string, until?: string): Set<string> {
  const names = stages.map((s) => s.name);
  for (const n of [from, until]) {
    if (n !== undefined && !names.includes(n)) {
      throw new TypeError(
        `Unknown stage '${n}'${didYouMean(n, names)}; stages: ${names.join(", ")}`,
      );
    }
  }
  const a = from ? names.indexOf(from) : 0;
  const b = until ? names.indexOf(until) : names.length - 1;
  return new Set(names.slice(a, b + 1));
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
    for (const f of files) fileHashes[f] ??= await fileHash(f);
    const optional = (stage.optional ?? []).filter((i) => hashes.has(i));
    const hash = sha(JSON.stringify({
      options: stage.options(loaded),
      seed,
      code: codeHash(stage.code),
      inputs: [...stage.inputs, ...optional].map((i) => [i, hashes.get(i)]),
      files: files.map((f) => fileHashes[f]),
    }));
    const previous = readState(options.runDir, stage.name);
    const fresh = previous?.hash === hash &&
      stage.outputs.every((o) => artifactExists(options.runDir, o));
    if (!selected.has(stage.name) || (fresh && !options.force)) {
      if (!fresh) {
        records.push({
          name: stage.name,
          status: "not selected",
          reason: "outside --from/--until and not run before with these inputs",
          warnings: [],
        });
        continue;
      }
      for (const o of stage.outputs) hashes.set(o.name, `${hash}:${o.name}`);
      records.push({ ...previous!, status: "cached" });
      options.onStage?.({ stage: stage.name, status: "cached" });
      continue;
    }
    options.onStage?.({ stage: stage.name, status: "start" });
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
    for (const o of stage.outputs) {
      if (!(o.name in result.outputs)) {
        throw new Error(`Stage '${stage.name}' did not return its output '${o.name}'`);
      }
      saveArtifact(options.runDir, o, result.outputs[o.name]);
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
      warnings: result.warnings,
      metrics: result.metrics,
    };
    // The state file is the commit point: written only after every output is in place.
    writeAtomic(stateFile(options.runDir, stage.name), JSON.stringify(record, null, 1));
    records.push(record);
    options.onStage?.({ stage: stage.name, status: "ran", seconds });
    forget(k);
  }
  return { records, fileHashes };
}
