/**
 * Which language models read customers' words, where they come from, and how they are loaded:
 * a typed config with its defaults in one const, loading through the `pipeline()` API of
 * `@huggingface/transformers`, and {@linkcode pullModels} to fill the model cache on a machine
 * with internet.
 *
 * @module
 */

export { guessLanguage, segmentWords } from "./_segment.ts";
export { type SparseRows } from "./_tfidf.ts";
export {
  DEFAULT_CACHE_DIR,
  DEFAULT_MODELS,
  isLocalModel,
  type LoadedModel,
  type LoadedTextModels,
  loadTextModels,
  type ModelLoadFailure,
  MODELS_GUIDE,
  type ModelsConfig,
  type ModelsConfigInput,
  modelUnavailableMessage,
  PIPELINE_TASKS,
  type PulledModel,
  pullModels,
  resolveModelsConfig,
  type TaskModelConfig,
  type TaskPipelines,
  TEXT_TASKS,
  type TextTask,
} from "./models.ts";
export {
  applyText,
  fitText,
  type TextInputs,
  type TextModel,
  type TextOutputs,
  type TextStats,
} from "./text.ts";
export {
  type ResolvedTextOptions,
  resolveTextOptions,
  TEXT_DEFAULTS,
  TEXT_RULES,
  type TextOptions,
} from "./options.ts";
