/**
 * What the English and Chinese persona strings share: when a ratio counts as "more" or "less",
 * how a value is shown for its unit, and capitalisation.
 *
 * @module
 */

import { formatNumber as n, formatPercent as p, formatTimes as x } from "./_format.ts";
import type { Fact } from "./_i18n.ts";

/** Ratios from here up read as "×N as often". */
export const MANY = (lift: number | null): boolean => lift !== null && lift >= 1.15;
/** Ratios from here down read as "N% less". */
export const FEW = (lift: number | null): boolean => lift !== null && lift <= 0.87;

/** Units shown as percentages. */
export const SHARE_UNITS: ReadonlySet<string> = new Set(["share", "fraction"]);
const SILENT_UNITS = new Set(["as given", "currency", "ratio", "level", "fraction", "component"]);

/** A value as its unit reads: a percentage for shares, else a number. */
export function value(f: Fact, v: number): string {
  return SHARE_UNITS.has(f.meta.unit) ? p(v) : n(v);
}

/** " orders" after a number, or nothing for units that read badly there. */
export function unitWord(f: Fact): string {
  return SILENT_UNITS.has(f.meta.unit) || SHARE_UNITS.has(f.meta.unit) ||
      f.meta.unit.includes("(")
    ? ""
    : ` ${f.meta.unit}`;
}

/** The number formats under short names, for the phrase tables. */
export { n, p, x };

/** Capitalises the first letter (Latin scripts; others are unchanged). */
export function upperFirst(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** Lowercases the first letter, keeping acronyms ("RFM score") as written. */
export function lowerFirst(s: string): string {
  return s.length > 1 && s[1] === s[1].toLowerCase() ? s[0].toLowerCase() + s.slice(1) : s;
}
