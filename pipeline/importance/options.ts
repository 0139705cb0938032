/**
 * Options of permutation importance and the importance stage, declared once: one rule per
 * option (type, default, range, doc) that fills in the defaults and checks a call, checks the
 * config's `importance` section and writes that section of the config schema.
 *
 * @module
 */

import {
  defaultsOf,
  int,
  listOf,
  nullable,
  oneOf,
  type OptionsOf,
  recordOf,
  str,
  withDefault,
} from "../options.ts";

/** The options of `permutationImportance` and `importanceStage`: one rule each. */
export const IMPORTANCE_RULES = {
  /** Shuffles per column or group; the drop is their mean. @default 5 */
  nRepeats: withDefault(int(1), 5, "Shuffles per column or group; the drop is their mean"),
  /** Seed of the shuffles. @default 0 */
  seed: withDefault(int(), 0, "Seed of the shuffles"),
  /** The metric whose drop is measured. @default "accuracy" */
  metric: withDefault(
    oneOf("accuracy", "macroF1"),
    "accuracy",
    "The metric whose drop is measured",
  ),
  /** Columns permuted together, by group name; null permutes each column on its own. @default null */
  groups: withDefault(
    nullable(recordOf(listOf(str(undefined, "a column name")))),
    null,
    "Columns permuted together, by group name; null permutes each column on its own",
  ),
};

/** Settings of permutation importance, defaults filled in. */
export type PermutationOptions = OptionsOf<typeof IMPORTANCE_RULES>;

/** Defaults of permutation importance and the importance stage. */
export const IMPORTANCE_DEFAULTS: Readonly<PermutationOptions> = defaultsOf(IMPORTANCE_RULES);
