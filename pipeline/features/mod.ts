/**
 * Features stage: one row of behavioural features per customer, built with Polars expressions
 * from whichever canonical tables exist (see {@link Tables}). Families: purchase, preference,
 * price (orders), browsing (events), social, and customer attributes passed through.
 *
 * @module
 */

export {
  type AttributeSpec,
  buildFeatures,
  FEATURES_DEFAULTS,
  type FeaturesOptions,
  type FeaturesOutput,
} from "./features.ts";
