/**
 * The one sentence that says why the run has the number of segments it has, and which number
 * came closest.
 *
 * @module
 */

import type { KChoice } from "../cluster/mod.ts";
import type { ReportLanguage } from "./_words.ts";

const pct = (x: number) => `${Math.round(100 * x)}%`;

/**
 * Why k was chosen, in the report's language.
 *
 * @example
 * ```ts
 * import { kChoiceSentence } from "./_k_choice.ts";
 * const text = kChoiceSentence({
 *   k: 5, runnerUp: 6, criterion: "silhouette", kMin: 3, kMax: 8, minShare: 0.02,
 *   stabilityBar: 0.8, tolerance: 0.01, relaxedShare: false, relaxedStability: false,
 * }, "en");
 * if (!text.startsWith("5 segments: the highest silhouette") || !text.includes("runner-up: 6")) {
 *   throw new Error(text);
 * }
 * ```
 */
export function kChoiceSentence(c: KChoice, language: ReportLanguage): string {
  const stable = c.stabilityBar === null ? null : c.stabilityBar.toFixed(2);
  if (language === "zh") {
    const rule = `在 k = ${c.kMin}–${c.kMax} 中，每个分群都至少占 ${pct(c.minShare)} 的客户` +
      (stable ? `、且在自助重抽样中稳定（ARI ≥ ${stable}）` : "");
    const why = c.criterion === "silhouette"
      ? `${rule}的方案里轮廓系数最高`
      : `${rule}的方案里轮廓系数与最高者相差不到 ${c.tolerance}，且最稳定`;
    return `选择 ${c.k} 个分群：${why}` +
      (c.runnerUp === null ? "。" : `；次优为 ${c.runnerUp} 个分群。`) +
      (c.relaxedShare ? "没有方案满足最小分群占比，因此放宽了该条件。" : "") +
      (c.relaxedStability ? "没有方案达到稳定性门槛，门槛已降为最稳定方案减 0.05。" : "");
  }
  const rule =
    `among k = ${c.kMin}–${c.kMax} whose every segment holds at least ${
      pct(c.minShare)
    } of customers` + (stable ? ` and comes back in bootstrap refits (ARI ≥ ${stable})` : "");
  const why = c.criterion === "silhouette"
    ? `the highest silhouette ${rule}`
    : `its silhouette is within ${c.tolerance} of the best ${rule}, and it is the most stable of those`;
  return `${c.k} segments: ${why}` +
    (c.runnerUp === null ? "." : `; runner-up: ${c.runnerUp}.`) +
    (c.relaxedShare ? " No k kept every segment that large, so all were considered." : "") +
    (c.relaxedStability
      ? " No k reached the stability bar, so it was lowered to the most stable k's ARI − 0.05."
      : "");
}
