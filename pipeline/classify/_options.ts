/**
 * Options of the classifiers and the classify stage: types, the one table of defaults, and the
 * one table of constraints that validates them and words the messages.
 *
 * @module
 */

import type { LogisticOptions } from "./_logreg.ts";
import type { MetricName } from "./_metrics.ts";

export type { LogisticOptions };

/** The classifier families. */
export type ModelKind = "logistic" | "tree" | "forest";

/** The model kinds, in the order they are compared by default. */
export const MODEL_KINDS: readonly ModelKind[] = ["logistic", "tree", "forest"];

/** Settings of a single decision tree. */
export interface TreeOptions {
  /** Deepest level a node may sit at (root = 0); null grows until leaves are pure. */
  maxDepth: number | null;
  /** Least rows on each side of a split (bootstrap copies count in a forest). */
  minSamplesLeaf: number;
  /** Quantile bins per feature, 2..255. */
  maxBins: number;
}

/** Settings of a random forest. */
export interface ForestOptions extends TreeOptions {
  nTrees: number;
  /** Features tried per node: "sqrt" (⌊√d⌋), "all", or a count. */
  maxFeatures: "sqrt" | "all" | number;
}

/** Everything `fitClassifier` needs to know. */
export interface FitOptions {
  model: ModelKind;
  logistic: LogisticOptions;
  tree: TreeOptions;
  forest: ForestOptions;
  /** Seed of the forest's bootstrap samples and feature draws. */
  seed: number;
}

/** Settings of the classify stage (the fit settings apply to every model it compares). */
export interface ClassifyOptions extends Omit<FitOptions, "model"> {
  /** Models to compare with cross-validation on the training split. */
  models: ModelKind[];
  /** Keep this model whatever the comparison says; null keeps the best by `selectBy`. */
  model: ModelKind | null;
  /** Cross-validated metric that picks the best model. */
  selectBy: MetricName;
  folds: number;
  /** Share of each class held out as the test split. */
  testFraction: number;
  /**
   * Most training rows the model comparison uses: above it, cross-validation and each model's
   * test score run on a stratified sample of this many rows, and only the kept model is refit
   * on the whole training split (a comparison on 200,000 rows ranks models as well as one on
   * 800,000, at a quarter of the time). null compares on every row.
   */
  compareRows: number | null;
  /** Told after each fit: fits done, fits in all, and what was just fitted. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** Clock for the train times, in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** Partial options as callers write them: any field may be left out. */
export type FitOptionsInput = Partial<Omit<FitOptions, "logistic" | "tree" | "forest">> & {
  logistic?: Partial<LogisticOptions>;
  tree?: Partial<TreeOptions>;
  forest?: Partial<ForestOptions>;
};

/** Partial stage options. */
export type ClassifyOptionsInput =
  & Partial<Omit<ClassifyOptions, "logistic" | "tree" | "forest">>
  & Pick<FitOptionsInput, "logistic" | "tree" | "forest">;

/** Defaults of every option (scikit-learn's for the logistic regression). */
export const CLASSIFY_DEFAULTS: Readonly<ClassifyOptions & { model: ModelKind | null }> = {
  models: [...MODEL_KINDS],
  model: null,
  selectBy: "macroF1",
  folds: 5,
  testFraction: 0.2,
  compareRows: 200_000,
  seed: 0,
  logistic: { C: 1, tol: 1e-4, maxIter: 100 },
  tree: { maxDepth: 8, minSamplesLeaf: 5, maxBins: 255 },
  forest: { nTrees: 100, maxDepth: 10, minSamplesLeaf: 1, maxBins: 255, maxFeatures: "sqrt" },
};

const isInt = (v: unknown, min: number, max = Infinity) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isPositive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
const isKind = (v: unknown) => MODEL_KINDS.includes(v as ModelKind);
const depthOk = (v: unknown) => v === null || isInt(v, 1);

/** One constraint: the option's place, what it must be (in words) and the test. */
type Rule = [group: string, key: string, says: string, ok: (v: unknown) => boolean];

const FIT_RULES: Rule[] = [
  ["logistic", "C", "a number > 0", isPositive],
  ["logistic", "tol", "a number > 0", isPositive],
  ["logistic", "maxIter", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["tree", "maxDepth", "null or an integer ≥ 1", depthOk],
  ["tree", "minSamplesLeaf", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["tree", "maxBins", "an integer in [2, 255]", (v) => isInt(v, 2, 255)],
  ["forest", "nTrees", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["forest", "maxDepth", "null or an integer ≥ 1", depthOk],
  ["forest", "minSamplesLeaf", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["forest", "maxBins", "an integer in [2, 255]", (v) => isInt(v, 2, 255)],
  [
    "forest",
    "maxFeatures",
    '"sqrt", "all" or an integer ≥ 1',
    (v) => v === "sqrt" || v === "all" || isInt(v, 1),
  ],
];

// Rules whose group is "" apply to top-level options; messages name the caller instead.
const SEED_RULE: Rule = ["", "seed", "an integer", (v) => isInt(v, -Infinity)];
const FIT_MODEL_RULE: Rule = ["", "model", '"logistic", "tree" or "forest"', isKind];

const STAGE_RULES: Rule[] = [
  SEED_RULE,
  ["", "folds", "an integer ≥ 2", (v) => isInt(v, 2)],
  [
    "",
    "testFraction",
    "a number in (0, 1)",
    (v) => typeof v === "number" && v > 0 && v < 1,
  ],
  ["", "compareRows", "null or an integer ≥ 100", (v) => v === null || isInt(v, 100)],
  ["", "selectBy", '"accuracy" or "macroF1"', (v) => v === "accuracy" || v === "macroF1"],
  ["", "model", 'null, "logistic", "tree" or "forest"', (v) => v === null || isKind(v)],
  [
    "",
    "models",
    'a non-empty array of "logistic", "tree", "forest"',
    (v) => Array.isArray(v) && v.length > 0 && v.every(isKind) && new Set(v).size === v.length,
  ],
];

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : Array.isArray(v) ? JSON.stringify(v) : String(v);
}

function check(rules: Rule[], merged: Record<string, unknown>, caller: string): void {
  for (const [group, key, says, ok] of rules) {
    const holder = group === "" ? merged : merged[group] as Record<string, unknown>;
    if (!ok(holder[key])) {
      throw new RangeError(
        `The '${key}' option of ${group || caller} must be ${says}. Got ${
          show(holder[key])
        } instead`,
      );
    }
  }
}

function mergeModels(input: Pick<FitOptionsInput, "logistic" | "tree" | "forest">) {
  const d = CLASSIFY_DEFAULTS;
  return {
    logistic: { ...d.logistic, ...input.logistic },
    tree: { ...d.tree, ...input.tree },
    forest: { ...d.forest, ...input.forest },
  };
}

/** Merges fit options with the defaults once and validates them. */
export function resolveFitOptions(input: FitOptionsInput = {}): FitOptions {
  const merged: FitOptions = {
    model: input.model ?? "logistic",
    seed: input.seed ?? CLASSIFY_DEFAULTS.seed,
    ...mergeModels(input),
  };
  check([FIT_MODEL_RULE, SEED_RULE, ...FIT_RULES], merged as never, "fitClassifier");
  return merged;
}

/** Merges stage options with the defaults once and validates them. */
export function resolveClassifyOptions(input: ClassifyOptionsInput = {}): ClassifyOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const merged: ClassifyOptions = {
    ...CLASSIFY_DEFAULTS,
    models: [...CLASSIFY_DEFAULTS.models],
    ...given,
    ...mergeModels(input),
  };
  check([...STAGE_RULES, ...FIT_RULES], merged as never, "classify");
  return merged;
}

/** The fit options of one model kind within the stage's options. */
export function fitOptionsFor(kind: ModelKind, o: ClassifyOptions): FitOptions {
  return { model: kind, seed: o.seed, logistic: o.logistic, tree: o.tree, forest: o.forest };
}
