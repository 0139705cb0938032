/**
 * Value charts: what each segment is worth (mean CLV and share of future value), and the
 * holdout tracking chart of the BG/NBD paper (actual against expected cumulative repeat
 * purchases, week by week).
 *
 * @module
 */

import { maxOf } from "../math/mod.ts";
import * as Plot from "@observablehq/plot";
import { INK, MUTED, plotPart, standalone, swatches, textWidth } from "./_svg.ts";
import {
  type ChartOptions,
  chartWidth,
  formatCount,
  formatPercent,
  segmentColor,
  segmentLabels,
} from "./_common.ts";
import { chartWords } from "./_words.ts";

/** One segment's value, as the value stage's `bySegment` rows give it. */
export interface SegmentValuePoint {
  segment: number;
  /** Customers valued. */
  customers: number;
  meanValue: number;
  /** Share of all future value, 0–1. */
  share: number;
}

/**
 * Mean CLV per segment as bars, each labelled with the segment's share of future value.
 *
 * @example
 * ```ts
 * import { segmentValueChart } from "./_value.ts";
 * const svg = segmentValueChart([
 *   { segment: 0, customers: 600, meanValue: 12.5, share: 0.25 },
 *   { segment: 1, customers: 400, meanValue: 56.25, share: 0.75 },
 * ], { segmentNames: { 0: "Occasional buyers", 1: "Big spenders" } });
 * if (!svg.includes("Big spenders") || !svg.includes("75")) throw new Error("labels missing");
 * ```
 */
export function segmentValueChart(rows: SegmentValuePoint[], options: ChartOptions = {}): string {
  const width = chartWidth(options, "segmentValueChart");
  const labels = segmentLabels(rows.map((r) => r.segment), options.segmentNames);
  const data = rows.map((r) => ({
    ...r,
    label: labels.get(r.segment)!,
    color: segmentColor(r.segment),
    note: chartWords(options.language).ofFutureValue(
      formatPercent(r.share),
      formatCount(r.customers),
    ),
  }));
  const marginLeft = Math.ceil(maxOf([...labels.values()].map((l) => textWidth(l)), 40) + 12);
  const body = plotPart({
    width,
    height: labels.size * 30 + 50,
    marginLeft,
    // Room for the share and count written after the longest bar.
    marginRight: Math.ceil(maxOf(data.map((d) => textWidth(d.note)))) + 12,
    x: {
      grid: true,
      nice: true,
      label: chartWords(options.language).clvAxis,
      labelArrow: "none",
      labelAnchor: "center",
    },
    y: { domain: [...labels.values()], label: null },
    color: { type: "identity" },
    marks: [
      Plot.barX(data, { y: "label", x: "meanValue", fill: "color" }),
      Plot.text(data, {
        y: "label",
        x: "meanValue",
        text: (d: { note: string }) => d.note,
        textAnchor: "start",
        dx: 6,
        fill: INK,
      }),
      Plot.ruleX([0]),
    ],
  });
  return standalone({
    title: options.title ?? chartWords(options.language).worth,
    subtitle: options.subtitle,
    kind: "Mean customer lifetime value by segment",
  }, body);
}

/** Cumulative repeat purchases of all valued customers by the end of a week. */
export interface TrackingRow {
  /** 1-based week from the first day of the data. */
  period: number;
  actual: number;
  expected: number;
  /** True for weeks that end inside the calibration period. */
  calibration: boolean;
}

/** Options of {@link trackingChart}. */
export interface TrackingOptions extends ChartOptions {
  /** @default "Week" */
  xLabel?: string;
}

const ACTUAL = INK, EXPECTED = "#d62728";

/**
 * Actual against expected cumulative repeat purchases, week by week, with the start of the
 * holdout marked: the tracking plot of Fader, Hardie & Lee (2005), figure 3.
 *
 * @example
 * ```ts
 * import { trackingChart } from "./_value.ts";
 * const rows = Array.from({ length: 10 }, (_, i) => ({
 *   period: i + 1,
 *   actual: 10 * (i + 1),
 *   expected: 9.5 * (i + 1),
 *   calibration: i < 6,
 * }));
 * const svg = trackingChart(rows, { title: "Repeat purchases" });
 * if (!svg.startsWith("<svg") || !svg.includes("Repeat purchases")) throw new Error(svg.slice(0, 80));
 * ```
 */
export function trackingChart(rows: TrackingRow[], options: TrackingOptions = {}): string {
  const width = chartWidth(options, "trackingChart");
  if (rows.length === 0) throw new RangeError("trackingChart needs at least one week");
  const lastCalibration = rows.filter((r) => r.calibration).at(-1)?.period;
  const series = rows.flatMap((r) => [
    { period: r.period, value: r.actual, series: "Actual" },
    { period: r.period, value: r.expected, series: "Expected (BG/NBD)" },
  ]);
  const body = plotPart({
    width,
    height: 300,
    marginLeft: 56,
    x: {
      label: options.xLabel ?? "Week",
      labelArrow: "none",
      labelAnchor: "center",
      nice: true,
    },
    y: {
      label: "Cumulative repeat purchases",
      labelArrow: "none",
      grid: true,
      nice: true,
      tickFormat: (v: number) => formatCount(v),
    },
    marks: [
      ...(lastCalibration === undefined ? [] : [
        Plot.ruleX([lastCalibration], { stroke: MUTED, strokeDasharray: "4,3" }),
        Plot.text([lastCalibration], {
          x: (d: number) => d,
          frameAnchor: "top",
          text: () => "holdout →",
          textAnchor: "start",
          dx: 4,
          dy: 4,
          fill: MUTED,
        }),
      ]),
      Plot.line(series.filter((d) => d.series === "Actual"), {
        x: "period",
        y: "value",
        stroke: ACTUAL,
        strokeWidth: 1.8,
      }),
      Plot.line(series.filter((d) => d.series !== "Actual"), {
        x: "period",
        y: "value",
        stroke: EXPECTED,
        strokeWidth: 1.8,
        strokeDasharray: "6,3",
      }),
    ],
  });
  const last = rows.at(-1)!;
  const legend = swatches([
    { label: `Actual (${formatCount(last.actual)} by week ${last.period})`, color: ACTUAL },
    {
      label: `Expected (BG/NBD, ${formatCount(Math.round(last.expected))} by week ${last.period})`,
      color: EXPECTED,
    },
  ], width);
  return standalone(
    {
      title: options.title ?? "Repeat purchases: actual against expected",
      subtitle: options.subtitle ??
        (lastCalibration === undefined
          ? undefined
          : `Fitted on weeks 1–${lastCalibration}; the weeks after are the holdout`),
      kind: "Cumulative repeat purchases, actual and expected",
    },
    body,
    legend,
  );
}
