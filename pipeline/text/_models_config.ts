/**
 * The models config of the text stage: types, the defaults in one const, the guide to the
 * default models, and validation with zod (re-exported by models.ts).
 *
 * @module
 */

import { z } from "zod";

/** The three jobs a text model does here. */
export type TextTask = "embedding" | "sentiment" | "entities";
/** All text tasks, in the order they run. */
export const TEXT_TASKS: readonly TextTask[] = ["entities", "sentiment", "embedding"];

/** The `pipeline()` task behind each of ours. */
export const PIPELINE_TASKS = {
  embedding: "feature-extraction",
  sentiment: "text-classification",
  entities: "token-classification",
} as const;

/** One task's model. */
export interface TaskModelConfig {
  /** A hub id ("Xenova/…") or a local folder (absolute, or starting with ./ or ../). */
  model: string;
  /** Hub branch, tag or commit; pin a commit for reproducible runs. Ignored for folders. */
  revision: string;
  /** "q8" loads onnx/model_quantized.onnx (4× smaller, faster on CPU), "fp32" onnx/model.onnx. */
  dtype: "fp32" | "q8";
  /** Texts per model call. */
  batchSize: number;
}

/** The models config: one entry per task (null switches the task off), plus shared settings. */
export interface ModelsConfig {
  embedding: TaskModelConfig | null;
  sentiment: TaskModelConfig | null;
  entities: TaskModelConfig | null;
  /** Folder of the downloaded model files. */
  cacheDir: string;
  /** Never download: read the cache or local folders only (local_files_only). */
  offline: boolean;
  /** Keep only this many of a customer's most recent texts. */
  maxTextsPerCustomer: number;
  /** Another hub address (a mirror); null for the Hugging Face hub. */
  remoteHost: string | null;
}

/** Where models are cached unless the config says otherwise: .cache/models in the repo. */
export const DEFAULT_CACHE_DIR = decodeURIComponent(
  new URL("../../.cache/models/", import.meta.url).pathname,
);

/** The default models: real multilingual (English and Chinese) models with ONNX weights. */
export const DEFAULT_MODELS: ModelsConfig = Object.freeze({
  embedding: {
    model: "Xenova/paraphrase-multilingual-MiniLM-L12-v2",
    revision: "main",
    dtype: "q8",
    batchSize: 32,
  },
  sentiment: {
    model: "Xenova/distilbert-base-multilingual-cased-sentiments-student",
    revision: "main",
    dtype: "q8",
    batchSize: 32,
  },
  entities: {
    model: "Xenova/bert-base-multilingual-cased-ner-hrl",
    revision: "main",
    dtype: "q8",
    batchSize: 16,
  },
  cacheDir: DEFAULT_CACHE_DIR,
  offline: false,
  maxTextsPerCustomer: 200,
  remoteHost: null,
}) as ModelsConfig;

/** A short guide to the models, for the README or a notebook's markdown cell. */
export const MODELS_GUIDE = `## Text models

| task | default model | what it is | size (fp32 / q8) |
|---|---|---|---|
| embedding | Xenova/paraphrase-multilingual-MiniLM-L12-v2 | sentence-transformers MiniLM, 384-dim sentence vectors, 50+ languages incl. English and Chinese | 470 MB / 118 MB |
| sentiment | Xenova/distilbert-base-multilingual-cased-sentiments-student | DistilBERT multilingual distilled from an mDeBERTa zero-shot teacher; positive / neutral / negative; 12 languages incl. en, zh | ≈ 540 MB / ≈ 135 MB |
| entities | Xenova/bert-base-multilingual-cased-ner-hrl | mBERT fine-tuned for named entities (PER, ORG, LOC) in 10 high-resource languages incl. en, zh | 709 MB / 178 MB |

Get them once on a machine with internet: \`deno task models pull\` (they land in
\`.cache/models/\`; copy that folder to an offline machine). Any model with ONNX weights in an
\`onnx/\` subfolder works: set \`models.<task>.model\` to another hub id or to a local folder holding
config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or model_quantized.onnx for
dtype "q8"). Set \`offline: true\` to forbid downloads during runs. Pin \`revision\` to a commit for
reproducible runs: results are cached by model, revision, dtype and text.

Sentiment labels are read by name: negative / neutral / positive (any case), "1 star" … "5 stars",
or LABEL_0 … LABEL_2 (negative, neutral, positive).
`;

const expected = (message: string) => ({ error: message });
const taskSchema = z.object({
  model: z.string(expected("a hub id or a folder path")).min(1, expected("a non-empty string")),
  revision: z.string(expected("a string")).min(1, expected("a non-empty string")),
  dtype: z.enum(["fp32", "q8"], expected('"fp32" or "q8"')),
  batchSize: z.number(expected("an integer from 1 to 1024")).int(
    expected("an integer from 1 to 1024"),
  ).min(1, expected("an integer from 1 to 1024")).max(1024, expected("an integer from 1 to 1024")),
}).strict();
const configSchema = z.object({
  embedding: taskSchema.nullable(),
  sentiment: taskSchema.nullable(),
  entities: taskSchema.nullable(),
  cacheDir: z.string(expected("a folder path")).min(1, expected("a folder path")),
  offline: z.boolean(expected("true or false")),
  maxTextsPerCustomer: z.number(expected("an integer >= 1")).int(expected("an integer >= 1"))
    .min(1, expected("an integer >= 1")),
  remoteHost: z.string(expected("a URL or null")).url(expected("a URL or null")).nullable(),
}).strict();

/** What a user may write: any part of the config; a task may be just a model id or folder. */
export type ModelsConfigInput =
  & Partial<Omit<ModelsConfig, TextTask>>
  & { [K in TextTask]?: Partial<TaskModelConfig> | string | null };

/**
 * Merges a partial config over {@linkcode DEFAULT_MODELS} once and validates it.
 *
 * @example
 * ```ts
 * import { resolveModelsConfig } from "./models.ts";
 * const c = resolveModelsConfig({ sentiment: "./my-model", entities: null });
 * if (c.sentiment?.model !== "./my-model" || c.sentiment.dtype !== "q8") throw new Error();
 * ```
 */
export function resolveModelsConfig(input: ModelsConfigInput = {}): ModelsConfig {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new TypeError(
      `The models config must be an object. Got ${JSON.stringify(input)} instead`,
    );
  }
  const merged: Record<string, unknown> = { ...DEFAULT_MODELS, ...input };
  for (const task of ["embedding", "sentiment", "entities"] as const) {
    const v = input[task];
    if (v === undefined) merged[task] = { ...DEFAULT_MODELS[task] };
    else if (typeof v === "string") merged[task] = { ...DEFAULT_MODELS[task], model: v };
    else if (v !== null && typeof v === "object") merged[task] = { ...DEFAULT_MODELS[task], ...v };
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String);
    let got: unknown = merged;
    for (const p of path) got = (got as Record<string, unknown> | undefined)?.[p];
    const where = path.length > 1 ? `models.${path[0]}` : "models";
    const key = path.at(-1) ?? "";
    if (issue.code === "unrecognized_keys") {
      throw new RangeError(
        `Unknown option${issue.keys.length > 1 ? "s" : ""} ${
          issue.keys.map((k) => `'${k}'`).join(", ")
        } in ${path.length ? `models.${path.join(".")}` : "models"}`,
      );
    }
    throw new RangeError(
      `The '${key}' option of ${where} must be ${issue.message}. Got ${
        JSON.stringify(got) ?? "undefined"
      } instead`,
    );
  }
  return parsed.data as ModelsConfig;
}
