/**
 * Word segmentation: `Intl.Segmenter` for English (ICU word breaks), jieba for Chinese (see
 * _jieba.ts: a dictionary segmenter that keeps brand and product names whole, with an optional
 * user dictionary), `Intl.Segmenter` for Chinese too when asked or when jieba cannot be loaded;
 * plus our own small stop-word lists.
 *
 * Speed (Deno 2.9, one core, all 74,761 Chinese reviews of ../shared/datasets/chinese-reviews):
 * jieba 1.7 million words/s, `Intl.Segmenter` 0.96 million words/s. Brand names kept whole: in
 * the sample's Chinese texts jieba 95.9% (100% with the brands as user words), `Intl.Segmenter`
 * 27.5%; 12,714 mentions of 25 brands in the real reviews, jieba 96.8%, `Intl.Segmenter` 5.3%
 * (tests/text_segment_test.ts; tests/bench/text.ts re-measures the speed).
 *
 * @module
 */

import { jieba, jiebaStatus } from "./_jieba.ts";

export { jiebaStatus };

/** How Chinese texts are split into words: jieba (dictionary + HMM) or `Intl.Segmenter`. */
export type ChineseSegmenter = "jieba" | "intl";

/** English stop words: function words that carry no topic. */
export const STOP_WORDS_EN: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been
  before being below between both but by can can't cannot could couldn't did didn't do does
  doesn't doing don't down during each few for from further get got had hadn't has hasn't have
  haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd
  i'll i'm i've if in into is isn't it it's its itself just let's me more most mustn't my myself
  no nor not now of off on once only or other ought our ours ourselves out over own same shan't
  she she'd she'll she's should shouldn't so some such than that that's the their theirs them
  themselves then there there's these they they'd they'll they're they've this those through to
  too under until up us very was wasn't we we'd we'll we're we've were weren't what what's when
  when's where where's which while who who's whom why why's will with won't would wouldn't you
  you'd you'll you're you've your yours yourself yourselves im ive dont cant wont didnt doesnt
  isnt thats amp http https www com rt via`.split(/\s+/),
);

/** Chinese stop words: particles, pronouns and connectives common to every review. */
export const STOP_WORDS_ZH: ReadonlySet<string> = new Set(
  `的 了 是 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 这些 那些 这样 那样 就 都 也 还 又 和
  与 及 或 而 但 但是 并 并且 而且 因为 所以 如果 虽然 然后 还是 或者 在 有 没 没有 不 很 太 更 最
  非常 比较 一 一个 一些 一下 一点 个 些 把 被 给 让 对 从 到 向 于 为 为了 以 之 其 啊 吧 呢 吗 哦
  呀 嘛 哈 啦 着 过 得 地 要 会 能 可以 可能 就是 还有 自己 什么 怎么 这么 那么 因此 只 只是 已经
  上 下 里 中 后 前 时 时候 说 看 去 来 做 感觉 觉得 东西 真的 其实 然而 等 等等`
    .split(/\s+/),
);

const PLACEHOLDER = /\[(?:EMAIL|PHONE|URL|CARD|PERSON|USER)\]/g;
const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;
const LETTER_OR_HAN = /[\p{L}]/u;
const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) {
    // Building a segmenter loads ICU break rules: reuse one per locale.
    s = new Intl.Segmenter(locale, { granularity: "word" });
    segmenters.set(locale, s);
  }
  return s;
}

/** Options of {@linkcode segmentWords}. */
export interface SegmentOptions {
  /** "zh" picks the Chinese segmenter; anything else the English one. @default "en" */
  language?: string | null;
  /** Drop English and Chinese stop words. @default true */
  stopWords?: boolean;
  /** Shortest Latin-script word kept (Han words of one character are always kept). @default 2 */
  minLength?: number;
  /**
   * Chinese segmenter: "jieba", or "intl" (`Intl.Segmenter`), which is also used when jieba
   * cannot be loaded (see {@linkcode jiebaStatus}; the text stage warns). @default "jieba"
   */
  chinese?: ChineseSegmenter;
  /** Words jieba must keep whole (brand and product names). @default [] */
  userWords?: readonly string[];
}

/** The raw tokens of a text, before filtering. */
function tokens(text: string, language: string, o: SegmentOptions): Iterable<string> {
  if (language === "zh" && (o.chinese ?? "jieba") === "jieba" && jiebaStatus().available) {
    return jieba(o.userWords).cut(text, true);
  }
  const seg = segmenter(language === "zh" ? "zh" : "en");
  return (function* () {
    for (const s of seg.segment(text)) if (s.isWordLike) yield s.segment;
  })();
}

/**
 * Splits a text into lowercased words: word-like segments only (no punctuation or spaces), no
 * numbers, no privacy placeholders such as [EMAIL], and no stop words unless asked.
 *
 * @example
 * ```ts
 * import { segmentWords } from "./_segment.ts";
 * const words = segmentWords("物流很差，但是包装很好", { language: "zh" });
 * if (!words.includes("物流") || words.includes("但是")) throw new Error("unexpected words");
 * const brand = segmentWords("刚买了耐克球鞋", { language: "zh" });
 * if (!brand.includes("耐克")) throw new Error(brand.join("|"));
 * ```
 */
export function segmentWords(text: string, options: SegmentOptions = {}): string[] {
  const { language = "en", stopWords = true, minLength = 2 } = options;
  const out: string[] = [];
  for (const t of tokens(text.replace(PLACEHOLDER, " "), language ?? "en", options)) {
    const w = t.toLowerCase();
    if (!LETTER_OR_HAN.test(w)) continue;
    if (!HAN.test(w) && w.length < minLength) continue;
    if (stopWords && (STOP_WORDS_EN.has(w) || STOP_WORDS_ZH.has(w))) continue;
    out.push(w);
  }
  return out;
}

/** Counts the words a segmenter finds (the figure the benchmark reports as words/s). */
export function countWords(
  text: string,
  language: string | null = "en",
  chinese: ChineseSegmenter = "jieba",
): number {
  let n = 0;
  for (const t of tokens(text, language ?? "en", { chinese })) if (LETTER_OR_HAN.test(t)) n++;
  return n;
}

/**
 * Guesses "zh" or "en" for a text without a language: "zh" when at least 30% of its letters are
 * Han characters. Two languages are all the product reads today; this is not a general detector.
 */
export function guessLanguage(text: string): "zh" | "en" {
  const han = text.match(HAN_GLOBAL)?.length ?? 0;
  if (han === 0) return "en";
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return han / letters >= 0.3 ? "zh" : "en";
}
