/**
 * Column types for ingest: the canonical columns' defaults, attribute inference, and the Polars
 * expressions that parse raw strings into typed values (a parse that fails gives null, which
 * ingest turns into a quarantine reason).
 *
 * @module
 */

import pl from "nodejs-polars";
import { isIn } from "./_polars.ts";
import { maskPii } from "../privacy.ts";
import type { TableConfig, TableName } from "../config.ts";

export type ColumnKind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "date"
  | "datetime"
  | "id";

export interface ColumnType {
  kind: ColumnKind;
  format?: string;
  /** Ids written as floats ("17850.0") were seen: strip the ".0". */
  floatIds?: boolean;
}

/** Types of the canonical columns; other columns are attributes, typed by config or inferred. */
export const CANONICAL: Record<string, ColumnKind> = {
  customer_id: "id",
  order_id: "id",
  ts: "datetime",
  signup_date: "date",
  amount: "number",
  quantity: "number",
  discount: "number",
  rating: "number",
  age: "number",
  income: "number",
  promo: "boolean",
  new_product: "boolean",
  category: "string",
  channel: "string",
  event_type: "string",
  kind: "string",
  target: "string",
  source: "string",
  text: "string",
  language: "string",
};

/** The canonical columns each table carries (customers also keeps its attribute columns). */
export const TABLE_COLUMNS: Record<TableName, string[]> = {
  customers: ["customer_id", "signup_date"],
  orders: [
    "customer_id",
    "order_id",
    "ts",
    "category",
    "amount",
    "quantity",
    "discount",
    "promo",
    "channel",
  ],
  events: ["customer_id", "ts", "event_type", "category"],
  social: ["customer_id", "ts", "kind", "target", "new_product"],
  texts: ["customer_id", "ts", "source", "text", "rating", "language"],
};

/** Columns a table cannot do without (customers' id may also come from `rowId` or `derive`). */
export const REQUIRED: Record<TableName, string[]> = {
  customers: ["customer_id"],
  orders: ["customer_id", "ts", "amount"],
  events: ["customer_id", "ts", "event_type"],
  social: ["customer_id", "ts", "kind"],
  texts: ["customer_id", "text"],
};

/** Values that must not be negative unless the config allows it. */
export const NON_NEGATIVE = new Set(["amount", "quantity", "discount", "rating"]);

/**
 * The type of a column: config first, then the canonical default, else inferred from a sample
 * of its cleaned values. Dates without a format get the first default format that reads the
 * whole sample, so the full column is parsed once rather than once per candidate format.
 */
export function columnType(name: string, t: TableConfig, sample: pl.Series): ColumnType {
  const given = t.types[name];
  const type: ColumnType = typeof given === "string"
    ? { kind: given }
    : given
    ? { kind: given.type, format: given.format }
    : name in CANONICAL
    ? { kind: CANONICAL[name] }
    : { kind: looksNumeric(sample, t.decimalComma) && !looksContact(sample) ? "number" : "string" };
  if ((type.kind === "date" || type.kind === "datetime") && !type.format) {
    type.format = sampleFormat(sample);
  }
  if (type.kind === "id") {
    type.floatIds = sample.dropNulls().str.contains("^-?\\d+\\.0+$").toArray().some(Boolean);
  }
  return type;
}

function sampleFormat(sample: pl.Series): string | undefined {
  const present = sample.dropNulls();
  if (present.length === 0) return undefined;
  return DATETIME_FORMATS.find((f) =>
    pl.DataFrame({ v: present }).select(strptime(pl.col("v"), f).alias("p")).getColumn("p")
      .nullCount() === 0
  );
}

/**
 * Phone and card numbers written as plain digits (13812345678) parse as numbers; a column most
 * of whose values look like one is read as text instead, so it is masked like any other
 * contact detail rather than kept, as a number, in the tables and the features.
 */
function looksContact(s: pl.Series): boolean {
  const present = s.dropNulls().toArray() as string[];
  let contact = 0;
  for (const v of present) {
    const { counts } = maskPii(v);
    if (counts.phone + counts.card > 0) contact++;
  }
  return present.length > 0 && contact * 2 > present.length;
}

function looksNumeric(s: pl.Series, decimalComma: boolean): boolean {
  const present = s.dropNulls();
  if (present.length === 0) return false;
  const text = decimalComma ? present.str.replaceAll(",", ".") : present;
  return text.cast(pl.Float64, false).nullCount() === 0;
}

const TRUE = ["1", "true", "yes", "y", "t"];
const FALSE = ["0", "false", "no", "n", "f"];
const DATETIME_FORMATS = [
  "%Y-%m-%d %H:%M:%S%.f",
  "%Y-%m-%d %H:%M:%S",
  "%Y-%m-%dT%H:%M:%S",
  "%Y-%m-%d %H:%M",
  "%Y-%m-%d",
];

function strptime(e: pl.Expr, format: string): pl.Expr {
  const parsed = e.str.strptime(pl.Datetime("ms"), format);
  // An offset in the format gives UTC-aware values; keep them as naive UTC like the rest.
  return format.includes("%z")
    ? parsed.dt.replaceTimeZone(undefined as unknown as string).cast(pl.Datetime("ms"))
    : parsed.cast(pl.Datetime("ms"));
}

/** The first of the default formats that parses (nodejs-polars has no coalesce). */
function firstParsed(raw: pl.Expr): pl.Expr {
  return DATETIME_FORMATS.map((f) => strptime(raw, f)).reduce((a, b) => a.fillNull(b));
}

/** A Polars expression parsing the raw strings `raw` into the column's type (null on failure). */
export function parseExpr(raw: pl.Expr, type: ColumnType, decimalComma: boolean): pl.Expr {
  switch (type.kind) {
    case "number":
    case "integer":
      return (decimalComma ? raw.str.replaceAll(",", ".") : raw).cast(pl.Float64, false);
    case "boolean": {
      const v = raw.str.toLowerCase();
      return pl.when(isIn(v, TRUE)).then(pl.lit(true)).when(isIn(v, FALSE)).then(pl.lit(false))
        .otherwise(pl.lit(null)).cast(pl.Bool);
    }
    case "date":
      return type.format
        ? strptime(raw, type.format).cast(pl.Date)
        : firstParsed(raw).cast(pl.Date);
    case "datetime":
      return type.format ? strptime(raw, type.format) : firstParsed(raw);
    case "id":
      // Ids exported through a spreadsheet come back as floats ("17850.0").
      return type.floatIds ? raw.str.replace("^(-?\\d+)\\.0+$", "$1") : raw;
    case "string":
      return raw;
  }
}

/** The quarantine reason for a value that did not parse as `kind`. */
export function unparseableReason(kind: ColumnKind): string {
  switch (kind) {
    case "number":
    case "integer":
      return "unparseable number";
    case "boolean":
      return "unparseable boolean";
    case "date":
    case "datetime":
      return "unparseable date";
    default:
      return "unparseable value";
  }
}
