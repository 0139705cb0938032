/**
 * The plain-language verdict of the evaluate stage: does Personae separate the outcome, and
 * better than the baselines?
 *
 * @module
 */

import type { OutcomeRate } from "./_tables.ts";

/** One segmentation's association with the outcome, as a comparison-table row. */
export interface MethodComparison {
  method: string;
  /** Groups in the table (customers with a known outcome); Personae's noise counts as one. */
  segments: number;
  /** Customers with a known outcome. */
  n: number;
  chi2: number;
  dof: number;
  /** Chi-square p-value; null when dof is 0. */
  p: number | null;
  cramersV: number | null;
  /** Bias-corrected V (Bergsma), fair across different numbers of segments. */
  cramersVCorrected: number | null;
  /** Personae's V minus this method's V (null on Personae's own row). */
  vDiff: number | null;
  /** Bootstrap interval of `vDiff` (null without bootstrap). */
  vDiffLow: number | null;
  vDiffHigh: number | null;
}

/** What the verdict is written from. */
export interface VerdictFacts {
  outcome: string;
  positive: string | number | boolean;
  overall: { n: number; events: number; rate: number };
  personae: OutcomeRate[];
  comparison: MethodComparison[];
  confidence: number;
  /** Baselines that were asked for but skipped, with the reason. */
  skipped: string[];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const fixed = (v: number | null, digits = 2) => (v === null ? "undefined" : v.toFixed(digits));
const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(3)}`;
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function pText(p: number | null): string {
  if (p === null) return "p undefined";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

function personaeSentence(f: VerdictFacts, own: MethodComparison, alpha: number): string {
  const segs = f.personae.filter((r) => typeof r.segment !== "number" || r.segment >= 0);
  if (own.p === null) {
    return `Personae's segmentation has a single group with a known ${f.outcome}: ` +
      "there is nothing to separate.";
  }
  const stats = `(Cramér's V ${fixed(own.cramersV)}, ${pText(own.p)})`;
  if (own.p >= alpha) {
    return `Personae's ${own.segments} segments are not clearly associated with ${f.outcome} ${stats}.`;
  }
  let lo = segs[0], hi = segs[0];
  for (const r of segs) {
    if (r.rate < lo.rate) lo = r;
    if (r.rate > hi.rate) hi = r;
  }
  return `Personae's ${own.segments} segments separate ${f.outcome}: from ${pct(lo.rate)} in ` +
    `${lo.label} (n = ${count(lo.n)}) to ${pct(hi.rate)} in ${hi.label} (n = ${
      count(hi.n)
    }) ${stats}.`;
}

function baselineSentence(
  row: MethodComparison,
  own: MethodComparison,
  outcome: string,
  level: string,
): string {
  const head = `${row.method} (${row.segments} segments): V ${fixed(row.cramersV)}`;
  if (row.vDiff === null || own.cramersV === null) return `${head}; no comparison possible.`;
  const diff = `V difference Personae − ${row.method} ${signed(row.vDiff)}`;
  if (row.vDiffLow === null || row.vDiffHigh === null) {
    const which = row.vDiff > 0 ? "higher" : row.vDiff < 0 ? "lower" : "the same";
    return `${head}; Personae's V is ${which} (${diff}, no interval).`;
  }
  const ci = `${diff}, ${level} interval ${signed(row.vDiffLow)} to ${signed(row.vDiffHigh)}`;
  if (row.vDiffLow > 0) {
    return `${head}: Personae separates ${outcome} more strongly than ${row.method} (${ci}).`;
  }
  if (row.vDiffHigh < 0) {
    return `${head}: ${row.method} separates ${outcome} more strongly than Personae (${ci}).`;
  }
  return `${head}: no clear difference from Personae (${ci}).`;
}

/** A few sentences: the overall rate, how Personae's segments spread it, each baseline. */
export function verdictText(f: VerdictFacts): string {
  const level = `${Math.round(f.confidence * 1000) / 10}%`;
  const own = f.comparison[0];
  const parts = [
    `${pct(f.overall.rate)} of ${count(f.overall.n)} customers have ${f.outcome} = ` +
    `${String(f.positive)}.`,
    personaeSentence(f, own, 1 - f.confidence),
    ...f.comparison.slice(1).map((r) => baselineSentence(r, own, f.outcome, level)),
    ...f.skipped,
  ];
  return parts.join(" ");
}
