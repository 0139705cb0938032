/**
 * The segment classifier: learns to assign customers to the segments the cluster stage found,
 * so new customers can be placed without re-clustering. Three model families — multinomial
 * logistic regression, a histogram decision tree and a random forest — share one fit / apply
 * contract: `fitClassifier` returns plain JSON, `predictProba` and `predict` apply it.
 *
 * @module
 */

import { checkMatrix, columnNames, encodeLabels } from "./_data.ts";
import {
  type FitOptionsInput,
  type ForestOptions,
  type LogisticOptions,
  resolveFitOptions,
  type TreeOptions,
} from "./options.ts";
import { growForest } from "./_forest.ts";
import { fitLogistic, logisticProba } from "./_logreg.ts";
import {
  addTreeProba,
  binMatrix,
  growTree,
  type PackedTree,
  packTree,
  type TreeNodes,
} from "./_tree.ts";
import type { Matrix } from "../types.ts";

export { complement, type Split, stratifiedKFold, stratifiedSplit } from "./_cv.ts";
export {
  type ClassificationReport,
  classificationReport,
  type ClassMetrics,
  type ConfusionMatrix,
  confusionMatrix,
  type MetricName,
} from "./_metrics.ts";
export type { TreeNodes } from "./_tree.ts";

interface ModelBase {
  /** The segment labels, in the order of the probability columns. */
  classes: number[];
  /** The feature columns the model expects, in order. */
  columns: string[];
}

/** Softmax regression: `coef[c][j]` weighs feature j for class `classes[c]`. */
export interface LogisticModel extends ModelBase {
  kind: "logistic";
  coef: number[][];
  intercept: number[];
  /** L-BFGS iterations used, and whether the solver met its tolerance before `maxIter`. */
  iterations: number;
  converged: boolean;
  /** Why the solver stopped, in words. */
  stop: string;
  options: LogisticOptions;
}

/** One histogram tree; `importance` is its Gini importance per column, summing to 1. */
export interface TreeModel extends ModelBase {
  kind: "tree";
  tree: TreeNodes;
  importance: number[];
  options: TreeOptions;
}

/** A random forest; `importance` is the mean of its trees' normalised Gini importances. */
export interface ForestModel extends ModelBase {
  kind: "forest";
  trees: TreeNodes[];
  importance: number[];
  options: ForestOptions;
  seed: number;
}

/** A fitted classifier, tagged by kind; plain JSON that keeps no training rows. */
export type ClassifierModel = LogisticModel | TreeModel | ForestModel;

/** Class probabilities of each row (rows × classes, row-major) and the class of each column. */
export interface Probabilities {
  proba: Float64Array;
  classes: number[];
}

function normalised(gain: ArrayLike<number>): number[] {
  let total = 0;
  for (let j = 0; j < gain.length; j++) total += gain[j];
  return Array.from(gain, (g) => (total > 0 ? g / total : 0));
}

/**
 * Fits one classifier on a scaled, complete matrix and integer labels ≥ 0 (drop noise rows
 * labelled -1 first; {@link classifyStage} does so with a warning). A logistic fit that hit
 * `maxIter` first is returned with `converged: false`.
 *
 * @param options `model` picks the family (@default "logistic"); `logistic` (@default C 1,
 *   tol 1e-4, maxIter 100), `tree` (@default maxDepth 8, minSamplesLeaf 5, maxBins 255),
 *   `forest` (@default nTrees 100, maxDepth 10, minSamplesLeaf 1, maxBins 255, maxFeatures
 *   "sqrt") and `seed` (@default 0) tune it.
 * @example
 * ```ts
 * import { fitClassifier, predict } from "./classify.ts";
 * import { fromRows } from "../types.ts";
 * const m = fromRows([[-2], [-1], [1], [2]]);
 * const model = fitClassifier(m, [0, 0, 1, 1], { model: "tree", tree: { minSamplesLeaf: 1 } });
 * if (predict(model, m).join() !== "0,0,1,1") throw new Error("expected a perfect fit");
 * ```
 */
export function fitClassifier(
  matrix: Matrix,
  labels: ArrayLike<number>,
  options: FitOptionsInput = {},
): ClassifierModel {
  const o = resolveFitOptions(options);
  checkMatrix(matrix, "fitClassifier");
  const { classes, y } = encodeLabels(labels, matrix.rows, "fitClassifier");
  const { rows: n, cols: d, data } = matrix;
  const k = classes.length, columns = columnNames(matrix);
  if (o.model === "logistic") {
    const fit = fitLogistic(data, n, d, y, k, o.logistic);
    return {
      kind: "logistic",
      classes,
      columns,
      coef: fit.coef,
      intercept: fit.intercept,
      iterations: fit.iterations,
      converged: fit.converged,
      stop: fit.stop,
      options: o.logistic,
    };
  }
  const settings = o.model === "tree" ? o.tree : o.forest;
  const binned = binMatrix(data, n, d, settings.maxBins);
  const maxDepth = settings.maxDepth ?? Infinity;
  if (o.model === "tree") {
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const { nodes, gain } = growTree(binned, y, k, null, all, {
      maxDepth,
      minSamplesLeaf: o.tree.minSamplesLeaf,
      maxFeatures: d,
    });
    return {
      kind: "tree",
      classes,
      columns,
      tree: nodes,
      importance: normalised(gain),
      options: o.tree,
    };
  }
  const mf = o.forest.maxFeatures;
  const maxFeatures = mf === "all"
    ? d
    : mf === "sqrt"
    ? Math.max(1, Math.floor(Math.sqrt(d)))
    : Math.min(mf, d);
  const { trees, importance } = growForest(binned, y, k, {
    nTrees: o.forest.nTrees,
    maxDepth,
    minSamplesLeaf: o.forest.minSamplesLeaf,
    maxFeatures,
    seed: o.seed,
  });
  return { kind: "forest", classes, columns, trees, importance, options: o.forest, seed: o.seed };
}

// Typed-array form of each tree, built once per tree object (models are read-only data).
const packed = new WeakMap<TreeNodes, PackedTree>();

function packedTree(t: TreeNodes, k: number): PackedTree {
  let p = packed.get(t);
  if (!p) {
    p = packTree(t, k);
    packed.set(t, p);
  }
  return p;
}

function checkColumns(model: ClassifierModel, matrix: Matrix): void {
  checkMatrix(matrix, "predictProba");
  if (matrix.cols !== model.columns.length) {
    throw new TypeError(
      `The model expects ${model.columns.length} columns, the matrix has ${matrix.cols}`,
    );
  }
  const j = matrix.columns ? matrix.columns.findIndex((c, j) => c !== model.columns[j]) : -1;
  if (j >= 0) {
    throw new TypeError(
      `Column ${j + 1} of the matrix is '${matrix.columns![j]}', the model expects '${
        model.columns[j]
      }'`,
    );
  }
}

/**
 * Class probabilities of every row of a matrix scaled like the training one.
 *
 * @example
 * ```ts
 * import { fitClassifier, predictProba } from "./classify.ts";
 * import { fromRows } from "../types.ts";
 * const m = fromRows([[-2], [-1], [1], [2]]);
 * const { proba, classes } = predictProba(fitClassifier(m, [3, 3, 5, 5]), m);
 * if (classes.join() !== "3,5" || proba.length !== 8) throw new Error("expected 4 × 2");
 * ```
 */
export function predictProba(model: ClassifierModel, matrix: Matrix): Probabilities {
  checkColumns(model, matrix);
  const { rows: n, cols: d, data } = matrix;
  const k = model.classes.length;
  if (model.kind === "logistic") {
    return {
      proba: logisticProba(model.coef, model.intercept, data, n, d),
      classes: model.classes,
    };
  }
  const proba = new Float64Array(n * k);
  const trees = model.kind === "tree" ? [model.tree] : model.trees;
  for (const t of trees) addTreeProba(packedTree(t, k), data, n, d, k, 1 / trees.length, proba);
  return { proba, classes: model.classes };
}

/**
 * The most probable class of every row (the first class listed wins a tie).
 *
 * @example
 * ```ts
 * import { fitClassifier, predict } from "./classify.ts";
 * import { fromRows } from "../types.ts";
 * const m = fromRows([[-2], [-1], [1], [2]]);
 * if (predict(fitClassifier(m, [0, 0, 1, 1]), m)[3] !== 1) throw new Error("expected class 1");
 * ```
 */
export function predict(model: ClassifierModel, matrix: Matrix): Int32Array {
  const { proba, classes } = predictProba(model, matrix);
  const k = classes.length, out = new Int32Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
    out[i] = classes[best];
  }
  return out;
}
