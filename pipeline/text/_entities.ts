/**
 * Groups a token-classification model's per-token tags (B-/I-/E-/S- schemes, or bare labels)
 * into whole entities with character offsets in the text and a mean score.
 *
 * Steps: each token is found in the text (case- and accent-insensitive, in order), so offsets
 * and the entity's original spelling come from the text itself, not from lowercased word
 * pieces; word pieces ("##phone", or pieces without the "▁" / "Ġ" word-start mark) join the word
 * they continue and the word takes its first piece's tag, as most NER models are trained; then
 * consecutive words open, extend and close entities by their tags. An I- tag after O, after a
 * different type or after a gap (a dropped unknown token) starts a new entity rather than being
 * thrown away.
 *
 * @module
 */

/** One token as the token-classification pipeline returns it (with `ignore_labels: []`). */
export interface TokenPrediction {
  entity: string;
  score: number;
  /** Position in the model input, special tokens included. */
  index: number;
  word: string;
}

/** A whole entity. Offsets are null when the tokens could not be found in the text. */
export interface Entity {
  type: string;
  text: string;
  score: number;
  start: number | null;
  end: number | null;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const PUNCT = /^[\p{P}\p{S}]+$/u;
const WORD_START_MARKS = ["▁", "Ġ"];

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The text folded for searching, with each folded code unit's origin in the text. */
function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = "";
  const origin: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const f = fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  return { folded, origin };
}

function surface(raw: string): string {
  if (raw.startsWith("##")) return raw.slice(2);
  for (const m of WORD_START_MARKS) if (raw.startsWith(m)) return raw.slice(m.length);
  return raw;
}

/** Splits a tag into its scheme prefix (B, I, E, S) and type; a bare label counts as I. */
export function parseTag(tag: string): [string, string] {
  const m = tag.match(/^([BIES])[-_](.+)$/);
  return m ? [m[1], m[2]] : ["I", tag];
}

interface Piece {
  index: number;
  tag: string;
  score: number;
  shown: string;
  start: number | null;
  end: number | null;
  continues: boolean;
}

interface Word {
  first: number;
  last: number;
  tag: string;
  scores: number[];
  pieces: Piece[];
}

/**
 * Groups token predictions into entities. `rawTokens[i]` is the vocabulary string of input
 * position `i` (from the tokenizer, special tokens included); without it the pipeline's `word`
 * is used.
 *
 * @example
 * ```ts
 * import { groupEntities } from "./_entities.ts";
 * const text = "Bought a ZenPhone";
 * const tokens = [
 *   { entity: "O", score: 0.9, index: 1, word: "bought" },
 *   { entity: "O", score: 0.9, index: 2, word: "a" },
 *   { entity: "B-PRODUCT", score: 0.8, index: 3, word: "zen" },
 *   { entity: "I-PRODUCT", score: 0.6, index: 4, word: "##phone" },
 * ];
 * const [e] = groupEntities(text, tokens);
 * if (e.text !== "ZenPhone" || e.type !== "PRODUCT" || e.start !== 9) throw new Error(e.text);
 * ```
 */
export function groupEntities(
  text: string,
  tokens: readonly TokenPrediction[],
  rawTokens: readonly (string | undefined)[] = [],
): Entity[] {
  const sorted = [...tokens].sort((a, b) => a.index - b.index);
  const raws = sorted.map((t) => rawTokens[t.index] ?? t.word);
  const marked = raws.some((r) => WORD_START_MARKS.some((m) => r.startsWith(m)));
  const { folded, origin } = foldWithMap(text);
  let cursor = 0;
  const pieces: Piece[] = sorted.map((t, k) => {
    const raw = raws[k];
    const shown = surface(raw);
    const needle = fold(shown);
    let start: number | null = null, end: number | null = null;
    if (needle.length > 0) {
      const at = folded.indexOf(needle, cursor);
      // Far-away matches are another occurrence: the piece is not in the text as written.
      if (at >= 0 && at - cursor <= 64) {
        start = origin[at];
        end = origin[at + needle.length];
        cursor = at + needle.length;
      }
    }
    const continues = raw.startsWith("##") ||
      (marked && !WORD_START_MARKS.some((m) => raw.startsWith(m)) && !PUNCT.test(shown) &&
        !CJK.test(shown));
    return { index: t.index, tag: t.entity, score: t.score, shown, start, end, continues };
  });

  const words: Word[] = [];
  for (const p of pieces) {
    const prev = words.at(-1);
    if (p.continues && prev && prev.last === p.index - 1) {
      prev.last = p.index;
      prev.scores.push(p.score);
      prev.pieces.push(p);
    } else {
      words.push({ first: p.index, last: p.index, tag: p.tag, scores: [p.score], pieces: [p] });
    }
  }

  const entities: Entity[] = [];
  let open: { type: string; words: Word[] } | null = null;
  const close = () => {
    if (open) entities.push(finish(text, open.type, open.words));
    open = null;
  };
  for (const w of words) {
    if (w.tag === "O") {
      close();
      continue;
    }
    const [prefix, type] = parseTag(w.tag);
    const last = open?.words.at(-1);
    const extends_ = open !== null && open.type === type && (prefix === "I" || prefix === "E") &&
      last !== undefined && last.last === w.first - 1;
    if (extends_) open!.words.push(w);
    else {
      close();
      open = { type, words: [w] };
    }
    if (prefix === "E" || prefix === "S") close();
  }
  close();
  return entities;
}

function finish(text: string, type: string, words: Word[]): Entity {
  const pieces = words.flatMap((w) => w.pieces);
  const wordScores = words.map((w) => w.scores.reduce((a, b) => a + b, 0) / w.scores.length);
  const score = wordScores.reduce((a, b) => a + b, 0) / wordScores.length;
  const aligned = pieces.every((p) => p.start !== null);
  if (aligned) {
    const start = pieces[0].start!, end = pieces.at(-1)!.end!;
    return { type, text: text.slice(start, end), score, start, end };
  }
  let joined = "";
  for (const w of words) {
    const s = w.pieces.map((p) => p.shown).join("");
    const glue = joined === "" || (CJK.test(joined.at(-1)!) && CJK.test(s[0] ?? "")) ? "" : " ";
    joined += glue + s;
  }
  return { type, text: joined, score, start: null, end: null };
}
