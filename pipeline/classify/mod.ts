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
  type ClassificationReport,
  classificationReport,
  type ClassifierModel,
  CLASSIFY_DEFAULTS,
  type ClassifyOptions,
  type ClassifyOptionsInput,
  type ClassMetrics,
  complement,
  type ConfusionMatrix,
  confusionMatrix,
  fitClassifier,
  type FitOptions,
  type FitOptionsInput,
  type ForestModel,
  type ForestOptions,
  type LogisticModel,
  type LogisticOptions,
  type MetricName,
  MODEL_KINDS,
  type ModelKind,
  predict,
  predictProba,
  type Probabilities,
  type Split,
  stratifiedKFold,
  stratifiedSplit,
  type TreeModel,
  type TreeNodes,
  type TreeOptions,
} from "./classify.ts";
