/**
 * Options of the personas stage: the type, the defaults in one const, and one table of
 * constraints that both validates and writes the message.
 *
 * @module
 */

import type { PersonaLanguage } from "./_i18n.ts";

/**
 * The model cache folder the text stage uses too (.cache/models in the repo). Not imported from
 * models.ts, which loads the model library at import: the template writer never needs it.
 */
const DEFAULT_CACHE_DIR = decodeURIComponent(
  new URL("../../.cache/models/", import.meta.url).pathname,
);

/** A store for generated text, keyed by model, prompt and seed (the runner may persist it). */
export interface GenerationCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** The text-generation model of the `llm` writer, configured like the text stage's models. */
export interface LlmWriterOptions {
  /** A hub id or a local folder holding config.json, tokenizer files and onnx/. */
  model: string;
  /** Hub branch, tag or commit; pin a commit for reproducible runs. */
  revision: string;
  /** "q8" loads onnx/model_quantized.onnx, "fp32" onnx/model.onnx. */
  dtype: "fp32" | "q8";
  /** Folder of downloaded model files. */
  cacheDir: string;
  /** Never download: read the cache or local folders only. */
  offline: boolean;
  /** Longest generated summary, in tokens. */
  maxNewTokens: number;
  /** Keys the generation cache; decoding is greedy, so the same prompt gives the same text. */
  seed: number;
  /** Where generated summaries are kept; null for none. A process-wide map by default. */
  cache?: GenerationCache | null;
}

/** Options of the personas stage. */
export interface PersonasOptions {
  /** "template": deterministic sentences; "llm": summaries written by a local model. @default "template" */
  writer?: "template" | "llm";
  /** @default "en" */
  language?: PersonaLanguage;
  /** Segments with fewer customers are not described on their own (k-anonymity). @default 20 */
  minSegmentSize?: number;
  /** "merge" small segments into one "Other (small segments)" entry, or "withhold" them. @default "merge" */
  smallSegments?: "merge" | "withhold";
  /** Distinctive traits per persona. @default 6 */
  traits?: number;
  /** Smallest |effect size| (Cohen's d) that counts as a trait. @default 0.3 */
  minEffect?: number;
  /** @default 8 */
  keywords?: number;
  /** @default 6 */
  entities?: number;
  /** Representative quotes per persona. @default 3 */
  quotes?: number;
  /** Longest quote before it is shortened with "…". @default 200 */
  maxQuoteLength?: number;
  /** The feature whose total is revenue (null: no revenue shares). @default "monetary_total" */
  revenueFeature?: string | null;
  /** The `llm` writer's model. @default see PERSONAS_DEFAULTS.llm */
  llm?: Partial<LlmWriterOptions>;
}

/** The defaults of {@link PersonasOptions}, merged once at the start of the stage. */
export const PERSONAS_DEFAULTS = {
  writer: "template" as "template" | "llm",
  language: "en" as PersonaLanguage,
  minSegmentSize: 20,
  smallSegments: "merge" as "merge" | "withhold",
  traits: 6,
  minEffect: 0.3,
  keywords: 8,
  entities: 6,
  quotes: 3,
  maxQuoteLength: 200,
  revenueFeature: "monetary_total" as string | null,
  llm: {
    model: "onnx-community/Qwen2.5-0.5B-Instruct",
    revision: "main",
    dtype: "q8",
    cacheDir: DEFAULT_CACHE_DIR,
    offline: false,
    maxNewTokens: 96,
    seed: 0,
  } as LlmWriterOptions,
};

/** The options after merging with the defaults. */
export type ResolvedPersonasOptions = Omit<typeof PERSONAS_DEFAULTS, "llm"> & {
  llm: LlmWriterOptions;
};

const int = (min: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min;
const RULES: { key: string; ok: (v: unknown) => boolean; expected: string }[] = [
  { key: "writer", ok: (v) => v === "template" || v === "llm", expected: '"template" or "llm"' },
  { key: "language", ok: (v) => v === "en" || v === "zh", expected: '"en" or "zh"' },
  { key: "minSegmentSize", ok: int(1), expected: "an integer >= 1" },
  {
    key: "smallSegments",
    ok: (v) => v === "merge" || v === "withhold",
    expected: '"merge" or "withhold"',
  },
  { key: "traits", ok: int(0), expected: "an integer >= 0" },
  {
    key: "minEffect",
    ok: (v) => typeof v === "number" && v >= 0 && Number.isFinite(v),
    expected: "a number >= 0",
  },
  { key: "keywords", ok: int(0), expected: "an integer >= 0" },
  { key: "entities", ok: int(0), expected: "an integer >= 0" },
  { key: "quotes", ok: int(0), expected: "an integer >= 0" },
  { key: "maxQuoteLength", ok: int(20), expected: "an integer >= 20" },
  {
    key: "revenueFeature",
    ok: (v) => v === null || (typeof v === "string" && v !== ""),
    expected: "a feature name or null",
  },
];
const LLM_RULES: { key: string; ok: (v: unknown) => boolean; expected: string }[] = [
  { key: "model", ok: (v) => typeof v === "string" && v !== "", expected: "a hub id or a folder" },
  { key: "revision", ok: (v) => typeof v === "string" && v !== "", expected: "a non-empty string" },
  { key: "dtype", ok: (v) => v === "fp32" || v === "q8", expected: '"fp32" or "q8"' },
  { key: "cacheDir", ok: (v) => typeof v === "string" && v !== "", expected: "a folder path" },
  { key: "offline", ok: (v) => typeof v === "boolean", expected: "true or false" },
  { key: "maxNewTokens", ok: (v) => int(1)(v) && (v as number) <= 2048, expected: "1 to 2048" },
  { key: "seed", ok: int(0), expected: "an integer >= 0" },
  {
    key: "cache",
    ok: (v) =>
      v === undefined || v === null ||
      (typeof (v as GenerationCache).get === "function" &&
        typeof (v as GenerationCache).set === "function"),
    expected: "an object with get and set, or null",
  },
];

/** Merges the options over the defaults once and validates them. */
export function resolvePersonasOptions(options: PersonasOptions = {}): ResolvedPersonasOptions {
  const known = new Set([...Object.keys(PERSONAS_DEFAULTS)]);
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new RangeError(
      `Unknown option${unknown.length > 1 ? "s" : ""} ${
        unknown.map((k) => `'${k}'`).join(", ")
      } of personas (known: ${[...known].join(", ")})`,
    );
  }
  const o = {
    ...PERSONAS_DEFAULTS,
    ...options,
    llm: { ...PERSONAS_DEFAULTS.llm, ...options.llm },
  } as ResolvedPersonasOptions;
  check(o as unknown as Record<string, unknown>, RULES, "personas");
  check(o.llm as unknown as Record<string, unknown>, LLM_RULES, "personas.llm");
  return o;
}

function check(
  o: Record<string, unknown>,
  rules: typeof RULES,
  where: string,
): void {
  for (const rule of rules) {
    const v = o[rule.key];
    if (!rule.ok(v)) {
      throw new RangeError(
        `The '${rule.key}' option of ${where} must be ${rule.expected}. Got ${
          JSON.stringify(v) ?? String(v)
        } instead`,
      );
    }
  }
}
