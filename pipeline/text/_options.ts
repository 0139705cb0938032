/**
 * The text stage's options: types, defaults in one const, and one table of constraints that
 * validates and writes the message.
 *
 * @module
 */

import type { LoadedTextModels, ModelsConfigInput } from "./models.ts";
import type { OnProgress } from "../progress.ts";
import type { TextCache } from "./_cache.ts";
import type { TfidfOptions } from "./_tfidf.ts";

/** Options of the text stage ({@linkcode fitText} and {@linkcode applyText}). */
export interface TextOptions {
  /** Which models to use (merged over DEFAULT_MODELS). @default {} */
  models?: ModelsConfigInput;
  /** Models already loaded with loadTextModels (a notebook keeps them); else the stage loads. */
  loaded?: LoadedTextModels | null;
  /**
   * What to do when a model cannot be loaded: "tfidf" computes TF-IDF + SVD text vectors, leaves
   * sentiment and entities null and returns a warning; "none" throws an error naming the model.
   * @default "none"
   */
  fallback?: "tfidf" | "none";
  /** Dimensions of the customer text vector (columns text_emb_0…). @default 8 */
  embeddingDims?: number;
  /** Seed of the SVD. @default 0 */
  seed?: number;
  /** Weigh a customer's texts by recency with this half-life in days; null weighs all alike. @default null */
  recencyHalfLifeDays?: number | null;
  /** Entities listed per customer. @default 5 */
  topEntities?: number;
  /** Keywords listed per customer. @default 5 */
  topKeywords?: number;
  /** Keywords listed per text. @default 3 */
  keywordsPerText?: number;
  /** Replace the person names the entity model finds with [PERSON]. @default true */
  maskNames?: boolean;
  /** Entity types that are person names. @default ["PER", "PERSON"] */
  personTypes?: string[];
  /** Mask card-like numbers only when they pass the Luhn check. @default true */
  luhn?: boolean;
  /** Mask @handles as [USER] (brands' handles are lost as keywords too). @default false */
  maskMentions?: boolean;
  /** Replace customer ids in the outputs with salted hashes (pseudonymize). @default null */
  pseudonymizeSalt?: string | null;
  /** A cache object (tests pass openTextCache(":memory:")); wins over cachePath. @default null */
  cache?: TextCache | null;
  /** SQLite file caching model results across runs; null caches nothing. @default null */
  cachePath?: string | null;
  /** Called as texts are processed: (done, total, label). */
  onProgress?: OnProgress;
  /** TF-IDF settings for keywords and the fallback vectors. */
  tfidf?: TfidfOptions;
}

/** The merged options. */
export type ResolvedTextOptions =
  & Required<Omit<TextOptions, "loaded" | "cache" | "onProgress" | "tfidf">>
  & {
    loaded: LoadedTextModels | null;
    cache: TextCache | null;
    onProgress?: OnProgress;
    tfidf: Required<TfidfOptions>;
  };

/** Defaults of the text stage, in one place. */
export const TEXT_DEFAULTS = Object.freeze({
  models: {},
  loaded: null,
  fallback: "none",
  embeddingDims: 8,
  seed: 0,
  recencyHalfLifeDays: null,
  topEntities: 5,
  topKeywords: 5,
  keywordsPerText: 3,
  maskNames: true,
  personTypes: ["PER", "PERSON"],
  luhn: true,
  maskMentions: false,
  pseudonymizeSalt: null,
  cache: null,
  cachePath: null,
  tfidf: { maxFeatures: 5000, minDf: 1, maxDfShare: 0.9 },
}) as Omit<ResolvedTextOptions, "onProgress">;

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);

const RULES: { key: keyof ResolvedTextOptions; ok: (v: unknown) => boolean; expected: string }[] = [
  { key: "models", ok: isObject, expected: "an object (a models config)" },
  { key: "fallback", ok: (v) => v === "tfidf" || v === "none", expected: '"tfidf" or "none"' },
  {
    key: "embeddingDims",
    ok: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 512,
    expected: "an integer from 1 to 512",
  },
  { key: "seed", ok: (v) => Number.isInteger(v), expected: "an integer" },
  {
    key: "recencyHalfLifeDays",
    ok: (v) => v === null || (typeof v === "number" && Number.isFinite(v) && v > 0),
    expected: "a number > 0 or null",
  },
  { key: "topEntities", ok: isCount, expected: "an integer >= 0" },
  { key: "topKeywords", ok: isCount, expected: "an integer >= 0" },
  { key: "keywordsPerText", ok: isCount, expected: "an integer >= 0" },
  { key: "maskNames", ok: (v) => typeof v === "boolean", expected: "true or false" },
  {
    key: "personTypes",
    ok: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
    expected: "a list of entity types",
  },
  { key: "luhn", ok: (v) => typeof v === "boolean", expected: "true or false" },
  { key: "maskMentions", ok: (v) => typeof v === "boolean", expected: "true or false" },
  {
    key: "pseudonymizeSalt",
    ok: (v) => v === null || (typeof v === "string" && v.length > 0),
    expected: "a non-empty string or null",
  },
  {
    key: "cachePath",
    ok: (v) => v === null || (typeof v === "string" && v.length > 0),
    expected: "a file path or null",
  },
  {
    key: "tfidf",
    ok: (v) => {
      const t = v as Required<TfidfOptions>;
      return isObject(v) && Number.isInteger(t.maxFeatures) && t.maxFeatures >= 1 &&
        Number.isInteger(t.minDf) && t.minDf >= 1 && typeof t.maxDfShare === "number" &&
        t.maxDfShare > 0 && t.maxDfShare <= 1;
    },
    expected: "{ maxFeatures: integer >= 1, minDf: integer >= 1, maxDfShare: number in (0, 1] }",
  },
];

/** Merges options over {@linkcode TEXT_DEFAULTS} once and validates them. */
export function resolveTextOptions(options: TextOptions = {}): ResolvedTextOptions {
  const known = new Set<string>([...Object.keys(TEXT_DEFAULTS), "onProgress"]);
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw new RangeError(`Unknown option '${k}' of the text stage`);
  }
  const merged = {
    ...TEXT_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    tfidf: { ...TEXT_DEFAULTS.tfidf, ...options.tfidf },
  } as ResolvedTextOptions;
  for (const rule of RULES) {
    const v = merged[rule.key];
    if (!rule.ok(v)) {
      throw new RangeError(
        `The '${rule.key}' option of the text stage must be ${rule.expected}. Got ${
          JSON.stringify(v) ?? "undefined"
        } instead`,
      );
    }
  }
  if (merged.onProgress !== undefined && typeof merged.onProgress !== "function") {
    throw new RangeError(
      `The 'onProgress' option of the text stage must be a function. Got ${
        JSON.stringify(merged.onProgress)
      } instead`,
    );
  }
  return merged;
}
