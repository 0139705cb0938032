/**
 * Charts about the segments themselves: sizes, the 2-D map of customers, silhouette profile.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { permutation, rng } from "../math/mod.ts";
import { plotPart, standalone, swatches, textWidth } from "./_svg.ts";
import {
  type ChartOptions,
  chartWidth,
  formatCount,
  formatPercent,
  formatValue,
  sameLength,
  segmentColor,
  segmentLabels,
  segmentOrder,
} from "./_common.ts";
import { chartWords } from "./_words.ts";
import { maxOf, minOf } from "../math/mod.ts";

/** How many customers a segment holds. */
export interface SegmentCount {
  segment: number;
  count: number;
}

/**
 * Counts customers per segment from a label per customer (noise = -1), in display order.
 *
 * @example
 * ```ts
 * import { countSegments } from "./_segments.ts";
 * const counts = countSegments(new Int32Array([1, 0, -1, 1, 1]));
 * // Ascending segments, noise last.
 * if (JSON.stringify(counts) !== JSON.stringify([
 *   { segment: 0, count: 1 },
 *   { segment: 1, count: 3 },
 *   { segment: -1, count: 1 },
 * ])) throw new Error(JSON.stringify(counts));
 * ```
 */
export function countSegments(labels: ArrayLike<number>): SegmentCount[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  return segmentOrder(counts.keys()).map((segment) => ({ segment, count: counts.get(segment)! }));
}

/**
 * Horizontal bars of segment sizes, each labelled with its count and share of all customers.
 *
 * @example
 * ```ts
 * import { segmentSizesChart } from "./charts.ts";
 * const svg = segmentSizesChart([{ segment: 0, count: 30 }, { segment: 1, count: 10 }]);
 * if (!svg.includes("75.0%")) throw new Error("share missing");
 * ```
 */
export function segmentSizesChart(sizes: SegmentCount[], options: ChartOptions = {}): string {
  const width = chartWidth(options, "segmentSizesChart");
  const labels = segmentLabels(sizes.map((s) => s.segment), options.segmentNames);
  const total = sizes.reduce((a, s) => a + s.count, 0);
  const rows = [...labels].map(([segment, label]) => {
    const count = sizes.filter((s) => s.segment === segment).reduce((a, s) => a + s.count, 0);
    const share = total > 0 ? count / total : 0;
    return {
      label,
      count,
      color: segmentColor(segment),
      text: `${formatCount(count)} · ${formatPercent(share)}`,
    };
  });
  const marginLeft = Math.ceil(maxOf(rows.map((r) => textWidth(r.label)), 40) + 12);
  const marginRight = Math.ceil(maxOf(rows.map((r) => textWidth(r.text)), 20) + 10);
  const body = plotPart({
    width,
    height: rows.length * 28 + 50,
    marginLeft,
    marginRight,
    x: {
      label: chartWords(options.language).customers,
      grid: true,
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: { label: null, domain: rows.map((r) => r.label) },
    color: { type: "identity" },
    marks: [
      Plot.barX(rows, { x: "count", y: "label", fill: "color" }),
      Plot.text(rows, {
        x: "count",
        y: "label",
        text: "text",
        textAnchor: "start",
        dx: 4,
        clip: false,
      }),
      Plot.ruleX([0]),
    ],
  });
  return standalone({
    title: options.title ?? chartWords(options.language).segmentSizes,
    subtitle: options.subtitle ??
      chartWords(options.language).inGroups(formatCount(total), rows.length),
    kind: "Segment sizes",
  }, body);
}

/** Coordinates of each customer on the map and its segment, index-aligned. */
export interface SegmentMapData {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  segment: ArrayLike<number>;
}

/** Options of {@link segmentMapChart}. */
export interface SegmentMapOptions extends ChartOptions {
  /** @default "Component 1" */
  xLabel?: string;
  /** @default "Component 2" */
  yLabel?: string;
  /** Past this many customers a seeded random sample is drawn (and said so). @default 20000 */
  maxPoints?: number;
  /** Seed of that sample. @default 0 */
  seed?: number;
  /** Plot height in pixels. @default 480 */
  height?: number;
}

/**
 * A scatter plot of customers on two axes (e.g. the first two principal components from
 * `pca2d`), coloured by segment; noise is drawn first, in grey, beneath the segments.
 *
 * @example
 * ```ts
 * import { segmentMapChart } from "./_segments.ts";
 * const svg = segmentMapChart(
 *   { x: [0, 1, 5, 6], y: [0, 1, 5, 6], segment: [0, 0, 1, -1] },
 *   { xLabel: "PC1", maxPoints: 3 },
 * );
 * for (const label of ["Segment 0", "Segment 1", "Noise", "PC1", "Component 2"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * if (!svg.includes("random sample of 3 of 4 customers")) throw new Error("sample not said");
 * ```
 */
export function segmentMapChart(data: SegmentMapData, options: SegmentMapOptions = {}): string {
  const chart = "segmentMapChart";
  const width = chartWidth(options, chart);
  const n = sameLength(chart, { x: data.x.length, y: data.y.length, segment: data.segment.length });
  const maxPoints = options.maxPoints ?? 20000;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(
      `The 'maxPoints' option of ${chart} must be an integer >= 1. Got ${maxPoints} instead`,
    );
  }
  const notes: string[] = [];
  let shown: number[];
  if (n > maxPoints) {
    const seed = options.seed ?? 0;
    shown = Array.from(permutation(n, rng(seed)).subarray(0, maxPoints)).sort((a, b) => a - b);
    notes.push(
      `Showing a random sample of ${formatCount(maxPoints)} of ${formatCount(n)} customers ` +
        `(seed ${seed})`,
    );
  } else {
    shown = Array.from({ length: n }, (_, i) => i);
  }
  const finite = shown.filter((i) => Number.isFinite(data.x[i]) && Number.isFinite(data.y[i]));
  if (finite.length < shown.length) {
    notes.push(`${formatCount(shown.length - finite.length)} customers without coordinates`);
  }
  // Noise first so that segment colours stay visible on top of it.
  const ordered = [
    ...finite.filter((i) => data.segment[i] < 0),
    ...finite.filter((i) => data.segment[i] >= 0),
  ];
  const labels = segmentLabels(Array.from(data.segment), options.segmentNames);
  const legend = swatches(
    [...labels].map(([s, label]) => ({ label, color: segmentColor(s) })),
    width,
  );
  const radius = ordered.length > 5000 ? 1.5 : ordered.length > 500 ? 2.2 : 3.5;
  const body = plotPart({
    width,
    height: options.height ?? 480,
    x: {
      label: options.xLabel ?? chartWords(options.language).component(1),
      grid: true,
      nice: true,
      labelArrow: "none",
    },
    y: {
      label: options.yLabel ?? chartWords(options.language).component(2),
      grid: true,
      nice: true,
      labelArrow: "none",
    },
    color: { type: "identity" },
    marks: [
      Plot.dot(ordered, {
        x: (i: number) => data.x[i],
        y: (i: number) => data.y[i],
        fill: (i: number) => segmentColor(data.segment[i]),
        r: radius,
        fillOpacity: 0.7,
        stroke: null,
      }),
    ],
  });
  return standalone(
    {
      title: options.title ?? chartWords(options.language).customersBySegment,
      subtitle: options.subtitle,
      kind: "Map of customers by segment",
      notes,
    },
    body,
    legend,
  );
}

/** Silhouette value of each customer and its segment, index-aligned. */
export interface SilhouetteData {
  segment: ArrayLike<number>;
  silhouette: ArrayLike<number>;
}

/** Options of {@link silhouetteChart}. */
export interface SilhouetteOptions extends ChartOptions {
  /** Each segment's profile is drawn through at most this many quantiles. @default 200 */
  maxPointsPerSegment?: number;
}

/**
 * A silhouette profile: per segment, each customer's silhouette sorted from high to low, as a
 * band whose height follows the segment's size; the dashed line is the overall mean. Noise
 * (segment -1) has no silhouette and is left out, with a note.
 *
 * @example
 * ```ts
 * import { silhouetteChart } from "./_segments.ts";
 * const svg = silhouetteChart({
 *   segment: [0, 0, 1, 1, -1],
 *   silhouette: [0.8, 0.6, 0.5, 0.3, NaN],
 * });
 * // Each segment's mean in brackets, the overall mean, and the noise left out.
 * for (const label of ["Segment 0 (0.7)", "Segment 1 (0.4)", "mean 0.55"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * if (!svg.includes("1 noise customers are not shown")) throw new Error("noise not said");
 * ```
 */
export function silhouetteChart(data: SilhouetteData, options: SilhouetteOptions = {}): string {
  const chart = "silhouetteChart";
  const width = chartWidth(options, chart);
  const n = sameLength(chart, { segment: data.segment.length, silhouette: data.silhouette.length });
  const maxPts = options.maxPointsPerSegment ?? 200;
  if (!Number.isInteger(maxPts) || maxPts < 2) {
    throw new RangeError(
      `The 'maxPointsPerSegment' option of ${chart} must be an integer >= 2. Got ${maxPts} ` +
        "instead",
    );
  }
  const bySegment = new Map<number, number[]>();
  let noise = 0, sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    const s = data.segment[i], v = data.silhouette[i];
    if (s < 0) noise++;
    else if (Number.isFinite(v)) {
      if (!bySegment.has(s)) bySegment.set(s, []);
      bySegment.get(s)!.push(v);
      sum += v;
      count++;
    }
  }
  const labels = segmentLabels(bySegment.keys(), options.segmentNames);
  const sizes = [...labels.keys()].map((s) => bySegment.get(s)!.length);
  // Bands follow segment size but never shrink below a readable height.
  const plotH = Math.min(520, Math.max(160, labels.size * 44));
  const minBand = 18, gap = 6;
  const bands = sizes.map((m) => Math.max(minBand, plotH * m / Math.max(count, 1)));
  const points: { y: number; v: number; segment: number }[] = [];
  const ticks: { y: number; label: string }[] = [];
  let offset = 0;
  [...labels].forEach(([s, label], k) => {
    const values = bySegment.get(s)!.sort((a, b) => b - a);
    const m = values.length, shown = Math.min(m, maxPts), band = bands[k];
    for (let j = 0; j < shown; j++) {
      const rank = shown === 1 ? 0 : j * (m - 1) / (shown - 1);
      const v = values[Math.round(rank)];
      points.push({ y: offset + (shown === 1 ? 0.5 : j / (shown - 1)) * band, v, segment: s });
    }
    const mean = values.reduce((a, b) => a + b, 0) / m;
    ticks.push({ y: offset + band / 2, label: `${label} (${formatValue(mean)})` });
    offset += band + gap;
  });
  const total = Math.max(offset - gap, 1);
  const mean = count > 0 ? sum / count : NaN;
  const values = points.map((p) => p.v);
  const lo = minOf(values, 0), hi = maxOf(values, 0.1);
  const marginLeft = Math.ceil(maxOf(ticks.map((t) => textWidth(t.label)), 40) + 14);
  const tickLabel = new Map(ticks.map((t) => [t.y, t.label]));
  const body = plotPart({
    width,
    height: total + 62,
    marginLeft,
    marginTop: 22,
    marginBottom: 40,
    x: {
      domain: [lo, hi],
      nice: true,
      grid: true,
      label: chartWords(options.language).silhouette,
      labelArrow: "none",
      labelAnchor: "center",
    },
    y: { domain: [0, total], reverse: true, axis: null },
    color: { type: "identity" },
    marks: [
      Plot.areaX(points, {
        y: "y",
        x1: 0,
        x2: "v",
        z: "segment",
        fill: (p: { segment: number }) => segmentColor(p.segment),
      }),
      Plot.ruleX([0]),
      ...(Number.isFinite(mean)
        ? [
          Plot.ruleX([mean], { stroke: "#d62728", strokeDasharray: "4,3" }),
          Plot.text([mean], {
            x: (d: number) => d,
            frameAnchor: "top",
            dy: -12,
            text: () => `${chartWords(options.language).mean} ${formatValue(mean)}`,
            fill: "#d62728",
          }),
        ]
        : []),
      Plot.axisY(ticks.map((t) => t.y), {
        tickFormat: (y: number) => tickLabel.get(y) ?? "",
        tickSize: 0,
        label: null,
      }),
    ],
  });
  const notes = noise > 0 ? [`${formatCount(noise)} noise customers are not shown`] : [];
  return standalone({
    title: options.title ?? chartWords(options.language).silhouetteBySegment,
    subtitle: options.subtitle ??
      chartWords(options.language).silhouetteNote,
    kind: "Silhouette profile by segment",
    notes,
  }, body);
}
