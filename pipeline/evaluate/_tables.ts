/**
 * Per-segmentation tables of the evaluate stage: outcome rate per segment with Wilson
 * intervals, the chi-square association, and the bootstrap of differences in Cramér's V.
 *
 * @module
 */

import { rng } from "../math/mod.ts";
import { type Association, chiSquareTest, quantileSorted, wilson } from "./_stats.ts";

/** One segmentation of the evaluated customers: a group per row, groups in display order. */
export interface Segmentation {
  /** "Personae", "RFM", "Raw K-Means". */
  method: string;
  /** Group keys in display order (segment numbers, or names such as RFM segments). */
  keys: (number | string)[];
  /** Display labels, one per key. */
  labels: string[];
  /** Index into `keys` per customer row. */
  group: Int32Array;
}

/** The outcome rate of one segment; fits the `SegmentRate` rows of `outcomeRateChart`. */
export interface OutcomeRate {
  /** The segmentation the segment belongs to ("Personae", "RFM", "Raw K-Means"). */
  segmentation: string;
  /** Segment number (Personae; -1 is noise) or name (RFM segment, raw K-Means cluster). */
  segment: number | string;
  label: string;
  /** Customers with a known outcome in the segment. */
  n: number;
  /** Of those, customers with the event. */
  events: number;
  rate: number;
  /** Wilson interval at the stage's confidence. */
  low: number;
  high: number;
}

/** Builds a segmentation from one label per row, ordered by `order` (display order). */
export function segmentationOf(
  method: string,
  labels: ArrayLike<number | string>,
  order: (number | string)[],
  labelOf: (key: number | string) => string,
): Segmentation {
  const at = new Map(order.map((k, i) => [k, i]));
  const group = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const g = at.get(labels[i]);
    if (g === undefined) throw new TypeError(`${method}: label ${labels[i]} is not in its order`);
    group[i] = g;
  }
  return { method, keys: order, labels: order.map(labelOf), group };
}

/** Events and customers per group over rows with a known outcome (event 0 or 1; -1 skipped). */
export function groupCounts(s: Segmentation, event: Int8Array, rows?: Uint32Array): Float64Array {
  const counts = new Float64Array(s.keys.length * 2); // [events, non-events] per group
  const add = (i: number) => {
    if (event[i] >= 0) counts[s.group[i] * 2 + (event[i] === 1 ? 0 : 1)]++;
  };
  if (rows) { for (const i of rows) add(i); }
  else for (let i = 0; i < event.length; i++) add(i);
  return counts;
}

function tableOf(counts: Float64Array): Float64Array[] {
  const t: Float64Array[] = [];
  for (let g = 0; g < counts.length; g += 2) t.push(counts.subarray(g, g + 2));
  return t;
}

/** The rate table of a segmentation: one row per group with at least one evaluated customer. */
export function rateRows(s: Segmentation, event: Int8Array, z: number): OutcomeRate[] {
  const counts = groupCounts(s, event);
  const out: OutcomeRate[] = [];
  s.keys.forEach((key, g) => {
    const events = counts[2 * g], n = events + counts[2 * g + 1];
    if (n === 0) return;
    out.push({
      segmentation: s.method,
      segment: key,
      label: s.labels[g],
      n,
      events,
      ...wilson(events, n, z),
    });
  });
  return out;
}

/** Chi-square test of segment × outcome. */
export function associationOf(s: Segmentation, event: Int8Array): Association {
  return chiSquareTest(tableOf(groupCounts(s, event)));
}

/** A bootstrap interval of V(first segmentation) − V(other). */
export interface VDifference {
  low: number;
  high: number;
  /** Replicates where either V was undefined (a constant outcome in the resample); left out. */
  skipped: number;
}

/**
 * Paired bootstrap of the difference in Cramér's V between `segs[0]` and each other
 * segmentation: evaluated customers are resampled with replacement, labels held fixed, so the
 * interval covers sampling variation of the outcome, not refitting of the segmentations.
 */
export function bootstrapVDifferences(
  segs: Segmentation[],
  event: Int8Array,
  replicates: number,
  confidence: number,
  seed: number,
): VDifference[] {
  const known: number[] = [];
  for (let i = 0; i < event.length; i++) if (event[i] >= 0) known.push(i);
  const n = known.length;
  const diffs = segs.slice(1).map(() => [] as number[]);
  const skipped = segs.slice(1).map(() => 0);
  const r = rng(seed);
  const rows = new Uint32Array(n);
  for (let b = 0; b < replicates; b++) {
    for (let j = 0; j < n; j++) rows[j] = known[r.int(n)];
    const v = segs.map((s) => chiSquareTest(tableOf(groupCounts(s, event, rows))).cramersV);
    for (let m = 1; m < segs.length; m++) {
      const own = v[0], other = v[m];
      if (own === null || other === null) skipped[m - 1]++;
      else diffs[m - 1].push(own - other);
    }
  }
  const tail = (1 - confidence) / 2;
  return diffs.map((d, m) => {
    const sorted = Float64Array.from(d).sort();
    return {
      low: quantileSorted(sorted, tail),
      high: quantileSorted(sorted, 1 - tail),
      skipped: skipped[m],
    };
  });
}
