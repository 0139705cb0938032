/**
 * The effect of one arm against another from group summaries (n, mean, variance): a rate
 * difference with Newcombe's hybrid score interval, or a mean difference with Welch's t
 * interval; Cochran's Q for whether effects differ between segments; Holm and
 * Benjamini–Hochberg adjusted p-values.
 *
 * @module
 */

import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  studentTQuantile,
  studentTTwoSided,
} from "../math/mod.ts";

/** Summary of one outcome in one group: non-missing count, mean and sample variance (n − 1). */
export interface GroupStats {
  n: number;
  mean: number;
  variance: number;
}

/** A difference (treatment − control) with its interval, p-value and variance for pooling. */
export interface Effect {
  difference: number;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  /** The squared standard error (unpooled), the inverse weight in Cochran's Q; null if unknown. */
  variance: number | null;
}

/**
 * Wilson score interval of a proportion `p` of `n` trials with normal quantile `z`.
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./_effects.ts";
 * // Newcombe (1998): 81/263 → 0.2553 to 0.3662 at 95%.
 * const [lo, hi] = wilsonInterval(81 / 263, 263, 1.959963984540054);
 * if (Math.abs(lo - 0.2553) > 5e-5 || Math.abs(hi - 0.3662) > 5e-5) throw new Error("wrong");
 * ```
 */
export function wilsonInterval(p: number, n: number, z: number): [number, number] {
  const z2 = z * z, denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Difference of two proportions (`t` − `c`, from 0/1 outcomes) with Newcombe's hybrid score
 * interval (his method 10: from the two Wilson intervals), and the two-sided p-value of the
 * pooled two-proportion z-test (Pearson's chi-square without continuity correction).
 *
 * @example
 * ```ts
 * import { rateDifference } from "./_effects.ts";
 * // Newcombe (1998), example (a): 56/70 − 48/80 = 0.2, interval 0.0524 to 0.3339.
 * const e = rateDifference({ n: 70, mean: 0.8, variance: 0 }, { n: 80, mean: 0.6, variance: 0 });
 * if (Math.abs(e.ciLow! - 0.0524) > 5e-5 || Math.abs(e.ciHigh! - 0.3339) > 5e-5) {
 *   throw new Error("wrong interval");
 * }
 * ```
 */
export function rateDifference(t: GroupStats, c: GroupStats, confidence = 0.95): Effect {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p1 = t.mean, p0 = c.mean, d = p1 - p0;
  const [l1, u1] = wilsonInterval(p1, t.n, z), [l0, u0] = wilsonInterval(p0, c.n, z);
  const ciLow = d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2);
  const ciHigh = d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2);
  const pooled = (p1 * t.n + p0 * c.n) / (t.n + c.n);
  const seNull = Math.sqrt(pooled * (1 - pooled) * (1 / t.n + 1 / c.n));
  const pValue = seNull > 0 ? 2 * normalCdf(-Math.abs(d) / seNull) : 1;
  const variance = (p1 * (1 - p1)) / t.n + (p0 * (1 - p0)) / c.n;
  return { difference: d, ciLow, ciHigh, pValue, variance: variance > 0 ? variance : null };
}

/**
 * Difference of two means with Welch's t interval and test (unequal variances, Welch–
 * Satterthwaite degrees of freedom). Needs n ≥ 2 in both groups; when both variances are 0 the
 * interval is the difference itself and p is 1 if it is 0, else 0.
 *
 * @example
 * ```ts
 * import { meanDifference } from "./_effects.ts";
 * // Groups [1, 2, 3, 4, 5] and [3, 5, 7, 9]: scipy's ttest_ind(equal_var=False) gives
 * // t = −2.0381, p = 0.100084.
 * const e = meanDifference({ n: 5, mean: 3, variance: 2.5 }, { n: 4, mean: 6, variance: 20 / 3 });
 * if (Math.abs(e.pValue! - 0.100084) > 1e-6) throw new Error(`p = ${e.pValue}`);
 * ```
 */
export function meanDifference(t: GroupStats, c: GroupStats, confidence = 0.95): Effect {
  const d = t.mean - c.mean;
  if (t.n < 2 || c.n < 2) {
    return { difference: d, ciLow: null, ciHigh: null, pValue: null, variance: null };
  }
  const vt = t.variance / t.n, vc = c.variance / c.n, v = vt + vc;
  if (!(v > 0)) {
    return { difference: d, ciLow: d, ciHigh: d, pValue: d === 0 ? 1 : 0, variance: null };
  }
  const se = Math.sqrt(v);
  const df = (v * v) / ((vt * vt) / (t.n - 1) + (vc * vc) / (c.n - 1));
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    difference: d,
    ciLow: d - q * se,
    ciHigh: d + q * se,
    pValue: studentTTwoSided(d / se, df),
    variance: v,
  };
}

/** Cochran's Q test of whether effects differ, with Higgins' I². */
export interface QTest {
  q: number | null;
  /** Number of effects with a known variance, minus 1. */
  df: number;
  pValue: number | null;
  /** Share of the variation between effects beyond chance, max(0, (Q − df) / Q), in [0, 1]. */
  i2: number | null;
}

/**
 * Cochran's Q on effects with inverse-variance weights: Q = Σ wᵢ (dᵢ − d̄)², wᵢ = 1 / vᵢ,
 * d̄ = Σ wᵢ dᵢ / Σ wᵢ, compared with χ²(k − 1). Effects whose variance is null or 0 are left out.
 *
 * @example
 * ```ts
 * import { cochranQ } from "./_effects.ts";
 * // Effects 1, 2, 4 with variances 1, 1, 2: d̄ = 2, Q = 1 + 0 + 2 = 3 on 2 df.
 * const t = cochranQ([1, 2, 4], [1, 1, 2]);
 * if (Math.abs(t.q! - 3) > 1e-12 || t.df !== 2) throw new Error("wrong Q");
 * if (Math.abs(t.pValue! - Math.exp(-1.5)) > 1e-12) throw new Error("χ²(2) tail is e^(−Q/2)");
 * ```
 */
export function cochranQ(effects: number[], variances: (number | null)[]): QTest {
  const use = effects.map((_, i) => i).filter((i) => variances[i] !== null && variances[i]! > 0);
  const df = use.length - 1;
  if (df < 1) return { q: null, df: Math.max(0, df), pValue: null, i2: null };
  let sw = 0, swd = 0;
  for (const i of use) {
    sw += 1 / variances[i]!;
    swd += effects[i] / variances[i]!;
  }
  const mean = swd / sw;
  let q = 0;
  for (const i of use) q += (effects[i] - mean) ** 2 / variances[i]!;
  return { q, df, pValue: chiSquareSf(q, df), i2: q > 0 ? Math.max(0, (q - df) / q) : 0 };
}

/**
 * Holm's step-down adjusted p-values (family-wise error), in the input's order; nulls are
 * skipped and stay null.
 *
 * @example
 * ```ts
 * import { holm } from "./_effects.ts";
 * const adj = holm([0.01, 0.04, 0.03, 0.005]);
 * if (adj.join() !== "0.03,0.06,0.06,0.02") throw new Error(`got ${adj}`);
 * ```
 */
export function holm(pValues: (number | null)[]): (number | null)[] {
  const order = pValues.map((_, i) => i).filter((i) => pValues[i] !== null)
    .sort((a, b) => pValues[a]! - pValues[b]!);
  const m = order.length, out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (m - k) * pValues[i]!));
    out[i] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg adjusted p-values (false discovery rate), in the input's order; nulls are
 * skipped and stay null.
 *
 * @example
 * ```ts
 * import { benjaminiHochberg } from "./_effects.ts";
 * const adj = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
 * if (adj.join() !== "0.02,0.04,0.04,0.02") throw new Error(`got ${adj}`);
 * ```
 */
export function benjaminiHochberg(pValues: (number | null)[]): (number | null)[] {
  const order = pValues.map((_, i) => i).filter((i) => pValues[i] !== null)
    .sort((a, b) => pValues[a]! - pValues[b]!);
  const m = order.length, out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    running = Math.min(running, (m * pValues[i]!) / (k + 1));
    out[i] = running;
  }
  return out;
}
