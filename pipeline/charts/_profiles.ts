/**
 * Charts that profile segments: the segment × feature heat map of z-scores, the category mix
 * and sentiment by segment.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { INK, plotPart, ramp, standalone, swatches, textWidth, truncate } from "./_svg.ts";
import {
  CATEGORY_PALETTE,
  type ChartOptions,
  chartWidth,
  formatPercent,
  formatValue,
  segmentLabels,
} from "./_common.ts";
import { chartWords } from "./_words.ts";
import { maxOf } from "../math/mod.ts";

/** One cell of the heat map: how far a segment's mean of a feature lies from the overall mean. */
export interface SegmentFeatureZ {
  segment: number;
  feature: string;
  /** (segment mean − overall mean) / overall standard deviation. */
  z: number;
}

/** Options of {@link heatmapChart}. */
export interface HeatmapOptions extends ChartOptions {
  /** Colours saturate at ±clamp (values beyond still print their own number). @default 3 */
  clamp?: number;
  /** Print z in each cell; by default only when there are at most 200 cells. */
  showValues?: boolean;
}

/**
 * A segment × feature heat map of z-scores on a diverging scale (blue below the overall mean,
 * red above), features as rows in the order given, segments as columns.
 *
 * @example
 * ```ts
 * import { heatmapChart } from "./charts.ts";
 * const svg = heatmapChart([{ segment: 0, feature: "orders", z: 1.5 }]);
 * if (!svg.includes("+1.5")) throw new Error("value missing");
 * ```
 */
export function heatmapChart(cells: SegmentFeatureZ[], options: HeatmapOptions = {}): string {
  const chart = "heatmapChart";
  const width = chartWidth(options, chart);
  const clamp = options.clamp ?? 3;
  if (!(clamp > 0)) {
    throw new RangeError(
      `The 'clamp' option of ${chart} must be a number > 0. Got ${clamp} instead`,
    );
  }
  const features = [...new Set(cells.map((c) => c.feature))];
  const labels = segmentLabels(cells.map((c) => c.segment), options.segmentNames);
  const showValues = options.showValues ?? features.length * labels.size <= 200;
  const color = Plot.scale({
    color: { type: "linear", scheme: "BuRd", domain: [-clamp, clamp], clamp: true },
  });
  const fill = (z: number) => Number.isFinite(z) ? color.apply!(z) as string : "#eeeeee";
  const rows = cells.map((c) => ({
    feature: c.feature,
    label: labels.get(c.segment)!,
    fill: fill(c.z),
    text: signed(c.z),
    ink: Math.abs(c.z) > 0.6 * clamp ? "white" : INK,
  }));
  const marginLeft = Math.ceil(
    Math.min(width * 0.4, maxOf(features.map((f) => textWidth(f)), 40)) + 10,
  );
  const colWidth = Math.min(90, (width - marginLeft - 10) / Math.max(labels.size, 1));
  const longest = maxOf([...labels.values()].map((l) => textWidth(l)));
  // Column names that do not fit their column are turned, so they never run into each other.
  const rotate = longest > colWidth - 6;
  const shownLongest = Math.min(longest, 160);
  const marginTop = rotate ? Math.ceil(shownLongest * 0.64 + 16) : 30;
  const plotWidth = Math.ceil(marginLeft + colWidth * labels.size + (rotate ? 40 : 10));
  const body = plotPart({
    width: plotWidth,
    height: marginTop + features.length * 22 + 10,
    marginLeft,
    marginTop,
    marginBottom: 10,
    marginRight: rotate ? 40 : 10,
    x: {
      domain: [...labels.values()],
      axis: "top",
      label: null,
      tickRotate: rotate ? -40 : 0,
      tickFormat: (l: string) => truncate(l, 160),
      tickSize: 0,
    },
    y: {
      domain: features,
      label: null,
      tickSize: 0,
      tickFormat: (f: string) => truncate(f, width * 0.4),
    },
    color: { type: "identity" },
    marks: [
      Plot.cell(rows, { x: "label", y: "feature", fill: "fill", inset: 0.5 }),
      ...(showValues
        ? [Plot.text(rows, { x: "label", y: "feature", text: "text", fill: "ink" })]
        : []),
    ],
  });
  const legend = ramp((v) => color.apply!(v) as string, [-clamp, clamp], {
    label: chartWords(options.language).zLegend,
    width: Math.min(260, width),
    format: (v) => (v > 0 ? "+" : "") + formatValue(v),
  });
  return standalone(
    {
      title: options.title ?? chartWords(options.language).howSegmentsDiffer,
      subtitle: options.subtitle,
      kind: "Heat map of feature z-scores by segment",
      notes: [chartWords(options.language).saturate(clamp)],
    },
    body,
    legend,
  );
}

function signed(z: number): string {
  if (!Number.isFinite(z)) return "–";
  const t = z.toFixed(1);
  return t === "0.0" || t === "-0.0" ? "0.0" : (z > 0 ? "+" : "") + t;
}

/** How much of a category a segment bought (a count or an amount). */
export interface SegmentCategoryValue {
  segment: number;
  category: string;
  value: number;
}

/** Options of {@link categoryMixChart}. */
export interface CategoryMixOptions extends ChartOptions {
  /** Categories past the largest this many are merged into "Other" (said in a note). @default 10 */
  maxCategories?: number;
  /** What the values are, for the subtitle. @default "share of value" */
  valueLabel?: string;
}

/**
 * Stacked 100% bars: each segment's mix of categories; shares of 7% or more are printed.
 *
 * @example
 * ```ts
 * import { categoryMixChart } from "./_profiles.ts";
 * const svg = categoryMixChart([
 *   { segment: 0, category: "shoes", value: 30 },
 *   { segment: 0, category: "bags", value: 10 },
 *   { segment: 1, category: "bags", value: 20 },
 * ], { segmentNames: { 0: "Sneakerheads" } });
 * for (const label of ["Sneakerheads", "Segment 1", "shoes", "bags", "75%", "25%"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * ```
 */
export function categoryMixChart(
  values: SegmentCategoryValue[],
  options: CategoryMixOptions = {},
): string {
  const chart = "categoryMixChart";
  const width = chartWidth(options, chart);
  const maxCategories = options.maxCategories ?? 10;
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new RangeError(
      `The 'maxCategories' option of ${chart} must be an integer >= 1. Got ${maxCategories} ` +
        "instead",
    );
  }
  const totals = new Map<string, number>();
  for (const v of values) totals.set(v.category, (totals.get(v.category) ?? 0) + v.value);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
  const kept = ranked.length > maxCategories ? ranked.slice(0, maxCategories - 1) : ranked;
  const order = kept.length < ranked.length ? [...kept, "Other"] : kept;
  const colorOf = new Map(order.map((c, i) => [c, CATEGORY_PALETTE[i % CATEGORY_PALETTE.length]]));
  if (kept.length < ranked.length) colorOf.set("Other", "#b3b3b3");
  const labels = segmentLabels(values.map((v) => v.segment), options.segmentNames);
  const bars: { label: string; category: string; x1: number; x2: number; fill: string }[] = [];
  const notes: string[] = [];
  for (const [segment, label] of labels) {
    const sums = new Map<string, number>();
    for (const v of values) {
      if (v.segment !== segment) continue;
      const c = kept.includes(v.category) ? v.category : "Other";
      sums.set(c, (sums.get(c) ?? 0) + v.value);
    }
    const total = [...sums.values()].reduce((a, b) => a + b, 0);
    if (!(total > 0)) {
      notes.push(`${label} has nothing to show`);
      continue;
    }
    let x = 0;
    for (const c of order) {
      const share = (sums.get(c) ?? 0) / total;
      if (share > 0) bars.push({ label, category: c, x1: x, x2: x + share, fill: colorOf.get(c)! });
      x += share;
    }
  }
  if (kept.length < ranked.length) {
    notes.unshift(chartWords(options.language).merged(ranked.length - kept.length));
  }
  const marginLeft = Math.ceil(maxOf([...labels.values()].map((l) => textWidth(l)), 40) + 12);
  const body = plotPart({
    width,
    height: labels.size * 30 + 50,
    marginLeft,
    marginRight: 10,
    x: { domain: [0, 1], tickFormat: "%", label: null, grid: false },
    y: { domain: [...labels.values()], label: null, tickSize: 0 },
    color: { type: "identity" },
    marks: [
      Plot.barX(bars, { x1: "x1", x2: "x2", y: "label", fill: "fill", inset: 0.5 }),
      Plot.text(bars.filter((b) => b.x2 - b.x1 >= 0.07), {
        x: (b: { x1: number; x2: number }) => (b.x1 + b.x2) / 2,
        y: "label",
        text: (b: { x1: number; x2: number }) => formatPercent(b.x2 - b.x1, 0),
        fill: INK,
      }),
    ],
  });
  const legend = swatches(order.map((c) => ({ label: c, color: colorOf.get(c)! })), width);
  return standalone(
    {
      title: options.title ?? chartWords(options.language).categoryMix,
      subtitle: options.subtitle ??
        chartWords(options.language).eachBar(
          options.valueLabel ?? chartWords(options.language).shareOfValue,
        ),
      kind: "Stacked bars of category shares by segment",
      notes,
    },
    body,
    legend,
  );
}
