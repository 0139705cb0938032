/**
 * The campaign chart: each arm's effect against control, over all customers and within each
 * segment, with its interval; one panel per outcome, arms told apart by colour.
 *
 * @module
 */

import { maxOf, minOf } from "../math/mod.ts";
import * as Plot from "@observablehq/plot";
import { INK, plotPart, standalone, swatches, textPart, textWidth, vstack } from "./_svg.ts";
import {
  CATEGORY_PALETTE,
  type ChartOptions,
  chartWidth,
  formatValue,
  segmentLabels,
} from "./_common.ts";

/** One arm against control on one outcome, overall (segment null) or in one segment. */
export interface UpliftPoint {
  /** The segment, or null for all customers. */
  segment: number | null;
  arm: string;
  outcome: string;
  /** Treatment − control, in the outcome's own unit (a rate difference as a fraction). */
  difference: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** "newcombe-wilson" marks a rate (drawn in percentage points); others are amounts. */
  method: string;
}

/** Options of {@link upliftChart}. */
export interface UpliftChartOptions extends ChartOptions {
  /** Level of the intervals, for the axis labels. @default 0.95 */
  confidence?: number;
}

const ALL = "All customers";

/**
 * Per-segment lifts with their intervals, a panel per outcome, zero marked.
 *
 * @example
 * ```ts
 * import { upliftChart } from "./_uplift.ts";
 * const row = (segment: number | null, difference: number) => ({
 *   segment, arm: "Mens E-Mail", outcome: "visit", difference,
 *   ciLow: difference - 0.01, ciHigh: difference + 0.01, method: "newcombe-wilson",
 * });
 * const svg = upliftChart([row(null, 0.077), row(0, 0.09), row(1, 0.05)]);
 * if (!svg.includes("All customers") || !svg.includes("Mens E-Mail")) throw new Error("labels");
 * ```
 */
export function upliftChart(rows: UpliftPoint[], options: UpliftChartOptions = {}): string {
  const width = chartWidth(options, "upliftChart");
  if (rows.length === 0) throw new RangeError("upliftChart needs at least one comparison");
  const level = `${Math.round((options.confidence ?? 0.95) * 100)}%`;
  const segLabels = segmentLabels(
    rows.flatMap((r) => (r.segment === null ? [] : [r.segment])),
    options.segmentNames,
  );
  const label = (s: number | null) => (s === null ? ALL : segLabels.get(s)!);
  const yDomain = [...(rows.some((r) => r.segment === null) ? [ALL] : []), ...segLabels.values()];
  const arms = [...new Set(rows.map((r) => r.arm))];
  const color = (arm: string) => CATEGORY_PALETTE[arms.indexOf(arm) % CATEGORY_PALETTE.length];
  const marginLeft = Math.ceil(maxOf(yDomain.map((l) => textWidth(l)), 40) + 12);
  const outcomes = [...new Set(rows.map((r) => r.outcome))];
  // Arms share a segment's row, each nudged up or down so their intervals never overlap.
  const spread = Math.min(8, 22 / Math.max(1, arms.length));
  const panels = outcomes.map((outcome) => {
    const mine = rows.filter((r) => r.outcome === outcome && r.ciLow !== null && r.ciHigh !== null);
    const rate = mine.some((r) => r.method === "newcombe-wilson");
    const fmt = rate
      ? (v: number) => `${formatValue(Math.round(v * 1e4) / 100)} pp`
      : (v: number) => formatValue(v);
    const lo = minOf(mine.map((r) => r.ciLow!), 0);
    const hi = maxOf(mine.map((r) => r.ciHigh!), 0);
    const marks = arms.flatMap((arm, k) => {
      const data = mine.filter((r) => r.arm === arm).map((r) => ({
        ...r,
        y: label(r.segment),
        tip: `${arm}: ${fmt(r.difference)} (${fmt(r.ciLow!)} to ${fmt(r.ciHigh!)})`,
      }));
      const dy = (k - (arms.length - 1) / 2) * spread;
      return [
        Plot.ruleY(data, {
          y: "y",
          x1: "ciLow",
          x2: "ciHigh",
          stroke: color(arm),
          strokeWidth: 3,
          dy,
        }),
        Plot.dot(data, {
          y: "y",
          x: "difference",
          fill: color(arm),
          stroke: INK,
          r: 4,
          dy,
          title: "tip",
        }),
      ];
    });
    const plot = plotPart({
      width,
      height: yDomain.length * 34 + 50,
      marginLeft,
      marginRight: 16,
      x: {
        domain: [lo, hi],
        nice: true,
        grid: true,
        tickFormat: fmt,
        label: rate
          ? `Difference in ${outcome} rate, percentage points (${level} interval)`
          : `Difference in mean ${outcome} (${level} interval)`,
        labelArrow: "none",
        labelAnchor: "center",
      },
      y: { domain: yDomain, label: null },
      marks: [Plot.ruleX([0], { stroke: "#999" }), ...marks],
    });
    return vstack([textPart(outcome, { size: 12, weight: "bold" }), plot], 4);
  });
  const legend = swatches(arms.map((arm) => ({ label: arm, color: color(arm) })), width, "Arm");
  return standalone(
    {
      title: options.title ?? "Campaign effect by segment",
      subtitle: options.subtitle ?? `Each arm against control; bars are ${level} intervals`,
      kind: "Campaign effect by segment with intervals",
    },
    vstack(panels, 16),
    legend,
  );
}
