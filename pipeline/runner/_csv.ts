/**
 * Spreadsheet-safe CSV. A marketer opens assignments.csv in a spreadsheet; a cell such as
 * `=HYPERLINK("http://evil.example/x","y")` (a customer id an attacker chose) would run as a
 * formula there. The OWASP rule: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'`, which spreadsheets show as text and never evaluate. Cells
 * already starting with `'` get one too, so the escape reverses exactly ({@link csvUnsafe}).
 * Numbers are left alone: numeric columns, and text cells that are a plain number such as the
 * pooled segment `-2`, which a spreadsheet reads as a number, not a formula.
 *
 * @module
 */

import pl from "nodejs-polars";

const RISKY = "^[=+\\-@\\t\\r']";
const PLAIN_NUMBER = "^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$";

const isText = (dtype: pl.DataType) =>
  dtype.equals(pl.Utf8) || dtype.equals(pl.String) || dtype.equals(pl.Categorical);

/**
 * The frame with every risky text cell prefixed with `'`.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { csvSafe } from "./_csv.ts";
 * const df = csvSafe(pl.DataFrame({ id: ["=1+1", "-2", "C1", "@x"], n: [-1, 2, 3, 4] }));
 * if (df.getColumn("id").toArray().join() !== "'=1+1,-2,C1,'@x") throw new Error("escape");
 * ```
 */
export function csvSafe(df: pl.DataFrame): pl.DataFrame {
  const escaped = df.columns.filter((c) => isText(df.getColumn(c).dtype)).map((c) => {
    const v = pl.col(c).cast(pl.Utf8);
    const risky = v.str.contains(RISKY).and(v.str.contains(PLAIN_NUMBER).not());
    return pl.when(risky).then(pl.concatString([pl.lit("'"), v], "")).otherwise(v).alias(c);
  });
  return escaped.length ? df.withColumns(...escaped) : df;
}

/** Reverses {@link csvSafe} on a CSV read back as text. */
export function csvUnsafe(df: pl.DataFrame): pl.DataFrame {
  const unescaped = df.columns.filter((c) => isText(df.getColumn(c).dtype)).map((c) => {
    const v = pl.col(c).cast(pl.Utf8);
    return pl.when(v.str.startsWith("'")).then(v.str.slice(1)).otherwise(v).alias(c);
  });
  return unescaped.length ? df.withColumns(...unescaped) : df;
}
