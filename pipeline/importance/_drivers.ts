/**
 * Per-segment drivers: how each segment's mean of each raw feature stands against the rest of
 * the customers and against everyone, in forms a persona can quote ("3.2× the average").
 *
 * @module
 */

import type { Matrix } from "../types.ts";

/** One segment × feature comparison; null where the figure is undefined (see each field). */
export interface DriverRow {
  segment: number;
  feature: string;
  /** Customers of the segment / of the rest with a value for this feature (NaN ignored). */
  nIn: number;
  nOut: number;
  meanIn: number | null;
  meanOut: number | null;
  meanAll: number | null;
  /** Sample standard deviation (n − 1) over all customers with a value. */
  sdAll: number | null;
  /** Cohen's d of segment against rest: mean difference over the pooled sample sd. */
  effectSize: number | null;
  /** (meanIn − meanAll) / sdAll. */
  z: number | null;
  /** meanIn / meanAll; null when meanAll is 0. */
  lift: number | null;
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Compares every segment with the rest and with everyone, feature by feature, on raw
 * (unscaled) values where NaN means missing. Rows labelled -1 (noise) count among "everyone"
 * and "the rest" but get no rows of their own.
 *
 * @param names Feature names, one per column; @default values.columns, else x1, x2…
 * @example
 * ```ts
 * import { segmentDrivers } from "./_drivers.ts";
 * import { fromRows } from "../types.ts";
 * const rows = segmentDrivers(fromRows([[1], [3], [4], [8]]), [0, 0, 1, 1], ["orders"]);
 * if (rows[1].lift !== 1.5) throw new Error("segment 1 orders 6 against an average of 4");
 * ```
 */
export function segmentDrivers(
  values: Matrix,
  labels: ArrayLike<number>,
  names?: string[],
): DriverRow[] {
  const { rows: n, cols: d, data } = values;
  if (labels.length !== n) {
    throw new TypeError(`segmentDrivers got ${labels.length} labels for ${n} rows of values`);
  }
  const cols = names ?? values.columns ?? Array.from({ length: d }, (_, j) => `x${j + 1}`);
  if (cols.length !== d) {
    throw new TypeError(`segmentDrivers got ${cols.length} names for ${d} columns`);
  }
  const segments = [...new Set(Array.from(labels).filter((l) => l !== -1))].sort((a, b) => a - b);
  const index = new Map(segments.map((s, i) => [s, i]));
  const out: DriverRow[] = [];
  const cnt = new Float64Array(segments.length);
  const s1 = new Float64Array(segments.length), s2 = new Float64Array(segments.length);
  for (let j = 0; j < d; j++) {
    let nAll = 0, sum = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j];
      if (v === v) {
        nAll++;
        sum += v;
      }
    }
    const meanAll = nAll > 0 ? sum / nAll : NaN;
    // Sums of deviations from the overall mean keep the variances free of cancellation.
    cnt.fill(0), s1.fill(0), s2.fill(0);
    let t1 = 0, t2 = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j];
      if (v !== v) continue;
      const dev = v - meanAll;
      t1 += dev;
      t2 += dev * dev;
      const g = index.get(labels[i]);
      if (g === undefined) continue;
      cnt[g]++;
      s1[g] += dev;
      s2[g] += dev * dev;
    }
    const sdAll = nAll > 1 ? Math.sqrt((t2 - (t1 * t1) / nAll) / (nAll - 1)) : NaN;
    for (let g = 0; g < segments.length; g++) {
      const nIn = cnt[g], nOut = nAll - nIn;
      const meanIn = meanAll + s1[g] / nIn;
      const meanOut = meanAll + (t1 - s1[g]) / nOut;
      const ssIn = s2[g] - (s1[g] * s1[g]) / nIn;
      const ssOut = t2 - s2[g] - ((t1 - s1[g]) ** 2) / nOut;
      const pooled = Math.sqrt((Math.max(ssIn, 0) + Math.max(ssOut, 0)) / (nAll - 2));
      const meanInOk = nIn > 0 ? meanIn : NaN;
      out.push({
        segment: segments[g],
        feature: cols[j],
        nIn,
        nOut,
        meanIn: orNull(meanInOk),
        meanOut: orNull(nOut > 0 ? meanOut : NaN),
        meanAll: orNull(meanAll),
        sdAll: orNull(sdAll),
        effectSize: orNull(
          nIn > 0 && nOut > 0 && nAll > 2 && pooled > 0 ? (meanIn - meanOut) / pooled : NaN,
        ),
        z: orNull(sdAll > 0 ? (meanInOk - meanAll) / sdAll : NaN),
        lift: orNull(meanAll !== 0 ? meanInOk / meanAll : NaN),
      });
    }
  }
  return out;
}
