/**
 * Interval charts: a mean or a rate per segment with its confidence interval (sentiment by
 * segment; outcome rates for the evaluation, one panel per segmentation).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  hstack,
  INK,
  plotPart,
  standalone,
  textPart,
  textWidth,
  truncate,
  vstack,
} from "./_svg.ts";
import {
  type ChartOptions,
  chartWidth,
  formatCount,
  formatPercent,
  formatValue,
  segmentColor,
  segmentLabel,
  segmentLabels,
} from "./_common.ts";
import { chartWords } from "./_words.ts";
import { maxOf, minOf } from "../math/mod.ts";

/** Colour of groups that are not numbered segments (e.g. RFM cells). */
const NEUTRAL = "#5b6c8f";

/** A segment's mean with its confidence interval. */
export interface SegmentInterval {
  segment: number;
  mean: number;
  low: number;
  high: number;
  /** How many values the mean is over (printed beside the interval). */
  n?: number;
}

/**
 * Mean and normal-approximation confidence interval (mean ± z·sd/√n) of `values` per segment,
 * skipping non-finite values. Noise (-1) is kept as its own group.
 *
 * @example
 * ```ts
 * import { meanIntervals } from "./_outcomes.ts";
 * const [a, b, noise] = meanIntervals([0, 0, 0, 1, 1, -1], [1, 2, 3, 5, NaN, 4]);
 * // Segment 0: mean 2, sd 1, so 2 ± 1.96 / √3.
 * const half = 1.96 / Math.sqrt(3);
 * if (a.mean !== 2 || Math.abs(a.high - (2 + half)) > 1e-12 || a.n !== 3) throw new Error();
 * // Segment 1: the NaN is skipped; one value has no spread.
 * if (b.mean !== 5 || b.low !== 5 || b.high !== 5 || b.n !== 1) throw new Error();
 * if (noise.segment !== -1 || noise.mean !== 4) throw new Error("noise is its own group");
 * ```
 */
export function meanIntervals(
  segment: ArrayLike<number>,
  values: ArrayLike<number>,
  { z = 1.96 }: { z?: number } = {},
): SegmentInterval[] {
  if (segment.length !== values.length) {
    throw new TypeError(
      `meanIntervals needs one value per segment label: ${segment.length} labels, ` +
        `${values.length} values`,
    );
  }
  const acc = new Map<number, { n: number; sum: number; sq: number }>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const a = acc.get(segment[i]) ?? { n: 0, sum: 0, sq: 0 };
    a.n++;
    a.sum += v;
    a.sq += v * v;
    acc.set(segment[i], a);
  }
  return [...segmentLabels(acc.keys()).keys()].map((s) => {
    const { n, sum, sq } = acc.get(s)!;
    const mean = sum / n;
    const variance = n > 1 ? Math.max(0, (sq - n * mean * mean) / (n - 1)) : 0;
    const half = n > 1 ? z * Math.sqrt(variance / n) : 0;
    return { segment: s, mean, low: mean - half, high: mean + half, n };
  });
}

/** Options of {@link sentimentChart}. */
export interface SentimentOptions extends ChartOptions {
  /** @default "Mean sentiment (95% interval)" */
  xLabel?: string;
  /** Fixed x range, e.g. [-1, 1]; by default the data's extent. */
  domain?: [number, number];
}

/**
 * Mean sentiment per segment as a dot with its interval as a bar; zero marked when in range.
 *
 * @example
 * ```ts
 * import { meanIntervals, sentimentChart } from "./_outcomes.ts";
 * const rows = meanIntervals([0, 0, 1, 1], [0.5, 0.7, -0.2, -0.4]);
 * const svg = sentimentChart(rows, { segmentNames: { 1: "Unhappy" } });
 * for (const label of ["Segment 0", "Unhappy", "n = 2", "Mean sentiment (95% interval)"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * ```
 */
export function sentimentChart(rows: SegmentInterval[], options: SentimentOptions = {}): string {
  const width = chartWidth(options, "sentimentChart");
  const labels = segmentLabels(rows.map((r) => r.segment), options.segmentNames);
  const data = rows.map((r) => ({
    ...r,
    label: labels.get(r.segment)!,
    color: segmentColor(r.segment),
    note: r.n === undefined ? "" : `n = ${formatCount(r.n)}`,
  }));
  const marginLeft = Math.ceil(maxOf([...labels.values()].map((l) => textWidth(l)), 40) + 12);
  const lo = minOf(data.map((d) => d.low)), hi = maxOf(data.map((d) => d.high));
  const body = plotPart({
    width,
    height: labels.size * 30 + 50,
    marginLeft,
    marginRight: 70,
    x: {
      domain: options.domain ?? [lo, hi],
      nice: true,
      grid: true,
      label: options.xLabel ?? chartWords(options.language).sentimentAxis,
      labelArrow: "none",
      labelAnchor: "center",
    },
    y: { domain: [...labels.values()], label: null },
    color: { type: "identity" },
    marks: [
      ...(lo <= 0 && hi >= 0 ? [Plot.ruleX([0], { stroke: "#999" })] : []),
      Plot.ruleY(data, { y: "label", x1: "low", x2: "high", stroke: "color", strokeWidth: 3 }),
      Plot.dot(data, { y: "label", x: "mean", fill: "color", stroke: INK, r: 5 }),
      Plot.text(data, { y: "label", text: "note", frameAnchor: "right", dx: 66, fill: "#666" }),
    ],
  });
  return standalone({
    title: options.title ?? chartWords(options.language).sentimentBySegment,
    subtitle: options.subtitle,
    kind: "Mean sentiment by segment with intervals",
  }, body);
}

/** An outcome rate (e.g. repurchase) for one segment, with its confidence interval. */
export interface SegmentRate {
  /** Segment number (coloured by the palette) or a named group such as an RFM cell. */
  segment: number | string;
  rate: number;
  low: number;
  high: number;
  n?: number;
  /** Which segmentation the segment belongs to ("Personae", "RFM"…): one panel each. */
  segmentation?: string;
}

/** Options of {@link outcomeRateChart}. */
export interface OutcomeRateOptions extends ChartOptions {
  /** @default "Rate (95% interval)" */
  xLabel?: string;
  /** Rates are shares in [0, 1], shown as percentages. @default true */
  percent?: boolean;
  /** The rate over all customers, drawn as a dashed reference line. */
  overall?: number;
  /**
   * Panels one above the other ("rows", rate axes aligned) or side by side ("columns").
   * @default "rows"
   */
  layout?: "columns" | "rows";
}

/**
 * Outcome rate ± interval per segment; several segmentations (e.g. Personae vs RFM) become
 * panels sharing the rate axis, so their spread of rates compares at a glance.
 *
 * @example
 * ```ts
 * import { outcomeRateChart } from "./_outcomes.ts";
 * const svg = outcomeRateChart([
 *   { segment: 0, rate: 0.2, low: 0.1, high: 0.3, n: 50, segmentation: "Personae" },
 *   { segment: "Champions", rate: 0.4, low: 0.3, high: 0.5, segmentation: "RFM" },
 * ], { overall: 0.25 });
 * for (const label of ["Personae", "RFM", "Segment 0", "Champions"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * if (!svg.includes("Dashed line: all customers (25.0%)")) throw new Error("overall missing");
 * ```
 */
export function outcomeRateChart(rows: SegmentRate[], options: OutcomeRateOptions = {}): string {
  const chart = "outcomeRateChart";
  const width = chartWidth(options, chart);
  const layout = options.layout ?? "rows";
  if (layout !== "columns" && layout !== "rows") {
    throw new RangeError(
      `The 'layout' option of ${chart} must be "columns" or "rows". Got "${layout}" instead`,
    );
  }
  const percent = options.percent ?? true;
  const fmt = (v: number) => percent ? formatPercent(v) : formatValue(v);
  const names = [...new Set(rows.map((r) => r.segmentation ?? ""))];
  const lo = minOf(rows.map((r) => r.low), options.overall ?? Infinity);
  const hi = maxOf(rows.map((r) => r.high), options.overall ?? -Infinity);
  const gap = 24;
  const panelWidth = layout === "columns" && names.length > 1
    ? Math.floor((width - gap * (names.length - 1)) / names.length)
    : width;
  const label = (r: SegmentRate) =>
    typeof r.segment === "number" ? segmentLabel(r.segment, options.segmentNames) : r.segment;
  const allLabels = rows.map(label);
  // One left margin for all panels keeps the rate axes aligned when stacked.
  const marginLeft = Math.ceil(
    Math.min(panelWidth * 0.45, maxOf(allLabels.map((l) => textWidth(l)), 40)) + 12,
  );
  const panels = names.map((name) => {
    const mine = rows.filter((r) => (r.segmentation ?? "") === name);
    const data = mine.map((r) => ({
      ...r,
      label: label(r),
      color: typeof r.segment === "number" ? segmentColor(r.segment) : NEUTRAL,
      text: fmt(r.rate) + (r.n === undefined ? "" : ` (n = ${formatCount(r.n)})`),
    }));
    const plot = plotPart({
      width: panelWidth,
      height: data.length * 30 + 50,
      marginLeft,
      marginRight: 16,
      x: {
        domain: [lo, hi],
        nice: true,
        grid: true,
        tickFormat: percent ? "%" : undefined,
        label: options.xLabel ?? chartWords(options.language).rateAxis,
        labelArrow: "none",
        labelAnchor: "center",
      },
      y: {
        domain: [...new Set(data.map((d) => d.label))],
        label: null,
        tickFormat: (l: string) => truncate(l, panelWidth * 0.45),
      },
      color: { type: "identity" },
      marks: [
        ...(options.overall === undefined ? [] : [
          Plot.ruleX([options.overall], { stroke: "#d62728", strokeDasharray: "4,3" }),
        ]),
        Plot.ruleY(data, { y: "label", x1: "low", x2: "high", stroke: "color", strokeWidth: 3 }),
        Plot.dot(data, {
          y: "label",
          x: "rate",
          fill: "color",
          stroke: INK,
          r: 4.5,
          title: "text",
        }),
      ],
    });
    return name === "" ? plot : vstack([textPart(name, { size: 12, weight: "bold" }), plot], 4);
  });
  const body = layout === "columns" ? hstack(panels, gap) : vstack(panels, 16);
  const notes = options.overall === undefined
    ? []
    : [chartWords(options.language).allCustomers(fmt(options.overall))];
  return standalone({
    title: options.title ?? chartWords(options.language).outcomeRate,
    subtitle: options.subtitle,
    kind: "Outcome rate by segment with intervals",
    notes,
  }, body);
}
