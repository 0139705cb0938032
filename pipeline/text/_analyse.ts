/**
 * The per-text half of the text stage: entities (and the person names they reveal, masked
 * before any other model sees the text), sentiment, embeddings and segmented words.
 *
 * @module
 */

import type { LoadedTextModels, TextTask } from "./models.ts";
import { maskSpans, sha256Hex } from "../privacy.ts";
import { type SegmentOptions, segmentWords } from "./_segment.ts";
import { lexiconSentiment } from "./_lexicon.ts";
import type { TextCache } from "./_cache.ts";
import type { Entity } from "./_entities.ts";
import { embeddingAdapter, entitiesAdapter, runCached, sentimentAdapter } from "./_infer.ts";
import { sentimentOf } from "./_aggregate.ts";
import type { ResolvedTextOptions } from "./options.ts";
import type { PreparedTexts } from "./_prepare.ts";
import { rowEntries, topTerms, transformTfidf } from "./_tfidf.ts";
import type { SparseRows, TfidfModel } from "./_tfidf.ts";

/** Per-text results, in the order of the prepared texts. */
export interface TextAnalysis {
  /** The texts as every model but the entity model read them (all personal data masked). */
  finalTexts: string[];
  entities: Entity[][] | null;
  /** One score per text (null where no lexicon reads the language), or null without sentiment. */
  sentiment: ({ score: number; label: string } | null)[] | null;
  /** Where the sentiment came from: a model, a word list (lexicon), or nowhere. */
  sentimentSource: "model" | "lexicon" | null;
  /** Texts the lexicon could not score (a language without a lexicon). */
  unscored: number;
  embeddings: Float32Array[] | null;
  words: string[][];
  personsMasked: number;
  inferred: Record<TextTask, number>;
  cacheHits: Record<TextTask, number>;
  /** Wall time of each model task, cache lookups included. */
  seconds: Record<TextTask, number>;
  /** TF-IDF rows and top keywords of each text under a (fitted) vocabulary. */
  finishKeywords(tfidf: TfidfModel, k: number): { tfidfRows: SparseRows; keywords: string[][] };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Masks the person entities of a text; returns the text and how many names were masked. */
function maskPersons(text: string, entities: Entity[], types: ReadonlySet<string>) {
  const persons = entities.filter((e) => types.has(e.type));
  if (persons.length === 0) return { text, count: 0 };
  const spans = persons.filter((e) => e.start !== null)
    .map((e) => ({ start: e.start!, end: e.end! }));
  let out = maskSpans(text, spans, "[PERSON]");
  // Names the tokens could not be placed for are masked wherever they are written.
  for (const e of persons.filter((p) => p.start === null && p.text.trim() !== "")) {
    out = out.replace(new RegExp(escapeRegExp(e.text), "giu"), "[PERSON]");
  }
  return { text: out, count: persons.length };
}

/** What to run besides the loaded models: where sentiment comes from, how words are cut. */
export interface AnalysisPlan {
  sentiment: "model" | "lexicon" | null;
  /** Languages the lexicon scores (others get null). */
  lexiconLanguages: readonly string[];
  segment: SegmentOptions;
}

/** Lexicon scores, each distinct (text, language) scored once: generated data repeats a lot. */
function lexiconScores(
  texts: readonly string[],
  languages: readonly string[],
  plan: AnalysisPlan,
): { scores: ({ score: number; label: string } | null)[]; unscored: number } {
  const seen = new Map<string, { score: number; label: string } | null>();
  const allowed = new Set(plan.lexiconLanguages);
  let unscored = 0;
  const scores = texts.map((t, i) => {
    const key = `${languages[i]}\u0000${t}`;
    let s = seen.get(key);
    if (s === undefined) {
      s = allowed.has(languages[i]) ? lexiconSentiment(t, languages[i], plan.segment) : null;
      seen.set(key, s);
    }
    if (s === null) unscored++;
    return s;
  });
  return { scores, unscored };
}

/** Runs the loaded models over the prepared texts (see the module doc). */
export async function analyseTexts(
  prepared: PreparedTexts,
  loaded: LoadedTextModels,
  opts: ResolvedTextOptions,
  cache: TextCache | null,
  plan: AnalysisPlan,
): Promise<TextAnalysis> {
  const inferred: Record<TextTask, number> = { embedding: 0, sentiment: 0, entities: 0 };
  const cacheHits: Record<TextTask, number> = { embedding: 0, sentiment: 0, entities: 0 };
  const seconds: Record<TextTask, number> = { embedding: 0, sentiment: 0, entities: 0 };
  const texts = prepared.masked;
  let entities: Entity[][] | null = null;
  let finalTexts = texts;
  let personsMasked = 0;

  if (loaded.entities) {
    const types = new Set(opts.personTypes);
    const adapter = entitiesAdapter(loaded.entities, types);
    const hashes = texts.map(sha256Hex);
    const r = await runCached(
      texts,
      hashes,
      loaded.entities,
      adapter,
      cache,
      opts.onProgress,
      "entities",
    );
    entities = texts.map((t, i) => adapter.restore(t, r.values.get(hashes[i])!));
    inferred.entities = r.counters.inferred;
    cacheHits.entities = r.counters.cacheHits;
    seconds.entities = r.counters.seconds;
    if (opts.maskNames) {
      finalTexts = texts.map((t, i) => {
        const m = maskPersons(t, entities![i], types);
        personsMasked += m.count;
        return m.text;
      });
    }
  }

  const hashes = finalTexts.map(sha256Hex);
  let sentiment: TextAnalysis["sentiment"] = null;
  let unscored = 0;
  if (plan.sentiment === "lexicon") {
    const t0 = performance.now();
    const r = lexiconScores(finalTexts, prepared.languages, plan);
    sentiment = r.scores;
    unscored = r.unscored;
    seconds.sentiment = (performance.now() - t0) / 1000;
  } else if (plan.sentiment === "model" && loaded.sentiment) {
    const r = await runCached(
      finalTexts,
      hashes,
      loaded.sentiment,
      sentimentAdapter(loaded.sentiment),
      cache,
      opts.onProgress,
      "sentiment",
    );
    sentiment = hashes.map((h) => sentimentOf(r.values.get(h)!));
    inferred.sentiment = r.counters.inferred;
    cacheHits.sentiment = r.counters.cacheHits;
    seconds.sentiment = r.counters.seconds;
  }

  let embeddings: Float32Array[] | null = null;
  if (loaded.embedding) {
    const r = await runCached(
      finalTexts,
      hashes,
      loaded.embedding,
      embeddingAdapter(loaded.embedding),
      cache,
      opts.onProgress,
      "embedding",
    );
    embeddings = hashes.map((h) => r.values.get(h)!);
    inferred.embedding = r.counters.inferred;
    cacheHits.embedding = r.counters.cacheHits;
    seconds.embedding = r.counters.seconds;
  }

  const words = finalTexts.map((t, i) =>
    segmentWords(t, { ...plan.segment, language: prepared.languages[i] })
  );
  return {
    finalTexts,
    entities,
    sentiment,
    sentimentSource: sentiment ? plan.sentiment : null,
    unscored,
    embeddings,
    words,
    personsMasked,
    inferred,
    cacheHits,
    seconds,
    finishKeywords(tfidf, k) {
      const tfidfRows = transformTfidf(tfidf, words);
      const keywords = words.map((_, i) => topTerms(rowEntries(tfidfRows, i), tfidf.vocabulary, k));
      return { tfidfRows, keywords };
    },
  };
}
