/**
 * Bootstrap stability of a segmentation, in the manner of Hennig's clusterboot: refit on
 * resampled rows and measure how well the reference segments come back.
 *
 * @module
 */

import { adjustedRandIndex } from "./_metrics.ts";
import { rng } from "../math/mod.ts";
import { minOf } from "../math/mod.ts";

/** How one reference segment fared over the replicates. */
export interface SegmentStability {
  segment: number;
  /** Mean over replicates of the best Jaccard similarity with any refit cluster. */
  meanJaccard: number;
  minJaccard: number;
  /** Replicates in which the segment "dissolved" (best Jaccard ≤ 0.5, Hennig's threshold). */
  dissolved: number;
  /** Replicates that contained at least one row of the segment (the ones averaged). */
  replicates: number;
}

/** The stability report. */
export interface Stability {
  replicates: number;
  /** Rows drawn (with replacement) per replicate. */
  rowsPerReplicate: number;
  seed: number;
  meanAri: number;
  minAri: number;
  /** ARI of each replicate, for plots. */
  ari: number[];
  segments: SegmentStability[];
}

/** Refits on a bootstrap matrix (m × d, duplicates included) and returns its labels. */
export type Refit = (data: Float64Array, m: number, seed: number) => Int32Array;

/**
 * Draws `replicates` bootstrap samples of min(n, maxRows) rows with replacement (seeded), refits
 * each with `refit`, and compares on the distinct rows drawn: the ARI between the reference labels
 * and the refit's, and for every reference segment (labels ≥ 0; noise, -1, is not a segment) the
 * best Jaccard similarity with a refit cluster (refit noise excluded).
 */
export function bootstrapStability(
  data: Float64Array,
  n: number,
  d: number,
  reference: Int32Array,
  refit: Refit,
  opts: { replicates: number; maxRows: number; seed: number },
  onStep?: (done: number) => void,
): Stability {
  const r = rng(opts.seed);
  const m = Math.min(n, opts.maxRows);
  const segCount = reference.reduce((a, b) => Math.max(a, b + 1), 0);
  const refSize = new Float64Array(segCount);
  const sumJ = new Float64Array(segCount), minJ = new Float64Array(segCount).fill(Infinity);
  const dissolved = new Int32Array(segCount), seen = new Int32Array(segCount);
  const ari: number[] = [];
  const boot = new Float64Array(m * d);
  const firstAt = new Int32Array(n);
  for (let b = 0; b < opts.replicates; b++) {
    firstAt.fill(-1);
    const distinctRows: number[] = [];
    for (let t = 0; t < m; t++) {
      const i = r.int(n);
      boot.set(data.subarray(i * d, i * d + d), t * d);
      if (firstAt[i] < 0) {
        firstAt[i] = t;
        distinctRows.push(i);
      }
    }
    const labels = refit(boot, m, r.int(2 ** 31));
    const refL = distinctRows.map((i) => reference[i]);
    const bootL = distinctRows.map((i) => labels[firstAt[i]]);
    ari.push(adjustedRandIndex(refL, bootL));
    jaccards(refL, bootL, segCount, refSize, (s, j) => {
      sumJ[s] += j;
      minJ[s] = Math.min(minJ[s], j);
      if (j <= 0.5) dissolved[s]++;
      seen[s]++;
    });
    onStep?.(b + 1);
  }
  const segments: SegmentStability[] = [];
  for (let s = 0; s < segCount; s++) {
    segments.push({
      segment: s,
      meanJaccard: seen[s] > 0 ? sumJ[s] / seen[s] : NaN,
      minJaccard: seen[s] > 0 ? minJ[s] : NaN,
      dissolved: dissolved[s],
      replicates: seen[s],
    });
  }
  const meanAri = ari.reduce((a, v) => a + v, 0) / Math.max(1, ari.length);
  return {
    replicates: opts.replicates,
    rowsPerReplicate: m,
    seed: opts.seed,
    meanAri,
    minAri: ari.length ? minOf(ari) : NaN,
    ari,
    segments,
  };
}

/** Calls `report(segment, best Jaccard)` for each reference segment present among the rows. */
function jaccards(
  ref: number[],
  boot: number[],
  segCount: number,
  refSize: Float64Array,
  report: (segment: number, jaccard: number) => void,
): void {
  refSize.fill(0);
  const bootSize = new Map<number, number>(), both = new Map<number, number>();
  for (let t = 0; t < ref.length; t++) {
    if (ref[t] >= 0) refSize[ref[t]]++;
    if (boot[t] < 0) continue;
    bootSize.set(boot[t], (bootSize.get(boot[t]) ?? 0) + 1);
    if (ref[t] >= 0) {
      const key = ref[t] * 2 ** 26 + boot[t];
      both.set(key, (both.get(key) ?? 0) + 1);
    }
  }
  const best = new Float64Array(segCount);
  for (const [key, c] of both) {
    const s = Math.floor(key / 2 ** 26), q = key % 2 ** 26;
    const j = c / (refSize[s] + bootSize.get(q)! - c);
    if (j > best[s]) best[s] = j;
  }
  for (let s = 0; s < segCount; s++) if (refSize[s] > 0) report(s, best[s]);
}
