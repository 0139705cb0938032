/**
 * What a notebook needs besides the stages: parameters that a headless run can override through
 * environment variables (Papermill cannot inject into TypeScript notebooks), a run folder's
 * artifacts by name, and a stage rerun on those artifacts with changed options.
 *
 * @module
 */

import type pl from "nodejs-polars";
import { dirname, join, resolve } from "node:path";
import type { ClassifierModel, ClassifyOutputs } from "../classify/mod.ts";
import type { ClusterModel, ClusterOutputs } from "../cluster/mod.ts";
import { loadConfig, type LoadedConfig, parseConfig } from "../config.ts";
import { didYouMean, InputError } from "../errors.ts";
import type { AttributeSpec } from "../features/mod.ts";
import type { TableSummary } from "../ingest/mod.ts";
import type { Manifest } from "../runner/mod.ts";
import type { MatrixModel } from "../matrix/mod.ts";
import type { Stage, StageRecord, StageRun } from "../runner/mod.ts";
import { configFile, STAGES } from "../runner/mod.ts";
import type { FeatureMeta, Matrix, Tables } from "../types.ts";
import type { ImportanceOutputs } from "../importance/mod.ts";
import type { Persona } from "../personas/mod.ts";
import type { TextModel } from "../text/mod.ts";
import type { ValueSummary } from "../value/mod.ts";
import type { ExperimentOutputs } from "../evaluate/mod.ts";
import { artifactExists, type ArtifactSpec, loadArtifact } from "../runner/mod.ts";

/** Prefix of the environment variables that override notebook parameters. */
export const ENV_PREFIX = "PERSONAE_";

/**
 * The environment variable of a parameter: `runDir` → `PERSONAE_RUN_DIR`, `k` → `PERSONAE_K`.
 *
 * @example
 * ```ts
 * import { envName } from "./notebook.ts";
 * if (envName("runDir") !== "PERSONAE_RUN_DIR") throw new Error(envName("runDir"));
 * ```
 */
export function envName(key: string): string {
  return ENV_PREFIX + key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toUpperCase();
}

function parseParam(key: string, raw: string, fallback: unknown): unknown {
  const name = envName(key);
  switch (typeof fallback) {
    case "string":
      return raw;
    case "number": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      if (!Number.isFinite(n)) {
        throw new TypeError(`${name} must be a number. Got ${JSON.stringify(raw)} instead`);
      }
      return n;
    }
    case "boolean": {
      const v = raw.trim().toLowerCase();
      if (["1", "true", "yes"].includes(v)) return true;
      if (["0", "false", "no"].includes(v)) return false;
      throw new TypeError(
        `${name} must be true or false (or 1, 0, yes, no). Got ${JSON.stringify(raw)} instead`,
      );
    }
    default:
      try {
        return JSON.parse(raw);
      } catch {
        throw new SyntaxError(`${name} must be JSON. Got ${JSON.stringify(raw)} instead`);
      }
  }
}

/**
 * A notebook's parameters: the defaults, each overridden by its environment variable when set
 * (`runDir` by `PERSONAE_RUN_DIR`, see {@link envName}), read as the default's type: numbers,
 * booleans (true/false/1/0/yes/no), strings as they are, anything else (null, arrays, objects)
 * as JSON. Call it in the cell tagged `parameters`; `deno task notebooks` sets the variables.
 *
 * @param defaults The values used when no variable is set.
 * @param env Where to read the variables. @default Deno.env.toObject()
 * @example
 * ```ts
 * import { params } from "./notebook.ts";
 * const p = params({ k: 5, runDir: "runs/sample", pca: false, only: null as number[] | null }, {
 *   PERSONAE_K: "6",
 *   PERSONAE_PCA: "yes",
 *   PERSONAE_ONLY: "[1, 2]",
 * });
 * if (p.k !== 6 || p.runDir !== "runs/sample" || !p.pca || p.only?.[1] !== 2) throw new Error();
 * ```
 */
export function params<T extends Record<string, unknown>>(
  defaults: T,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): T {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = env[envName(key)];
    if (raw !== undefined) out[key] = parseParam(key, raw, fallback);
  }
  return out as T;
}

/** What the cluster stage writes as cluster_summary.json. */
export type ClusterSummary = Omit<
  ClusterOutputs,
  "model" | "labels" | "attachedLabels" | "customerIds"
>;

/** The artifacts whose types are known here; any other stage output loads as `unknown`. */
export interface ArtifactTypes {
  tables: Tables;
  outcomes: pl.DataFrame;
  quarantine: pl.DataFrame;
  ingest_summary: { tables: Record<string, TableSummary>; attributes: AttributeSpec[] };
  features: pl.DataFrame;
  feature_meta: FeatureMeta[];
  matrix: Matrix;
  matrix_ids: pl.DataFrame;
  matrix_model: MatrixModel;
  cluster_model: ClusterModel;
  /** customer_id and segment, as text (use {@link RunView.segments} for numbers). */
  assignments: pl.DataFrame;
  /** customer_id and segment (Int32), with the real ids. */
  segments: pl.DataFrame;
  cluster_summary: ClusterSummary;
  /** One row per customer with texts: text_count, sentiment columns, text_emb_*. */
  text_features: pl.DataFrame;
  text_meta: FeatureMeta[];
  /** customer_id, text_top_entities, text_top_keywords. */
  text_terms: pl.DataFrame;
  /** One row per text: masked text, language, sentiment, entities, keywords. */
  texts: pl.DataFrame;
  text_model: TextModel;
  classifier: ClassifierModel;
  classify_summary: ClassifySummary;
  /** customer_id, segment, predicted, probability (as text). */
  scores: pl.DataFrame;
  importance: ImportanceOutputs;
  personas: Persona[];
  personas_md: string;
  /** Chart files by name: "sizes.svg", "sizes.png"… */
  charts: Record<string, string | Uint8Array>;
  /** The self-contained HTML report. */
  report: string;
  /** What customers and segments are worth: fits, holdout check, value by segment. */
  value: ValueSummary;
  /** One row per valued customer: frequency, recency, T, expected purchases, P(alive), CLV. */
  value_customers: pl.DataFrame;
  /** An experiment's effects overall and by segment, heterogeneity and recommendations. */
  uplift: ExperimentOutputs;
}

/** What the classify stage writes as classify_summary.json. */
export type ClassifySummary = Omit<ClassifyOutputs, "model"> & { model: ClassifierModel["kind"] };

/** A run folder opened for reading: its manifest and its artifacts by name. */
export interface RunView {
  /** The run folder, absolute. */
  dir: string;
  manifest: Manifest;
  /** The stage table the artifacts are looked up in. */
  stages: readonly Stage[];
  /** Whether an artifact is in the folder. */
  has(name: string): boolean;
  /** Loads an artifact by name (once; later calls return the same value). */
  get<K extends keyof ArtifactTypes>(name: K): ArtifactTypes[K];
  get(name: string): unknown;
  /** The manifest's record of a stage. */
  stage(name: string): StageRecord | undefined;
  /** Customer ids and segments in matrix row order (segment -1 is noise). */
  segments(): { ids: string[]; labels: Int32Array };
}

function outputSpec(stages: readonly Stage[], name: string): { spec: ArtifactSpec; stage: Stage } {
  for (const stage of stages) {
    const spec = stage.outputs.find((o) => o.name === name);
    if (spec) return { spec, stage };
  }
  const names = stages.flatMap((s) => s.outputs.map((o) => o.name));
  throw new TypeError(`No stage writes an artifact '${name}'${didYouMean(name, names)}`);
}

/**
 * Opens a run folder written by the pipeline (`deno task run` or `runJob`): its manifest, and
 * each stage output by the name the stage table gives it, loaded on first use.
 *
 * @param runDir The run folder.
 * @param stages The stage table. @default STAGES
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { loadRun } from "./notebook.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // A run of 30 customers in two clear groups, written into a temporary folder.
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
 *   await runJob(join(dir, "shop.json"), { runDir });
 *   const run = loadRun(runDir);
 *   if (run.manifest.name !== "shop" || run.stage("cluster")?.status !== "ran") throw new Error();
 *   const { ids, labels } = run.segments();
 *   if (ids.length !== 30 || new Set(labels).size !== 2) throw new Error("two segments");
 *   if (run.get("features").height !== 30 || run.has("texts")) throw new Error("artifacts");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function loadRun(runDir: string, stages: readonly Stage[] = STAGES): RunView {
  const dir = resolve(runDir);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(join(dir, "manifest.json")));
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "it has no manifest.json" : String(e);
    throw new InputError(
      `Cannot open the run folder ${runDir}: ${why}. Run the pipeline into it first ` +
        "(deno task run, or the 00-overview notebook)",
      { file: join(runDir, "manifest.json") },
    );
  }
  const cache = new Map<string, unknown>();
  const view: RunView = {
    dir,
    manifest,
    stages,
    has: (name) => artifactExists(dir, outputSpec(stages, name).spec),
    get(name: string): never {
      if (!cache.has(name)) {
        const { spec, stage } = outputSpec(stages, name);
        if (!artifactExists(dir, spec)) {
          const record = manifest.stages.find((s) => s.name === stage.name);
          const why = record
            ? `stage '${stage.name}' ${record.status}${record.reason ? ` (${record.reason})` : ""}`
            : `stage '${stage.name}' is not in this run's manifest`;
          throw new InputError(`The run folder ${runDir} has no '${name}': ${why}`, {
            file: runDir,
          });
        }
        cache.set(name, loadArtifact(dir, spec));
      }
      return cache.get(name) as never;
    },
    stage: (name) => manifest.stages.find((s) => s.name === name),
    segments() {
      // The segments frame keeps the real ids when assignments.csv carries pseudonyms.
      const writes = (n: string) => stages.some((s) => s.outputs.some((o) => o.name === n));
      const df =
        (writes("segments") && view.has("segments")
          ? view.get("segments")
          : view.get("assignments")) as pl.DataFrame;
      const ids = df.getColumn("customer_id").toArray() as string[];
      const labels = Int32Array.from(df.getColumn("segment").toArray() as unknown[], Number);
      return { ids, labels };
    },
  };
  return view;
}

/**
 * Persona names by segment, for chart labels; empty when the run has no personas.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { loadRun, personaNames } from "./notebook.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // A run of 30 customers in two clear groups, written into a temporary folder.
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
 *   await runJob(join(dir, "shop.json"), { runDir });
 *   const names = personaNames(loadRun(runDir));
 *   if (Object.keys(names).join() !== "0,1") throw new Error(JSON.stringify(names));
 *   if (!Object.values(names).every((n) => n.length > 0)) throw new Error("a name is empty");
 *   await Deno.remove(join(runDir, "personas.json"));
 *   if (Object.keys(personaNames(loadRun(runDir))).length !== 0) throw new Error("no personas");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function personaNames(run: RunView): Record<number, string> {
  const written = run.stages.some((s) => s.outputs.some((o) => o.name === "personas"));
  if (!written || !run.has("personas")) return {};
  const names: Record<number, string> = {};
  for (const p of run.get("personas")) if (p.kind === "segment") names[p.segments[0]] = p.name;
  return names;
}

/** A config patch: objects merge key by key, anything else replaces. */
export type ConfigPatch = Record<string, unknown>;

function merge(base: unknown, patch: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

/**
 * The config a run was made with, from its manifest (or read from `configPath`, which ingest
 * needs to find the data files), with a patch applied and validated again.
 */
export async function runConfig(
  run: RunView,
  patch: ConfigPatch = {},
  configPath?: string,
): Promise<LoadedConfig> {
  const base: LoadedConfig = configPath === undefined
    ? {
      config: parseConfig(run.manifest.config.value, configFile(run.manifest, run.dir)),
      path: configFile(run.manifest, run.dir),
      dir: dirname(configFile(run.manifest, run.dir)),
      text: JSON.stringify(run.manifest.config.value),
    }
    : await loadConfig(configPath);
  const config = parseConfig(merge(base.config, patch), base.path);
  return { ...base, config, text: JSON.stringify(config) };
}

/** Options of {@link rerunStage}. */
export interface RerunOptions {
  /** Changes to the run's config, e.g. `{ cluster: { k: 6 } }`. @default {} */
  patch?: ConfigPatch;
  /** Seed. @default the run's seed */
  seed?: number;
  /** The config file, for stages that read data files (ingest). @default the run's config */
  configPath?: string;
}

/**
 * Runs one stage of the table again on the run's stored inputs, with the config patched, and
 * returns its outputs, warnings and metrics without writing anything: the notebook way to try
 * an option and compare with what the run has.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { loadRun, rerunStage } from "./notebook.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // A run of 30 customers in two clear groups, written into a temporary folder.
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
 *   await runJob(join(dir, "shop.json"), { runDir });
 *   const run = loadRun(runDir);
 *   const three = await rerunStage(run, "cluster", { patch: { cluster: { k: 3 } } });
 *   if (three.metrics?.segments !== 3) throw new Error(JSON.stringify(three.metrics));
 *   // The run folder still holds the run's own two segments.
 *   if (loadRun(runDir).stage("cluster")?.metrics?.segments !== 2) throw new Error("written");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function rerunStage(
  run: RunView,
  name: string,
  options: RerunOptions = {},
): Promise<StageRun> {
  const stage = run.stages.find((s) => s.name === name);
  if (!stage) {
    const names = run.stages.map((s) => s.name);
    throw new TypeError(`Unknown stage '${name}'${didYouMean(name, names)}`);
  }
  const loaded = await runConfig(run, options.patch, options.configPath);
  const inputs: Record<string, unknown> = {};
  for (const i of stage.inputs) inputs[i] = run.get(i);
  for (const i of stage.optional ?? []) if (run.has(i)) inputs[i] = run.get(i);
  const at = run.manifest.stages.findIndex((s) => s.name === name);
  return await stage.run(inputs, {
    loaded,
    seed: options.seed ?? run.manifest.seed,
    runDir: run.dir,
    records: run.manifest.stages.slice(0, at < 0 ? run.manifest.stages.length : at),
    progress: () => () => {},
  });
}

/**
 * Top-level numbers and text of a stage's metrics, as "segments 5 · silhouette 0.193"; timings
 * (seconds, texts per second) only when asked for.
 */
function metricLine(metrics: Record<string, unknown> | undefined, timings: boolean): string {
  if (!metrics) return "";
  return Object.entries(metrics).flatMap(([k, v]) => {
    if (!timings && /second/i.test(k)) return [];
    if (typeof v === "number") return [`${k} ${Number.isInteger(v) ? v : v.toPrecision(3)}`];
    if (typeof v === "string" || typeof v === "boolean") return [`${k} ${v}`];
    return [];
  }).join(" · ");
}

/**
 * The stages of a run as table rows: stage, status, why it was skipped, warnings and its main
 * metrics. Timings are left out unless asked for, so a notebook's output is the same on rerun.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { loadRun, stageRows } from "./notebook.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // A run of 30 customers in two clear groups, written into a temporary folder.
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
 *   await runJob(join(dir, "shop.json"), { runDir });
 *   const rows = stageRows(loadRun(runDir).manifest);
 *   const text = rows.find((r) => r.stage === "text")!;
 *   if (text.status !== "skipped" || text.note !== "the data set has no texts table") {
 *     throw new Error(JSON.stringify(text));
 *   }
 *   const cluster = rows.find((r) => r.stage === "cluster")!;
 *   if (!String(cluster.metrics).startsWith("segments 2")) throw new Error(`${cluster.metrics}`);
 *   if ("seconds" in cluster) throw new Error("timings only when asked for");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function stageRows(
  manifest: Manifest,
  options: { seconds?: boolean } = {},
): Record<string, string | number>[] {
  return manifest.stages.map((s) => ({
    stage: s.name,
    status: s.status,
    ...(options.seconds ? { seconds: s.seconds ?? 0 } : {}),
    note: s.reason ?? "",
    warnings: s.warnings.reduce((n, w) => n + (w.count ?? 1), 0),
    metrics: metricLine(s.metrics, options.seconds ?? false),
  }));
}

export {
  featureSummary,
  type FeatureSummaryRow,
  maskingCounts,
  type MaskingRow,
  segmentProfile,
  type SegmentProfileOptions,
} from "./_views.ts";
