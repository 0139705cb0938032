/**
 * Rows set aside after a table's values are checked: repeats of a key (or of a whole row), and
 * rows whose customer is not in the customers table, told apart from rows whose customer's own
 * row was quarantined (the cascade a bad cell in customers.csv causes).
 *
 * @module
 */

import pl from "nodejs-polars";
import { isIn } from "./_polars.ts";
import { quarantineFrame, type RecordColumn } from "./_quarantine.ts";
import type { CheckedTable } from "./_table.ts";

/** Record keys for rows set aside after parsing: the canonical columns, as parsed. */
function parsedColumns(c: CheckedTable): RecordColumn[] {
  return [...c.source].map(([key, file]) => ({ key, from: key, file }));
}

/** The rows of `df` with a `__reason`, set aside in `c`'s quarantine; returns the others. */
function setAside(c: CheckedTable, table: string, df: pl.DataFrame, drop: string[]) {
  const bad = df.filter(pl.col("__reason").isNotNull());
  c.quarantine.push(quarantineFrame(c.raw, bad, table, parsedColumns(c), c.policy));
  return df.filter(pl.col("__reason").isNull()).drop("__reason", "__column", ...drop);
}

/** Marks rows whose key repeats an earlier row's as quarantined; returns the rest. */
export function dropDuplicates(
  c: CheckedTable,
  table: string,
  keys: string[],
  reason: string,
): pl.DataFrame {
  const seq = pl.col("__seq");
  const [first, ...rest] = keys.map((k) => `__k_${k}`);
  const dup = seq.neq(seq.min().over(first, ...rest));
  const df = c.frame.withColumns(...keys.map((k) => pl.col(k).alias(`__k_${k}`))).withColumns(
    pl.when(dup).then(pl.lit(reason)).otherwise(pl.lit(null)).cast(pl.Utf8).alias("__reason"),
    pl.lit(c.source.get(keys[0]) ?? keys[0]).alias("__column"),
  );
  // Most tables have nothing to set aside: the table is then kept as it is, not copied.
  if (df.getColumn("__reason").nullCount() === df.height) return c.frame;
  return setAside(c, table, df, keys.map((k) => `__k_${k}`));
}

/** The reason of rows whose customer's own row was set aside. */
export const CUSTOMER_REJECTED = "customer rejected";

/**
 * Sets aside the rows whose customer is not in the customers table: "customer rejected" when
 * the customer's own row was quarantined (`rejected`), so the cascade shows as such, and
 * "unknown customer_id" otherwise.
 */
export function orphanCheck(
  c: CheckedTable,
  table: string,
  ids: pl.Series,
  rejected?: pl.Series,
): pl.DataFrame {
  const known = isIn(pl.col("customer_id"), ids);
  const unknown = c.frame.select(known.fillNull(false).not().sum().alias("n")).getColumn("n").get(
    0,
  );
  if (Number(unknown) === 0) return c.frame;
  const cascade = rejected?.length
    ? isIn(pl.col("customer_id").cast(pl.Utf8), rejected).fillNull(false)
    : pl.lit(false);
  const df = c.frame.withColumns(
    pl.when(known).then(pl.lit(null)).when(cascade).then(pl.lit(CUSTOMER_REJECTED)).otherwise(
      pl.lit("unknown customer_id"),
    ).cast(pl.Utf8).alias("__reason"),
    pl.lit(c.source.get("customer_id")!).alias("__column"),
  );
  return setAside(c, table, df, []);
}
