/**
 * The models config of the text stage, declared once as option rules: each task's model
 * settings with their defaults, the shared settings, the guide to the default models, and
 * {@linkcode resolveModelsConfig} (re-exported by models.ts). Light: the model library is
 * loaded by models.ts only.
 *
 * @module
 */

import {
  anyOf,
  bool,
  defaultsOf,
  int,
  nested,
  nullable,
  oneOf,
  type OptionsInput,
  type OptionsOf,
  parseOptions,
  refine,
  type Rule,
  str,
  withDefault,
} from "../options.ts";

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

/** Where models are cached unless the config says otherwise: .cache/models in the repo. */
export const DEFAULT_CACHE_DIR = decodeURIComponent(
  new URL("../../.cache/models/", import.meta.url).pathname,
);

/** One task's model settings, with that task's defaults. */
function taskRules(model: string, batchSize: number) {
  return {
    /** A hub id ("Xenova/…") or a local folder (absolute, or starting with ./ or ../). */
    model: withDefault(
      str(/^.+$/, "a hub id or a folder path"),
      model,
      'A hub id ("Xenova/…") or a local folder (absolute, or starting with ./ or ../)',
    ),
    /** Hub branch, tag or commit; pin a commit for reproducible runs. Ignored for folders. */
    revision: withDefault(
      str(/^.+$/, "a non-empty string"),
      "main",
      "Hub branch, tag or commit; pin a commit for reproducible runs. Ignored for folders",
    ),
    /** "q8" loads onnx/model_quantized.onnx (4× smaller, faster on CPU), "fp32" onnx/model.onnx. */
    dtype: withDefault(
      oneOf("fp32", "q8"),
      "q8",
      '"q8" loads onnx/model_quantized.onnx (4× smaller, faster on CPU), "fp32" onnx/model.onnx',
    ),
    /** Texts per model call. */
    batchSize: withDefault(int(1, 1024), batchSize, "Texts per model call"),
  };
}

type TaskRules = ReturnType<typeof taskRules>;

/** One task's model. */
export type TaskModelConfig = OptionsOf<TaskRules>;

/** A task as a user may write it: a model id or folder, some of its settings, or null (off). */
type TaskInput = string | OptionsInput<TaskRules> | null;

function task(model: string, batchSize: number, doc: string) {
  const rules = taskRules(model, batchSize);
  const rule = {
    ...nullable(anyOf(str(/^.+$/, "a hub id or a folder path"), nested(rules, doc))),
    says: "a hub id or a folder path, an object of model settings, or null",
  } as Rule<TaskInput>;
  return withDefault(rule, defaultsOf(rules), doc);
}

/** The models config: one entry per task (null switches the task off), plus shared settings. */
export const MODELS_RULES = {
  /** The sentence-embedding model (customer text vectors); null switches it off. */
  embedding: task(
    "Xenova/paraphrase-multilingual-MiniLM-L12-v2",
    32,
    "The sentence-embedding model (customer text vectors): a model id or folder, its settings, " +
      "or null for none",
  ),
  /** The sentiment model; null switches it off. */
  sentiment: task(
    "Xenova/distilbert-base-multilingual-cased-sentiments-student",
    32,
    "The sentiment model: a model id or folder, its settings, or null for none",
  ),
  /** The named-entity model (also finds the person names masked); null switches it off. */
  entities: task(
    "Xenova/bert-base-multilingual-cased-ner-hrl",
    16,
    "The named-entity model: a model id or folder, its settings, or null for none",
  ),
  /** Folder of the downloaded model files. @default .cache/models in the repo */
  cacheDir: withDefault(
    str(/^.+$/, "a folder path"),
    DEFAULT_CACHE_DIR,
    "Folder of the downloaded model files",
  ),
  /** Never download: read the cache or local folders only (local_files_only). @default false */
  offline: withDefault(
    bool(),
    false,
    "Never download: read the cache or local folders only (local_files_only)",
  ),
  /** Keep only this many of a customer's most recent texts. @default 200 */
  maxTextsPerCustomer: withDefault(
    int(1),
    200,
    "Keep only this many of a customer's most recent texts",
  ),
  /** Another hub address (a mirror); null for the Hugging Face hub. @default null */
  remoteHost: withDefault(
    nullable(refine(str(), "a URL", (v) => URL.canParse(v))),
    null,
    "Another hub address (a mirror); null for the Hugging Face hub",
  ),
};

/** What a user may write: any part of the config; a task may be just a model id or folder. */
export type ModelsConfigInput = OptionsInput<typeof MODELS_RULES>;

/** The models config, every setting filled in. */
export type ModelsConfig =
  & Omit<OptionsOf<typeof MODELS_RULES>, TextTask>
  & { [K in TextTask]: TaskModelConfig | null };

/** The default models: real multilingual (English and Chinese) models with ONNX weights. */
export const DEFAULT_MODELS: ModelsConfig = Object.freeze(
  defaultsOf(MODELS_RULES) as ModelsConfig,
);

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
  const o = parseOptions("models", MODELS_RULES, input) as Record<string, unknown>;
  // A task given as a bare model id takes the task's other settings from the defaults.
  for (const t of TEXT_TASKS) {
    if (typeof o[t] === "string") o[t] = { ...DEFAULT_MODELS[t], model: o[t] };
  }
  return o as ModelsConfig;
}
