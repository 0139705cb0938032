/**
 * Quarantined rows as Polars frames. A bad file can set aside millions of rows (every order of
 * customers a truncated customers file lacks, say), so the rows never become JavaScript objects:
 * each batch of set-aside rows is one frame with the file, line, column, reason, value and the
 * whole row as JSON, and the batches are concatenated once at the end.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { RawTable } from "./_read_table.ts";
import { type MaskCounts, maskFrame } from "./_mask.ts";

/** The columns of the quarantine artifact. */
export const QUARANTINE_SCHEMA = {
  table: pl.Utf8,
  file: pl.Utf8,
  line: pl.Int64,
  column: pl.Utf8,
  reason: pl.Utf8,
  value: pl.Utf8,
  record: pl.Utf8,
};

/** An empty quarantine frame. */
export function emptyQuarantine(): pl.DataFrame {
  return pl.DataFrame({}, { schema: QUARANTINE_SCHEMA });
}

/** How a table's quarantined rows are written: which record keys may hold personal data. */
export interface RecordPolicy {
  /** Record keys of declared ids (customer and order ids): written as they are. */
  ids: ReadonlySet<string>;
  /** Record keys of columns declared personal (roles.pii): left out of the record. */
  personal: ReadonlySet<string>;
  /** Masked values, counted per kind, added to as rows are set aside. */
  masked: MaskCounts;
}

/** One key of a quarantined row's record. */
export interface RecordColumn {
  /** The key in the record's JSON. */
  key: string;
  /** The frame column holding the value. */
  from: string;
  /** The file column it came from, as reasons name it. */
  file: string;
}

/**
 * Quarantine rows for the rows of `bad`, which holds `__file`, `__row`, `__reason` and
 * `__column` (the file column the reason is about, "" for the whole row) besides the record's
 * columns. While values are checked, the record holds the file's raw text keyed by file column;
 * for rows set aside later (duplicates, unknown customers), once the raw text is released, the
 * parsed values (as text) keyed by canonical name. Personal data is masked in every value
 * except declared ids, so quarantine.parquet holds no contact detail the tables themselves would
 * not hold, and columns declared personal are left out.
 */
export function quarantineFrame(
  raw: RawTable,
  bad: pl.DataFrame,
  table: string,
  columns: RecordColumn[],
  policy: RecordPolicy,
): pl.DataFrame {
  const kept = columns.filter((c) => !policy.personal.has(c.file) && !policy.personal.has(c.key));
  let text = bad.select(
    pl.col("__file").cast(pl.Int32).alias("__file"),
    pl.col("__row").cast(pl.Int64).alias("__row"),
    pl.col("__reason").cast(pl.Utf8).alias("reason"),
    pl.col("__column").cast(pl.Utf8).alias("column"),
    ...kept.map((c) => pl.col(c.from).cast(pl.Utf8).alias(`__q:${c.key}`)),
  );
  const maskable = kept.filter((c) => !policy.ids.has(c.key) && !policy.ids.has(c.file)).map((
    c,
  ) => `__q:${c.key}`);
  text = maskFrame(text, maskable, policy.masked);
  // Lines come from the scan of the file (quoted fields may span lines): a loop over typed
  // arrays, never an object per row.
  const files = text.getColumn("__file").toTypedArray() as Int32Array;
  const rows = text.getColumn("__row").toArray() as number[];
  const lines = new Float64Array(text.height);
  for (let i = 0; i < lines.length; i++) lines[i] = raw.lineOf(files[i], Number(rows[i]));
  const names = raw.names;
  const valueOf = kept.reduce<pl.Expr>(
    (expr, c) =>
      pl.when(pl.col("column").eq(pl.lit(c.file))).then(pl.col(`__q:${c.key}`)).otherwise(expr),
    pl.lit(null).cast(pl.Utf8),
  );
  return text.withColumns(pl.Series("__line", lines, pl.Float64)).select(
    pl.lit(table).alias("table"),
    pl.col("__file").replaceStrict(names.map((_, k) => k), names, undefined, pl.Utf8).alias(
      "file",
    ),
    pl.col("__line").cast(pl.Int64).alias("line"),
    pl.col("column"),
    pl.col("reason"),
    valueOf.alias("value"),
    (kept.length
      ? pl.struct(kept.map((c) => pl.col(`__q:${c.key}`).alias(c.key))).struct.jsonEncode()
      : pl.lit("{}")).alias("record"),
  );
}

/** The quarantine frames of several batches as one frame. */
export function concatQuarantine(frames: pl.DataFrame[]): pl.DataFrame {
  const nonEmpty = frames.filter((f) => f.height > 0);
  if (nonEmpty.length === 0) return emptyQuarantine();
  return nonEmpty.length === 1 ? nonEmpty[0] : pl.concat(nonEmpty, { how: "vertical" });
}

/** Quarantined rows counted by reason, reasons in alphabetical order (stable bytes). */
export function countByReason(q: pl.DataFrame): Record<string, number> {
  if (q.height === 0) return {};
  const counts = q.groupBy("reason").len().sort("reason").toRecords();
  return Object.fromEntries(counts.map((r) => [String(r.reason), Number(r.len)]));
}
