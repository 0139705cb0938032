/**
 * Options of the evaluate stage, declared once: one rule per option (type, default, range, doc)
 * that fills in the defaults and checks an `evaluateStage` call, checks the config's `evaluate`
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
  OptionError,
  type OptionsInput,
  type OptionsOf,
  parseOptions,
  required,
  str,
  withDefault,
} from "../options.ts";

const column = str(/^.+$/, "a column name");
const columns = {
  ...anyOf(column, listOf(column, 1)),
  says: "a column name or a list of them",
};

/** The columns of an RFM baseline on a wide table. */
const RFM_RULES = {
  /** Days (or any unit) since the last purchase; lower is better. Absent: no recency score. */
  recency: optional(
    nullable(column),
    "Days (or any unit) since the last purchase; lower is better. Absent: no recency score",
  ),
  /** Purchase counts; several columns are summed (e.g. web + store + catalogue purchases). */
  frequency: required(
    columns,
    "Purchase counts; several columns are summed (e.g. web + store + catalogue purchases)",
  ),
  /** Spend; several columns are summed (e.g. spend per product category). */
  monetary: required(
    columns,
    "Spend; several columns are summed (e.g. spend per product category)",
  ),
  /** "named" (needs recency) or "score" bands. @default "named" */
  scheme: optional(oneOf("named", "score"), '"named" (needs recency) or "score" bands'),
};

/** Which feature columns give recency, frequency and monetary value. */
export type RfmColumns = OptionsOf<typeof RFM_RULES>;

/** The options of `evaluateStage`: one rule each. */
export const EVALUATE_RULES = {
  /** The outcome column of the outcomes frame, e.g. "Response", "Churn", "y". Required. */
  outcome: required(column, 'The outcome column of the outcomes frame, e.g. "Response", "Churn"'),
  /**
   * The outcome value counted as the event. By default detected: for a column with two
   * distinct values, one of "yes", "true", "y", "1" (any case; numbers 1 and true included).
   * Any other column needs it set (e.g. "negative" for a sentiment label).
   */
  positive: optional(
    { ...anyOf(anyOf(str(), num()), bool()), says: "a string, a number or a boolean" },
    'The outcome value counted as the event; detected for two-valued columns ("yes", "true", ' +
      '"y", "1")',
  ),
  /** Level of the Wilson intervals and of the bootstrap intervals. @default 0.95 */
  confidence: withDefault(
    num(0.5, 1, true, true),
    0.95,
    "Level of the Wilson intervals and of the bootstrap intervals",
  ),
  /** Seed of the raw K-Means baseline and of the bootstrap. @default 0 */
  seed: withDefault(int(), 0, "Seed of the raw K-Means baseline and of the bootstrap"),
  /**
   * The RFM baseline: "auto" reads recency_days, frequency and monetary_total (the features
   * stage's purchase features) and is skipped with a warning when they are absent; an object
   * names the columns (for wide tables); false skips it. @default "auto"
   */
  rfm: withDefault(
    anyOf(
      oneOf<"auto" | false>("auto", false),
      nested(RFM_RULES, "The columns of the RFM baseline", "an object of column names"),
    ),
    "auto",
    'The RFM baseline: "auto" reads the purchase features, an object names the columns, false ' +
      "skips it",
  ),
  /** Also segment by K-Means on the raw (unscaled) numeric features, with Personae's k. @default true */
  rawKMeans: withDefault(
    bool(),
    true,
    "Also segment by K-Means on the raw (unscaled) numeric features, with Personae's k",
  ),
  /**
   * Bootstrap replicates for the interval of the difference in Cramér's V between Personae and
   * each baseline (customers resampled, segment labels held fixed); 0 skips it. @default 200
   */
  bootstrap: withDefault(
    int(0),
    200,
    "Bootstrap replicates for the interval of the difference in Cramér's V between Personae and " +
      "each baseline; 0 skips it",
  ),
};

/** Settings of the evaluate stage, defaults filled in. */
export type EvaluateOptions = OptionsOf<typeof EVALUATE_RULES>;

/** Settings of the evaluate stage as a caller writes them: `outcome` and any others. */
export type EvaluateOptionsInput = OptionsInput<typeof EVALUATE_RULES>;

/** The defaults of {@link EvaluateOptions} (all but the required `outcome`). */
export const EVALUATE_DEFAULTS: Readonly<Omit<EvaluateOptions, "outcome" | "positive">> =
  defaultsOf(EVALUATE_RULES);

/**
 * Merges the given options over the defaults once and checks every one of them, and that a
 * "named" RFM scheme has its recency column.
 *
 * @example
 * ```ts
 * import { resolveEvaluateOptions } from "./options.ts";
 * const o = resolveEvaluateOptions({ outcome: "y", bootstrap: 0 });
 * if (o.rfm !== "auto" || o.confidence !== 0.95) throw new Error("defaults not merged");
 * ```
 */
export function resolveEvaluateOptions(input: EvaluateOptionsInput): EvaluateOptions {
  const o = parseOptions("evaluate", EVALUATE_RULES, input);
  if (typeof o.rfm === "object" && (o.rfm.scheme ?? "named") === "named" && !o.rfm.recency) {
    throw new OptionError(
      "The 'rfm.scheme' option of evaluate is \"named\", which needs a recency column. " +
        "Set 'rfm.recency' or use scheme \"score\"",
      "evaluate",
      "rfm.scheme",
    );
  }
  return o;
}

/** The options of `experimentStage` (config section `experiment`): one rule each. */
export const EXPERIMENT_RULES = {
  /** The customer column naming each customer's arm (treatment group). Required. */
  arm: required(column, "The customer column naming each customer's arm (treatment group)"),
  /** The arm every other arm is compared with, as it is written in the arm column. Required. */
  control: required(
    { ...anyOf(str(/^.+$/, "a non-empty string"), num()), says: "a string or a number" },
    "The arm every other arm is compared with, as written in the arm column",
  ),
  /** Outcome columns measured after treatment: 0/1 columns are rates, others amounts. Required. */
  outcomes: required(
    listOf(column, 1),
    "Outcome columns measured after treatment: 0/1 columns are rates, others amounts",
  ),
  /**
   * Customer columns measured before treatment: the only customer columns used as features, so
   * segments are defined before the experiment. Absent: every column but the arm and outcomes.
   */
  pretreatment: optional(
    listOf(column, 1),
    "Customer columns measured before treatment, the only ones used as features (absent: every " +
      "column but the arm and the outcomes)",
  ),
  /** Level of the intervals. @default 0.95 */
  confidence: withDefault(num(0.5, 1, true, true), 0.95, "Level of the intervals"),
  /** Adjustment of the per-segment p-values: "holm" (family-wise) or "bh" (FDR). @default "holm" */
  adjust: withDefault(
    oneOf("holm", "bh"),
    "holm",
    'Adjustment of the per-segment p-values: "holm" (family-wise) or "bh" (false discovery rate)',
  ),
  /** Outcomes where a decrease is the good direction (churn, returns). @default [] */
  lowerIsBetter: withDefault(
    listOf(column),
    [],
    "Outcomes where a decrease is the good direction (churn, returns)",
  ),
};

/** Settings of the experiment, defaults filled in. */
export type ExperimentOptions = OptionsOf<typeof EXPERIMENT_RULES>;

/** Settings of the experiment as a caller writes them: arm, control, outcomes and any others. */
export type ExperimentOptionsInput = OptionsInput<typeof EXPERIMENT_RULES>;

/**
 * Merges the given options over the defaults once and checks every one of them, and that the
 * arm, the outcomes and the pre-treatment columns are different columns.
 *
 * @example
 * ```ts
 * import { resolveExperimentOptions } from "./options.ts";
 * const o = resolveExperimentOptions({ arm: "segment", control: "No E-Mail", outcomes: ["visit"] });
 * if (o.adjust !== "holm" || o.confidence !== 0.95) throw new Error("defaults not merged");
 * ```
 */
export function resolveExperimentOptions(input: ExperimentOptionsInput): ExperimentOptions {
  const o = parseOptions("experiment", EXPERIMENT_RULES, input);
  const fail = (message: string, key: string) => {
    throw new OptionError(message, "experiment", key);
  };
  if (o.outcomes.includes(o.arm)) {
    fail(`The experiment's arm column '${o.arm}' cannot also be an outcome`, "outcomes");
  }
  const twice = o.outcomes.find((c, i) => o.outcomes.indexOf(c) !== i);
  if (twice) fail(`The experiment names outcome '${twice}' twice`, "outcomes");
  const after = o.pretreatment?.find((c) => c === o.arm || o.outcomes.includes(c));
  if (after) {
    fail(
      `'${after}' is the experiment's arm or an outcome, measured after treatment: it cannot ` +
        "be a pre-treatment column",
      "pretreatment",
    );
  }
  const stray = o.lowerIsBetter.find((c) => !o.outcomes.includes(c));
  if (stray) {
    fail(
      `The 'lowerIsBetter' option of experiment names '${stray}', which is not an outcome ` +
        `(outcomes: ${o.outcomes.join(", ")})`,
      "lowerIsBetter",
    );
  }
  return o;
}
