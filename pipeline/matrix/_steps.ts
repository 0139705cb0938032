/**
 * Column steps of the matrix model (like the transformers of a ColumnTransformer): how one
 * feature becomes one or more matrix columns. Fitting reads training values; applying uses only
 * the numbers stored in the step, so a step round-trips through JSON unchanged.
 *
 * @module
 */

import type { FeatureGroup } from "../types.ts";
import { ImputedColumn, signedLog1p } from "./_util.ts";

/** Numeric feature: impute the median, optional missing indicator, signed log1p, scale, weight. */
export interface NumericStep {
  column: string;
  kind: "numeric";
  group: FeatureGroup;
  /** Median of the training values, used for nulls. */
  impute: number;
  /** Emit a 0/1 "<column>__missing" column after the value. */
  indicator: boolean;
  log1p: boolean;
  /** Output = (transform(x) - center) / scale * weight. */
  center: number;
  scale: number;
  weight: number;
}

/** Categorical feature: one-hot of the kept levels, then "other" for every other level. */
export interface CategoricalStep {
  column: string;
  kind: "categorical";
  group: FeatureGroup;
  /** Kept levels, most frequent first; null stands for a missing value. */
  levels: (string | null)[];
  /** Emit an "<column>=other" column for levels not kept (including unseen ones). */
  other: boolean;
  /**
   * Levels seen in fitting but not kept (they score as "other"), so that scoring can tell them
   * from levels never seen at all. Absent in models fitted before it was recorded.
   */
  folded?: (string | null)[];
  weight: number;
}

export type ColumnStep = NumericStep | CategoricalStep;

/** Names of the matrix columns a step produces. */
export function stepOutputs(step: ColumnStep): string[] {
  if (step.kind === "numeric") {
    return step.indicator ? [step.column, `${step.column}__missing`] : [step.column];
  }
  return [
    ...step.levels.map((l) => `${step.column}=${l ?? "(missing)"}`),
    ...(step.other ? [`${step.column}=other`] : []),
  ];
}

/** Settings of numeric step fitting. */
export interface NumericFit {
  scaling: "standard" | "robust" | "none";
  log1p: boolean;
  indicator: { min: number; max: number } | false;
}

/**
 * Fits a numeric step, or returns the reason it is dropped (no values, constant). `note`
 * receives non-fatal remarks (a scale substituted for a zero IQR).
 */
export function fitNumeric(
  column: string,
  group: FeatureGroup,
  heavy: boolean,
  values: Float64Array,
  weight: number,
  o: NumericFit,
  note: (message: string) => void,
): NumericStep | string {
  const col = new ImputedColumn(values);
  if (col.known.length === 0) return `Column '${column}' has no values; dropped`;
  const n = values.length;
  const share = col.missing / n;
  const indicator = o.indicator !== false && col.missing > 0 && share >= o.indicator.min &&
    share <= o.indicator.max;
  if (col.known[0] === col.known[col.known.length - 1] && !indicator) {
    return `Column '${column}' is constant; dropped`;
  }
  const log1p = o.log1p && heavy;
  const f = log1p ? signedLog1p : (x: number) => x;
  let center = 0, scale = 1;
  if (o.scaling === "standard" || o.scaling === "robust") {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += f(Number.isNaN(values[i]) ? col.median : values[i]);
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = f(Number.isNaN(values[i]) ? col.median : values[i]) - mean;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / n);
    if (o.scaling === "standard") [center, scale] = [mean, sd];
    else {
      center = col.quantile(0.5, f);
      const iqr = col.quantile(0.75, f) - col.quantile(0.25, f);
      scale = iqr > 0 ? iqr : sd;
      if (!(iqr > 0)) {
        note(
          `Column '${column}' has an interquartile range of 0; scaled by its standard deviation`,
        );
      }
    }
    if (!(scale > 0)) scale = 1;
  }
  return {
    column,
    kind: "numeric",
    group,
    impute: col.median,
    indicator,
    log1p,
    center,
    scale,
    weight,
  };
}

/** Fits a categorical step, or returns the reason it is dropped (a single level). */
export function fitCategorical(
  column: string,
  group: FeatureGroup,
  values: (string | null)[],
  weight: number,
  maxLevels: number,
): CategoricalStep | string {
  const counts = new Map<string | null, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size < 2) return `Column '${column}' is constant; dropped`;
  const ranked = [...counts.entries()].sort((a, b) =>
    b[1] - a[1] || (a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  ).map(([level]) => level);
  const keep = ranked.slice(0, maxLevels);
  return {
    column,
    kind: "categorical",
    group,
    levels: keep,
    other: keep.length < ranked.length,
    folded: ranked.slice(maxLevels),
    weight,
  };
}

/**
 * The values of `values` the step never saw in fitting, with how many rows hold each, most
 * frequent first (ties by level). Null counts as the level "missing".
 */
export function unseenLevels(
  step: CategoricalStep,
  values: (string | null)[],
): [level: string | null, rows: number][] {
  const known = new Set<string | null>([...step.levels, ...(step.folded ?? [])]);
  const counts = new Map<string | null, number>();
  for (const v of values) if (!known.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

/** Writes a numeric step's output columns into `out` (row-major, `stride` columns). */
export function applyNumeric(
  step: NumericStep,
  values: Float64Array,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const { impute, center, scale, weight } = step;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    const missing = Number.isNaN(raw);
    const x = missing ? impute : raw;
    const t = step.log1p ? signedLog1p(x) : x;
    out[i * stride + offset] = ((t - center) / scale) * weight;
    if (step.indicator) out[i * stride + offset + 1] = missing ? weight : 0;
  }
}

/** Writes a categorical step's one-hot columns into `out`. */
export function applyCategorical(
  step: CategoricalStep,
  values: (string | null)[],
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const index = new Map<string | null, number>(step.levels.map((l, i) => [l, i]));
  const otherAt = step.other ? step.levels.length : -1;
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]) ?? otherAt;
    if (k >= 0) out[i * stride + offset + k] = step.weight;
  }
}
