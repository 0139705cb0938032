/**
 * Small helpers over nodejs-polars where its API needs a workaround.
 *
 * @module
 */

import pl from "nodejs-polars";

/** `expr` is one of `values` (a plain list passed to isIn is deprecated in Polars). */
export function isIn(expr: pl.Expr, values: string[] | pl.Series): pl.Expr {
  return expr.isIn(pl.lit(Array.isArray(values) ? pl.Series(values) : values));
}
