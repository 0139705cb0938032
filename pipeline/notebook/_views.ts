/**
 * Small views of a run's artifacts that notebooks (and anything else) show: a summary of each
 * feature and the segment × feature z-scores behind the heat map.
 *
 * @module
 */

import pl from "nodejs-polars";
import { segmentDrivers } from "../importance/mod.ts";
import { rawMatrix } from "../matrix/mod.ts";
import type { SegmentFeatureZ } from "../charts/mod.ts";
import type { FeatureMeta } from "../types.ts";
import type { PiiCounts } from "../privacy.ts";
import { numericColumn } from "../matrix/mod.ts";

/** One numeric feature summarised over all customers (missing values and NaN left out). */
export interface FeatureSummaryRow {
  feature: string;
  group: string;
  unit: string;
  missing: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

/**
 * Per numeric feature of the meta: its group, unit, missing values and distribution.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { featureSummary } from "./_views.ts";
 * const features = pl.DataFrame({
 *   customer_id: ["a", "b", "c", "d"],
 *   orders: [1, 3, null, 8],
 *   region: ["north", "south", "north", "south"],
 * });
 * const [orders, ...rest] = featureSummary(features, [
 *   { name: "orders", description: "Orders", unit: "orders", group: "purchase",
 *     kind: "numeric" },
 *   { name: "region", description: "Region", unit: "", group: "attribute",
 *     kind: "categorical" },
 * ]);
 * // Categorical features are left out; the null is counted, not averaged.
 * if (rest.length !== 0 || orders.feature !== "orders" || orders.missing !== 1) throw new Error();
 * if (orders.mean !== 4 || orders.median !== 3 || orders.min !== 1 || orders.max !== 8) {
 *   throw new Error(JSON.stringify(orders));
 * }
 * ```
 */
export function featureSummary(
  features: pl.DataFrame,
  meta: readonly FeatureMeta[],
): FeatureSummaryRow[] {
  return meta.filter((m) => m.kind === "numeric" && features.columns.includes(m.name)).map((m) => {
    const values = [...numericColumn(features, m.name)].filter((v) => !Number.isNaN(v)).sort((
      a,
      b,
    ) => a - b);
    const n = values.length;
    const median = n === 0
      ? null
      : n % 2
      ? values[(n - 1) / 2]
      : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {
      feature: m.name,
      group: m.group,
      unit: m.unit,
      missing: features.height - n,
      mean: n === 0 ? null : values.reduce((a, b) => a + b, 0) / n,
      median,
      min: n === 0 ? null : values[0],
      max: n === 0 ? null : values[n - 1],
    };
  });
}

/** Options of {@link segmentProfile}. */
export interface SegmentProfileOptions {
  /** Keep the features whose largest |z| over the segments is among the top this many. @default 20 */
  top?: number;
}

/**
 * How far each segment's mean of each numeric feature lies from the overall mean, in standard
 * deviations: the cells of `heatmapChart`, features ordered by their largest |z|.
 *
 * @param features The features table (customer_id plus one column per feature).
 * @param meta The features' meta.
 * @param segments Customer ids and their segments (e.g. `RunView.segments()`); customers of the
 *   features table without a segment are left out.
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { segmentProfile } from "./_views.ts";
 * const features = pl.DataFrame({
 *   customer_id: ["a", "b", "c", "d"],
 *   orders: [1, 3, null, 8],
 *   visits: [10, 12, 2, 4],
 * });
 * const meta = [
 *   { name: "visits", description: "Visits", unit: "visits", group: "browsing" as const,
 *     kind: "numeric" as const },
 *   { name: "orders", description: "Orders", unit: "orders", group: "purchase" as const,
 *     kind: "numeric" as const },
 * ];
 * const segments = { ids: ["a", "b", "c", "d"], labels: [0, 0, 1, 1] };
 * const cells = segmentProfile(features, meta, segments, { top: 1 });
 * // Orders (mean 4, sd √13) move most: segment 1's mean of 8 lies (8 − 4) / √13 above.
 * if (cells.map((c) => `${c.feature} ${c.segment}`).join() !== "orders 0,orders 1") {
 *   throw new Error(JSON.stringify(cells));
 * }
 * if (Math.abs(cells[1].z - 4 / Math.sqrt(13)) > 1e-12) throw new Error(`${cells[1].z}`);
 * ```
 */
export function segmentProfile(
  features: pl.DataFrame,
  meta: readonly FeatureMeta[],
  segments: { ids: readonly string[]; labels: ArrayLike<number> },
  options: SegmentProfileOptions = {},
): SegmentFeatureZ[] {
  const top = options.top ?? 20;
  if (!Number.isInteger(top) || top < 1) {
    throw new RangeError(
      `The 'top' option of segmentProfile must be an integer >= 1. Got ${top} instead`,
    );
  }
  const labelled = pl.DataFrame([
    pl.Series("customer_id", [...segments.ids]),
    pl.Series("__segment", Array.from(segments.labels), pl.Int32),
  ]);
  // Sorted so the sums behind each z are taken in the same order on every run.
  const joined = features.join(labelled, { on: "customer_id" }).sort("customer_id");
  const labels = joined.getColumn("__segment").toArray() as number[];
  const drivers = segmentDrivers(rawMatrix(joined, [...meta]), labels);
  const spread = new Map<string, number>();
  for (const d of drivers) {
    if (d.z !== null) spread.set(d.feature, Math.max(spread.get(d.feature) ?? 0, Math.abs(d.z)));
  }
  const order = [...spread].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top)
    .map(([f]) => f);
  const rank = new Map(order.map((f, i) => [f, i]));
  return drivers
    .filter((d) => d.z !== null && rank.has(d.feature))
    .sort((a, b) => rank.get(a.feature)! - rank.get(b.feature)! || a.segment - b.segment)
    .map((d) => ({ segment: d.segment, feature: d.feature, z: d.z! }));
}

/** One kind of personal data and how many times it was masked, by whom. */
export interface MaskingRow {
  "personal data": string;
  /** Masked by ingest as the texts were read; null for kinds ingest does not look for. */
  "at ingest": number | null;
  /** Masked by the text stage; null when the text stage did not run. */
  "in the text stage": number | null;
  total: number;
}

const PII_KINDS: [key: string, label: string][] = [
  ["email", "e-mail addresses"],
  ["phone", "phone numbers"],
  ["card", "card numbers"],
  ["url", "links"],
  ["mention", "@handles"],
  ["person", "person names"],
];

/**
 * How much personal data the run masked, per kind. Ingest masks e-mail addresses, phone and
 * card numbers, links and (when asked) @handles as it reads the texts, so no artifact holds them;
 * the text stage masks again (finding what ingest left, usually nothing) and masks the person
 * names its entity model finds. The counts are the ones the run recorded: ingest's from
 * `ingest_summary.json` (its warning gives the same numbers), the text stage's from its metrics.
 *
 * @param masked Ingest's counts: `run.get("ingest_summary").tables.texts?.masked`.
 * @param textMetrics The text stage's metrics (`run.stage("text")?.metrics`), if it ran.
 * @example
 * ```ts
 * import { maskingCounts } from "./_views.ts";
 * const rows = maskingCounts({ email: 3, phone: 1, card: 0, url: 0, mention: 0 }, {
 *   masked: { email: 0, phone: 0, card: 0, url: 0, mention: 0, person: 2 },
 * });
 * if (rows[0].total !== 3 || rows[5]["at ingest"] !== null || rows[5].total !== 2) {
 *   throw new Error(JSON.stringify(rows));
 * }
 * ```
 */
export function maskingCounts(
  masked: Readonly<PiiCounts> | undefined,
  textMetrics?: Readonly<Record<string, unknown>>,
): MaskingRow[] {
  const ingest = masked as Readonly<Record<string, number>> | undefined;
  const text = textMetrics?.masked as Record<string, number> | undefined;
  return PII_KINDS.map(([key, label]) => {
    const atIngest = ingest && key in ingest ? ingest[key] : null;
    const inText = text && key in text ? text[key] : null;
    return {
      "personal data": label,
      "at ingest": atIngest,
      "in the text stage": inText,
      total: (atIngest ?? 0) + (inText ?? 0),
    };
  });
}
