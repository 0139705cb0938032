/**
 * Small helpers shared by the feature families: column naming, null-safe ratios, level ranking.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureGroup, FeatureMeta, StageWarning } from "../types.ts";

export const DAY_MS = 86_400_000;

/** What one feature family adds: a lazy frame keyed by customer_id plus the meta of its columns. */
export interface FamilyResult {
  frame: pl.LazyDataFrame;
  meta: FeatureMeta[];
  /** Columns that mean "how many" and are 0 (not null) for a customer absent from the frame. */
  zeroFill: string[];
  /** Internal helper columns (first activity…) that features.ts consumes and drops. */
  internal: string[];
  warnings: StageWarning[];
}

/** Lower-case snake_case safe for a column name: "Home & Garden" → "home_garden". */
export function sanitize(name: string): string {
  const s = name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(
    /^_+|_+$/g,
    "",
  );
  return s === "" ? "x" : s;
}

/**
 * Maps each level to a distinct sanitized suffix; levels that sanitize alike get "_2", "_3"…
 * in the order given, so the mapping is deterministic. "other" is reserved for the rest.
 */
export function levelNames(levels: string[]): Map<string, string> {
  const used = new Set<string>(["other"]);
  const out = new Map<string, string>();
  for (const level of levels) {
    const base = sanitize(level);
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    out.set(level, name);
  }
  return out;
}

/** A typed null of Float64, for values that are undefined for a customer. */
export function nullF64(): pl.Expr {
  return pl.lit(null).cast(pl.Float64);
}

/** `num / den` when `den > 0`, else null: never NaN or Infinity. */
export function ratio(num: pl.Expr, den: pl.Expr): pl.Expr {
  return pl.when(den.gt(0)).then(num.cast(pl.Float64).div(den.cast(pl.Float64))).otherwise(
    nullF64(),
  );
}

/** Milliseconds since the epoch of a date or datetime column, as Float64. */
export function epochMs(column: string, dtype: pl.DataType): pl.Expr {
  const e = pl.col(column);
  if (dtype.equals(pl.Date)) return e.cast(pl.Int32).cast(pl.Float64).mul(DAY_MS);
  return e.cast(pl.Datetime("ms")).cast(pl.Int64).cast(pl.Float64);
}

/** True for Polars date and datetime types. */
export function isTemporal(dtype: pl.DataType): boolean {
  return dtype.equals(pl.Date) || String(dtype).startsWith("DataType(Datetime");
}

/** True for the integer and float types. */
export function isNumeric(dtype: pl.DataType): boolean {
  return /^DataType\((U?Int\d+|Float\d+)\)$/.test(String(dtype));
}

/** True for string and categorical columns. */
export function isText(dtype: pl.DataType): boolean {
  return /^DataType\((String|Utf8|Categorical.*|Enum.*)\)$/.test(String(dtype));
}

/** True for Polars booleans. */
export function isBool(dtype: pl.DataType): boolean {
  return dtype.equals(pl.Bool);
}

/**
 * The table with the named key and level columns as Polars categoricals (columns it lacks are
 * skipped). Grouping and joining then hash 4-byte codes instead of strings: measured on 46 M
 * events of a million customers, a per-customer aggregation took 3.0 s and 1.3 GB instead of
 * 11.9 s and 4.2 GB. The other columns are shared, not copied. Polars keeps one process-wide
 * dictionary of categories, so codes agree across tables (joins work) and every id seen stays
 * in it for the life of the process (about 50 MB per million ids).
 */
export function asCategories(df: pl.DataFrame, columns: string[]): pl.DataFrame {
  const cast = columns.filter((c) =>
    df.columns.includes(c) && !String(df.getColumn(c).dtype).startsWith("DataType(Categorical")
  );
  if (cast.length === 0) return df;
  return df.withColumns(...cast.map((c) => pl.col(c).cast(pl.Utf8).cast(pl.Categorical)));
}

/**
 * Counts rows per level of `column` weighted by `weight` (an expression), and ranks the levels,
 * largest first, ties broken by name so the order never depends on hashing.
 */
export function rankLevels(lf: pl.LazyDataFrame, column: string, weight: pl.Expr): string[] {
  const df = lf.filter(pl.col(column).isNotNull()).groupBy(column).agg(weight.alias("__w"))
    .collectSync();
  const levels = df.getColumn(column).toArray() as string[];
  const weights = df.getColumn("__w").toArray() as number[];
  const rows = levels.map((level, i) => ({ level, weight: Number(weights[i]) }));
  rows.sort((a, b) => b.weight - a.weight || (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
  return rows.map((r) => r.level);
}

/** Builds one numeric FeatureMeta; keeps call sites short. */
export function meta(
  name: string,
  group: FeatureGroup,
  unit: string,
  description: string,
  extra: Partial<FeatureMeta> = {},
): FeatureMeta {
  return { name, description, unit, group, kind: "numeric", ...extra };
}

/** Throws a TypeError naming the table and column when a required column is absent. */
export function requireColumns(table: string, df: pl.DataFrame, columns: string[]): void {
  for (const c of columns) {
    if (!df.columns.includes(c)) {
      throw new TypeError(
        `The ${table} table has no '${c}' column: expected ${
          columns.map((x) => `'${x}'`).join(", ")
        } (columns: ${df.columns.map((x) => `'${x}'`).join(", ")})`,
      );
    }
  }
}

/**
 * A sum that gives the same bits whatever order the rows arrive in. Rows reach a group in an
 * order that varies between runs (hash joins and group-bys), float addition is not associative,
 * and Polars drops a sort placed before a sum; so values are summed as integers in units of
 * 1/scale, which is exact, then scaled back.
 */
export function exactSum(e: pl.Expr, scale: number): pl.Expr {
  return e.mul(scale).round(0).cast(pl.Int64).sum().cast(pl.Float64).div(scale);
}

/** Money is summed to a hundredth of a cent. */
export const MONEY = 1e4;
/** Shares, ratios and fractions are summed to 1e-9. */
export const FRACTION = 1e9;
