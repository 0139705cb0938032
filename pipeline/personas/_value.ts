/**
 * What a persona says about its segment's future value: the value stage's row for the segment
 * (−2 for the small segments pooled into "Other"), with the horizon it counts over.
 *
 * @module
 */

import type { PersonaInputs } from "./personas.ts";

/** A segment's expected future value, from the value stage. */
export interface PersonaValue {
  /** Customers valued (those with orders before the calibration end). */
  customers: number;
  /** Mean discounted CLV over the horizon. */
  meanValue: number;
  totalValue: number;
  /** Share of all customers' future value, 0–1. */
  share: number;
  /** Mean expected purchases over the horizon. */
  meanExpectedPurchases: number;
  /** Weeks ahead the value counts. */
  horizon: number;
}

/** A segment's row of the value summary (−2 for the pooled small segments), if valued. */
export function valueOf(inputs: PersonaInputs, segment: number): PersonaValue | null {
  const row = inputs.value?.bySegment.find((r) => r.segment === segment);
  if (!row || row.customers === 0) return null;
  return {
    customers: row.customers,
    meanValue: row.meanValue,
    totalValue: row.totalValue,
    share: row.share,
    meanExpectedPurchases: row.meanExpectedPurchases,
    horizon: inputs.value!.horizon,
  };
}
