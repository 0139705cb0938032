/**
 * Options of the matrix stage, declared once: one rule per option (type, default, range, doc)
 * that fills in the defaults and checks a `fitMatrix` call, checks the config's `matrix`
 * section and writes that section of the config schema.
 *
 * @module
 */

import {
  anyOf,
  bool,
  defaultsOf,
  int,
  listOf,
  nested,
  nullable,
  num,
  oneOf,
  optional,
  type OptionsOf,
  recordOf,
  refine,
  required,
  type Rule,
  shape,
  str,
  withDefault,
} from "../options.ts";
import type { FeatureGroup } from "../types.ts";

/** Every feature group, in the order features lists them. */
const GROUPS = [
  "purchase",
  "preference",
  "price",
  "browsing",
  "social",
  "attribute",
  "text",
] as const satisfies readonly FeatureGroup[];

const groupList: Rule<FeatureGroup[]> = {
  ...listOf(oneOf(...GROUPS)),
  says: `a list of groups (${GROUPS.join(", ")})`,
};
const names = listOf(str(undefined, "a feature name"));

/** The options of `fitMatrix` and `buildMatrix`: one rule each. */
export const MATRIX_RULES = {
  /** Keep only these features (by name). @default all features in the meta */
  columns: optional(names, "Keep only these features (by name); all features when absent"),
  /** Keep only features of these groups. @default all groups */
  groups: optional(groupList, "Keep only features of these groups; all groups when absent"),
  /** Drop these features (by name). @default [] */
  excludeColumns: withDefault(names, [], "Drop these features (by name)"),
  /**
   * Drop features of these groups. @default [] (["attribute"] when the meta has behavioural
   * features and neither `columns`, `groups` nor `excludeGroups` is given)
   */
  excludeGroups: withDefault(
    groupList,
    [],
    "Drop features of these groups (attributes are dropped when the data has behaviour and no " +
      "selection is given)",
  ),
  /** Centre and scale numeric columns: mean/sd, median/IQR, or not at all. @default "standard" */
  scaling: withDefault(
    oneOf("standard", "robust", "none"),
    "standard",
    "Centre and scale numeric columns: mean/sd, median/IQR, or not at all",
  ),
  /** Apply signed log1p to features whose meta says heavyTailed. @default true */
  log1p: withDefault(bool(), true, "Apply signed log1p to features whose meta says heavyTailed"),
  /**
   * Add a 0/1 "<name>__missing" column when the share of missing values lies in [min, max]
   * (missingness is then informative); false never adds one. Features missing for exactly the
   * same rows share the first one's indicator. @default { min: 0.01, max: 0.99 }
   */
  missingIndicator: withDefault(
    refine(
      anyOf(
        oneOf(false),
        nested(
          {
            min: required(num(0, 1), "Least share of missing values that gets an indicator"),
            max: required(num(0, 1), "Most share of missing values that gets an indicator"),
          },
          "Shares of missing values that get an indicator",
          "{ min, max }",
        ),
      ),
      "false or { min, max } with 0 ≤ min ≤ max ≤ 1",
      (v) => v === false || v.min <= v.max,
    ),
    { min: 0.01, max: 0.99 },
    'Add a 0/1 "<name>__missing" column when the share of missing values lies in [min, max]; ' +
      "false never adds one",
  ),
  /** One-hot columns per categorical feature: the most frequent levels, the rest "other". @default 10 */
  maxLevels: withDefault(
    int(1),
    10,
    'One-hot columns per categorical feature: the most frequent levels, the rest "other"',
  ),
  /**
   * Multiplies the output columns of a group by the weight (plain weighting: the group's share
   * of squared Euclidean distances scales by weight², so pass √w to scale it by w). @default {}
   */
  weights: withDefault(
    recordOf(num(0), GROUPS) as Rule<Partial<Record<FeatureGroup, number>>>,
    {},
    "Multiplies the output columns of a group by the weight (pass √w to scale its share of " +
      "squared distances by w)",
  ),
  /**
   * The share of the matrix's variance (so of squared distances) the text block may take when
   * `weights.text` is not given: `{ min, max }` scales the text columns only when the block's
   * share at weight 1 falls outside [min, max], a number pins the share, null leaves the text
   * columns at weight 1. The default keeps a dozen text columns from swamping a few customer
   * attributes (over 70% of the distances) or vanishing next to a hundred behavioural columns
   * (under 10%); README "The text block's weight" has the measurements. @default
   * { min: 0.1, max: 0.7 }
   */
  textShare: withDefault(
    nullable(anyOf(
      num(0, 1, true, true),
      refine(
        nested(
          {
            min: required(num(0, 1, false, true), "Smallest share of the text block"),
            max: required(num(0, 1, true, true), "Largest share of the text block"),
          },
          "Range of shares the text block is kept within",
          "{ min, max }",
        ),
        "{ min, max } with 0 ≤ min ≤ max < 1",
        (v) => v.min <= v.max,
      ),
    )),
    { min: 0.1, max: 0.7 },
    "Share of the matrix variance the text block may take unless weights.text is given: " +
      "{ min, max } (kept within), a number in (0, 1) (pinned), or null (text columns at weight 1)",
  ),
  /** Project onto principal components: `{ components: n }` or `{ variance: 0.9 }`. */
  pca: optional(
    anyOf(
      shape<{ components: number }>({ components: int(1) }, "{ components: integer ≥ 1 }"),
      shape<{ variance: number }>({ variance: num(0, 1, true) }, "{ variance: number in (0, 1] }"),
    ),
    "Project onto principal components: { components: n } or { variance: 0.9 }",
  ),
  /** Column with the customer ids. @default "customer_id" */
  idColumn: withDefault(
    str(undefined, "a column name"),
    "customer_id",
    "Column with the customer ids",
  ),
};

/** Options of `fitMatrix`, defaults filled in. */
export type ResolvedMatrixOptions = OptionsOf<typeof MATRIX_RULES>;

/** Options of `fitMatrix` as a caller writes them: every one may be left out. */
export type MatrixOptions = Partial<ResolvedMatrixOptions>;

/** The defaults of {@link MatrixOptions}, merged once at the start of `fitMatrix`. */
export const MATRIX_DEFAULTS: Readonly<ResolvedMatrixOptions> = defaultsOf(MATRIX_RULES);
