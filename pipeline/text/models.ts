/**
 * Which language models read customers' words, where they come from, and how they are loaded:
 * a typed config with its defaults in one const, loading through the `pipeline()` API of
 * `@huggingface/transformers`, and {@linkcode pullModels} to fill the model cache on a machine
 * with internet.
 *
 * @module
 */

import { env, LogLevel, pipeline } from "@huggingface/transformers";
import type {
  FeatureExtractionPipeline,
  TextClassificationPipeline,
  TokenClassificationPipeline,
} from "@huggingface/transformers";
import { createHash } from "node:crypto";
import type { OnProgress } from "../progress.ts";
import { PIPELINE_TASKS, TEXT_TASKS } from "./_models_config.ts";
import type { ModelsConfig, TaskModelConfig, TextTask } from "./_models_config.ts";

export {
  DEFAULT_CACHE_DIR,
  DEFAULT_MODELS,
  MODELS_GUIDE,
  PIPELINE_TASKS,
  resolveModelsConfig,
  TEXT_TASKS,
} from "./_models_config.ts";
export type {
  ModelsConfig,
  ModelsConfigInput,
  TaskModelConfig,
  TextTask,
} from "./_models_config.ts";

/** The pipeline object of each task. */
export interface TaskPipelines {
  embedding: FeatureExtractionPipeline;
  sentiment: TextClassificationPipeline;
  entities: TokenClassificationPipeline;
}

/** A loaded model and what identifies its results in the text cache. */
export interface LoadedModel<T extends TextTask = TextTask> {
  task: T;
  spec: TaskModelConfig;
  pipe: TaskPipelines[T];
  /** The hub revision, or "sha256:…" of a local folder's ONNX file. */
  revision: string;
}

/** A model that could not be loaded, with the message that says how to get it. */
export interface ModelLoadFailure {
  task: TextTask;
  model: string;
  message: string;
}

/** What {@linkcode loadTextModels} returns: the loaded models and the failures. */
export interface LoadedTextModels {
  embedding?: LoadedModel<"embedding">;
  sentiment?: LoadedModel<"sentiment">;
  entities?: LoadedModel<"entities">;
  failures: ModelLoadFailure[];
}

/** True when `model` names a folder on disk rather than a hub id. */
export function isLocalModel(model: string): boolean {
  if (/^(\/|\.\.?\/|~\/|file:|[A-Za-z]:[\\/])/.test(model)) return true;
  try {
    return Deno.statSync(`${model}/config.json`).isFile;
  } catch {
    return false;
  }
}

function localPath(model: string): string {
  if (model.startsWith("file:")) return decodeURIComponent(new URL(model).pathname);
  if (model.startsWith("~/")) return (Deno.env.get("HOME") ?? "") + model.slice(1);
  return model.startsWith("/") ? model : `${Deno.cwd()}/${model}`;
}

const onnxFile = (dtype: "fp32" | "q8") => dtype === "q8" ? "model_quantized.onnx" : "model.onnx";

/** sha-256 of a local folder's ONNX file, so the text cache notices a rebuilt model. */
async function folderFingerprint(folder: string, dtype: "fp32" | "q8"): Promise<string> {
  const hash = createHash("sha256");
  // Reading the stream to its end closes the file.
  const file = await Deno.open(`${folder}/onnx/${onnxFile(dtype)}`);
  for await (const chunk of file.readable) hash.update(chunk);
  return "sha256:" + hash.digest("hex").slice(0, 16);
}

/** An error's message without a final period (our messages add their own punctuation). */
function causeOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().replace(/\.+$/, "");
}

/** Names the first file a local model folder lacks, before the library reports it obscurely. */
function checkFolder(folder: string, dtype: "fp32" | "q8"): void {
  for (const f of ["config.json", "tokenizer.json", `onnx/${onnxFile(dtype)}`]) {
    try {
      Deno.statSync(`${folder}/${f}`);
    } catch {
      throw new Error(`'${f}' is missing`);
    }
  }
}

const loaded = new Map<string, Promise<{ pipe: unknown; revision: string }>>();

/** The message for a model that cannot be had, naming the model and how to get it. */
export function modelUnavailableMessage(
  task: TextTask,
  spec: TaskModelConfig,
  config: ModelsConfig,
  cause: string,
): string {
  if (isLocalModel(spec.model)) {
    return `Cannot load the ${task} model from the folder '${localPath(spec.model)}': ${cause}. ` +
      `The folder needs config.json, tokenizer.json, tokenizer_config.json and ` +
      `onnx/${onnxFile(spec.dtype)} (dtype '${spec.dtype}')`;
  }
  const what = `the ${task} model '${spec.model}' (revision '${spec.revision}', dtype ` +
    `'${spec.dtype}')`;
  const how = "Run `deno task models pull` on a machine with internet and copy the cache " +
    `folder here, or set models.${task}.model to a local folder`;
  return config.offline
    ? `Cannot load ${what}: it is not in the model cache '${config.cacheDir}' and downloads are ` +
      `off (offline). ${how}`
    : `Cannot load ${what}: ${cause}. ${how}`;
}

/**
 * Loads the configured models through `pipeline()`. A model that cannot be loaded is reported in
 * `failures` (the text stage then falls back or throws); loaded pipelines are kept for the
 * process, so notebooks calling the stage again do not reload them.
 */
export async function loadTextModels(
  config: ModelsConfig,
  onProgress?: OnProgress,
): Promise<LoadedTextModels> {
  // The library warns on the console for every file it looks for; our messages say it better.
  env.logLevel = LogLevel.ERROR;
  const out: LoadedTextModels = { failures: [] };
  for (const task of TEXT_TASKS) {
    const spec = config[task];
    if (!spec) continue;
    const local = isLocalModel(spec.model);
    const id = local ? localPath(spec.model) : spec.model;
    const key = JSON.stringify([
      task,
      id,
      spec.revision,
      spec.dtype,
      config.cacheDir,
      config.offline,
    ]);
    let pending = loaded.get(key);
    if (!pending) {
      pending = (async () => {
        if (local) checkFolder(id, spec.dtype);
        const pipe = await withHost(config.remoteHost, () =>
          pipeline(PIPELINE_TASKS[task], id, {
            revision: spec.revision,
            dtype: spec.dtype,
            cache_dir: config.cacheDir,
            local_files_only: config.offline || local,
            progress_callback: progressCallback(onProgress, `download ${spec.model}`),
          }));
        const revision = local ? await folderFingerprint(id, spec.dtype) : spec.revision;
        return { pipe, revision };
      })();
      loaded.set(key, pending);
      pending.catch(() => loaded.delete(key));
    }
    try {
      const { pipe, revision } = await pending;
      // deno-lint-ignore no-explicit-any
      (out as any)[task] = { task, spec, pipe, revision };
    } catch (e) {
      const cause = causeOf(e);
      out.failures.push({
        task,
        model: spec.model,
        message: modelUnavailableMessage(task, spec, config, cause),
      });
    }
  }
  return out;
}

function progressCallback(onProgress: OnProgress | undefined, label: string) {
  if (!onProgress) return undefined;
  return (info: { status: string; loaded?: number; total?: number }) => {
    if (info.status === "progress_total" && info.total) {
      onProgress(Math.round(info.loaded ?? 0), Math.round(info.total), label);
    }
  };
}

async function withHost<T>(host: string | null, fn: () => Promise<T>): Promise<T> {
  if (!host) return await fn();
  const before = env.remoteHost;
  env.remoteHost = host.endsWith("/") ? host : host + "/";
  try {
    return await fn();
  } finally {
    env.remoteHost = before;
  }
}

/** One model made ready by {@linkcode pullModels}. */
export interface PulledModel {
  task: TextTask;
  model: string;
  /** "hub": in the cache now; "local": a folder, checked to load. */
  source: "hub" | "local";
}

/**
 * Downloads the configured hub models into the cache (and checks that local folders load), for
 * a later offline run. Fails with a message naming the model and the likely cause when the hub
 * cannot be reached.
 *
 * @param onProgress called with bytes loaded / total per model
 */
export async function pullModels(
  config: ModelsConfig,
  onProgress?: OnProgress,
): Promise<PulledModel[]> {
  env.logLevel = LogLevel.ERROR;
  const host = config.remoteHost ?? env.remoteHost;
  const out: PulledModel[] = [];
  for (const task of TEXT_TASKS) {
    const spec = config[task];
    if (!spec) continue;
    const local = isLocalModel(spec.model);
    const id = local ? localPath(spec.model) : spec.model;
    try {
      await withHost(config.remoteHost, () =>
        pipeline(PIPELINE_TASKS[task], id, {
          revision: spec.revision,
          dtype: spec.dtype,
          cache_dir: config.cacheDir,
          local_files_only: local,
          progress_callback: progressCallback(onProgress, `download ${spec.model}`),
        }));
    } catch (e) {
      const cause = causeOf(e);
      if (local) throw new Error(modelUnavailableMessage(task, spec, config, cause));
      const network = /fetch|network|connect|dns|resolve|refused|timed? ?out|unreachable|os error/i
        .test(cause + String((e as { cause?: unknown })?.cause ?? ""));
      throw new Error(
        `Cannot download the ${task} model '${spec.model}' (revision '${spec.revision}', ` +
          `dtype '${spec.dtype}') from ${host}: ${cause}. ` +
          (network
            ? "This machine cannot reach the hub (no internet?): run `deno task models pull` " +
              `where there is internet and copy '${config.cacheDir}' here, or set ` +
              `models.${task}.model to a local folder`
            : "Check the model id, the revision and that the repo has ONNX weights in onnx/"),
      );
    }
    out.push({ task, model: spec.model, source: local ? "local" : "hub" });
  }
  return out;
}
