/**
 * One table of constraints for the features options: it both validates and writes the message.
 *
 * @module
 */

import type { AttributeSpec } from "./_attributes.ts";

interface Merged {
  referenceDate?: string | Date;
  attributes?: AttributeSpec[];
  exclude: string[];
  outcomes: string[];
  topCategories: number;
  topChannels: number;
  topEventTypes: number;
  topSocialKinds: number;
  viewEvent: string;
  cartEvent: string;
  abandonmentDays: number;
  maxCategoricalLevels: number;
}

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isNames = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

const RULES: { key: keyof Merged; ok: (v: unknown) => boolean; expected: string }[] = [
  {
    key: "referenceDate",
    ok: (v) =>
      v === undefined || (v instanceof Date && !Number.isNaN(v.getTime())) ||
      (typeof v === "string" && !Number.isNaN(Date.parse(v))),
    expected: 'a date ("YYYY-MM-DD", an ISO timestamp or a Date)',
  },
  {
    key: "attributes",
    ok: (v) =>
      v === undefined ||
      (Array.isArray(v) && v.every((a) =>
        typeof a?.name === "string" && (a.kind === "numeric" || a.kind === "categorical")
      )),
    expected: 'a list of { name, kind: "numeric" | "categorical" }',
  },
  { key: "exclude", ok: isNames, expected: "a list of column names" },
  { key: "outcomes", ok: isNames, expected: "a list of column names" },
  { key: "topCategories", ok: isCount, expected: "an integer >= 0" },
  { key: "topChannels", ok: isCount, expected: "an integer >= 0" },
  { key: "topEventTypes", ok: isCount, expected: "an integer >= 0" },
  { key: "topSocialKinds", ok: isCount, expected: "an integer >= 0" },
  { key: "viewEvent", ok: (v) => typeof v === "string", expected: "a string" },
  { key: "cartEvent", ok: (v) => typeof v === "string", expected: "a string" },
  {
    key: "abandonmentDays",
    ok: (v) => typeof v === "number" && Number.isFinite(v) && v >= 0,
    expected: "a number >= 0",
  },
  { key: "maxCategoricalLevels", ok: isCount, expected: "an integer >= 0" },
];

/** Throws a RangeError naming the first option that breaks its constraint. */
export function validateFeaturesOptions(o: Merged): void {
  for (const rule of RULES) {
    const v = o[rule.key];
    if (!rule.ok(v)) {
      throw new RangeError(
        `The '${rule.key}' option of features must be ${rule.expected}. Got ${
          JSON.stringify(v)
        } instead`,
      );
    }
  }
}
