/**
 * Options of the evaluate stage: the type, the one const of defaults and the one table of
 * constraints that validates them and words the messages.
 *
 * @module
 */

import { closest } from "../errors.ts";
import type { RfmColumns } from "./_rfm.ts";

/** Settings of the evaluate stage. */
export interface EvaluateOptions {
  /** The outcome column of the outcomes frame, e.g. "Response", "Churn", "y". Required. */
  outcome: string;
  /**
   * The outcome value counted as the event. By default detected: for a column with two
   * distinct values, one of "yes", "true", "y", "1" (any case; numbers 1 and true included).
   * Any other column needs it set (e.g. "negative" for a sentiment label).
   */
  positive?: string | number | boolean;
  /** Level of the Wilson intervals and of the bootstrap intervals. @default 0.95 */
  confidence: number;
  /** Seed of the raw K-Means baseline and of the bootstrap. @default 0 */
  seed: number;
  /**
   * The RFM baseline: "auto" reads recency_days, frequency and monetary_total (the features
   * stage's purchase features) and is skipped with a warning when they are absent; an object
   * names the columns (for wide tables); false skips it. @default "auto"
   */
  rfm: "auto" | false | RfmColumns;
  /** Also segment by K-Means on the raw (unscaled) numeric features, with Personae's k. @default true */
  rawKMeans: boolean;
  /**
   * Bootstrap replicates for the interval of the difference in Cramér's V between Personae and
   * each baseline (customers resampled, segment labels held fixed); 0 skips it. @default 200
   */
  bootstrap: number;
}

/** The defaults of {@link EvaluateOptions} (all but the required `outcome`). */
export const EVALUATE_DEFAULTS: Readonly<Omit<EvaluateOptions, "outcome" | "positive">> = {
  confidence: 0.95,
  seed: 0,
  rfm: "auto",
  rawKMeans: true,
  bootstrap: 200,
};

const isInt = (v: unknown, min: number) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= 2 ** 53;
const isColumn = (v: unknown) => typeof v === "string" && v.length > 0;
const isColumns = (v: unknown) =>
  isColumn(v) || (Array.isArray(v) && v.length > 0 && v.every(isColumn));

/** One constraint: the key, the words, the test. */
type Rule = [key: string, says: string, ok: (v: unknown) => boolean];

const RULES: Rule[] = [
  ["outcome", "a column name", isColumn],
  [
    "positive",
    "a string, a number or a boolean",
    (v) => v === undefined || ["string", "number", "boolean"].includes(typeof v),
  ],
  [
    "confidence",
    "a number between 0.5 and 1 (exclusive)",
    (v) => typeof v === "number" && v > 0.5 && v < 1,
  ],
  ["seed", "an integer", (v) => typeof v === "number" && Number.isInteger(v)],
  [
    "rfm",
    '"auto", false or an object of column names',
    (v) => v === "auto" || v === false || (typeof v === "object" && v !== null),
  ],
  ["rawKMeans", "true or false", (v) => typeof v === "boolean"],
  ["bootstrap", "an integer ≥ 0", (v) => isInt(v, 0)],
];

const RFM_RULES: Rule[] = [
  ["recency", "a column name or null", (v) => v === undefined || v === null || isColumn(v)],
  ["frequency", "a column name or a list of them", isColumns],
  ["monetary", "a column name or a list of them", isColumns],
  ["scheme", '"named" or "score"', (v) => v === undefined || v === "named" || v === "score"],
];

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function checkKeys(given: object, known: Iterable<string>, owner: string): void {
  for (const key of Object.keys(given)) {
    const names = [...known];
    if (!names.includes(key)) {
      const near = closest(key, names);
      throw new TypeError(
        `Unknown option '${key}' of ${owner}${near ? ` (did you mean '${near}'?)` : ""}`,
      );
    }
  }
}

function checkRules(o: Record<string, unknown>, rules: Rule[], prefix: string): void {
  for (const [key, says, ok] of rules) {
    if (!ok(o[key])) {
      throw new RangeError(
        `The '${prefix}${key}' option of evaluate must be ${says}. Got ${show(o[key])} instead`,
      );
    }
  }
}

/** Merges the given options over the defaults once and validates every one of them. */
export function resolveEvaluateOptions(
  input: Partial<EvaluateOptions> & { outcome: string },
): EvaluateOptions {
  const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined));
  checkKeys(given, [...Object.keys(EVALUATE_DEFAULTS), "outcome", "positive"], "evaluate");
  const o = { ...EVALUATE_DEFAULTS, ...given } as EvaluateOptions;
  checkRules(o as unknown as Record<string, unknown>, RULES, "");
  if (typeof o.rfm === "object") {
    checkKeys(o.rfm, RFM_RULES.map((r) => r[0]), "evaluate.rfm");
    checkRules(o.rfm as unknown as Record<string, unknown>, RFM_RULES, "rfm.");
    if ((o.rfm.scheme ?? "named") === "named" && !o.rfm.recency) {
      throw new RangeError(
        "The 'rfm.scheme' option of evaluate is \"named\", which needs a recency column. " +
          "Set 'rfm.recency' or use scheme \"score\"",
      );
    }
  }
  return o;
}
