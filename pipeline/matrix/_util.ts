/**
 * Helpers of the matrix stage: reading feature columns into typed arrays, "did you mean"
 * suggestions, and the statistics a column step is fitted from.
 *
 * @module
 */

import pl from "nodejs-polars";

/** A numeric column as a fresh Float64Array, NaN where the value is null (or NaN). */
export function numericColumn(df: pl.DataFrame, name: string): Float64Array {
  let s: pl.Series;
  try {
    s = df.select(pl.col(name).cast(pl.Float64, true).fillNull(pl.lit(NaN)).alias(name))
      .getColumn(name);
  } catch {
    throw new TypeError(
      `Column '${name}' must be numeric: got ${String(df.getColumn(name).dtype)} values`,
    );
  }
  return Float64Array.from(s.toTypedArray() as Float64Array);
}

/** A column as strings, null kept. */
export function textColumn(df: pl.DataFrame, name: string): (string | null)[] {
  return df.getColumn(name).cast(pl.Utf8).toArray() as (string | null)[];
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = keep;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name` when it is close enough to be a likely typo or rename. */
export function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Throws a TypeError naming the missing column, with a suggestion when one is close. */
export function requireColumn(name: string, available: string[], what: string): void {
  if (available.includes(name)) return;
  const hint = closest(name, available);
  throw new TypeError(
    `Column '${name}' is missing from the ${what}${hint ? ` (did you mean '${hint}'?)` : ""}`,
  );
}

/** Sign-preserving log1p, so negative amounts (refunds) keep their order. */
export function signedLog1p(x: number): number {
  return x < 0 ? -Math.log1p(-x) : Math.log1p(x);
}

/**
 * Summary of a column after median imputation, from one sort of its known values: the
 * imputation value, quantiles and extremes of the imputed column under a monotone transform.
 */
export class ImputedColumn {
  readonly known: Float64Array;
  readonly missing: number;
  readonly median: number;
  private readonly insertAt: number;

  constructor(values: Float64Array) {
    const known = values.filter((v) => !Number.isNaN(v));
    known.sort();
    this.known = known;
    this.missing = values.length - known.length;
    this.median = known.length === 0 ? NaN : quantileSorted(known, 0.5);
    let pos = 0;
    while (pos < known.length && known[pos] <= this.median) pos++;
    this.insertAt = pos;
  }

  /** Value at index `i` of the sorted imputed column. */
  private at(i: number): number {
    if (i < this.insertAt) return this.known[i];
    if (i < this.insertAt + this.missing) return this.median;
    return this.known[i - this.missing];
  }

  /** Quantile (linear interpolation, like numpy's default) of `f(imputed column)`. */
  quantile(q: number, f: (x: number) => number): number {
    const n = this.known.length + this.missing;
    const h = (n - 1) * q, lo = Math.floor(h);
    const a = f(this.at(lo));
    return lo + 1 < n ? a + (h - lo) * (f(this.at(lo + 1)) - a) : a;
  }
}

/** Linear-interpolation quantile of an ascending array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q, lo = Math.floor(h);
  return lo + 1 < n ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}
