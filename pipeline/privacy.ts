/**
 * Privacy before models and in every output: personal data in customers' texts is replaced by
 * placeholders before a text reaches a model, the text cache or an output; customer ids can be
 * replaced by salted hashes; and no segment smaller than `minSegmentSize` customers is shown on
 * its own in any output (its customers are pooled under {@link POOLED_SEGMENT}).
 *
 * What is masked, in this order (earlier kinds win where two overlap):
 * - `[URL]`: links starting with http://, https:// or www.;
 * - `[EMAIL]`: addresses in any script (name@host.tld, 张三@例子.中国), with the full-width `＠`
 *   and `．` or the ideographic `。` as well; in text without spaces the match may take in the
 *   words around the address, which errs on the side of masking;
 * - `[CARD]`: runs of 13–19 digits (single spaces or dashes allowed between digits) that pass the
 *   Luhn check, the checksum every payment card carries. Order and tracking numbers of that length
 *   fail it nine times in ten and are kept; set `luhn: false` to mask every such run;
 * - `[PHONE]`: Chinese mobiles (138 1234 5678, +86 13812345678), Chinese landlines (010-12345678),
 *   North American numbers ((555) 123-4567, 555-123-4567, 1-800-555-0199, 10 plain digits) and
 *   any number written with a leading + or 00 and 8–15 digits (+44 20 7946 0958);
 * - `[USER]`: @handles of social accounts, only when asked (`mentions: true`): in posts they are
 *   mostly brands ("@united"), which are worth keeping as words;
 * - `[PERSON]`: person names, where a named-entity model finds them ({@linkcode maskSpans}).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { bool, defaultsOf, int, type OptionsOf, str, withDefault } from "./options.ts";

/** The privacy settings of a run (config section `privacy`): declared once, applied everywhere. */
export const PRIVACY_RULES = {
  pseudonymize: withDefault(
    bool(),
    false,
    "Replace customer ids by salted hashes in every output that lists customers",
  ),
  salt: withDefault(str(/^.+$/, "a non-empty string"), "personae", "Salt of the pseudonymous ids"),
  minSegmentSize: withDefault(
    int(1),
    20,
    "Segments with fewer customers are never shown on their own: personas, charts, report and " +
      "scores pool them",
  ),
};

/** Privacy settings, defaults filled in. */
export type PrivacyOptions = OptionsOf<typeof PRIVACY_RULES>;

/** The privacy defaults: the one place they are set. */
export const PRIVACY_DEFAULTS: Readonly<PrivacyOptions> = defaultsOf(PRIVACY_RULES);

/** The segment label outputs give to customers of segments below `minSegmentSize`. */
export const POOLED_SEGMENT = -2;

/** How outputs name the pooled segments. */
export const POOLED_NAME = "Smaller segments (pooled for privacy)";

/**
 * The segments with fewer than `minSize` customers (noise, −1, is not a segment and never
 * pooled).
 *
 * @example
 * ```ts
 * import { smallSegments } from "./privacy.ts";
 * const small = smallSegments(new Int32Array([0, 0, 0, 1, 2, 2, -1]), 2);
 * if ([...small].join() !== "1") throw new Error([...small].join());
 * ```
 */
export function smallSegments(labels: ArrayLike<number>, minSize: number): Set<number> {
  const count = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0) count.set(labels[i], (count.get(labels[i]) ?? 0) + 1);
  }
  return new Set([...count].filter(([, c]) => c < minSize).map(([s]) => s));
}

/**
 * Labels as outputs may show them: every segment in `small` becomes {@link POOLED_SEGMENT}.
 *
 * @example
 * ```ts
 * import { POOLED_SEGMENT, poolLabels } from "./privacy.ts";
 * const out = poolLabels(new Int32Array([0, 1, 2]), new Set([1, 2]));
 * if (out.join() !== `0,${POOLED_SEGMENT},${POOLED_SEGMENT}`) throw new Error(out.join());
 * ```
 */
export function poolLabels(labels: ArrayLike<number>, small: ReadonlySet<number>): Int32Array {
  return Int32Array.from(labels, (l) => small.has(l) ? POOLED_SEGMENT : l);
}

/** How many of each kind {@linkcode maskPii} replaced. */
export interface PiiCounts {
  url: number;
  email: number;
  card: number;
  phone: number;
  mention: number;
}

/** Options of {@linkcode maskPii}. */
export interface PiiOptions {
  /** Mask card-like numbers only when they pass the Luhn check. @default true */
  luhn?: boolean;
  /** Mask @handles as [USER]. @default false */
  mentions?: boolean;
}

const MENTION_RE = /(?<![\w@.])@[A-Za-z0-9_]{1,30}(?![\w@])/g;
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'\u3000-\u303f\uff00-\uffef]+/gi;
const EMAIL_RE =
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;
// Internationalised addresses (RFC 6531) have letters of any script on both sides of the @, and
// may be written with a full-width ＠ or ideographic dots. Matched after the ASCII form, which
// keeps tight bounds in Chinese text ("联系abc@qq.com谢谢"); in text without spaces this one may
// take in the words around the address, which errs on the side of masking.
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?`;
const DOT = "[.．。｡]";
const EMAIL_INTL_RE = new RegExp(
  String.raw`[\p{L}\p{N}\p{M}._%+-]+[@＠]${LABEL}(?:${DOT}${LABEL})*${DOT}\p{L}[\p{L}\p{M}]+`,
  "gu",
);
// Card numbers never start with 0 and are never written after a "+": that keeps phone numbers
// with a country code (+86 138…, 0086 138…) out.
const CARD_RE = /(?<![\w.,+])[1-9](?:[ -]?\d){12,18}(?!\w|[.,]\d)/g;
const PHONE_RE = new RegExp(
  // Digits, letters or a decimal point right before or after make the match part of a longer
  // token (an order number, a price, a product code): those are left alone.
  String.raw`(?<![\w.+])(?:` + [
    // Chinese mobile, optionally with the +86 / 0086 country code
    String.raw`(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}`,
    // anything written internationally: + or 00, country code, groups
    String.raw`(?:\+|00)\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}`,
    // Chinese landline with area code
    String.raw`0\d{2,3}-\d{7,8}`,
    // North American: optional 1, area code (in parentheses or not), 3 + 4 digits
    String.raw`(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}`,
  ].join("|") + String.raw`)(?!\w)`,
  "g",
);

/** True when the digits pass the Luhn checksum. */
export function luhnValid(digits: string): boolean {
  let sum = 0, double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Replaces URLs, email addresses, card numbers and phone numbers with `[URL]`, `[EMAIL]`,
 * `[CARD]` and `[PHONE]`, and counts them.
 *
 * @example
 * ```ts
 * import { maskPii } from "./privacy.ts";
 * const { text } = maskPii("Mail jo@example.com or call +86 138 1234 5678");
 * if (text !== "Mail [EMAIL] or call [PHONE]") throw new Error(text);
 * const zh = maskPii("邮箱 张三@例子.中国 。").text;
 * if (zh !== "邮箱 [EMAIL] 。") throw new Error(zh);
 * ```
 */
export function maskPii(
  text: string,
  options: PiiOptions = {},
): { text: string; counts: PiiCounts } {
  const { luhn = true, mentions = false } = options;
  const counts: PiiCounts = { url: 0, email: 0, card: 0, phone: 0, mention: 0 };
  let out = text.replace(URL_RE, (m) => {
    // Sentence punctuation right after a link is not part of it.
    const trail = m.match(/[.,;:!?)\]]+$/)?.[0] ?? "";
    counts.url++;
    return "[URL]" + trail;
  });
  const email = () => {
    counts.email++;
    return "[EMAIL]";
  };
  out = out.replace(EMAIL_RE, email).replace(EMAIL_INTL_RE, email);
  out = out.replace(CARD_RE, (m) => {
    const digits = m.replace(/\D/g, "");
    if (digits.length < 13 || digits.length > 19 || (luhn && !luhnValid(digits))) return m;
    counts.card++;
    return "[CARD]";
  });
  out = out.replace(PHONE_RE, (m) => {
    const digits = m.replace(/\D/g, "").length;
    if (digits < 8 || digits > 15) return m;
    counts.phone++;
    return "[PHONE]";
  });
  if (mentions) {
    out = out.replace(MENTION_RE, () => {
      counts.mention++;
      return "[USER]";
    });
  }
  return { text: out, counts };
}

/** A half-open character range `[start, end)` of a text. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Replaces the given spans of a text with a placeholder (used for the person names a
 * named-entity model found). Overlapping spans are merged.
 *
 * @example
 * ```ts
 * import { maskSpans } from "./privacy.ts";
 * const out = maskSpans("Alice Smith was helpful", [{ start: 0, end: 11 }], "[PERSON]");
 * if (out !== "[PERSON] was helpful") throw new Error(out);
 * ```
 */
export function maskSpans(text: string, spans: readonly Span[], placeholder: string): string {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  let out = "", pos = 0;
  for (const s of sorted) {
    if (s.end <= pos) continue;
    // A span starting inside the previous one only extends it.
    if (s.start >= pos) out += text.slice(pos, s.start) + placeholder;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/**
 * A pseudonymous id: the first `length` hex digits of sha-256(salt, NUL, id). The same id and
 * salt always give the same pseudonym, so tables pseudonymized with one salt still join; without
 * the salt the ids cannot be looked up from a list of known ids.
 *
 * @param length hex digits kept, 8–64. @default 16
 * @example
 * ```ts
 * import { pseudonymize } from "./privacy.ts";
 * const a = pseudonymize("C-1001", "pepper");
 * if (a.length !== 16 || a !== pseudonymize("C-1001", "pepper")) throw new Error(a);
 * ```
 */
export function pseudonymize(id: string, salt: string, length = 16): string {
  if (typeof salt !== "string" || salt.length === 0) {
    throw new RangeError(
      `The salt of pseudonymize must be a non-empty string. Got ${JSON.stringify(salt)} instead`,
    );
  }
  if (!Number.isInteger(length) || length < 8 || length > 64) {
    throw new RangeError(
      `The length of pseudonymize must be an integer from 8 to 64. Got ${length} instead`,
    );
  }
  return createHash("sha256").update(salt).update("\0").update(String(id)).digest("hex")
    .slice(0, length);
}

/** sha-256 of a text as hex (the key of the text cache). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
