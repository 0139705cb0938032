/**
 * Options of the features stage, declared once: one rule per option (type, default, range, doc)
 * that fills in the defaults and checks a `buildFeatures` call, checks the config's `features`
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
  num,
  oneOf,
  optional,
  type OptionsOf,
  type Rule,
  shape,
  str,
  withDefault,
} from "../options.ts";
import { COLUMN_ROLES, type ColumnRole } from "../types.ts";

/** A customer column passed through as a feature. */
export type AttributeSpec = {
  name: string;
  kind: "numeric" | "categorical";
  /** Overrides the inferred heavy-tail flag (no negatives and skewness above 1). */
  heavyTailed?: boolean;
  /** A readable label; inferred from the name when absent ("MonthlyCharges" → "monthly charges"). */
  label?: string;
  /** The unit values are read in; inferred from the name when absent. */
  unit?: string;
  /** What the column is about (value, frequency, channel…); inferred from the label when absent. */
  role?: ColumnRole;
  /** Values that mean "none" (a -1 or 999 days since a last contact): read as missing. */
  missing?: (number | string)[];
};

const date: Rule<string | Date> = {
  says: 'a date ("YYYY-MM-DD", an ISO timestamp or a Date)',
  ok: (v) =>
    (v instanceof Date && !Number.isNaN(v.getTime())) ||
    (typeof v === "string" && !Number.isNaN(Date.parse(v))),
  schema: { type: "string" },
};

const attribute = shape<AttributeSpec>(
  {
    name: str(),
    kind: oneOf("numeric", "categorical"),
    heavyTailed: bool(),
    label: str(),
    unit: str(),
    role: oneOf(...COLUMN_ROLES),
    missing: listOf(anyOf(num(), str())),
  },
  '{ name, kind: "numeric" | "categorical", heavyTailed?, label?, unit?, role?, missing? }',
  ["heavyTailed", "label", "unit", "role", "missing"],
);

const columns = listOf(str(undefined, "a column name"));

/** The options of `buildFeatures`: one rule each. */
export const FEATURES_RULES = {
  /** "YYYY-MM-DD", an ISO timestamp or a Date. @default latest timestamp in the data + 1 day */
  referenceDate: optional(
    date,
    'Date features are measured from: "YYYY-MM-DD" or an ISO timestamp (default: the latest ' +
      "timestamp in the data + 1 day)",
  ),
  /** Customer columns to pass through; inferred from the dtypes when absent. */
  attributes: optional(
    listOf(attribute),
    "Customer columns to pass through; inferred from the dtypes when absent",
  ),
  /** Customer columns never used as features. @default [] */
  exclude: withDefault(columns, [], "Customer columns never used as features"),
  /** Outcome columns (kept out of the features, used for external validation). @default [] */
  outcomes: withDefault(
    columns,
    [],
    "Outcome columns (kept out of the features, used for external validation)",
  ),
  /** Categories (by total spend) that get their own share columns; the rest is "other". @default 8 */
  topCategories: withDefault(
    int(0),
    8,
    'Categories (by total spend) that get their own share columns; the rest is "other"',
  ),
  /** Channels (by orders) that get their own share column. @default 6 */
  topChannels: withDefault(int(0), 6, "Channels (by orders) that get their own share column"),
  /** Event types (by count) that get their own count column. @default 8 */
  topEventTypes: withDefault(
    int(0),
    8,
    "Event types (by count) that get their own count column",
  ),
  /** Social kinds (by count) that get their own rate column. @default 8 */
  topSocialKinds: withDefault(
    int(0),
    8,
    "Social kinds (by count) that get their own rate column",
  ),
  /** The event type that counts as viewing a product. @default "view" */
  viewEvent: withDefault(str(), "view", "The event type that counts as viewing a product"),
  /** The event type that counts as adding to the cart. @default "cart" */
  cartEvent: withDefault(str(), "cart", "The event type that counts as adding to the cart"),
  /** Days within which an order must follow a cart event for it not to count as abandoned. @default 7 */
  abandonmentDays: withDefault(
    num(0),
    7,
    "Days within which an order must follow a cart event for it not to count as abandoned",
  ),
  /** Text attributes with more distinct values are not inferred as categorical. @default 50 */
  maxCategoricalLevels: withDefault(
    int(0),
    50,
    "Text attributes with more distinct values are not inferred as categorical",
  ),
};

/** Options of `buildFeatures`, defaults filled in. */
export type ResolvedFeaturesOptions = OptionsOf<typeof FEATURES_RULES>;

/** Options of `buildFeatures` as a caller writes them: every one may be left out. */
export type FeaturesOptions = Partial<ResolvedFeaturesOptions>;

/** The defaults of {@link FeaturesOptions}, merged once at the start of the stage. */
export const FEATURES_DEFAULTS: Readonly<ResolvedFeaturesOptions> = defaultsOf(FEATURES_RULES);
