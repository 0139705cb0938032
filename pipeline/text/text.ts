/**
 * The text stage: reads customers' words (reviews, posts, support messages) with language models
 * and turns them into per-customer features and per-text results.
 *
 * Per text: personal data masked first (privacy.ts), then named entities (which also finds the
 * person names to mask), sentiment, a sentence embedding and TF-IDF keywords. Per customer: the
 * number of texts, mean sentiment (P(positive) − P(negative), −1..1) and share negative, top
 * entities and keywords, and the customer's mean embedding (optionally recency-weighted) reduced
 * by seeded PCA to `embeddingDims` columns text_emb_0…. Model results are cached in SQLite by
 * model and text hash, so a rerun over the same texts does no inference.
 *
 * When a model cannot be loaded the stage throws an error naming it and how to get it, or, with
 * `fallback: "tfidf"`, uses TF-IDF + SVD vectors instead of embeddings, leaves entities null,
 * scores sentiment with word lists (lexicon sentiment, `sentimentSource: "lexicon"`; or leaves it
 * null with `sentimentFallback: "none"`) and returns a warning saying so.
 *
 * Chinese texts are split into words by jieba (brand names stay whole), English ones by
 * `Intl.Segmenter`; the words of every text are returned, so later stages (personas) read the
 * same words.
 *
 * I/O: loading models reads the model cache, and `cachePath` opens a SQLite file; those are the
 * documented exceptions to "no I/O in stages". Pass `loaded` and `cache` to avoid both.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureMeta, StageResult, StageWarning } from "../types.ts";
import { loadTextModels, resolveModelsConfig } from "./models.ts";
import type { LoadedTextModels, TextTask } from "./models.ts";
import { pseudonymize } from "../privacy.ts";
import { openTextCache } from "./_cache.ts";
import { type ResolvedTextOptions, resolveTextOptions, type TextOptions } from "./options.ts";
import { prepareTexts } from "./_prepare.ts";
import { analyseTexts, type AnalysisPlan } from "./_analyse.ts";
import type { TextAnalysis } from "./_analyse.ts";
import { type ChineseSegmenter, jiebaStatus } from "./_segment.ts";
import { LEXICONS } from "./_lexicon.ts";
import {
  customerDense,
  customerEntities,
  customerKeywords,
  customerSparse,
  groupByCustomer,
  recencyWeights,
} from "./_aggregate.ts";
import { fitTfidf } from "./_tfidf.ts";
import type { TfidfModel } from "./_tfidf.ts";
import { applyPca, fitPca } from "../math/mod.ts";
import type { PcaModel } from "../math/mod.ts";

export type { TextOptions } from "./options.ts";

/** Inputs of the text stage: the canonical `texts` table (see `Tables` in types.ts). */
export interface TextInputs {
  texts: pl.DataFrame;
}

/** The learned state of the text stage, plain JSON: reuse it with {@linkcode applyText}. */
export interface TextModel {
  /** Where customer vectors come from: sentence embeddings, or TF-IDF (the fallback). */
  vectors: "model" | "tfidf";
  embeddingModel: { model: string; revision: string; dtype: string } | null;
  tfidf: TfidfModel;
  pca: PcaModel;
  recencyHalfLifeDays: number | null;
  /**
   * Where sentiment comes from: a sentiment model, word lists (lexicon sentiment: a different
   * scale, never to be read as a model's output), or nowhere. Applying the model keeps it.
   */
  sentimentSource: "model" | "lexicon" | null;
  /** How words were cut: Chinese segmenter actually used and the user dictionary. */
  segmenter: { chinese: ChineseSegmenter; userWords: string[] };
}

/** Counters and timings of a run of the stage. */
export interface TextStats {
  texts: number;
  customers: number;
  dropped: { blank: number; capped: number };
  /** Personal data masked: URLs, emails, cards, phones, @handles and person names. */
  masked: {
    url: number;
    email: number;
    card: number;
    phone: number;
    mention: number;
    person: number;
  };
  /** Distinct texts each model read in this run (0 for a task whose results all came cached). */
  inferred: Record<TextTask, number>;
  /** Distinct texts whose model result came from the cache. */
  cacheHits: Record<TextTask, number>;
  /** Wall time of each model task (cache lookups included). */
  modelSeconds: Record<TextTask, number>;
  seconds: number;
  textsPerSecond: number;
  vectors: "model" | "tfidf";
  sentimentSource: "model" | "lexicon" | null;
}

/** What the text stage returns. */
export interface TextOutputs {
  /** One row per customer with texts: customer_id, text_count, sentiment columns, text_emb_*. */
  features: pl.DataFrame;
  meta: FeatureMeta[];
  /** customer_id, text_top_entities and text_top_keywords ("; "-joined, for personas). */
  terms: pl.DataFrame;
  /**
   * One row per text: masked text, language, sentiment (score, label and source: "model" or
   * "lexicon"), entities, keywords and words (segmented, without stop words).
   */
  texts: pl.DataFrame;
  model: TextModel;
  stats: TextStats;
}

const STAGE = "text";

/**
 * Fits the text stage: analyses every text, learns the TF-IDF vocabulary and the PCA of
 * customer vectors, and returns features, per-text results and the model. Options are those of
 * {@linkcode TextOptions} (defaults in `TEXT_DEFAULTS`).
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { fitText } from "./text.ts";
 * const texts = pl.DataFrame({
 *   customer_id: ["a", "a", "b", "c"],
 *   text: ["great phone, love it", "fast delivery", "late delivery, bad box", "love the box"],
 * });
 * // An embedding model that is not there: with fallback "tfidf" the stage warns and uses words.
 * // No sentiment model and no lexicon either: no sentiment columns.
 * const { outputs, warnings } = await fitText({ texts }, {
 *   models: { embedding: "/no/such/model", sentiment: null, entities: null },
 *   fallback: "tfidf",
 *   sentimentFallback: "none",
 *   embeddingDims: 2,
 * });
 * if (outputs.features.columns.join() !== "customer_id,text_count,text_emb_0,text_emb_1") {
 *   throw new Error(`unexpected columns ${outputs.features.columns}`);
 * }
 * if (outputs.features.getColumn("text_count").toArray().join() !== "2,1,1") throw new Error();
 * if (outputs.model.vectors !== "tfidf") throw new Error("TF-IDF vectors expected");
 * if (!warnings.some((w) => w.message.startsWith("FALLBACK"))) throw new Error("no warning");
 * ```
 */
export function fitText(
  inputs: TextInputs,
  options: TextOptions = {},
): Promise<StageResult<TextOutputs>> {
  return run(inputs, resolveTextOptions(options), null);
}

/**
 * Applies a fitted text model to new texts: same models, vocabulary and PCA, so the text_emb_*
 * columns are comparable with the fitted ones. Options as for {@linkcode fitText}.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { applyText, fitText } from "./text.ts";
 * // Every model switched off: TF-IDF vectors and keywords only, nothing to load.
 * const models = { embedding: null, sentiment: null, entities: null };
 * const fitted = await fitText({
 *   texts: pl.DataFrame({
 *     customer_id: ["a", "b", "c"],
 *     text: ["great phone", "late delivery, bad box", "great box"],
 *   }),
 * }, { models, embeddingDims: 2 });
 * const applied = await applyText(fitted.outputs.model, {
 *   texts: pl.DataFrame({ customer_id: ["z"], text: ["great phone, late box"] }),
 * }, { models });
 * const f = applied.outputs.features;
 * if (f.columns.join() !== fitted.outputs.features.columns.join()) throw new Error("columns");
 * if (f.getColumn("customer_id").toArray().join() !== "z") throw new Error("one new customer");
 * ```
 */
export function applyText(
  model: TextModel,
  inputs: TextInputs,
  options: TextOptions = {},
): Promise<StageResult<TextOutputs>> {
  return run(inputs, resolveTextOptions(options), model);
}

async function run(
  inputs: TextInputs,
  opts: ResolvedTextOptions,
  fitted: TextModel | null,
): Promise<StageResult<TextOutputs>> {
  if (!inputs?.texts || typeof inputs.texts.getColumn !== "function") {
    throw new TypeError("The text stage needs a 'texts' DataFrame in its inputs");
  }
  const t0 = performance.now();
  const warnings: StageWarning[] = [];
  const config = resolveModelsConfig(opts.models);
  const prepared = prepareTexts(inputs.texts, {
    maxTextsPerCustomer: config.maxTextsPerCustomer,
    luhn: opts.luhn,
    mentions: opts.maskMentions,
  });
  if (prepared.dropped.blank > 0) {
    warnings.push({
      stage: STAGE,
      message: "Texts skipped: empty text or no customer id",
      count: prepared.dropped.blank,
    });
  }
  if (prepared.dropped.capped > 0) {
    warnings.push({
      stage: STAGE,
      message: `Texts skipped: beyond the ${config.maxTextsPerCustomer} most recent per customer ` +
        "(models.maxTextsPerCustomer)",
      count: prepared.dropped.capped,
    });
  }
  const loaded: LoadedTextModels = opts.loaded ?? await loadTextModels(config, opts.onProgress);
  const sentimentSource = fitted
    ? fittedSentimentSource(fitted, loaded)
    : loaded.sentiment
    ? "model"
    : opts.sentimentFallback === "lexicon"
    ? "lexicon"
    : null;
  checkModels(loaded, opts, fitted, prepared.masked.length, sentimentSource, warnings);
  const segmenter = chineseSegmenter(fitted, opts, prepared.languages, warnings);
  const plan: AnalysisPlan = {
    sentiment: sentimentSource,
    lexiconLanguages: opts.lexiconLanguages,
    segment: segmenter,
  };

  const ownCache = opts.cache === null && opts.cachePath !== null
    ? openTextCache(opts.cachePath)
    : null;
  let analysis: TextAnalysis;
  try {
    analysis = await analyseTexts(prepared, loaded, opts, opts.cache ?? ownCache, plan);
  } finally {
    ownCache?.close();
  }

  lexiconWarnings(analysis, fitted !== null, loaded, warnings);
  const tfidf = fitted?.tfidf ?? fitTfidf(analysis.words, opts.tfidf);
  const perText = analysis.finishKeywords(tfidf, opts.keywordsPerText);
  const groups = groupByCustomer(prepared.customerIds);
  const halfLife = fitted ? fitted.recencyHalfLifeDays : opts.recencyHalfLifeDays;
  const weights = recencyWeights(prepared.ts, halfLife);
  const vectors = fitted?.vectors ?? (analysis.embeddings ? "model" : "tfidf");
  const customerTfidf = customerSparse(groups, perText.tfidfRows, weights);
  const x = vectors === "model"
    ? customerDense(groups, analysis.embeddings!, weights, analysis.embeddings![0]?.length ?? 0)
    : customerTfidf;
  const pca = fitted?.pca ??
    fitPca(x, { components: opts.embeddingDims }, { method: "randomized", seed: opts.seed });
  if (x.cols !== pca.mean.length) {
    throw new TypeError(
      `The text model expects vectors of ${pca.mean.length} values but the ${vectors} vectors ` +
        `have ${x.cols}: apply it with the embedding model it was fitted with`,
    );
  }
  const reduced = applyPca(pca, x);
  const informative = pca.explainedVariance.filter((v) => v > 0).length;
  if (prepared.masked.length === 0) {
    warnings.push({ stage: STAGE, message: "No texts to analyse: the text features are empty" });
  } else if (!fitted && informative < pca.components.length) {
    warnings.push({
      stage: STAGE,
      message: `Only ${informative} of ${pca.components.length} text vector dimensions carry ` +
        `information (${groups.ids.length} customers with texts); the others are 0`,
    });
  }

  const ids = opts.pseudonymizeSalt
    ? groups.ids.map((id) => pseudonymize(id, opts.pseudonymizeSalt!))
    : groups.ids;
  const textIds = opts.pseudonymizeSalt
    ? prepared.customerIds.map((id) => pseudonymize(id, opts.pseudonymizeSalt!))
    : prepared.customerIds;
  const embeddingModel = loaded.embedding && vectors === "model"
    ? {
      model: loaded.embedding.spec.model,
      revision: loaded.embedding.revision,
      dtype: loaded.embedding.spec.dtype,
    }
    : null;
  const { features, meta } = customerFeatures(ids, groups.members, analysis, reduced, {
    vectors,
    source: embeddingModel?.model ?? "TF-IDF words",
    languages: [...new Set(prepared.languages)].sort(),
  });
  const personTypes = new Set(opts.maskNames && analysis.entities ? opts.personTypes : []);
  const topEntities = analysis.entities
    ? customerEntities(groups, analysis.entities, personTypes, opts.topEntities)
    : null;
  const topKeywords = customerKeywords(customerTfidf, tfidf.vocabulary, opts.topKeywords);
  const terms = pl.DataFrame([
    pl.Series("customer_id", ids, pl.Utf8),
    pl.Series("text_top_entities", topEntities?.map((e) => e.join("; ")) ?? ids.map(() => null))
      .cast(pl.Utf8),
    pl.Series("text_top_keywords", topKeywords.map((k) => k.join("; ")), pl.Utf8),
  ]);
  const seconds = (performance.now() - t0) / 1000;
  const stats: TextStats = {
    texts: prepared.masked.length,
    customers: groups.ids.length,
    dropped: prepared.dropped,
    masked: { ...prepared.pii, person: analysis.personsMasked },
    inferred: analysis.inferred,
    cacheHits: analysis.cacheHits,
    modelSeconds: analysis.seconds,
    seconds,
    textsPerSecond: prepared.masked.length / Math.max(seconds, 1e-9),
    vectors,
    sentimentSource: analysis.sentimentSource,
  };
  return {
    outputs: {
      features,
      meta,
      terms,
      texts: perTextFrame(textIds, prepared, analysis, perText.keywords, personTypes),
      model: {
        vectors,
        embeddingModel,
        tfidf,
        pca,
        recencyHalfLifeDays: halfLife,
        // A model fitted with lexicon sentiment keeps it when applied, even where none was scored.
        sentimentSource: fitted ? fitted.sentimentSource ?? null : analysis.sentimentSource,
        segmenter: { chinese: segmenter.chinese, userWords: [...segmenter.userWords] },
      },
      stats,
    },
    warnings,
  };
}

const CONSEQUENCE: Record<TextTask, string> = {
  embedding: "customer text vectors (text_emb_*) are TF-IDF + truncated SVD of the words " +
    "instead of sentence embeddings",
  sentiment: "sentiment is left empty (null) for every text and the sentiment features are " +
    "left out",
  entities: "entities are left empty (null) and person names are NOT masked",
};

const LEXICON_CONSEQUENCE = "sentiment is scored with word lists, not a model: sentiment " +
  `(lexicon), ${LEXICONS.en} for English and ${LEXICONS.zh} for Chinese; its scores are ` +
  "VADER compound scores (−1..+1), not a model's probabilities";

/** The sentiment source of a fitted model, checked against what is loaded now. */
function fittedSentimentSource(
  fitted: TextModel,
  loaded: LoadedTextModels,
): TextModel["sentimentSource"] {
  // Models saved before sentiment sources were recorded used the model when one was loaded.
  const source = fitted.sentimentSource === undefined
    ? (loaded.sentiment ? "model" : null)
    : fitted.sentimentSource;
  if (source === "model" && !loaded.sentiment) {
    throw new Error(
      "The text model was fitted with sentiment from a sentiment model, but none is loaded " +
        "now: load that model to apply it (lexicon sentiment is on another scale)",
    );
  }
  return source;
}

/** The Chinese segmenter this run uses: the fitted one, or the option, or Intl when jieba is out. */
function chineseSegmenter(
  fitted: TextModel | null,
  opts: ResolvedTextOptions,
  languages: readonly string[],
  warnings: StageWarning[],
): { chinese: ChineseSegmenter; userWords: readonly string[] } {
  const wanted = fitted?.segmenter ?? { chinese: opts.chineseSegmenter, userWords: opts.userWords };
  const status = jiebaStatus();
  if (wanted.chinese === "jieba" && !status.available) {
    const chinese = languages.filter((l) => l === "zh").length;
    if (chinese > 0) {
      warnings.push({
        stage: STAGE,
        message: `FALLBACK: the jieba segmenter (npm @node-rs/jieba) cannot be loaded ` +
          `(${status.reason}). Instead, Chinese texts are split into words by Intl.Segmenter, ` +
          "which breaks many brand and product names into single characters" +
          (fitted ? "; keywords will not match the fitted vocabulary everywhere" : ""),
        count: chinese,
      });
    }
    return { chinese: "intl", userWords: wanted.userWords };
  }
  return wanted;
}

/** Says where lexicon sentiment stands in, and which texts it could not score. */
function lexiconWarnings(
  analysis: TextAnalysis,
  applying: boolean,
  loaded: LoadedTextModels,
  warnings: StageWarning[],
): void {
  if (analysis.sentimentSource !== "lexicon") return;
  const failed = loaded.failures.some((f) => f.task === "sentiment");
  // A failed model already has its FALLBACK warning; say it here when nothing failed.
  if (!failed) {
    warnings.push({
      stage: STAGE,
      message: applying
        ? `Sentiment (lexicon): the text model was fitted with lexicon sentiment, so ${LEXICON_CONSEQUENCE}`
        : `Sentiment (lexicon): no sentiment model is configured, so ${LEXICON_CONSEQUENCE}`,
    });
  }
  if (analysis.unscored > 0) {
    warnings.push({
      stage: STAGE,
      message: "Texts without sentiment: no sentiment lexicon for their language " +
        "(text.lexiconLanguages)",
      count: analysis.unscored,
    });
  }
}

function checkModels(
  loaded: LoadedTextModels,
  opts: ResolvedTextOptions,
  fitted: TextModel | null,
  texts: number,
  sentimentSource: TextModel["sentimentSource"],
  warnings: StageWarning[],
): void {
  if (loaded.failures.length > 0 && opts.fallback === "none") {
    throw new Error(
      loaded.failures.map((f) => f.message).join("\n") +
        '\n(Set fallback: "tfidf" to run without these models, with a warning)',
    );
  }
  for (const f of loaded.failures) {
    const instead = f.task === "sentiment" && sentimentSource === "lexicon"
      ? LEXICON_CONSEQUENCE
      : CONSEQUENCE[f.task];
    warnings.push({
      stage: STAGE,
      message: `FALLBACK: ${f.message}. Instead, ${instead}`,
      count: texts,
    });
  }
  if (fitted?.vectors === "model" && !loaded.embedding) {
    throw new Error(
      `The text model was fitted with sentence embeddings from '${fitted.embeddingModel?.model}' ` +
        "but no embedding model is loaded now: load that model to apply it",
    );
  }
}

function customerFeatures(
  ids: string[],
  members: number[][],
  analysis: TextAnalysis,
  reduced: { rows: number; cols: number; data: Float64Array },
  about: { vectors: "model" | "tfidf"; source: string; languages: string[] },
): { features: pl.DataFrame; meta: FeatureMeta[] } {
  const columns: pl.Series[] = [
    pl.Series("customer_id", ids, pl.Utf8),
    pl.Series("text_count", members.map((m) => m.length), pl.Float64),
  ];
  const meta: FeatureMeta[] = [{
    name: "text_count",
    description: "Texts the customer wrote (reviews, posts, support messages) that were analysed",
    unit: "texts",
    group: "text",
    kind: "numeric",
    heavyTailed: true,
    nullReason: "customer wrote no texts",
  }];
  if (analysis.sentiment) {
    const s = analysis.sentiment;
    // Texts a lexicon could not score (another language) count for neither mean nor share.
    const scored = members.map((m) => m.filter((i) => s[i] !== null));
    columns.push(
      pl.Series(
        "text_sentiment_mean",
        scored.map((m) => m.length ? m.reduce((a, i) => a + s[i]!.score, 0) / m.length : null),
        pl.Float64,
      ),
      pl.Series(
        "text_negative_share",
        scored.map((m) =>
          m.length ? m.filter((i) => s[i]!.label === "negative").length / m.length : null
        ),
        pl.Float64,
      ),
    );
    const lexicon = analysis.sentimentSource === "lexicon";
    const lexicons = about.languages.filter((l) => l in LEXICONS)
      .map((l) => LEXICONS[l as keyof typeof LEXICONS]).join(" and ");
    const nullReason = lexicon
      ? "customer wrote no texts, or none in a language the lexicon reads"
      : "customer wrote no texts";
    meta.push({
      name: "text_sentiment_mean",
      description: lexicon
        ? "Mean sentiment (lexicon) of the customer's texts: word-list scores from " +
          `${lexicons || "the lexicon"}, from −1 (negative) to +1 (positive); not a model's output`
        : "Mean sentiment of the customer's texts: P(positive) − P(negative), " +
          "from −1 (negative) to +1 (positive)",
      unit: lexicon ? "lexicon score (−1..1)" : "score (−1..1)",
      group: "text",
      kind: "numeric",
      nullReason,
    }, {
      name: "text_negative_share",
      description: lexicon
        ? "Share of the customer's texts the sentiment lexicon scores negative (≤ −0.05)"
        : "Share of the customer's texts whose most likely sentiment is negative",
      unit: "share",
      group: "text",
      kind: "numeric",
      nullReason,
    });
  }
  for (let c = 0; c < reduced.cols; c++) {
    const name = `text_emb_${c}`;
    columns.push(
      pl.Series(name, ids.map((_, r) => reduced.data[r * reduced.cols + c]), pl.Float64),
    );
    meta.push({
      name,
      description: `Text vector component ${c + 1}: principal direction ${c + 1} of customers' ` +
        (about.vectors === "model"
          ? `mean sentence embeddings (${about.source})`
          : "mean TF-IDF word vectors (model-free fallback)"),
      unit: "component",
      group: "text",
      kind: "numeric",
      nullReason: "customer wrote no texts",
    });
  }
  return { features: pl.DataFrame(columns), meta };
}

function perTextFrame(
  ids: string[],
  prepared: ReturnType<typeof prepareTexts>,
  analysis: TextAnalysis,
  keywords: string[][],
  personTypes: ReadonlySet<string>,
): pl.DataFrame {
  const n = ids.length;
  const columns: pl.Series[] = [pl.Series("customer_id", ids, pl.Utf8)];
  if (prepared.ts.some((t) => t !== null)) {
    columns.push(
      pl.Series("ts", prepared.ts.map((t) => (t === null ? null : new Date(t))), pl.Datetime("ms")),
    );
  }
  columns.push(pl.Series("source", prepared.sources, pl.Utf8));
  if (prepared.ratings) columns.push(pl.Series("rating", prepared.ratings, pl.Float64));
  columns.push(
    pl.Series("language", prepared.languages, pl.Utf8),
    pl.Series("text", analysis.finalTexts, pl.Utf8),
    pl.Series(
      "sentiment_score",
      analysis.sentiment?.map((s) => s?.score ?? null) ?? nulls(n),
      pl.Float64,
    ),
    pl.Series(
      "sentiment_label",
      analysis.sentiment?.map((s) => s?.label ?? null) ?? nulls(n),
      pl.Utf8,
    ),
    pl.Series(
      "sentiment_source",
      analysis.sentiment?.map((s) => (s ? analysis.sentimentSource : null)) ?? nulls(n),
      pl.Utf8,
    ),
    pl.Series(
      "entities",
      analysis.entities?.map((list) =>
        list.filter((e) => !personTypes.has(e.type)).map((e) => `${e.text} (${e.type})`)
      ) ?? nulls(n),
    ).cast(pl.List(pl.Utf8)),
    pl.Series("keywords", keywords).cast(pl.List(pl.Utf8)),
    pl.Series("words", analysis.words).cast(pl.List(pl.Utf8)),
  );
  return pl.DataFrame(columns);
}

const nulls = (n: number) => new Array<null>(n).fill(null);
