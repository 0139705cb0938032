/**
 * What a segment says: mean sentiment (and where it came from: a model, or a lexicon, which is
 * labelled as such), keywords and entities that distinguish the segment, and representative
 * quotes. Every text is masked with maskPii before it is read, again, even though the text stage
 * masked it already: a persona is a shared output.
 *
 * Keywords are class-based TF-IDF over the described segments, as in BERTopic: weight(t, c) =
 * (count of t in c / words in c) × ln(1 + A / count of t in all segments), A the mean number of
 * words per segment. A term is kept for a segment only when the segment uses it more often (per
 * word) than the other segments together do: a word every segment uses alike is never a keyword,
 * and no keyword can be shared by all segments (a rate above the rest's in every segment would
 * put every segment above the overall rate, which is their weighted mean).
 *
 * Quotes come from the segment's own customers and sit near its centre in TF-IDF space: each
 * text's sublinear TF-IDF vector (idf over all texts) against the mean of the segment's vectors.
 * Only texts at least as close as the segment's median text are candidates; among those, texts
 * that use the segment's keywords and whose sentiment leans the way the segment's does come
 * first, then the closest.
 *
 * @module
 */

import { maskPii } from "../privacy.ts";
import { guessLanguage, segmentWords } from "../text/mod.ts";
import { cmp } from "./_traits.ts";
import { maxOf } from "../math/mod.ts";

/** One analysed text: a row of the text stage's per-text table, as a plain object. */
export interface PersonaTextRow {
  customer_id: string;
  /** The text, masked by the text stage (masked again here). */
  text: string;
  language?: string | null;
  /** −1..1: P(positive) − P(negative) from a model, or a lexicon's score; null without one. */
  sentiment_score?: number | null;
  sentiment_label?: string | null;
  /** "model" or "lexicon" (word lists: labelled as such wherever it is shown). */
  sentiment_source?: string | null;
  /** "Apple (ORG)"-style entities; null when the text stage had no entity model. */
  entities?: readonly string[] | null;
  /** The text's words as the text stage segmented them; segmented here when absent. */
  words?: readonly string[] | null;
}

/** What a segment says, as a persona shows it. */
export interface Voice {
  texts: number;
  /** Mean sentiment of the segment's texts (−1..1); null when no text has a score. */
  sentiment: number | null;
  /** Mean sentiment of all texts, for comparison; null when no text has a score. */
  overallSentiment: number | null;
  /**
   * Where the sentiment comes from: "model", or "lexicon" (word lists, never to be shown as a
   * model's output: see {@linkcode sentimentLabel}); null without sentiment.
   */
  sentimentSource: "model" | "lexicon" | null;
  /** Share of the segment's texts labelled negative; null without sentiment. */
  negativeShare: number | null;
  keywords: string[];
  /** null when the text stage had no entity model. */
  entities: string[] | null;
  quotes: string[];
}

/** Settings of {@link segmentVoices}. */
export interface VoiceSettings {
  keywords: number;
  entities: number;
  quotes: number;
  /** Quotes in this language are preferred when there are enough of them. */
  language: string;
  /** Longest quote in characters before it is shortened. */
  maxQuoteLength: number;
}

/** Per segment voices, plus what the whole text table had to offer. */
export interface Voices {
  bySegment: Map<number, Voice>;
  sentimentAvailable: boolean;
  entitiesAvailable: boolean;
  /** "lexicon" when any text's sentiment came from a lexicon, else "model" or null. */
  sentimentSource: "model" | "lexicon" | null;
}

/** How a sentiment line is labelled: lexicon sentiment always says so. */
export function sentimentLabel(
  base: string,
  source: Voice["sentimentSource"],
  language: string,
): string {
  if (source !== "lexicon") return base;
  return language === "zh" ? `${base}（词典）` : `${base} (lexicon)`;
}

const PERSON_TYPES = /^(PER|PERSON|B-PER|I-PER)$/i;
const HAN = /\p{Script=Han}/u;
const SINGLE_HAN = /^\p{Script=Han}$/u;
/** Two quotes sharing this share of their words say the same thing: the second is skipped. */
const SAME_QUOTE = 0.4;
/** A segment's sentiment this far from the overall mean leans one way (−1..1 scale). */
const LEANING = 0.1;

interface Doc {
  row: PersonaTextRow;
  text: string;
  language: string;
  words: readonly string[];
}

/**
 * Groups texts by their customer's segment and describes each segment's texts. Keywords and
 * entities weigh the described segments against each other; texts of customers without a
 * described segment count only in the overall sentiment and the idf of quotes.
 */
export function segmentVoices(
  rows: readonly PersonaTextRow[],
  segmentOf: ReadonlyMap<string, number>,
  segments: readonly number[],
  o: VoiceSettings,
): Voices {
  const docs: Doc[] = rows.map((row) => {
    const text = maskPii(String(row.text ?? "")).text.trim();
    const language = row.language || guessLanguage(text);
    const words = Array.isArray(row.words) ? row.words : segmentWords(text, { language });
    return { row, text, language, words };
  });
  const sentimentAvailable = rows.some((r) => typeof r.sentiment_score === "number");
  const entitiesAvailable = rows.some((r) => Array.isArray(r.entities));
  const sources = new Set(rows.map((r) => r.sentiment_source).filter((s) => s));
  const sentimentSource = sources.has("lexicon") ? "lexicon" : sentimentAvailable ? "model" : null;
  const described = new Set(segments);
  const classOf = (d: Doc) => {
    const c = segmentOf.get(d.row.customer_id);
    return c !== undefined && described.has(c) ? c : null;
  };
  const mine = new Map<number, Doc[]>(segments.map((seg) => [seg, []]));
  for (const d of docs) {
    const c = classOf(d);
    if (c !== null) mine.get(c)!.push(d);
  }

  const wordTerms = distinctiveWeights(segments.map((seg) => mine.get(seg)!.map((d) => d.words)));
  const entityTerms = distinctiveWeights(
    segments.map((seg) => mine.get(seg)!.map((d) => entityNames(d.row.entities))),
  );
  const display = entityDisplay(docs);
  const scores = docs.map((d) => d.row.sentiment_score).filter(isNumber);
  const overall = scores.length > 0 ? mean(scores) : null;
  const idf = inverseDocumentFrequency(docs);

  const bySegment = new Map<number, Voice>();
  segments.forEach((seg, k) => {
    const list = mine.get(seg)!;
    const segScores = list.map((d) => d.row.sentiment_score).filter(isNumber);
    const labelled = list.filter((d) => typeof d.row.sentiment_label === "string");
    const sentiment = segScores.length > 0 ? mean(segScores) : null;
    const keywords = topTerms(wordTerms[k], o.keywords, o.language);
    bySegment.set(seg, {
      texts: list.length,
      sentiment,
      overallSentiment: overall,
      sentimentSource: sentiment === null ? null : sentimentSource,
      negativeShare: labelled.length > 0
        ? labelled.filter((d) => d.row.sentiment_label === "negative").length / labelled.length
        : null,
      keywords,
      entities: entitiesAvailable
        ? topTerms(entityTerms[k], o.entities, o.language).map((e) => display.get(e) ?? e)
        : null,
      quotes: quotes(list, idf, new Set(keywords), leaning(sentiment, overall), o),
    });
  });
  return { bySegment, sentimentAvailable, entitiesAvailable, sentimentSource };
}

/** A term's c-TF-IDF weight in one segment and whether it passes for a keyword there. */
interface TermWeight {
  term: string;
  weight: number;
  /** Texts of the segment that use it. */
  docs: number;
}

/**
 * Class-based TF-IDF per segment (see the module doc), keeping only the terms a segment uses
 * more often per word than all the other segments together.
 */
export function distinctiveWeights(
  classes: readonly (readonly (readonly string[])[])[],
): TermWeight[][] {
  const counts = classes.map((docs) => {
    const tf = new Map<string, number>(), df = new Map<string, number>();
    for (const words of docs) {
      for (const t of words) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of new Set(words)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    return { tf, df, words: docs.reduce((a, w) => a + w.length, 0) };
  });
  const total = new Map<string, number>();
  for (const { tf } of counts) for (const [t, k] of tf) total.set(t, (total.get(t) ?? 0) + k);
  const allWords = counts.reduce((a, c) => a + c.words, 0);
  const avg = classes.length > 0 ? allWords / classes.length : 0;
  return counts.map(({ tf, df, words }) => {
    const restWords = allWords - words;
    const out: TermWeight[] = [];
    for (const [term, k] of tf) {
      const rest = total.get(term)! - k;
      // With other segments, a keyword is used more often here than there (rates per word).
      if (restWords > 0 && k / words <= rest / restWords) continue;
      out.push({
        term,
        weight: (k / words) * Math.log(1 + avg / total.get(term)!),
        docs: df.get(term)!,
      });
    }
    return out;
  });
}

/**
 * The heaviest terms; a term must occur in two texts when the segment has five or more. Single
 * Han characters are left out (the word breaker's leftovers), and terms in the persona's
 * script come first when there are enough of them.
 */
function topTerms(weights: readonly TermWeight[], k: number, language: string): string[] {
  const docs = maxOf(weights.map((w) => w.docs), 0);
  const minDocs = docs >= 5 ? 2 : 1;
  const ranked = weights.filter((w) => w.docs >= minDocs && !SINGLE_HAN.test(w.term))
    .sort((a, b) => b.weight - a.weight || cmp(a.term, b.term))
    .map((w) => w.term);
  const own = ranked.filter((t) => HAN.test(t) === (language === "zh"));
  return (own.length >= Math.ceil(k / 2) ? own : ranked).slice(0, k);
}

/** Entity names (lowercased keys) of a text, person names left out. */
function entityNames(list: readonly string[] | null | undefined): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    const m = String(e).match(/^(.*?)\s*\(([^()]+)\)$/);
    const name = (m ? m[1] : String(e)).trim();
    if (name === "" || (m && PERSON_TYPES.test(m[2]))) continue;
    out.push(maskPii(name).text.toLowerCase());
  }
  return out;
}

/** The most common written form of each entity key ("apple" → "Apple"). */
function entityDisplay(docs: Doc[]): Map<string, string> {
  const forms = new Map<string, Map<string, number>>();
  for (const d of docs) {
    for (const e of d.row.entities ?? []) {
      const name = maskPii(String(e).replace(/\s*\([^()]+\)$/, "").trim()).text;
      const key = name.toLowerCase();
      let m = forms.get(key);
      if (!m) forms.set(key, m = new Map());
      m.set(name, (m.get(name) ?? 0) + 1);
    }
  }
  const out = new Map<string, string>();
  for (const [key, m] of forms) {
    out.set(key, [...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0][0]);
  }
  return out;
}

/** ln((1 + n) / (1 + df)) + 1 over all texts (smoothed, as the text stage's TF-IDF). */
function inverseDocumentFrequency(docs: readonly Doc[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d.words)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [t, k] of df) idf.set(t, Math.log((1 + docs.length) / (1 + k)) + 1);
  return idf;
}

/** A text's sublinear TF-IDF vector, (1 + ln tf) × idf, scaled to unit length. */
export function tfidfVector(
  words: readonly string[],
  idf: ReadonlyMap<string, number>,
): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of words) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v = new Map<string, number>();
  let norm = 0;
  for (const [t, k] of tf) {
    const w = (1 + Math.log(k)) * (idf.get(t) ?? 0);
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) { for (const [t, w] of v) v.set(t, w / norm); }
  return v;
}

/** Which way a segment's sentiment leans against everyone's: −1, 0 or +1. */
function leaning(segment: number | null, overall: number | null): number {
  if (segment === null || overall === null) return 0;
  return segment < overall - LEANING ? -1 : segment > overall + LEANING ? 1 : 0;
}

/** The segment's quotes (see the module doc). */
function quotes(
  mine: readonly Doc[],
  idf: ReadonlyMap<string, number>,
  keywords: ReadonlySet<string>,
  lean: number,
  o: VoiceSettings,
): string[] {
  if (o.quotes === 0 || mine.length === 0) return [];
  const vectors = mine.map((d) => tfidfVector(d.words, idf));
  const centre = new Map<string, number>();
  for (const v of vectors) for (const [t, w] of v) centre.set(t, (centre.get(t) ?? 0) + w);
  let norm = 0;
  for (const w of centre.values()) norm += w * w;
  norm = Math.sqrt(norm);
  const cosines = vectors.map((v) => {
    let dot = 0;
    for (const [t, w] of v) dot += w * (centre.get(t) ?? 0);
    return norm > 0 ? dot / norm : 0;
  });
  const median = medianOf(cosines);
  const scored = mine.map((d, i) => {
    const uniq = new Set(d.words);
    const label = d.row.sentiment_label;
    const against = (lean < 0 && label === "positive") || (lean > 0 && label === "negative");
    return {
      d,
      i,
      uniq,
      cosine: cosines[i],
      own: d.language === o.language ? 0 : 1,
      // Consistent with the segment: uses its keywords, and does not say the opposite of it.
      consistent: ([...uniq].some((t) => keywords.has(t)) ? 0 : 1) + (against ? 2 : 0),
    };
  }).filter((x) => x.uniq.size >= 3 && x.cosine > 0 && x.cosine >= median);
  const ownEnough = scored.filter((x) => x.own === 0).length >= o.quotes;
  scored.sort((a, b) =>
    (ownEnough ? a.own - b.own : 0) || a.consistent - b.consistent || b.cosine - a.cosine ||
    cmp(a.d.text, b.d.text) || a.i - b.i
  );
  const chosen: (typeof scored)[number][] = [];
  for (const x of scored) {
    if (chosen.some((c) => jaccard(c.uniq, x.uniq) >= SAME_QUOTE)) continue;
    chosen.push(x);
    if (chosen.length >= o.quotes) break;
  }
  return chosen.map((x) => shorten(x.d.text, o.maxQuoteLength));
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  return both / (a.size + b.size - both);
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?，。；：！？]+$/, "") +
    "…";
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
