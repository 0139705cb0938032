/**
 * Personal data masked in whole columns. The rule: no value that looks like a contact detail
 * (e-mail, phone, link, card number) reaches an artifact unless its column is declared an id.
 * Ingest applies it to every text column of every table (free-text customer attributes, the
 * social target, categories, texts) and to quarantined records, before any stage, cache or
 * output sees them.
 *
 * @module
 */

import pl from "nodejs-polars";
import { maskPii, type PiiCounts } from "../privacy.ts";

/** How many values of each kind were masked. */
export type MaskCounts = PiiCounts;

/** A zeroed count. */
export function noMasks(): MaskCounts {
  return { url: 0, email: 0, card: 0, phone: 0, mention: 0 };
}

/** Adds `b` into `a`, `times` times. */
export function addMasks(a: MaskCounts, b: MaskCounts, times = 1): void {
  for (const k of Object.keys(a) as (keyof MaskCounts)[]) a[k] += b[k] * times;
}

/** True when anything was masked. */
export function anyMasked(c: MaskCounts): boolean {
  return Object.values(c).some((n) => n > 0);
}

/** "3 email, 1 url" */
export function describeMasks(c: MaskCounts): string {
  return Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(", ");
}

const isText = (dtype: pl.DataType) =>
  dtype.equals(pl.Utf8) || dtype.equals(pl.String) || dtype.equals(pl.Categorical);

/**
 * Masks personal data in the given text columns of a frame. Each distinct value is masked once
 * (a category repeated over 46 M events costs one call), and a column none of whose values
 * changes is kept as it is, not copied. Counts are per row (occurrence), added to `counts`;
 * `perColumn`, when given, receives each column's own counts.
 */
export function maskFrame(
  df: pl.DataFrame,
  columns: readonly string[],
  counts: MaskCounts,
  perColumn?: Map<string, MaskCounts>,
): pl.DataFrame {
  const replaced: pl.Expr[] = [];
  for (const c of columns) {
    const dtype = df.getColumn(c).dtype;
    if (!isText(dtype)) continue;
    const distinct = df.select(pl.col(c)).groupBy(c).len().select(
      pl.col(c).cast(pl.Utf8).alias("v"),
      pl.col("len").cast(pl.Float64).alias("n"),
    );
    const values = distinct.getColumn("v").toArray() as (string | null)[];
    const times = distinct.getColumn("n").toArray() as number[];
    const from: string[] = [], to: string[] = [];
    const own = noMasks();
    values.forEach((v, k) => {
      if (v === null) return;
      const m = maskPii(v);
      if (m.text === v) return;
      from.push(v);
      to.push(m.text);
      addMasks(own, m.counts, times[k]);
    });
    if (from.length === 0) continue;
    addMasks(counts, own);
    perColumn?.set(c, own);
    const masked = pl.col(c).cast(pl.Utf8).replace(from, to);
    replaced.push((dtype.equals(pl.Categorical) ? masked.cast(pl.Categorical) : masked).alias(c));
  }
  return replaced.length ? df.withColumns(...replaced) : df;
}

/** The text columns of a frame other than `ids`. */
export function textColumns(df: pl.DataFrame, ids: ReadonlySet<string>): string[] {
  return df.columns.filter((c) => !ids.has(c) && isText(df.getColumn(c).dtype));
}
