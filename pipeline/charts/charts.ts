/**
 * Charts: Observable Plot rendered server-side to standalone SVG strings (xmlns, a `<title>`,
 * fonts named "DejaVu Sans, sans-serif", deterministic bytes), and `toPng` to rasterise them.
 * Segment colours are the same in every chart: palette by segment number, grey for noise.
 *
 * Each chart takes plain data and {@link ChartOptions} (title, subtitle, width, segment names)
 * and returns an SVG string; nothing here reads data files or prints.
 *
 * @module
 */

import { Resvg } from "@resvg/resvg-js";
import { renameIds, round } from "./_svg.ts";

export {
  CATEGORY_PALETTE,
  type ChartOptions,
  NOISE_COLOR,
  SEGMENT_PALETTE,
  segmentColor,
  segmentLabel,
  type SegmentNames,
  segmentOrder,
} from "./_common.ts";
export {
  countSegments,
  type SegmentCount,
  segmentMapChart,
  type SegmentMapData,
  type SegmentMapOptions,
  segmentSizesChart,
  silhouetteChart,
  type SilhouetteData,
  type SilhouetteOptions,
} from "./_segments.ts";
export {
  categoryMixChart,
  type CategoryMixOptions,
  heatmapChart,
  type HeatmapOptions,
  type SegmentCategoryValue,
  type SegmentFeatureZ,
} from "./_profiles.ts";
export {
  meanIntervals,
  outcomeRateChart,
  type OutcomeRateOptions,
  type SegmentInterval,
  type SegmentRate,
  sentimentChart,
  type SentimentOptions,
} from "./_outcomes.ts";
export {
  confusionChart,
  type ConfusionData,
  type FeatureImportance,
  importanceChart,
  type ImportanceOptions,
  type KScores,
  kSelectionChart,
  type KSelectionOptions,
} from "./_model.ts";
export { type Pca2d, pca2d } from "./_pca.ts";
export {
  segmentValueChart,
  type SegmentValuePoint,
  trackingChart,
  type TrackingOptions,
  type TrackingRow,
} from "./_value.ts";
export { upliftChart, type UpliftChartOptions, type UpliftPoint } from "./_uplift.ts";

/** Where Debian and Ubuntu install DejaVu, the font the charts name. */
export const DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu";

/** Options of {@link toPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (2 gives crisp images on high-density screens). @default 2 */
  scale?: number;
  /**
   * Folders of font files to load. By default the DejaVu folder when it exists, else the
   * system's fonts (resvg draws no text at all when it finds no font).
   */
  fontDirs?: string[];
}

/**
 * Rasterises a chart's SVG to PNG bytes with resvg, on a white background.
 *
 * @example
 * ```ts
 * import { segmentSizesChart, toPng } from "./charts.ts";
 * const png = toPng(segmentSizesChart([{ segment: 0, count: 3 }]));
 * if (png[1] !== 0x50) throw new Error("not a PNG"); // "\x89PNG"
 * ```
 */
export function toPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) {
    throw new RangeError(
      `The 'scale' option of toPng must be a number in (0, 16]. Got ${scale} instead`,
    );
  }
  const dirs = options.fontDirs ?? (dirExists(DEJAVU_DIR) ? [DEJAVU_DIR] : []);
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { fontDirs: dirs, loadSystemFonts: dirs.length === 0, defaultFontFamily: "DejaVu Sans" },
  });
  return new Uint8Array(resvg.render().asPng());
}

function dirExists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Makes two renderings comparable in snapshot tests: every decimal number rounded to two places
 * (in attributes and text), ids renumbered `id-1`, `id-2`… in order of appearance, and a line
 * break between adjacent tags so that snapshot diffs point at the element that changed.
 *
 * @example
 * ```ts
 * import { snapshotNormalize } from "./charts.ts";
 * const a = snapshotNormalize('<svg><clipPath id="plot-clip-7"/><g x="1.23456"/></svg>');
 * if (a !== '<svg>\n<clipPath id="id-1"/>\n<g x="1.23"/>\n</svg>') throw new Error(a);
 * ```
 */
export function snapshotNormalize(svg: string): string {
  const rounded = svg.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (n) => String(round(Number(n))));
  return renameIds(rounded, "id").replace(/></g, ">\n<");
}
