/**
 * Which features drive the segments: the classifier's own view (standardised coefficients of
 * the logistic regression, Gini importance of trees), a model-agnostic view (permutation
 * importance on held-out rows, per column or per group of columns), and per-segment drivers
 * on raw values for the personas.
 *
 * @module
 */

import { permutationGroups } from "./_groups.ts";
import type { MatrixModel } from "../matrix/mod.ts";
import { checkMatrix, columnNames } from "../classify/mod.ts";
import { type DriverRow, type LevelColumn, segmentDrivers, segmentLevels } from "./_drivers.ts";
import { meanSd, score } from "../classify/mod.ts";
import { permutation, rng } from "../math/mod.ts";
import {
  type ClassifierModel,
  type ForestModel,
  type LogisticModel,
  predict,
  type TreeModel,
} from "../classify/mod.ts";
import type { Matrix, StageResult, StageWarning } from "../types.ts";
import { parseOptions } from "../options.ts";
import { IMPORTANCE_RULES, type PermutationOptions } from "./options.ts";

export { type DriverRow, segmentDrivers };

/** A coefficient of the logistic regression: log-odds per standard deviation of the feature. */
export interface CoefficientRow {
  segment: number;
  feature: string;
  coefficient: number;
}

/** Importance of a feature (or group of features); shaped for importanceChart. */
export interface ImportanceRow {
  feature: string;
  mean: number;
  sd?: number;
}

/** Permutation importance: the drop of the metric when the columns are shuffled. */
export interface PermutationRow extends ImportanceRow {
  /** The columns permuted together (one, unless a group). */
  columns: string[];
  /** The metric on the untouched rows. */
  baseline: number;
  /** Population sd (ddof 0) of the drop over repeats. */
  sd: number;
  /** The drop in each repeat. */
  drops: number[];
}

/**
 * Coefficients per segment and feature. The matrix is standardised before classification, so
 * each is the change in that segment's log-odds for one standard deviation of the feature.
 *
 * @example
 * ```ts
 * import { fitClassifier } from "../classify/mod.ts";
 * import { coefficientTable } from "./importance.ts";
 * import { fromRows } from "../types.ts";
 * const model = fitClassifier(fromRows([[-1], [-2], [1], [2]], ["spend"]), [0, 0, 1, 1]);
 * if (model.kind !== "logistic") throw new Error("expected the default logistic model");
 * const rows = coefficientTable(model);
 * if (!(rows[1].coefficient > 0)) throw new Error("spend should raise segment 1's odds");
 * ```
 */
export function coefficientTable(model: LogisticModel): CoefficientRow[] {
  return model.classes.flatMap((segment, c) =>
    model.columns.map((feature, j) => ({ segment, feature, coefficient: model.coef[c][j] }))
  );
}

/**
 * Gini (impurity) importance of a tree or forest, normalised to sum 1.
 *
 * @example
 * ```ts
 * import { fitClassifier } from "../classify/mod.ts";
 * import { impurityImportance } from "./importance.ts";
 * import { fromRows } from "../types.ts";
 * const x = fromRows([[1, 0], [2, 1], [8, 0], [9, 1]], ["spend", "flat"]);
 * const model = fitClassifier(x, [0, 0, 1, 1], { model: "tree", tree: { minSamplesLeaf: 1 } });
 * if (model.kind !== "tree") throw new Error("expected a tree");
 * if (impurityImportance(model)[0].mean !== 1) throw new Error("spend does all the work");
 * ```
 */
export function impurityImportance(model: TreeModel | ForestModel): ImportanceRow[] {
  return model.columns.map((feature, j) => ({ feature, mean: model.importance[j] }));
}

/** Column indices of each group; throws on a column the matrix does not have. */
function groupColumns(groups: Record<string, string[]>, names: string[]): [string, number[]][] {
  const at = new Map(names.map((c, j) => [c, j]));
  return Object.entries(groups).map(([group, cols]) => {
    if (cols.length === 0) throw new RangeError(`Group '${group}' lists no columns`);
    return [
      group,
      cols.map((c) => {
        const j = at.get(c);
        if (j === undefined) {
          throw new RangeError(
            `Group '${group}' names column '${c}', which the matrix does not have`,
          );
        }
        return j;
      }),
    ];
  });
}

/**
 * Permutation importance on held-out rows, for any model: the drop in `metric` when a column
 * (or a group of columns, all moved by the same row permutation) is shuffled, over `nRepeats`
 * shuffles. Every column or group is shuffled by the same sequence of permutations drawn from
 * `seed`, so its result does not depend on which others are asked for.
 *
 * @param options @default nRepeats 5, seed 0, metric "accuracy", groups null
 * @example
 * ```ts
 * import { fitClassifier } from "../classify/mod.ts";
 * import { permutationImportance } from "./importance.ts";
 * import { fromRows } from "../types.ts";
 * const x = fromRows(Array.from({ length: 40 }, (_, i) => [i % 2 ? 3 : -3, (i * 7) % 5]));
 * const y = Array.from({ length: 40 }, (_, i) => i % 2);
 * const rows = permutationImportance(fitClassifier(x, y), x, y, { seed: 1 });
 * if (!(rows[0].mean > 0.2)) throw new Error("the first column decides the class");
 * ```
 */
export function permutationImportance(
  model: ClassifierModel,
  matrix: Matrix,
  labels: ArrayLike<number>,
  options: Partial<PermutationOptions> = {},
): PermutationRow[] {
  return permute(model, matrix, labels, parseOptions("importance", IMPORTANCE_RULES, options));
}

function permute(
  model: ClassifierModel,
  matrix: Matrix,
  labels: ArrayLike<number>,
  o: PermutationOptions,
): PermutationRow[] {
  checkMatrix(matrix, "permutationImportance");
  if (labels.length !== matrix.rows) {
    throw new TypeError(
      `permutationImportance got ${labels.length} labels for ${matrix.rows} rows`,
    );
  }
  const names = columnNames(matrix);
  const { rows: n, cols: d } = matrix;
  const classes = model.classes;
  const baseline = score(o.metric, labels, predict(model, matrix), classes);
  const groups = o.groups
    ? groupColumns(o.groups, names)
    : names.map((c, j): [string, number[]] => [c, [j]]);
  const work: Matrix = { ...matrix, data: Float64Array.from(matrix.data) };
  return groups.map(([feature, cols]) => {
    const r = rng(o.seed);
    const drops: number[] = [];
    for (let rep = 0; rep < o.nRepeats; rep++) {
      const p = permutation(n, r);
      for (const j of cols) {
        for (let i = 0; i < n; i++) work.data[i * d + j] = matrix.data[p[i] * d + j];
      }
      drops.push(baseline - score(o.metric, labels, predict(model, work), classes));
      for (const j of cols) {
        for (let i = 0; i < n; i++) work.data[i * d + j] = matrix.data[i * d + j];
      }
    }
    const { mean, sd } = meanSd(drops);
    return { feature, columns: cols.map((j) => names[j]), baseline, mean, sd, drops };
  });
}

/** Inputs of the importance stage. */
export interface ImportanceInputs {
  model: ClassifierModel;
  /** Scaled matrix and segment labels the permutations are scored on. */
  matrix: Matrix;
  labels: ArrayLike<number>;
  /** Rows of `matrix` to score on, e.g. the classify stage's test split; @default all rows. */
  rows?: ArrayLike<number>;
  /** Raw feature values of all customers (NaN = missing) and their segments, for the drivers. */
  values?: Matrix;
  segments?: ArrayLike<number>;
  /** Categorical features of all customers, for level shares among the drivers (see rawLevels). */
  levels?: LevelColumn[];
  /**
   * The matrix stage's model: unless the options name groups, each multi-column feature and
   * each feature group is also permuted as a whole (see {@link permutationGroups}).
   */
  matrixModel?: MatrixModel;
}

/** The importance tables, as plain arrays of objects. */
export interface ImportanceOutputs {
  /** Logistic regression only. */
  coefficients: CoefficientRow[];
  /** Tree and forest only. */
  impurity: ImportanceRow[];
  permutation: PermutationRow[];
  /** Empty unless groups are given. */
  groupedPermutation: PermutationRow[];
  /** Empty unless raw values are given. */
  drivers: DriverRow[];
}

/**
 * The importance stage: the model's own importances, permutation importance per column and
 * per group on held-out rows, and per-segment drivers on raw values. Rows labelled -1 among
 * the scored rows are left out with a warning.
 *
 * @param options As for permutationImportance; @default nRepeats 5, seed 0, metric
 *   "accuracy", groups null
 * @example
 * ```ts
 * import { fitClassifier } from "../classify/mod.ts";
 * import { importanceStage } from "./importance.ts";
 * import { fromRows } from "../types.ts";
 * const matrix = fromRows([[-2, 1], [-1, 0], [1, 1], [2, 0]], ["spend", "visits"]);
 * const labels = [0, 0, 1, 1];
 * const model = fitClassifier(matrix, labels);
 * const { outputs } = importanceStage({ model, matrix, labels, values: matrix });
 * if (outputs.coefficients.length !== 4 || outputs.drivers.length !== 4) throw new Error("");
 * ```
 */
export function importanceStage(
  inputs: ImportanceInputs,
  options: Partial<PermutationOptions> = {},
): StageResult<ImportanceOutputs> {
  const o = parseOptions("importance", IMPORTANCE_RULES, options);
  const { model, matrix, labels } = inputs;
  const warnings: StageWarning[] = [];
  const chosen = inputs.rows
    ? Array.from(inputs.rows)
    : Array.from({ length: matrix.rows }, (_, i) => i);
  const scored = chosen.filter((i) => labels[i] !== -1);
  if (scored.length < chosen.length) {
    warnings.push({
      stage: "importance",
      message: "Rows labelled -1 (noise) were left out of permutation importance",
      count: chosen.length - scored.length,
    });
  }
  const d = matrix.cols;
  const data = new Float64Array(scored.length * d);
  scored.forEach((r, i) => data.set(matrix.data.subarray(r * d, (r + 1) * d), i * d));
  const held: Matrix = { rows: scored.length, cols: d, data, columns: matrix.columns };
  const heldLabels = Int32Array.from(scored, (r) => labels[r]);
  const single = { ...o, groups: null };
  if (!o.groups && inputs.matrixModel) {
    const groups = permutationGroups(inputs.matrixModel);
    if (Object.keys(groups).length) o.groups = groups;
  }
  return {
    outputs: {
      coefficients: model.kind === "logistic" ? coefficientTable(model) : [],
      impurity: model.kind === "logistic" ? [] : impurityImportance(model),
      permutation: permute(model, held, heldLabels, single),
      groupedPermutation: o.groups ? permute(model, held, heldLabels, o) : [],
      drivers: [
        ...(inputs.values ? segmentDrivers(inputs.values, inputs.segments ?? labels) : []),
        ...(inputs.levels ? segmentLevels(inputs.levels, inputs.segments ?? labels) : []),
      ],
    },
    warnings,
  };
}
