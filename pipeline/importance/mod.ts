/**
 * Which features drive the segments: the classifier's own view (standardised coefficients of
 * the logistic regression, Gini importance of trees), a model-agnostic view (permutation
 * importance on held-out rows, per column or per group of columns), and per-segment drivers
 * on raw values for the personas.
 *
 * @module
 */

export {
  type CoefficientRow,
  coefficientTable,
  type DriverRow,
  IMPORTANCE_DEFAULTS,
  type ImportanceInputs,
  type ImportanceOutputs,
  type ImportanceRow,
  importanceStage,
  impurityImportance,
  permutationImportance,
  type PermutationOptions,
  type PermutationRow,
  segmentDrivers,
} from "./importance.ts";
