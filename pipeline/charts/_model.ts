/**
 * Charts about models: feature importance, choosing k, the classifier's confusion matrix.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  hstack,
  INK,
  MUTED,
  type Part,
  plotPart,
  ramp,
  standalone,
  swatches,
  textPart,
  textWidth,
  truncate,
  truncateUnique,
  vstack,
} from "./_svg.ts";
import {
  CATEGORY_PALETTE,
  type ChartOptions,
  chartWidth,
  formatCount,
  formatPercent,
  segmentLabel,
} from "./_common.ts";
import { chartWords } from "./_words.ts";
import { maxOf, minOf } from "../math/mod.ts";

/** Importance of one feature: mean over repeats (or folds) and its spread. */
export interface FeatureImportance {
  feature: string;
  mean: number;
  /** Standard deviation over repeats; drawn as ±sd whiskers. */
  sd?: number;
  /** Feature family ("purchase", "browsing"…): colours the bars, with a legend. */
  group?: string;
}

/** Options of {@link importanceChart}. */
export interface ImportanceOptions extends ChartOptions {
  /** Show the top this many features by mean importance. @default 15 */
  top?: number;
  /** @default "Importance" */
  xLabel?: string;
}

const GROUPS = ["purchase", "preference", "price", "browsing", "social", "attribute", "text"];
const BAR = "#5b6c8f";

/**
 * Bars of mean importance with mean ± sd whiskers, the top N features, largest first.
 *
 * @example
 * ```ts
 * import { importanceChart } from "./_model.ts";
 * const svg = importanceChart([
 *   { feature: "orders", mean: 0.3, sd: 0.05, group: "purchase" },
 *   { feature: "visits", mean: 0.2, group: "browsing" },
 *   { feature: "age", mean: 0.1, group: "attribute" },
 * ], { top: 2 });
 * if (!svg.includes(">orders<") || !svg.includes(">visits<")) throw new Error("top 2 missing");
 * if (svg.includes(">age<")) throw new Error("only the top 2 features are drawn");
 * if (!svg.includes("Top 2 of 3 features")) throw new Error("the cut is not said");
 * ```
 */
export function importanceChart(
  rows: FeatureImportance[],
  options: ImportanceOptions = {},
): string {
  const chart = "importanceChart";
  const width = chartWidth(options, chart);
  const top = options.top ?? 15;
  if (!Number.isInteger(top) || top < 1) {
    throw new RangeError(
      `The 'top' option of ${chart} must be an integer >= 1. Got ${top} instead`,
    );
  }
  const shown = rows.filter((r) => Number.isFinite(r.mean))
    .sort((a, b) => b.mean - a.mean || (a.feature < b.feature ? -1 : 1))
    .slice(0, top);
  const groups = [...new Set(shown.map((r) => r.group).filter((g) => g !== undefined))];
  groups.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  const groupColor = new Map(groups.map((g, i) => [g, CATEGORY_PALETTE[i]]));
  const data = shown.map((r) => ({
    feature: r.feature,
    mean: r.mean,
    low: r.mean - (r.sd ?? 0),
    high: r.mean + (r.sd ?? 0),
    fill: r.group === undefined ? BAR : groupColor.get(r.group)!,
    hasSd: r.sd !== undefined && r.sd > 0,
  }));
  const marginLeft = Math.ceil(
    Math.min(width * 0.45, maxOf(data.map((d) => textWidth(d.feature)), 40)) + 12,
  );
  const whiskers = data.filter((d) => d.hasSd);
  const body = plotPart({
    width,
    height: data.length * 22 + 50,
    marginLeft,
    marginRight: 16,
    x: {
      label: options.xLabel ?? chartWords(options.language).importance,
      grid: true,
      labelArrow: "none",
      labelAnchor: "center",
    },
    y: {
      domain: data.map((d) => d.feature),
      label: null,
      tickFormat: (f: string) => truncate(f, width * 0.45),
    },
    color: { type: "identity" },
    marks: [
      Plot.barX(data, { x: "mean", y: "feature", fill: "fill", insetTop: 3, insetBottom: 3 }),
      Plot.ruleX([0]),
      Plot.ruleY(whiskers, { y: "feature", x1: "low", x2: "high", stroke: INK }),
      Plot.tickX(whiskers, { x: "low", y: "feature", stroke: INK, inset: 6 }),
      Plot.tickX(whiskers, { x: "high", y: "feature", stroke: INK, inset: 6 }),
    ],
  });
  const legend = groups.length > 0
    ? swatches(groups.map((g) => ({ label: g, color: groupColor.get(g)! })), width)
    : undefined;
  const notes = rows.length > shown.length
    ? [chartWords(options.language).topOf(shown.length, rows.length)]
    : [];
  if (whiskers.length > 0) notes.push(chartWords(options.language).whiskers);
  return standalone(
    {
      title: options.title ?? chartWords(options.language).whatSetsApart,
      subtitle: options.subtitle,
      kind: "Feature importance bars",
      notes,
    },
    body,
    legend,
  );
}

function rank(group: string): number {
  const i = GROUPS.indexOf(group);
  return i < 0 ? GROUPS.length : i;
}

/** Cluster-quality measures for one k; any may be missing. */
export interface KScores {
  k: number;
  silhouette?: number;
  daviesBouldin?: number;
  calinskiHarabasz?: number;
  inertia?: number;
}

/** Options of {@link kSelectionChart}. */
export interface KSelectionOptions extends ChartOptions {
  /** The k that was chosen, marked in every panel. */
  chosenK?: number;
}

function metrics(language: ChartOptions["language"]): {
  key: keyof Omit<KScores, "k">;
  label: string;
  hint: string;
}[] {
  const w = chartWords(language);
  return [
    { key: "silhouette", label: w.silhouette, hint: w.higherBetter },
    { key: "daviesBouldin", label: "Davies–Bouldin", hint: w.lowerBetter },
    { key: "calinskiHarabasz", label: "Calinski–Harabasz", hint: w.higherBetter },
    { key: "inertia", label: w.inertia, hint: w.elbow },
  ];
}

/**
 * Small multiples of each quality measure against k, sharing the k axis; chosen k marked.
 *
 * @example
 * ```ts
 * import { kSelectionChart } from "./_model.ts";
 * const svg = kSelectionChart([
 *   { k: 2, silhouette: 0.5, inertia: 100 },
 *   { k: 3, silhouette: 0.6, inertia: 60 },
 *   { k: 4, silhouette: 0.4, inertia: 50 },
 * ], { chosenK: 3 });
 * for (const label of ["Silhouette", "Inertia", "Chosen: k = 3 (dashed line)"]) {
 *   if (!svg.includes(`>${label}<`)) throw new Error(`'${label}' missing`);
 * }
 * if (svg.includes(">Davies–Bouldin<")) throw new Error("only measures given get a panel");
 * ```
 */
export function kSelectionChart(scores: KScores[], options: KSelectionOptions = {}): string {
  const width = chartWidth(options, "kSelectionChart");
  const sorted = [...scores].sort((a, b) => a.k - b.k);
  const ks = sorted.map((s) => s.k);
  const domain: [number, number] = [minOf(ks), maxOf(ks)];
  const chosen = options.chosenK;
  const present = metrics(options.language).filter((m) =>
    sorted.some((s) => Number.isFinite(s[m.key]))
  );
  const columns = present.length > 1 ? 2 : 1, gap = 24;
  const panelWidth = Math.floor((width - gap * (columns - 1)) / columns);
  const panels: Part[] = present.map((m) => {
    const points = sorted.filter((s) => Number.isFinite(s[m.key]))
      .map((s) => ({ k: s.k, v: s[m.key] as number }));
    const pick = points.filter((p) => p.k === chosen);
    const plot = plotPart({
      width: panelWidth,
      height: 170,
      marginLeft: 52,
      marginTop: 12,
      x: {
        domain,
        label: "k",
        labelArrow: "none",
        ticks: ks.length <= 12 ? ks : undefined,
        tickFormat: "d",
        inset: 8,
      },
      // SI prefixes keep large sums of squares narrow, but would print 0.5 as "500m".
      y: {
        label: null,
        grid: true,
        nice: true,
        tickFormat: maxOf(points.map((p) => Math.abs(p.v))) >= 1e4 ? "~s" : undefined,
      },
      marks: [
        ...(chosen === undefined ? [] : [
          Plot.ruleX([chosen], { stroke: "#d62728", strokeDasharray: "4,3" }),
        ]),
        Plot.line(points, { x: "k", y: "v", stroke: BAR }),
        Plot.dot(points, { x: "k", y: "v", fill: BAR, r: 3 }),
        Plot.dot(pick, { x: "k", y: "v", fill: "#d62728", r: 5 }),
      ],
    });
    const heading = hstack([
      textPart(m.label, { size: 11, weight: "bold" }),
      textPart(m.hint, { size: 10, color: MUTED }),
    ], 8);
    return vstack([heading, plot], 2);
  });
  const grid: Part[] = [];
  for (let i = 0; i < panels.length; i += columns) {
    grid.push(hstack(panels.slice(i, i + columns), gap));
  }
  return standalone({
    title: options.title ?? chartWords(options.language).chooseK,
    subtitle: options.subtitle ??
      (chosen === undefined ? undefined : chartWords(options.language).chosen(chosen)),
    kind: "Cluster quality against k",
  }, vstack(grid, 16));
}

/** Confusion counts: `counts[i][j]` customers of true class i predicted as class j. */
export interface ConfusionData {
  /** Class labels; numbers are segments (named and ordered by the caller). */
  labels: (number | string)[];
  counts: number[][];
}

/**
 * The confusion matrix as a heat map, rows = true class, columns = predicted; colour is the
 * share of the row (so small classes read as well as large ones), the cell shows the count.
 *
 * @example
 * ```ts
 * import { confusionChart } from "./_model.ts";
 * const svg = confusionChart(
 *   { labels: [0, 1], counts: [[8, 2], [1, 9]] },
 *   { segmentNames: { 1: "Loyal" } },
 * );
 * if (!svg.includes("Accuracy 85.0% on 20 customers")) throw new Error("accuracy missing");
 * if (!svg.includes(">Loyal<") || !svg.includes(">Segment 0<")) throw new Error("labels");
 * ```
 */
export function confusionChart(data: ConfusionData, options: ChartOptions = {}): string {
  const chart = "confusionChart";
  const width = chartWidth(options, chart);
  const k = data.labels.length;
  if (data.counts.length !== k || data.counts.some((r) => r.length !== k)) {
    throw new TypeError(
      `The 'counts' input of ${chart} must be a ${k} × ${k} array (one row and column per label)`,
    );
  }
  const names = data.labels.map((l) =>
    typeof l === "number" ? segmentLabel(l, options.segmentNames) : l
  );
  const color = Plot.scale({ color: { type: "linear", scheme: "Blues", domain: [0, 1] } });
  let total = 0, right = 0;
  const cells = data.counts.flatMap((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    total += rowTotal;
    right += row[i];
    return row.map((count, j) => {
      const share = rowTotal > 0 ? count / rowTotal : 0;
      return {
        truth: names[i],
        predicted: names[j],
        fill: color.apply!(share) as string,
        text: formatCount(count),
        ink: share > 0.55 ? "white" : INK,
      };
    });
  });
  const labelWidth = Math.min(160, names.reduce((a, n) => Math.max(a, textWidth(n)), 30));
  // Long persona names must not shorten into each other.
  const short = truncateUnique(names, 160);
  const cell = Math.max(24, Math.min(64, (width - labelWidth - 40) / Math.max(k, 1)));
  const rotate = labelWidth > cell - 6;
  const marginTop = rotate ? Math.ceil(labelWidth * 0.64 + 30) : 40;
  const body = plotPart({
    width: Math.ceil(labelWidth + 40 + cell * k + (rotate ? 40 : 10)),
    height: Math.ceil(marginTop + cell * k + 10),
    marginLeft: Math.ceil(labelWidth + 40),
    marginTop,
    marginBottom: 10,
    marginRight: rotate ? 40 : 10,
    x: {
      domain: names,
      axis: "top",
      label: chartWords(options.language).predicted,
      labelAnchor: "center",
      tickRotate: rotate ? -40 : 0,
      tickSize: 0,
      tickFormat: (n: string) => short.get(n) ?? n,
    },
    y: {
      domain: names,
      label: chartWords(options.language).true,
      labelAnchor: "center",
      tickSize: 0,
      tickFormat: (n: string) => short.get(n) ?? n,
    },
    color: { type: "identity" },
    marks: [
      Plot.cell(cells, { x: "predicted", y: "truth", fill: "fill", inset: 0.5 }),
      ...(k <= 12
        ? [Plot.text(cells, { x: "predicted", y: "truth", text: "text", fill: "ink" })]
        : []),
    ],
  });
  const legend = ramp((v) => color.apply!(v) as string, [0, 1], {
    label: chartWords(options.language).shareOfTrue,
    width: 200,
    ticks: 3,
    format: (v) => formatPercent(v, 0),
  });
  return standalone(
    {
      title: options.title ?? chartWords(options.language).confusion,
      subtitle: options.subtitle ??
        chartWords(options.language).accuracy(
          total > 0 ? formatPercent(right / total) : "–",
          formatCount(total),
        ),
      kind: "Confusion matrix heat map",
    },
    body,
    legend,
  );
}
