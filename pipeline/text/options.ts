/**
 * Options of the text stage, declared once: one rule per option (type, default, range, doc)
 * that fills in the defaults and checks a `fitText` or `applyText` call, checks the config's
 * `text` section and writes that section of the config schema.
 *
 * @module
 */

import {
  bool,
  defaultsOf,
  int,
  listOf,
  nested,
  nullable,
  num,
  oneOf,
  OptionError,
  type OptionsInput,
  type OptionsOf,
  parseOptions,
  str,
  withDefault,
} from "../options.ts";
import type { OnProgress } from "../progress.ts";
import { MODELS_RULES } from "./_models_config.ts";
// Types only: neither the model library nor SQLite is loaded by this module.
import type { LoadedTextModels } from "./models.ts";
import type { TextCache } from "./_cache.ts";

const count = int(0);

/** The options of `fitText` and `applyText`: one rule each. */
export const TEXT_RULES = {
  /** Which models to use: any part of the models config, merged over DEFAULT_MODELS. */
  models: nested(
    MODELS_RULES,
    "Which models to use: any part of the models config, merged over the default models",
    "a models config",
  ),
  /**
   * What to do when a model cannot be loaded: "tfidf" computes TF-IDF + SVD text vectors, leaves
   * sentiment and entities null and returns a warning; "none" throws an error naming the model.
   * @default "none"
   */
  fallback: withDefault(
    oneOf("tfidf", "none"),
    "none",
    'When a model cannot be loaded: "tfidf" falls back to TF-IDF + SVD vectors with a warning, ' +
      '"none" fails naming the model',
  ),
  /**
   * What scores sentiment when there is no sentiment model (switched off with null, or not
   * loadable under fallback "tfidf"): "lexicon" uses word lists (VADER for English, AFINN-165 in
   * Chinese for Chinese), labelled everywhere as lexicon sentiment; "none" leaves it empty.
   * @default "lexicon"
   */
  sentimentFallback: withDefault(
    oneOf("lexicon", "none"),
    "lexicon",
    'Without a sentiment model: "lexicon" scores sentiment with word lists (VADER for English, ' +
      'AFINN-165 in Chinese), labelled as lexicon sentiment; "none" leaves it empty',
  ),
  /** Languages the sentiment lexicon scores; texts in others get no sentiment. @default ["en", "zh"] */
  lexiconLanguages: withDefault(
    listOf(oneOf("en", "zh")),
    ["en", "zh"],
    "Languages the sentiment lexicon scores; texts in other languages get no sentiment",
  ),
  /**
   * How Chinese texts are split into words: "jieba" (a dictionary segmenter that keeps brand and
   * product names whole) or "intl" (`Intl.Segmenter`, which breaks many names into characters).
   * @default "jieba"
   */
  chineseSegmenter: withDefault(
    oneOf("jieba", "intl"),
    "jieba",
    'How Chinese texts are split into words: "jieba" (dictionary segmenter, keeps brand names ' +
      'whole) or "intl" (Intl.Segmenter)',
  ),
  /** Words the Chinese segmenter keeps whole: brand and product names it does not know. @default [] */
  userWords: withDefault(
    listOf(str(/^\S+$/, "a word without spaces")),
    [],
    "Words the Chinese segmenter keeps whole (brand and product names it does not know)",
  ),
  /** Dimensions of the customer text vector (columns text_emb_0…). @default 8 */
  embeddingDims: withDefault(
    int(1, 512),
    8,
    "Dimensions of the customer text vector (columns text_emb_0…)",
  ),
  /** Seed of the SVD. @default 0 */
  seed: withDefault(int(), 0, "Seed of the SVD"),
  /** Weigh a customer's texts by recency with this half-life in days; null weighs all alike. @default null */
  recencyHalfLifeDays: withDefault(
    nullable(num(0, Infinity, true)),
    null,
    "Weigh a customer's texts by recency with this half-life in days; null weighs all alike",
  ),
  /** Entities listed per customer. @default 5 */
  topEntities: withDefault(count, 5, "Entities listed per customer"),
  /** Keywords listed per customer. @default 5 */
  topKeywords: withDefault(count, 5, "Keywords listed per customer"),
  /** Keywords listed per text. @default 3 */
  keywordsPerText: withDefault(count, 3, "Keywords listed per text"),
  /** Replace the person names the entity model finds with [PERSON]. @default true */
  maskNames: withDefault(
    bool(),
    true,
    "Replace the person names the entity model finds with [PERSON]",
  ),
  /** Entity types that are person names. @default ["PER", "PERSON"] */
  personTypes: withDefault(
    listOf(str(undefined, "an entity type")),
    ["PER", "PERSON"],
    "Entity types that are person names",
  ),
  /** Mask card-like numbers only when they pass the Luhn check. @default true */
  luhn: withDefault(bool(), true, "Mask card-like numbers only when they pass the Luhn check"),
  /** Mask @handles as [USER] (brands' handles are lost as keywords too). @default false */
  maskMentions: withDefault(
    bool(),
    false,
    "Mask @handles as [USER] (brands' handles are lost as keywords too)",
  ),
  /** Replace customer ids in the outputs with salted hashes (pseudonymize). @default null */
  pseudonymizeSalt: withDefault(
    nullable(str(/^.+$/, "a non-empty string")),
    null,
    "Replace customer ids in the outputs with salted hashes made with this salt",
  ),
  /** SQLite file caching model results across runs; null caches nothing. @default null */
  cachePath: withDefault(
    nullable(str(/^.+$/, "a file path")),
    null,
    "SQLite file caching model results across runs; null caches nothing",
  ),
  /** TF-IDF settings for keywords and the fallback vectors. */
  tfidf: nested({
    /** Keep at most this many terms, the most widespread first. @default 5000 */
    maxFeatures: withDefault(
      int(1),
      5000,
      "Keep at most this many terms, the most widespread first",
    ),
    /** Drop terms found in fewer documents. @default 1 */
    minDf: withDefault(int(1), 1, "Drop terms found in fewer documents"),
    /** Drop terms found in a larger share of documents. @default 0.9 */
    maxDfShare: withDefault(
      num(0, 1, true),
      0.9,
      "Drop terms found in a larger share of documents",
    ),
  }, "TF-IDF settings for keywords and the fallback vectors"),
};

/** Options only a call can give: live objects and callbacks, never in a config. */
interface TextCallOptions {
  /** Models already loaded with loadTextModels (a notebook keeps them); else the stage loads. */
  loaded?: LoadedTextModels | null;
  /** A cache object (tests pass openTextCache(":memory:")); wins over cachePath. @default null */
  cache?: TextCache | null;
  /** Called as texts are processed: (done, total, label). */
  onProgress?: OnProgress;
}

/** Options of the text stage ({@linkcode fitText} and {@linkcode applyText}) as a caller writes them. */
export type TextOptions = OptionsInput<typeof TEXT_RULES> & TextCallOptions;

/** The options of the text stage, defaults filled in. */
export type ResolvedTextOptions = OptionsOf<typeof TEXT_RULES> & {
  loaded: LoadedTextModels | null;
  cache: TextCache | null;
  onProgress?: OnProgress;
};

/** Defaults of the text stage, in one place. */
export const TEXT_DEFAULTS: Readonly<OptionsOf<typeof TEXT_RULES>> = defaultsOf(TEXT_RULES);

/**
 * Merges options over {@linkcode TEXT_DEFAULTS} once and checks every one of them.
 *
 * @example
 * ```ts
 * import { resolveTextOptions } from "./options.ts";
 * const o = resolveTextOptions({ tfidf: { minDf: 2 } });
 * if (o.tfidf.minDf !== 2 || o.tfidf.maxFeatures !== 5000) throw new Error("not merged");
 * ```
 */
export function resolveTextOptions(options: TextOptions = {}): ResolvedTextOptions {
  const o = parseOptions("text", TEXT_RULES, options, {
    allow: ["loaded", "cache", "onProgress"],
  }) as ResolvedTextOptions;
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new OptionError(
      `The 'onProgress' option of text must be a function. Got ${
        JSON.stringify(o.onProgress)
      } instead`,
      "text",
      "onProgress",
    );
  }
  return { ...o, loaded: o.loaded ?? null, cache: o.cache ?? null };
}
