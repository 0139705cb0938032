/**
 * Which arm to send each segment, per outcome. An arm is recommended only when its interval
 * against control excludes 0 in the good direction, its p-value stays below 1 − confidence after
 * the adjustment across segments, and, compared head to head with every other arm in that
 * segment (same interval method), its interval again excludes 0. Comparing the two
 * arms directly is the test of "beats the other arm"; checking whether their intervals against
 * control overlap would be more conservative than the stated confidence.
 *
 * @module
 */

import type { Effect } from "./_effects.ts";
import type { Recommendation, SegmentComparison } from "./uplift.ts";

/** What the recommendations need besides the per-segment rows. */
export interface RecommendContext {
  segments: number[];
  outcomes: string[];
  confidence: number;
  adjust: "holm" | "bh";
  lowerIsBetter: string[];
  /** The effect of arm `a` against arm `b` on `outcome` in `segment`. */
  headToHead: (segment: number, a: string, b: string, outcome: string) => Effect;
}

const signed = (v: number) => (v > 0 ? "+" : "") + Number(v.toPrecision(3));
const interval = (lo: number | null, hi: number | null, level: string) =>
  lo === null || hi === null
    ? "no interval"
    : `${level} CI ${Number(lo.toPrecision(3))} to ${Number(hi.toPrecision(3))}`;
const fmtP = (p: number | null) => (p === null ? "n/a" : String(Number(p.toPrecision(2))));

/**
 * One recommendation per segment and outcome, in segment then outcome order.
 *
 * @example
 * ```ts
 * import { recommend } from "./_recommend.ts";
 * const row = (arm: string, difference: number, ciLow: number, ciHigh: number) => ({
 *   segment: 0, arm, outcome: "visit", control: "none", n: 100, nControl: 100, mean: 0,
 *   meanControl: 0, difference, ciLow, ciHigh, relativeLift: null, pValue: 0.01,
 *   pAdjusted: 0.02, method: "newcombe-wilson" as const,
 * });
 * // 'a' against 'b' head to head: +0.06, interval 0.03 to 0.09.
 * const aVsB = { difference: 0.06, ciLow: 0.03, ciHigh: 0.09, pValue: 0.001, variance: 0 };
 * const [rec] = recommend([row("a", 0.08, 0.05, 0.11), row("b", 0.02, -0.01, 0.05)], {
 *   segments: [0], outcomes: ["visit"], confidence: 0.95, adjust: "holm", lowerIsBetter: [],
 *   headToHead: () => aVsB,
 * });
 * if (rec.arm !== "a") throw new Error(rec.reason);
 * ```
 */
export function recommend(rows: SegmentComparison[], ctx: RecommendContext): Recommendation[] {
  const level = `${Number((ctx.confidence * 100).toPrecision(4))}%`;
  const adjName = ctx.adjust === "holm" ? "Holm" : "BH";
  const out: Recommendation[] = [];
  for (const segment of ctx.segments) {
    for (const outcome of ctx.outcomes) {
      const sign = ctx.lowerIsBetter.includes(outcome) ? -1 : 1;
      const good = (lo: number | null, hi: number | null) =>
        sign > 0 ? lo !== null && lo > 0 : hi !== null && hi < 0;
      const here = rows.filter((r) => r.segment === segment && r.outcome === outcome);
      const base = { segment, outcome };
      if (here.length === 0) {
        out.push({ ...base, arm: null, reason: `No arm could be compared on ${outcome} here` });
        continue;
      }
      const control = here[0].control;
      const byGain = [...here].sort((a, b) => sign * (b.difference - a.difference));
      const alpha = Number((1 - ctx.confidence).toPrecision(6));
      const clear = byGain.filter((r) => good(r.ciLow, r.ciHigh));
      const winners = clear.filter((r) => r.pAdjusted !== null && r.pAdjusted < alpha);
      if (winners.length === 0) {
        const top = clear[0] ?? byGain[0];
        const estimate = `'${top.arm}', ${signed(top.difference)}, ` +
          interval(top.ciLow, top.ciHigh, level);
        out.push({
          ...base,
          arm: null,
          reason: clear.length > 0
            ? `No arm beats '${control}' on ${outcome} once p-values are adjusted across ` +
              `segments: ${estimate}, but ${adjName}-adjusted p ${fmtP(top.pAdjusted)} ≥ ${alpha}`
            : `No arm beats '${control}' on ${outcome}: every ${level} interval includes 0 ` +
              `or points the wrong way (best estimate ${estimate})`,
        });
        continue;
      }
      const best = winners[0];
      const vsControl = `${signed(best.difference)} over '${control}' on ${outcome} (` +
        `${interval(best.ciLow, best.ciHigh, level)}; ${adjName}-adjusted p ${
          fmtP(best.pAdjusted)
        })`;
      const rivals = here.filter((r) => r.arm !== best.arm).map((r) => ({
        arm: r.arm,
        effect: ctx.headToHead(segment, best.arm, r.arm, outcome),
      }));
      const unbeaten = rivals.find((r) => !good(r.effect.ciLow, r.effect.ciHigh));
      if (unbeaten) {
        const e = unbeaten.effect;
        out.push({
          ...base,
          arm: null,
          reason: `No clear winner: '${best.arm}' gives ${vsControl}, but against ` +
            `'${unbeaten.arm}' its difference is ${signed(e.difference)} (` +
            `${interval(e.ciLow, e.ciHigh, level)})`,
        });
        continue;
      }
      const beats = rivals.map((r) =>
        `'${r.arm}' by ${signed(r.effect.difference)} (${
          interval(r.effect.ciLow, r.effect.ciHigh, level)
        })`
      ).join(", ");
      out.push({
        ...base,
        arm: best.arm,
        reason: `'${best.arm}' gives ${vsControl}` + (beats ? ` and beats ${beats}` : ""),
      });
    }
  }
  return out;
}
