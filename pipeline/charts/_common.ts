/**
 * What every chart shares: the segment palette and labels, common options and number formats.
 *
 * @module
 */

/** Names for segment numbers, e.g. persona names: `{ 0: "Bargain hunters" }`. */
export type SegmentNames = Readonly<Record<number, string>>;

/** Options every chart accepts. */
export interface ChartOptions {
  /** Visible title; "" hides it. Each chart has its own default. */
  title?: string;
  /** A line under the title. @default "" */
  subtitle?: string;
  /** Width of the plotting area in pixels (the SVG adds a small margin). @default 640 */
  width?: number;
  /** Names shown instead of "Segment 3". */
  segmentNames?: SegmentNames;
  /** Language of the chart's own words (titles, axes, notes). @default "en" */
  language?: "en" | "zh";
}

/**
 * Segment colours, indexed by segment number (cycling past the end). Grey is left out: it is
 * reserved for noise, so a grey mark always means "no segment".
 */
export const SEGMENT_PALETTE: readonly string[] = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#a0a22b",
  "#1f3b73",
  "#a4262c",
  "#1e6b3a",
  "#f28e2b",
  "#7b3f7a",
  "#d8b365",
];

/** Colour of noise points (segment -1). */
export const NOISE_COLOR = "#b0b0b0";

/** Colours for categories (products, channels…), distinct in feel from the segment palette. */
export const CATEGORY_PALETTE: readonly string[] = [
  "#66c2a5",
  "#fc8d62",
  "#8da0cb",
  "#e78ac3",
  "#a6d854",
  "#ffd92f",
  "#e5c494",
  "#80b1d3",
  "#fb8072",
  "#bc80bd",
  "#ccebc5",
  "#fdb462",
];

/** The colour of a segment in every chart: palette by number, grey for noise (any negative). */
export function segmentColor(segment: number): string {
  if (segment < 0) return NOISE_COLOR;
  return SEGMENT_PALETTE[segment % SEGMENT_PALETTE.length];
}

/** The label of a segment: its name when given, "Noise" for -1, else "Segment 3". */
export function segmentLabel(segment: number, names?: SegmentNames): string {
  const name = names?.[segment];
  if (name !== undefined && name !== "") return name;
  return segment < 0 ? "Noise" : `Segment ${segment}`;
}

/** Distinct segments in display order: ascending, noise last. */
export function segmentOrder(segments: Iterable<number>): number[] {
  const set = [...new Set(segments)];
  return set.sort((a, b) => (a < 0 ? Infinity : a) - (b < 0 ? Infinity : b) || a - b);
}

/**
 * Labels for a set of segments, made unique (two personas given the same name would otherwise
 * merge into one bar), in display order.
 */
export function segmentLabels(
  segments: Iterable<number>,
  names?: SegmentNames,
): Map<number, string> {
  const order = segmentOrder(segments);
  const counts = new Map<string, number>();
  for (const s of order) {
    const l = segmentLabel(s, names);
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return new Map(order.map((s) => {
    const l = segmentLabel(s, names);
    return [s, counts.get(l)! > 1 ? `${l} (${s})` : l];
  }));
}

/** 12345 → "12,345" (fixed, not locale-dependent, so charts are the same on every machine). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int, frac] = Math.abs(n).toString().split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (n < 0 ? "-" : "") + grouped + (frac === undefined ? "" : `.${frac}`);
}

/** 0.2345 → "23.5%"; a share too small to show (but not zero) reads "<0.1%", not "0.0%". */
export function formatPercent(share: number, digits = 1): string {
  const smallest = 10 ** -digits;
  if (share > 0 && share * 100 < smallest / 2) return `<${smallest.toFixed(digits)}%`;
  return `${(share * 100).toFixed(digits)}%`;
}

/** A number with about three significant digits, for axis-free labels. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3)));
}

/** Validates the common options and the chart-specific width; returns the plotting width. */
export function chartWidth(options: ChartOptions, chart: string): number {
  const width = options.width ?? 640;
  if (!Number.isFinite(width) || width < 200) {
    throw new RangeError(
      `The 'width' option of ${chart} must be a number >= 200. Got ${width} instead`,
    );
  }
  return width;
}

/** Throws a TypeError naming the chart when two arrays that pair up differ in length. */
export function sameLength(chart: string, lengths: Record<string, number>): number {
  const entries = Object.entries(lengths);
  const [first, n] = entries[0];
  for (const [name, len] of entries.slice(1)) {
    if (len !== n) {
      throw new TypeError(
        `The '${name}' input of ${chart} must have as many values as '${first}' (${n}). ` +
          `Got ${len} instead`,
      );
    }
  }
  return n;
}
