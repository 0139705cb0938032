/**
 * Options of the classifiers and the classify stage, declared once: one rule per option (type,
 * default, range, doc) that fills in the defaults and checks a `fitClassifier` or
 * `classifyStage` call, checks the config's `classify` section and writes that section of the
 * config schema. Each model family's settings are a nested table, merged key by key.
 *
 * @module
 */

import {
  anyOf,
  defaultsOf,
  int,
  listOf,
  nested,
  nullable,
  num,
  oneOf,
  type OptionsInput,
  type OptionsOf,
  parseOptions,
  refine,
  withDefault,
} from "../options.ts";
import type { OnProgress } from "../progress.ts";

/** The classifier families. */
export type ModelKind = "logistic" | "tree" | "forest";

/** The model kinds, in the order they are compared by default. */
export const MODEL_KINDS: readonly ModelKind[] = ["logistic", "tree", "forest"];

const kind = oneOf(...MODEL_KINDS);
const depth = nullable(int(1));

/** Settings of the logistic regression (scikit-learn's defaults). */
const LOGISTIC_RULES = {
  /** Inverse regularisation strength, as scikit-learn's C: smaller means stronger shrinkage. @default 1 */
  C: withDefault(
    num(0, Infinity, true),
    1,
    "Inverse regularisation strength, as scikit-learn's C: smaller means stronger shrinkage",
  ),
  /** Stop when the largest gradient component of the (mean) objective is at most this. @default 1e-4 */
  tol: withDefault(
    num(0, Infinity, true),
    1e-4,
    "Stop when the largest gradient component of the (mean) objective is at most this",
  ),
  /** Most L-BFGS iterations. @default 100 */
  maxIter: withDefault(int(1), 100, "Most L-BFGS iterations"),
};

/** Settings of a tree: the ones a forest shares, with the defaults each uses. */
function treeRules(maxDepth: number, minSamplesLeaf: number) {
  return {
    /** Deepest level a node may sit at (root = 0); null grows until leaves are pure. */
    maxDepth: withDefault(
      depth,
      maxDepth,
      "Deepest level a node may sit at (root = 0); null grows until leaves are pure",
    ),
    /** Least rows on each side of a split (bootstrap copies count in a forest). */
    minSamplesLeaf: withDefault(
      int(1),
      minSamplesLeaf,
      "Least rows on each side of a split (bootstrap copies count in a forest)",
    ),
    /** Quantile bins per feature, 2..255. @default 255 */
    maxBins: withDefault(int(2, 255), 255, "Quantile bins per feature"),
  };
}

/** Settings of a single decision tree. */
const TREE_RULES = treeRules(8, 5);

/** Settings of a random forest. */
const FOREST_RULES = {
  /** Trees in the forest. @default 100 */
  nTrees: withDefault(int(1), 100, "Trees in the forest"),
  ...treeRules(10, 1),
  /** Features tried per node: "sqrt" (⌊√d⌋), "all", or a count. @default "sqrt" */
  maxFeatures: withDefault(
    anyOf(oneOf("sqrt", "all"), int(1)),
    "sqrt",
    'Features tried per node: "sqrt" (⌊√d⌋), "all", or a count',
  ),
};

/** The model settings `fitClassifier` and the stage share. */
const MODEL_RULES = {
  /** Seed of the forest's bootstrap samples and feature draws. @default 0 */
  seed: withDefault(int(), 0, "Seed of the forest's bootstrap samples and feature draws"),
  /** Settings of the logistic regression. @default { C: 1, tol: 1e-4, maxIter: 100 } */
  logistic: nested(LOGISTIC_RULES, "Settings of the logistic regression"),
  /** Settings of a single decision tree. @default { maxDepth: 8, minSamplesLeaf: 5, maxBins: 255 } */
  tree: nested(TREE_RULES, "Settings of a single decision tree"),
  /**
   * Settings of a random forest.
   * @default { nTrees: 100, maxDepth: 10, minSamplesLeaf: 1, maxBins: 255, maxFeatures: "sqrt" }
   */
  forest: nested(FOREST_RULES, "Settings of a random forest"),
};

/** The options of `fitClassifier`: one rule each. */
export const FIT_RULES = {
  /** The model family to fit. @default "logistic" */
  model: withDefault(kind, "logistic", "The model family to fit"),
  ...MODEL_RULES,
};

/** The options of `classifyStage` (the model settings apply to every model it compares). */
export const CLASSIFY_RULES = {
  /** Models to compare with cross-validation on the training split. @default ["logistic", "tree", "forest"] */
  models: withDefault(
    refine(
      listOf(kind, 1),
      'a non-empty list of distinct "logistic", "tree", "forest"',
      (v) => new Set(v).size === v.length,
    ),
    [...MODEL_KINDS],
    "Models to compare with cross-validation on the training split",
  ),
  /** Keep this model whatever the comparison says; null keeps the best by `selectBy`. @default null */
  model: withDefault(
    nullable(kind),
    null,
    "Keep this model whatever the comparison says; null keeps the best by selectBy",
  ),
  /** Cross-validated metric that picks the best model. @default "macroF1" */
  selectBy: withDefault(
    oneOf("accuracy", "macroF1"),
    "macroF1",
    "Cross-validated metric that picks the best model",
  ),
  /** Cross-validation folds. @default 5 */
  folds: withDefault(int(2), 5, "Cross-validation folds"),
  /** Share of each class held out as the test split. @default 0.2 */
  testFraction: withDefault(
    num(0, 1, true, true),
    0.2,
    "Share of each class held out as the test split",
  ),
  /**
   * Most training rows the model comparison uses: above it, cross-validation and each model's
   * test score run on a stratified sample of this many rows, and only the kept model is refit
   * on the whole training split (a comparison on 200,000 rows ranks models as well as one on
   * 800,000, at a quarter of the time). null compares on every row. @default 200000
   */
  compareRows: withDefault(
    nullable(int(100)),
    200_000,
    "Most training rows the model comparison uses (a stratified sample above it; the kept " +
      "model is refit on every row); null compares on every row",
  ),
  ...MODEL_RULES,
};

/** Settings of the logistic regression. */
export type LogisticOptions = OptionsOf<typeof LOGISTIC_RULES>;
/** Settings of a single decision tree. */
export type TreeOptions = OptionsOf<typeof TREE_RULES>;
/** Settings of a random forest. */
export type ForestOptions = OptionsOf<typeof FOREST_RULES>;

/** Everything `fitClassifier` needs to know, defaults filled in. */
export type FitOptions = OptionsOf<typeof FIT_RULES>;
/** Fit options as callers write them: any field, or any field of a model's settings, left out. */
export type FitOptionsInput = OptionsInput<typeof FIT_RULES>;

/** Options only a call can give: callbacks, never in a config. */
interface ClassifyCallOptions {
  /** Told after each fit: fits done, fits in all, and what was just fitted. */
  onProgress?: OnProgress;
  /** Clock for the train times, in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** Settings of the classify stage, defaults filled in. */
export type ClassifyOptions = OptionsOf<typeof CLASSIFY_RULES> & ClassifyCallOptions;
/** Stage options as callers write them. */
export type ClassifyOptionsInput = OptionsInput<typeof CLASSIFY_RULES> & ClassifyCallOptions;

/** Defaults of every option (scikit-learn's for the logistic regression). */
export const CLASSIFY_DEFAULTS: Readonly<OptionsOf<typeof CLASSIFY_RULES>> = defaultsOf(
  CLASSIFY_RULES,
);

/**
 * Merges fit options with the defaults once and checks them.
 *
 * @example
 * ```ts
 * import { resolveFitOptions } from "./options.ts";
 * const o = resolveFitOptions({ model: "forest", forest: { nTrees: 10 } });
 * if (o.forest.nTrees !== 10 || o.forest.maxFeatures !== "sqrt") throw new Error("not merged");
 * ```
 */
export function resolveFitOptions(input: FitOptionsInput = {}): FitOptions {
  return parseOptions("fitClassifier", FIT_RULES, input);
}

/**
 * Merges stage options with the defaults once and checks them.
 *
 * @example
 * ```ts
 * import { resolveClassifyOptions } from "./options.ts";
 * const o = resolveClassifyOptions({ models: ["tree"], tree: { maxDepth: null } });
 * if (o.tree.maxDepth !== null || o.tree.minSamplesLeaf !== 5) throw new Error("not merged");
 * ```
 */
export function resolveClassifyOptions(input: ClassifyOptionsInput = {}): ClassifyOptions {
  return parseOptions("classify", CLASSIFY_RULES, input, { allow: ["onProgress", "now"] });
}

/** The fit options of one model kind within the stage's options. */
export function fitOptionsFor(kind: ModelKind, o: ClassifyOptions): FitOptions {
  return { model: kind, seed: o.seed, logistic: o.logistic, tree: o.tree, forest: o.forest };
}
