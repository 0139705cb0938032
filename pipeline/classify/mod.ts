/**
 * The segment classifier: learns to assign customers to the segments the cluster stage found,
 * so new customers can be placed without re-clustering. Three model families — multinomial
 * logistic regression, a histogram decision tree and a random forest — share one fit / apply
 * contract: `fitClassifier` returns plain JSON, `predictProba` and `predict` apply it.
 *
 * @module
 */

export { checkMatrix, columnNames } from "./_data.ts";
export { type ClassifyOutputs, classifyStage, crossValidate, type CvResult } from "./_stage.ts";
export { meanSd, score } from "./_metrics.ts";
export {
  CLASSIFY_DEFAULTS,
  CLASSIFY_RULES,
  type ClassifyOptions,
  type ClassifyOptionsInput,
  FIT_RULES,
  type FitOptions,
  type FitOptionsInput,
  type ForestOptions,
  type LogisticOptions,
  MODEL_KINDS,
  type ModelKind,
  type TreeOptions,
} from "./options.ts";
export {
  type ClassificationReport,
  classificationReport,
  type ClassifierModel,
  type ClassMetrics,
  complement,
  type ConfusionMatrix,
  confusionMatrix,
  fitClassifier,
  type ForestModel,
  type LogisticModel,
  type MetricName,
  predict,
  predictProba,
  type Probabilities,
  type Split,
  stratifiedKFold,
  stratifiedSplit,
  type TreeModel,
  type TreeNodes,
} from "./classify.ts";
