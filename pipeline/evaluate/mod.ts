/**
 * Evaluate stage: external validity of the segments against an outcome the segmentation never
 * saw (campaign response, churn, subscription). Per segment the outcome rate with a Wilson
 * interval; the association of segment and outcome (Pearson's chi-square, Cramér's V); and the
 * same for two baselines, RFM quintile segments and K-Means on the raw unscaled features, so
 * the comparison table answers: do Personae's segments separate the outcome better?
 *
 * @module
 */

export {
  applyRfm,
  type Association,
  checkOutcome,
  chiSquareSf,
  chiSquareTest,
  type EvaluateInputs,
  type EvaluateOutputs,
  evaluateStage,
  fitRfm,
  type Interval,
  type MethodComparison,
  normalQuantile,
  type OutcomeRate,
  RFM_SEGMENTS,
  type RfmColumns,
  type RfmModel,
  type RfmScores,
  TRANSACTION_RFM,
  wilson,
} from "./evaluate.ts";
export {
  EVALUATE_DEFAULTS,
  EVALUATE_RULES,
  type EvaluateOptions,
  type EvaluateOptionsInput,
  resolveEvaluateOptions,
} from "./options.ts";
export {
  checkExperiment,
  type ExperimentInputs,
  type ExperimentOutputs,
  experimentStage,
  type ExperimentStageOptions,
} from "./experiment.ts";
export {
  EXPERIMENT_RULES,
  type ExperimentOptions,
  type ExperimentOptionsInput,
  resolveExperimentOptions,
} from "./options.ts";
