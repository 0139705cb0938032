/**
 * Matrix stage: turns the feature table into the numeric matrix that clustering reads. A fitted
 * {@link MatrixModel} is a list of column steps (median imputation with an optional missing
 * indicator, signed log1p for heavy-tailed features, standard or robust scaling, one-hot with a
 * level cap, group weights) and an optional PCA, all plain JSON.
 *
 * @module
 */

export { numericColumn } from "./_util.ts";
export {
  MATRIX_DEFAULTS,
  MATRIX_RULES,
  type MatrixOptions,
  type ResolvedMatrixOptions,
} from "./options.ts";
export {
  applyMatrix,
  buildMatrix,
  type CategoricalStep,
  type ColumnStep,
  fitMatrix,
  type MatrixModel,
  type NumericStep,
  type PcaModel,
  rawLevels,
  rawMatrix,
  type UnseenLevels,
  unseenLevelsOf,
  withTextFeatures,
} from "./matrix.ts";
