/**
 * What a segment says: mean sentiment, keywords and entities by class-based TF-IDF (a segment's
 * texts against all texts), and representative quotes (the texts closest to the segment's
 * centre in that weighting). Every text is masked with maskPii before it is read, again, even
 * though the text stage masked it already: a persona is a shared output.
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
  /** P(positive) − P(negative), −1..1; null when the text stage had no sentiment model. */
  sentiment_score?: number | null;
  sentiment_label?: string | null;
  /** "Apple (ORG)"-style entities; null when the text stage had no entity model. */
  entities?: readonly string[] | null;
}

/** What a segment says, as a persona shows it. */
export interface Voice {
  texts: number;
  /** Mean sentiment of the segment's texts (−1..1); null when no text has a score. */
  sentiment: number | null;
  /** Mean sentiment of all texts, for comparison; null when no text has a score. */
  overallSentiment: number | null;
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
}

const PERSON_TYPES = /^(PER|PERSON|B-PER|I-PER)$/i;
const HAN = /\p{Script=Han}/u;
const SINGLE_HAN = /^\p{Script=Han}$/u;
/** Two quotes sharing this share of their words say the same thing: the second is skipped. */
const SAME_QUOTE = 0.4;

interface Doc {
  row: PersonaTextRow;
  text: string;
  language: string;
  words: string[];
}

/**
 * Groups texts by their customer's segment and describes each segment's texts. Texts of
 * customers without a segment still count in "all texts".
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
    return { row, text, language, words: segmentWords(text, { language }) };
  });
  const sentimentAvailable = rows.some((r) => typeof r.sentiment_score === "number");
  const entitiesAvailable = rows.some((r) => Array.isArray(r.entities));
  const classOf = (d: Doc) => segmentOf.get(d.row.customer_id) ?? null;

  const wordWeights = classWeights(docs.map((d) => [classOf(d), d.words]));
  const entityWeights = classWeights(docs.map((d) => [classOf(d), entityNames(d.row.entities)]));
  const display = entityDisplay(docs);
  const scores = docs.map((d) => d.row.sentiment_score).filter(isNumber);
  const overall = scores.length > 0 ? mean(scores) : null;

  const bySegment = new Map<number, Voice>();
  for (const seg of segments) {
    const mine = docs.filter((d) => classOf(d) === seg);
    const w = wordWeights.get(seg) ?? new Map<string, number>();
    const segScores = mine.map((d) => d.row.sentiment_score).filter(isNumber);
    const labelled = mine.filter((d) => typeof d.row.sentiment_label === "string");
    bySegment.set(seg, {
      texts: mine.length,
      sentiment: segScores.length > 0 ? mean(segScores) : null,
      overallSentiment: overall,
      negativeShare: labelled.length > 0
        ? labelled.filter((d) => d.row.sentiment_label === "negative").length / labelled.length
        : null,
      keywords: topTerms(w, o.keywords, docFrequency(mine.map((d) => d.words)), o.language),
      entities: entitiesAvailable
        ? topTerms(
          entityWeights.get(seg) ?? new Map(),
          o.entities,
          docFrequency(mine.map((d) => entityNames(d.row.entities))),
          o.language,
        ).map((e) => display.get(e) ?? e)
        : null,
      quotes: quotes(mine, w, o),
    });
  }
  return { bySegment, sentimentAvailable, entitiesAvailable };
}

/**
 * Class-based TF-IDF: weight(c, t) = (count of t in c / words in c) × ln(1 + A / count of t
 * in all texts), with A the mean number of words per class. Terms frequent everywhere weigh
 * little; terms frequent in one class weigh most.
 */
function classWeights(
  docs: [number | null, string[]][],
): Map<number | null, Map<string, number>> {
  const tf = new Map<number | null, Map<string, number>>();
  const total = new Map<string, number>();
  for (const [c, words] of docs) {
    let m = tf.get(c);
    if (!m) tf.set(c, m = new Map());
    for (const t of words) {
      m.set(t, (m.get(t) ?? 0) + 1);
      total.set(t, (total.get(t) ?? 0) + 1);
    }
  }
  const sizes = [...tf.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const avg = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
  const out = new Map<number | null, Map<string, number>>();
  let i = 0;
  for (const [c, m] of tf) {
    const words = sizes[i++];
    const w = new Map<string, number>();
    for (const [t, k] of m) w.set(t, (k / words) * Math.log(1 + avg / total.get(t)!));
    out.set(c, w);
  }
  return out;
}

/** How many of the docs contain each term. */
function docFrequency(docs: string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/**
 * The heaviest terms; a term must occur in two texts when the segment has five or more. Single
 * Han characters are left out (the word breaker's leftovers), and terms in the persona's
 * script come first when there are enough of them.
 */
function topTerms(
  w: Map<string, number>,
  k: number,
  df: Map<string, number>,
  language: string,
): string[] {
  const docs = maxOf(df.values(), 0);
  const minDocs = docs >= 5 ? 2 : 1;
  const ranked = [...w].filter(([t]) => (df.get(t) ?? 0) >= minDocs && !SINGLE_HAN.test(t))
    .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
    .map(([t]) => t);
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

/**
 * The texts nearest the segment's centre: each text's distinct words scored by the segment's
 * class weights, over the square root of their number (a cosine against the centre). Texts in
 * the persona's language come first; a text sharing 40% of its words with a chosen one is skipped,
 * so the quotes say different things.
 */
function quotes(mine: Doc[], w: Map<string, number>, o: VoiceSettings): string[] {
  if (o.quotes === 0) return [];
  const scored = mine.map((d, i) => {
    const uniq = [...new Set(d.words)];
    const score = uniq.length < 3
      ? -1
      : uniq.reduce((a, t) => a + (w.get(t) ?? 0), 0) / Math.sqrt(uniq.length);
    return { d, i, uniq: new Set(uniq), score, own: d.language === o.language ? 0 : 1 };
  }).filter((x) => x.score > 0);
  const ownEnough = scored.filter((x) => x.own === 0).length >= o.quotes;
  scored.sort((a, b) =>
    (ownEnough ? a.own - b.own : 0) || b.score - a.score || cmp(a.d.text, b.d.text) || a.i - b.i
  );
  const chosen: (typeof scored)[number][] = [];
  for (const x of scored) {
    if (chosen.some((c) => jaccard(c.uniq, x.uniq) >= SAME_QUOTE)) continue;
    chosen.push(x);
    if (chosen.length >= o.quotes) break;
  }
  return chosen.map((x) => shorten(x.d.text, o.maxQuoteLength));
}

function jaccard(a: Set<string>, b: Set<string>): number {
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
