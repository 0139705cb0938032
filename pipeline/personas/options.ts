/**
 * Options of the personas stage, declared once: one rule per option (type, default, range,
 * doc) that fills in the defaults and checks a `buildPersonas` call, checks the config's
 * `personas` section and writes that section of the config schema. The `llm` writer's model
 * settings are a nested table, merged key by key.
 *
 * @module
 */

import {
  bool,
  defaultsOf,
  int,
  nested,
  nullable,
  num,
  oneOf,
  optional,
  OptionError,
  type OptionsInput,
  type OptionsOf,
  parseOptions,
  type Rule,
  str,
  withDefault,
} from "../options.ts";
import { PRIVACY_DEFAULTS, PRIVACY_RULES } from "../privacy.ts";
import type { PersonaLanguage } from "./_i18n.ts";

/**
 * The model cache folder the text stage uses too (.cache/models in the repo). Not imported from
 * the text stage, which loads the model library at import: the template writer never needs it.
 */
const DEFAULT_CACHE_DIR = decodeURIComponent(
  new URL("../../.cache/models/", import.meta.url).pathname,
);

/** A store for generated text, keyed by model, prompt and seed (the runner may persist it). */
export interface GenerationCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

const generationCache: Rule<GenerationCache | null> = {
  says: "an object with get and set, or null",
  ok: (v) =>
    v === null ||
    (typeof v === "object" && typeof (v as GenerationCache).get === "function" &&
      typeof (v as GenerationCache).set === "function"),
  schema: { type: "null" },
};

/** The text-generation model of the `llm` writer, configured like the text stage's models. */
const LLM_RULES = {
  /** A hub id or a local folder holding config.json, tokenizer files and onnx/. */
  model: withDefault(
    str(/^.+$/, "a hub id or a folder"),
    "onnx-community/Qwen2.5-0.5B-Instruct",
    "A hub id or a local folder holding config.json, tokenizer files and onnx/",
  ),
  /** Hub branch, tag or commit; pin a commit for reproducible runs. @default "main" */
  revision: withDefault(
    str(/^.+$/, "a non-empty string"),
    "main",
    "Hub branch, tag or commit; pin a commit for reproducible runs",
  ),
  /** "q8" loads onnx/model_quantized.onnx, "fp32" onnx/model.onnx. @default "q8" */
  dtype: withDefault(
    oneOf("fp32", "q8"),
    "q8",
    '"q8" loads onnx/model_quantized.onnx, "fp32" onnx/model.onnx',
  ),
  /** Folder of downloaded model files. @default .cache/models in the repo */
  cacheDir: withDefault(
    str(/^.+$/, "a folder path"),
    DEFAULT_CACHE_DIR,
    "Folder of downloaded model files",
  ),
  /** Never download: read the cache or local folders only. @default false */
  offline: withDefault(bool(), false, "Never download: read the cache or local folders only"),
  /** Longest generated summary, in tokens. @default 96 */
  maxNewTokens: withDefault(int(1, 2048), 96, "Longest generated summary, in tokens"),
  /** Keys the generation cache; decoding is greedy, so the same prompt gives the same text. @default 0 */
  seed: withDefault(
    int(0),
    0,
    "Keys the generation cache; decoding is greedy, so the same prompt gives the same text",
  ),
  /** Where generated summaries are kept; null for none. A process-wide map by default. */
  cache: optional(
    generationCache,
    "Where generated summaries are kept (a call's object); null for none",
  ),
};

/** The options of `buildPersonas`: one rule each. */
export const PERSONAS_RULES = {
  /** "template": deterministic sentences; "llm": summaries written by a local model. @default "template" */
  writer: withDefault(
    oneOf("template", "llm"),
    "template",
    '"template": deterministic sentences; "llm": summaries written by a local model',
  ),
  /** The language personas are written in. @default "en" */
  language: withDefault(
    oneOf<PersonaLanguage>("en", "zh"),
    "en",
    "The language personas are written in",
  ),
  /** "merge" small segments into one "Other (small segments)" entry, or "withhold" them. @default "merge" */
  smallSegments: withDefault(
    oneOf("merge", "withhold"),
    "merge",
    '"merge" small segments into one "Other (small segments)" entry, or "withhold" them',
  ),
  /** Distinctive traits per persona. @default 6 */
  traits: withDefault(int(0), 6, "Distinctive traits per persona"),
  /** Smallest |effect size| (Cohen's d) that counts as a trait. @default 0.3 */
  minEffect: withDefault(num(0), 0.3, "Smallest |effect size| (Cohen's d) that counts as a trait"),
  /** Keywords listed per persona. @default 8 */
  keywords: withDefault(int(0), 8, "Keywords listed per persona"),
  /** Entities listed per persona. @default 6 */
  entities: withDefault(int(0), 6, "Entities listed per persona"),
  /** Representative quotes per persona. @default 3 */
  quotes: withDefault(int(0), 3, "Representative quotes per persona"),
  /** Longest quote before it is shortened with "…". @default 200 */
  maxQuoteLength: withDefault(int(20), 200, 'Longest quote before it is shortened with "…"'),
  /** The feature whose total is revenue (null: no revenue shares). @default "monetary_total" */
  revenueFeature: withDefault(
    nullable(str(/^.+$/, "a feature name")),
    "monetary_total",
    "The feature whose total is revenue (null: no revenue shares)",
  ),
  /** Symbol money is shown with ($, €, ¥…); null shows numbers alone. @default null */
  currency: withDefault(
    nullable(str(/^.+$/, "a currency symbol")),
    null,
    "Symbol money is shown with ($, €, ¥…); null shows numbers alone",
  ),
  /** The `llm` writer's model. */
  llm: nested(LLM_RULES, "The llm writer's model"),
};

/** The text-generation model of the `llm` writer, defaults filled in. */
export type LlmWriterOptions = OptionsOf<typeof LLM_RULES>;

/**
 * The privacy minimum the stage applies: set by the run from `privacy.minSegmentSize` (one
 * default, in privacy.ts), not a personas option, so no section can weaken it.
 */
interface PrivacyMinimum {
  /** Segments with fewer customers are not described on their own. @default 20 (privacy.ts) */
  minSegmentSize?: number;
}

/** Options of the personas stage as a caller writes them: every one may be left out. */
export type PersonasOptions = OptionsInput<typeof PERSONAS_RULES> & PrivacyMinimum;

/** The options after merging with the defaults. */
export type ResolvedPersonasOptions =
  & OptionsOf<typeof PERSONAS_RULES>
  & Required<PrivacyMinimum>;

/** The defaults of {@link PersonasOptions}, merged once at the start of the stage. */
export const PERSONAS_DEFAULTS: Readonly<ResolvedPersonasOptions> = {
  ...defaultsOf(PERSONAS_RULES),
  minSegmentSize: PRIVACY_DEFAULTS.minSegmentSize,
};

/**
 * Merges the options over the defaults once and checks every one of them.
 *
 * @example
 * ```ts
 * import { resolvePersonasOptions } from "./options.ts";
 * const o = resolvePersonasOptions({ llm: { maxNewTokens: 40 } });
 * if (o.llm.maxNewTokens !== 40 || o.llm.dtype !== "q8") throw new Error("not merged");
 * ```
 */
export function resolvePersonasOptions(options: PersonasOptions = {}): ResolvedPersonasOptions {
  const o = parseOptions("personas", PERSONAS_RULES, options, { allow: ["minSegmentSize"] });
  const min = options.minSegmentSize ?? PRIVACY_DEFAULTS.minSegmentSize;
  const rule = PRIVACY_RULES.minSegmentSize;
  if (!rule.ok(min)) {
    throw new OptionError(
      `The 'minSegmentSize' option of personas must be ${rule.says}. Got ${min} instead`,
      "personas",
      "minSegmentSize",
    );
  }
  return { ...o, minSegmentSize: min };
}
