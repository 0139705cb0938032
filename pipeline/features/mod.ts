/**
 * Features stage: one row of behavioural features per customer, built with Polars expressions
 * from whichever canonical tables exist (see {@link Tables}). Families: purchase, preference,
 * price (orders), browsing (events), social, and customer attributes passed through.
 *
 * @module
 */

export { buildFeatures, type FeaturesOutput } from "./features.ts";
export {
  type AttributeSpec,
  FEATURES_DEFAULTS,
  FEATURES_RULES,
  type FeaturesOptions,
  type ResolvedFeaturesOptions,
} from "./options.ts";
export { columnLabel, columnRole, columnUnit, type Unit } from "./_labels.ts";
