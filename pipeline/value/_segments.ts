/**
 * The value stage's view by segment: each valued customer's segment (pooled under the privacy
 * minimum), the segments' value, and how many of a segment's customers have no orders.
 *
 * @module
 */

import pl from "nodejs-polars";
import { poolLabels, smallSegments } from "../privacy.ts";
import { type CustomerValue, type SegmentValue, valueBySegment } from "./_clv.ts";

/** One segment's value: {@link SegmentValue} plus how many of its customers have no orders. */
export interface SegmentValueRow extends SegmentValue {
  /** Customers of the segment with no order in the calibration period (not valued). */
  withoutOrders: number;
}

/**
 * Each valued customer's segment (pooled below the privacy minimum; null when the customer has
 * no segment), and per segment how many segmented customers have no valued orders.
 */
export function segmentsOf(
  ids: string[],
  segments: pl.DataFrame | undefined,
  o: { minSegmentSize: number },
): { labels: (number | null)[] | null; withoutOrders: Map<number, number>; unsegmented: number } {
  const withoutOrders = new Map<number, number>();
  if (!segments) return { labels: null, withoutOrders, unsegmented: 0 };
  for (const c of ["customer_id", "segment"]) {
    if (!segments.columns.includes(c)) {
      throw new TypeError(`The segments given to value have no '${c}' column`);
    }
  }
  const segIds = segments.getColumn("customer_id").cast(pl.Utf8).toArray() as string[];
  const raw = Int32Array.from(segments.getColumn("segment").cast(pl.Int32).toArray() as number[]);
  const pooled = poolLabels(raw, smallSegments(raw, o.minSegmentSize));
  const of = new Map<string, number>();
  segIds.forEach((id, i) => of.set(id, pooled[i]));
  const valued = new Set(ids);
  segIds.forEach((id, i) => {
    if (!valued.has(id)) withoutOrders.set(pooled[i], (withoutOrders.get(pooled[i]) ?? 0) + 1);
  });
  const labels = ids.map((id) => of.get(id) ?? null);
  return { labels, withoutOrders, unsegmented: labels.filter((l) => l === null).length };
}

/** {@link valueBySegment} over the customers that have a segment. */
export function segmentRows(value: CustomerValue, labels: (number | null)[]): SegmentValue[] {
  const keep = labels.flatMap((l, i) => (l === null ? [] : [i]));
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return valueBySegment({
    expectedPurchases: pick(value.expectedPurchases),
    pAlive: pick(value.pAlive),
    expectedSpend: pick(value.expectedSpend),
    clv: pick(value.clv),
  }, keep.map((i) => labels[i]!));
}
