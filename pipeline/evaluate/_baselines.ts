/**
 * The baselines the evaluate stage compares Personae with: RFM quintile segments, and K-Means
 * on the raw (unscaled) numeric features, the naive approach.
 *
 * @module
 */

import pl from "nodejs-polars";
import { clusterStage } from "../cluster/mod.ts";
import { didYouMean } from "../errors.ts";
import type { FeatureMeta, StageWarning } from "../types.ts";
import { quantileSorted } from "./_stats.ts";
import { applyRfm, fitRfm, rfmColumnList, type RfmColumns, type RfmModel } from "./_rfm.ts";

type Warn = (message: string, count?: number) => void;

/** The features stage's purchase features that RFM reads by default. */
export const TRANSACTION_RFM: RfmColumns = {
  recency: "recency_days",
  frequency: "frequency",
  monetary: "monetary_total",
  scheme: "named",
};

/** Row of each id in the feature table; throws when a segmented customer has no features. */
export function featureRows(features: pl.DataFrame, ids: string[]): Uint32Array {
  if (!features.columns.includes("customer_id")) {
    throw new TypeError("The features given to evaluate have no 'customer_id' column");
  }
  const have = features.getColumn("customer_id").cast(pl.Utf8).toArray() as string[];
  const at = new Map(have.map((id, i) => [id, i]));
  const rows = new Uint32Array(ids.length);
  const absent: string[] = [];
  ids.forEach((id, i) => {
    const r = at.get(id);
    if (r === undefined) absent.push(id);
    else rows[i] = r;
  });
  if (absent.length > 0) {
    throw new TypeError(
      `${absent.length} segmented customers have no row in the features given to evaluate ` +
        `(first: '${absent[0]}')`,
    );
  }
  return rows;
}

/** Numeric columns of the feature table, rows in segmented-customer order; NaN for missing. */
export function alignedColumns(
  features: pl.DataFrame,
  rows: Uint32Array,
  columns: string[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const c of columns) {
    let v: (number | null)[];
    try {
      v = features.getColumn(c).cast(pl.Float64).toArray() as (number | null)[];
    } catch {
      throw new TypeError(
        `Column '${c}' given to evaluate must be numeric: got ${features.getColumn(c).dtype}`,
      );
    }
    out[c] = Float64Array.from(rows, (r) => v[r] ?? NaN);
  }
  return out;
}

/** The RFM model and segment per segmented customer, or null (with a warning) when skipped. */
export function rfmBaseline(
  features: pl.DataFrame,
  rows: Uint32Array,
  option: "auto" | RfmColumns,
  warn: Warn,
): { model: RfmModel; scores: ReturnType<typeof applyRfm> } | null {
  const columns = option === "auto" ? TRANSACTION_RFM : option;
  const needed = [...(columns.recency ? [columns.recency] : []), ...rfmColumnList(columns)];
  const absent = needed.filter((c) => !features.columns.includes(c));
  if (absent.length > 0) {
    if (option === "auto") {
      warn(
        `RFM baseline skipped: the features have no ${absent.map((c) => `'${c}'`).join(", ")} ` +
          "(no order history); name the columns in the evaluate option 'rfm', or set it to false",
      );
      return null;
    }
    const c = absent[0];
    throw new TypeError(
      `The 'rfm' option of evaluate names column '${c}', which the features do not have${
        didYouMean(c, features.columns)
      }`,
    );
  }
  const frame = pl.DataFrame(alignedColumns(features, rows, needed));
  const model = fitRfm(frame, columns);
  const scores = applyRfm(model, frame);
  for (
    const [name, part] of [["R", model.recency], ["F", model.frequency], [
      "M",
      model.monetary,
    ]] as const
  ) {
    if (part && part.emptyScores.length > 0) {
      warn(
        `RFM: no customer scored ${name} = ${part.emptyScores.join(", ")} ` +
          `(tied values of ${part.columns.join(" + ")} share one score)`,
      );
    }
  }
  for (const [name, count] of Object.entries(scores.missing)) {
    if (count > 0) warn(`RFM: customers without a ${name} value were scored 1`, count);
  }
  return { model, scores };
}

/**
 * K-Means with Personae's k on the raw numeric features the segmentation used (categorical
 * ones left out, as a naive pipeline would), missing values filled with the column median.
 */
export function rawKMeansBaseline(
  features: pl.DataFrame,
  rows: Uint32Array,
  meta: FeatureMeta[],
  used: string[] | undefined,
  k: number,
  seed: number,
  warn: Warn,
): Int32Array | null {
  const numeric = new Set(meta.filter((m) => m.kind === "numeric").map((m) => m.name));
  for (const c of used ?? []) {
    if (!features.columns.includes(c)) {
      throw new TypeError(
        `The segmentation feature '${c}' given to evaluate is missing from the features${
          didYouMean(c, features.columns)
        }`,
      );
    }
  }
  const names = (used ?? meta.map((m) => m.name)).filter((c) => numeric.has(c));
  const cols = alignedColumns(features, rows, names);
  const kept: Float64Array[] = [], keptNames: string[] = [];
  let filled = 0;
  for (const c of names) {
    const v = cols[c];
    const present = v.filter((x) => Number.isFinite(x)).sort();
    if (present.length === 0) {
      warn(`Raw K-Means: column '${c}' has no values; left out`);
      continue;
    }
    const median = quantileSorted(present, 1, 2);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        v[i] = median;
        filled++;
      }
    }
    kept.push(v);
    keptNames.push(c);
  }
  if (kept.length === 0) {
    warn("Raw K-Means baseline skipped: no numeric feature to cluster");
    return null;
  }
  if (filled > 0) warn("Raw K-Means: missing values filled with the column median", filled);
  const n = rows.length, d = kept.length;
  const data = new Float64Array(n * d);
  kept.forEach((v, j) => v.forEach((x, i) => data[i * d + j] = x));
  const { outputs, warnings } = clusterStage(
    { rows: n, cols: d, data, columns: keptNames },
    { k: Math.min(k, n), seed, stability: false, silhouetteRows: 500 },
  );
  for (const w of warnings) warn(`Raw K-Means: ${w.message}`, w.count);
  return outputs.labels;
}

/** Re-labels warnings of a helper as the evaluate stage's. */
export function collector(stage: string): { warnings: StageWarning[]; warn: Warn } {
  const warnings: StageWarning[] = [];
  return {
    warnings,
    warn: (message, count) =>
      warnings.push({ stage, message, ...(count === undefined ? {} : { count }) }),
  };
}
