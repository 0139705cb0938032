/**
 * Statistics of the evaluate stage: Wilson score intervals, Pearson's chi-square test of a
 * contingency table and Cramér's V (p-values from math/distributions.ts).
 *
 * @module
 */

import { chiSquareSf } from "../math/mod.ts";

/** A share with its interval. */
export interface Interval {
  rate: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval of `events` successes in `n` trials with normal quantile `z`: unlike
 * the rate ± z·se interval it stays inside [0, 1] and is not degenerate at 0 or n events.
 */
export function wilson(events: number, n: number, z: number): Interval {
  if (!(n > 0)) throw new RangeError(`wilson needs n > 0. Got ${n} instead`);
  const p = events / n, z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {
    rate: p,
    low: Math.min(p, Math.max(0, centre - half)),
    high: Math.max(p, Math.min(1, centre + half)),
  };
}

/** Pearson's chi-square test of independence on a contingency table, with effect sizes. */
export interface Association {
  chi2: number;
  /** (rows − 1)(columns − 1), counting only rows and columns with a non-zero total. */
  dof: number;
  /** Upper-tail p-value; null when dof is 0 (a single group or a constant outcome). */
  p: number | null;
  /** √(χ² / (N (min(r, c) − 1))), in [0, 1]; null when dof is 0. */
  cramersV: number | null;
  /**
   * Bergsma's bias-corrected V: plain V grows with the number of groups even when nothing is
   * associated, this one does not, so segmentations of different sizes compare fairly.
   */
  cramersVCorrected: number | null;
  /** Cells whose expected count is below 5 (the chi-square approximation is then rough). */
  sparseCells: number;
  n: number;
}

/** Chi-square test and Cramér's V of a table of counts (rows × columns, all rows equal length). */
export function chiSquareTest(table: ArrayLike<number>[]): Association {
  const cols = table.length === 0 ? 0 : table[0].length;
  const rowSum = table.map((r) => {
    if (r.length !== cols) throw new TypeError("chiSquareTest needs rows of equal length");
    let s = 0;
    for (let j = 0; j < cols; j++) s += r[j];
    return s;
  });
  const colSum = new Float64Array(cols);
  for (const r of table) for (let j = 0; j < cols; j++) colSum[j] += r[j];
  const n = rowSum.reduce((a, b) => a + b, 0);
  const rowsUsed = rowSum.filter((s) => s > 0).length;
  const colsUsed = colSum.filter((s) => s > 0).length;
  const dof = Math.max(0, rowsUsed - 1) * Math.max(0, colsUsed - 1);
  let chi2 = 0, sparseCells = 0;
  table.forEach((r, i) => {
    if (rowSum[i] === 0) return;
    for (let j = 0; j < cols; j++) {
      if (colSum[j] === 0) continue;
      const expected = (rowSum[i] * colSum[j]) / n;
      if (expected < 5) sparseCells++;
      chi2 += (r[j] - expected) ** 2 / expected;
    }
  });
  if (dof === 0) {
    return { chi2: 0, dof, p: null, cramersV: null, cramersVCorrected: null, sparseCells, n };
  }
  const m = Math.min(rowsUsed, colsUsed) - 1;
  const phi2 = chi2 / n;
  return {
    chi2,
    dof,
    p: chiSquareSf(chi2, dof),
    cramersV: Math.min(1, Math.sqrt(phi2 / m)),
    cramersVCorrected: correctedV(phi2, rowsUsed, colsUsed, n),
    sparseCells,
    n,
  };
}

/** Bergsma (2013): φ² and the table's dimensions each shrunk by their expected bias. */
function correctedV(phi2: number, r: number, c: number, n: number): number | null {
  if (n < 2) return null;
  const phi2c = Math.max(0, phi2 - ((r - 1) * (c - 1)) / (n - 1));
  const rc = r - (r - 1) ** 2 / (n - 1), cc = c - (c - 1) ** 2 / (n - 1);
  const m = Math.min(rc - 1, cc - 1);
  return m > 0 ? Math.min(1, Math.sqrt(phi2c / m)) : null;
}

/**
 * The type-7 (linear interpolation) quantile of sorted values, as numpy's default, at
 * probability `num / den`. Integer `num` and `den` (e.g. 3 / 5) place the position exactly, so
 * hand-worked quintiles come out exact.
 */
export function quantileSorted(sorted: ArrayLike<number>, num: number, den = 1): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * num, lo = Math.min(n - 1, Math.floor(pos / den));
  const hi = Math.min(n - 1, lo + 1), frac = (pos - lo * den) / den;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}
