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
  type ImportanceInputs,
  type ImportanceOutputs,
  type ImportanceRow,
  importanceStage,
  impurityImportance,
  permutationImportance,
  type PermutationRow,
  segmentDrivers,
} from "./importance.ts";
export { IMPORTANCE_DEFAULTS, IMPORTANCE_RULES, type PermutationOptions } from "./options.ts";
export { permutationGroups } from "./_groups.ts";
export { cohenH, type LevelColumn, segmentLevels } from "./_drivers.ts";
