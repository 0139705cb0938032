/**
 * Options of the matrix stage: the type, the defaults, and one table of constraints that both
 * validates and writes the message.
 *
 * @module
 */

import type { FeatureGroup } from "../types.ts";
import type { PcaSize } from "../math/mod.ts";

/** Options of `fitMatrix`. */
export interface MatrixOptions {
  /** Keep only these features (by name). @default all features in the meta */
  columns?: string[];
  /** Keep only features of these groups. @default all groups */
  groups?: FeatureGroup[];
  /** Drop these features (by name). @default [] */
  excludeColumns?: string[];
  /** Drop features of these groups. @default [] */
  excludeGroups?: FeatureGroup[];
  /** Centre and scale numeric columns: mean/sd, median/IQR, or not at all. @default "standard" */
  scaling?: "standard" | "robust" | "none";
  /** Apply signed log1p to features whose meta says heavyTailed. @default true */
  log1p?: boolean;
  /**
   * Add a 0/1 "<name>__missing" column when the share of missing values lies in [min, max]
   * (missingness is then informative); false never adds one. Features missing for exactly the
   * same rows share the first one's indicator. @default { min: 0.01, max: 0.99 }
   */
  missingIndicator?: { min: number; max: number } | false;
  /** One-hot columns per categorical feature: the most frequent levels, the rest "other". @default 10 */
  maxLevels?: number;
  /**
   * Multiplies the output columns of a group by the weight (plain weighting: the group's share
   * of squared Euclidean distances scales by weight², so pass √w to scale it by w). @default {}
   */
  weights?: Partial<Record<FeatureGroup, number>>;
  /** Project onto principal components: `{ components: n }` or `{ variance: 0.9 }`. */
  pca?: PcaSize;
  /** Column with the customer ids. @default "customer_id" */
  idColumn?: string;
}

/** The defaults of {@link MatrixOptions}, merged once at the start of `fitMatrix`. */
export const MATRIX_DEFAULTS = {
  excludeColumns: [] as string[],
  excludeGroups: [] as FeatureGroup[],
  scaling: "standard" as "standard" | "robust" | "none",
  log1p: true,
  missingIndicator: { min: 0.01, max: 0.99 } as { min: number; max: number } | false,
  maxLevels: 10,
  weights: {} as Partial<Record<FeatureGroup, number>>,
  idColumn: "customer_id",
};

export type MergedMatrixOptions = typeof MATRIX_DEFAULTS & MatrixOptions;

const GROUPS = ["purchase", "preference", "price", "browsing", "social", "attribute", "text"];
const isNames = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
const isGroups = (v: unknown) => Array.isArray(v) && v.every((x) => GROUPS.includes(x));
const isShare = (v: unknown) => typeof v === "number" && v >= 0 && v <= 1;

const RULES: { key: keyof MergedMatrixOptions; ok: (v: unknown) => boolean; expected: string }[] = [
  { key: "columns", ok: (v) => v === undefined || isNames(v), expected: "a list of names" },
  {
    key: "groups",
    ok: (v) => v === undefined || isGroups(v),
    expected: `a list of groups (${GROUPS.join(", ")})`,
  },
  { key: "excludeColumns", ok: isNames, expected: "a list of names" },
  { key: "excludeGroups", ok: isGroups, expected: `a list of groups (${GROUPS.join(", ")})` },
  {
    key: "scaling",
    ok: (v) => v === "standard" || v === "robust" || v === "none",
    expected: '"standard", "robust" or "none"',
  },
  { key: "log1p", ok: (v) => typeof v === "boolean", expected: "true or false" },
  {
    key: "missingIndicator",
    ok: (v) =>
      v === false ||
      (typeof v === "object" && v !== null && isShare((v as { min: unknown }).min) &&
        isShare((v as { max: unknown }).max) &&
        (v as { min: number }).min <= (v as { max: number }).max),
    expected: "false or { min, max } with 0 <= min <= max <= 1",
  },
  {
    key: "maxLevels",
    ok: (v) => Number.isInteger(v) && (v as number) >= 1,
    expected: "an integer >= 1",
  },
  {
    key: "weights",
    ok: (v) =>
      typeof v === "object" && v !== null &&
      Object.entries(v).every(([g, w]) =>
        GROUPS.includes(g) && typeof w === "number" && Number.isFinite(w) && w >= 0
      ),
    expected: "an object of group → number >= 0",
  },
  {
    key: "pca",
    ok: (v) =>
      v === undefined ||
      (typeof v === "object" && v !== null && (
        ("components" in v && Number.isInteger(v.components) && (v.components as number) >= 1) ||
        ("variance" in v && typeof v.variance === "number" && v.variance > 0 && v.variance <= 1)
      )),
    expected: "{ components: integer >= 1 } or { variance: number in (0, 1] }",
  },
  { key: "idColumn", ok: (v) => typeof v === "string", expected: "a column name" },
];

/** Throws a RangeError naming the first option that breaks its constraint. */
export function validateMatrixOptions(o: MergedMatrixOptions): void {
  for (const rule of RULES) {
    const v = o[rule.key];
    if (!rule.ok(v)) {
      throw new RangeError(
        `The '${rule.key}' option of matrix must be ${rule.expected}. Got ${
          JSON.stringify(v)
        } instead`,
      );
    }
  }
}
