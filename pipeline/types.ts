/**
 * Shapes shared by every stage: the numeric matrix, warnings and stage results.
 *
 * @module
 */

/**
 * A dense numeric matrix in row-major order: row `i`, column `j` is `data[i * cols + j]`.
 * Contiguous typed arrays keep the hot loops of clustering and classification fast.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
  /** Column names, one per column, when the matrix came from named features. */
  columns?: string[];
}

/** Rows of a sparse matrix in compressed-row form. */
export interface SparseRows {
  rows: number;
  cols: number;
  /** Row `i` holds entries `indptr[i]..indptr[i+1]` of indices/values. */
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float64Array;
}

/** A warning a stage returns as data, so it reaches the manifest and the report. */
export interface StageWarning {
  stage: string;
  message: string;
  /** How many times the same message occurred (rows affected, texts skipped…). */
  count?: number;
}

/** What every stage returns: its outputs and the warnings it raised. */
export interface StageResult<T> {
  outputs: T;
  warnings: StageWarning[];
}

/**
 * Makes a zero-filled matrix of the given shape.
 *
 * @example
 * ```ts
 * import { zeros } from "./types.ts";
 * const m = zeros(2, 3, ["a", "b", "c"]);
 * if (m.data.length !== 6 || m.data.some((v) => v !== 0)) throw new Error("six zeros expected");
 * if (m.columns?.[2] !== "c") throw new Error("column names kept");
 * ```
 */
export function zeros(rows: number, cols: number, columns?: string[]): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols), columns };
}

/**
 * Builds a matrix from an array of equal-length rows (row-major, as {@link Matrix} stores it).
 *
 * @example
 * ```ts
 * import { fromRows } from "./types.ts";
 * const m = fromRows([[1, 2], [3, 4], [5, 6]], ["x", "y"]);
 * if (m.rows !== 3 || m.cols !== 2) throw new Error("a 3 × 2 matrix expected");
 * if (m.data[1 * m.cols + 0] !== 3) throw new Error("row 2, column 1 should be 3");
 * let threw = false;
 * try {
 *   fromRows([[1, 2], [3]]);
 * } catch (e) {
 *   threw = e instanceof TypeError;
 * }
 * if (!threw) throw new Error("ragged rows are a TypeError");
 * ```
 */
export function fromRows(rows: ArrayLike<number>[], columns?: string[]): Matrix {
  const n = rows.length;
  const d = n === 0 ? (columns?.length ?? 0) : rows[0].length;
  const m = zeros(n, d, columns);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d) {
      throw new TypeError(`Row ${i + 1} has ${rows[i].length} values, expected ${d}`);
    }
    m.data.set(rows[i], i * d);
  }
  return m;
}

/** Row `i` of a matrix as a view (no copy). */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

import type pl from "nodejs-polars";

/**
 * The canonical tables after ingest (see DESIGN.md, "Canonical tables"). Only `customers` is
 * required. Column types after ingest:
 * - customers: customer_id str (unique), signup_date date (optional), any attribute columns
 *   (numeric f64 or categorical str);
 * - orders (one row per order line; order_id may repeat): customer_id cat, order_id str,
 *   ts datetime[ms], category cat?, amount f64 (paid, after discount), quantity f64?,
 *   discount f64? (fraction of list price, 0..1), promo bool?, channel cat?;
 * - events (browsing): customer_id cat, ts datetime[ms], event_type cat (view, search, cart,
 *   wishlist…), category cat?;
 * - social: customer_id cat, ts datetime[ms], kind cat (like, share, comment, follow…),
 *   target str?, new_product bool?;
 * - texts: customer_id cat, ts datetime[ms]?, source cat (review, post, support), text str,
 *   rating f64?, language cat? ("en", "zh"…).
 *
 * "cat" is a Polars categorical: text to every reader (`toArray()` gives strings), stored as
 * 4-byte codes because the activity tables repeat ids and levels over millions of rows.
 */
/**
 * Text columns of the activity tables held as Polars categoricals from the first part read on:
 * an id or a level repeated over millions of rows takes a 4-byte code instead of a 16-byte
 * string view. With a million customers the ingested tables took 2.3 GB instead of 3.9 GB, and
 * grouping by them is faster.
 */
export const CATEGORICAL_COLUMNS = new Set([
  "customer_id",
  "category",
  "channel",
  "event_type",
  "kind",
  "source",
  "language",
]);

export interface Tables {
  customers: pl.DataFrame;
  orders?: pl.DataFrame;
  events?: pl.DataFrame;
  social?: pl.DataFrame;
  texts?: pl.DataFrame;
}

/** The families features belong to; importance and personas speak about them by group. */
export type FeatureGroup =
  | "purchase"
  | "preference"
  | "price"
  | "browsing"
  | "social"
  | "attribute"
  | "text";

/**
 * What a column is about, for naming segments and choosing actions: value (spend, charges),
 * frequency, recency, tenure, price sensitivity, channel, product category, credit or cash use,
 * instalments, satisfaction, age, income; and for outcomes, churn or response.
 */
export type ColumnRole =
  | "value"
  | "frequency"
  | "recency"
  | "tenure"
  | "price"
  | "channel"
  | "category"
  | "credit"
  | "cash"
  | "installment"
  | "satisfaction"
  | "age"
  | "income"
  | "churn"
  | "response";

/** Every {@link ColumnRole}, in the order documentation lists them. */
export const COLUMN_ROLES: readonly ColumnRole[] = [
  "value",
  "frequency",
  "recency",
  "tenure",
  "price",
  "channel",
  "category",
  "credit",
  "cash",
  "installment",
  "satisfaction",
  "age",
  "income",
  "churn",
  "response",
];

/** What a feature means, so importance tables and personas can speak about it. */
export interface FeatureMeta {
  name: string;
  /** A short readable label ("monthly charges"), where the name is an identifier. */
  label?: string;
  /** What the feature is about, from the config or inferred from its label. */
  role?: ColumnRole;
  /** Plain-language description, e.g. "Orders placed in the observation window". */
  description: string;
  /** Unit, e.g. "orders", "days", "currency", "share", "count per month". */
  unit: string;
  group: FeatureGroup;
  kind: "numeric" | "categorical";
  /** Money and count features with a long right tail: the matrix applies log1p to them. */
  heavyTailed?: boolean;
  /** Why a value can be null (e.g. "no orders"), when it can. */
  nullReason?: string;
}
