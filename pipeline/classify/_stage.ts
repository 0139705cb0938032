/**
 * Cross-validation and the classify stage: compare model families on a stratified training
 * split, keep the best, and report it on the held-out test split.
 *
 * @module
 */

import { checkMatrix, encodeLabels, takeLabels, takeRows } from "./_data.ts";
import {
  type ClassifyOptionsInput,
  fitOptionsFor,
  type FitOptionsInput,
  type ModelKind,
  resolveClassifyOptions,
  resolveFitOptions,
} from "./options.ts";
import { complement, stratifiedKFold, stratifiedSplit } from "./_cv.ts";
import { type ClassificationReport, classificationReport, meanSd } from "./_metrics.ts";
import { type ClassifierModel, fitClassifier, predict } from "./classify.ts";
import type { Matrix, StageResult, StageWarning } from "../types.ts";

/** Cross-validated scores of one model family (sd is the population sd over folds). */
export interface CvResult {
  model: ModelKind;
  folds: { fold: number; accuracy: number; macroF1: number; trainSeconds: number }[];
  accuracy: { mean: number; sd: number };
  macroF1: { mean: number; sd: number };
  /** Logistic fits that stopped before meeting their tolerance. */
  notConverged: number;
}

/** One line of the model comparison table. */
export interface ComparisonRow {
  model: ModelKind;
  cvAccuracy: number;
  cvAccuracySd: number;
  cvMacroF1: number;
  cvMacroF1Sd: number;
  testAccuracy: number;
  testMacroF1: number;
  /** Seconds to fit on the `trainRows` rows the comparison used. */
  trainSeconds: number;
  /** Training rows of the comparison: the whole split, or a sample of `compareRows`. */
  trainRows: number;
  chosen: boolean;
}

/** What the classify stage hands on. */
export interface ClassifyOutputs {
  /** The kept model, fitted on the training split. */
  model: ClassifierModel;
  cv: CvResult[];
  /** The kept model on the held-out test split. */
  test: ClassificationReport;
  comparison: ComparisonRow[];
  /** Rows of the input matrix in each split (noise rows are in neither). */
  split: { train: number[]; test: number[] };
}

const STAGE = "classify";

function seconds(now: () => number, fn: () => ClassifierModel): [ClassifierModel, number] {
  const t0 = now();
  const model = fn();
  return [model, (now() - t0) / 1000];
}

/**
 * Stratified k-fold cross-validation of one model: each fold is predicted by a model fitted on
 * the other folds, and scored on all classes present in `labels`.
 *
 * @param options `fit` as for fitClassifier, `folds` (@default 5), `seed` of the fold
 *   assignment (@default 0), `now` a clock in ms for the train times (@default performance.now).
 * @example
 * ```ts
 * import { crossValidate } from "./mod.ts";
 * import { fromRows } from "../types.ts";
 * const m = fromRows([[-3], [-2], [-1], [1], [2], [3]]);
 * const fit = { model: "tree" as const, tree: { minSamplesLeaf: 1 } };
 * const cv = crossValidate(m, [0, 0, 0, 1, 1, 1], { fit, folds: 3 });
 * if (cv.accuracy.mean !== 1) throw new Error("expected perfect folds");
 * ```
 */
export function crossValidate(
  matrix: Matrix,
  labels: ArrayLike<number>,
  options: {
    fit?: FitOptionsInput;
    folds?: number;
    seed?: number;
    now?: () => number;
    onFold?: (fold: number) => void;
  } = {},
): CvResult {
  const fit = resolveFitOptions(options.fit);
  const k = options.folds ?? 5, now = options.now ?? (() => performance.now());
  checkMatrix(matrix, "crossValidate");
  const { classes } = encodeLabels(labels, matrix.rows, "crossValidate");
  const folds = stratifiedKFold(labels, k, options.seed ?? 0);
  const rows: CvResult["folds"] = [];
  let notConverged = 0;
  folds.forEach((test, f) => {
    const train = complement(matrix.rows, test);
    const [model, trainSeconds] = seconds(
      now,
      () => fitClassifier(takeRows(matrix, train), takeLabels(labels, train), fit),
    );
    if (model.kind === "logistic" && !model.converged) notConverged++;
    const truth = takeLabels(labels, test);
    const r = classificationReport(truth, predict(model, takeRows(matrix, test)), classes);
    rows.push({ fold: f + 1, accuracy: r.accuracy, macroF1: r.macroF1, trainSeconds });
    options.onFold?.(f + 1);
  });
  return {
    model: fit.model,
    folds: rows,
    accuracy: meanSd(rows.map((r) => r.accuracy)),
    macroF1: meanSd(rows.map((r) => r.macroF1)),
    notConverged,
  };
}

/**
 * The classify stage: drops noise rows (label -1) with a warning, holds out a stratified test
 * split, cross-validates each model in `models` on the training split, keeps the best by
 * `selectBy` (or the one named by `model`) fitted on the whole training split, and scores it
 * on the test split. Above `compareRows` training rows the comparison runs on a stratified
 * sample and only the kept model sees every training row. Deterministic for a seed, apart from the measured train times.
 *
 * @param options @default models ["logistic", "tree", "forest"], model null, selectBy
 *   "macroF1", folds 5, testFraction 0.2, compareRows 200000, seed 0; model settings as for fitClassifier.
 * @example
 * ```ts
 * import { classifyStage } from "./mod.ts";
 * import { fromRows } from "../types.ts";
 * const xs = Array.from({ length: 40 }, (_, i) => [i < 20 ? i - 30 : i + 10]);
 * const labels = xs.map(([x], i) => (i === 0 ? -1 : x < 0 ? 0 : 1));
 * const { outputs, warnings } = classifyStage(fromRows(xs), labels, { models: ["logistic"] });
 * if (outputs.test.accuracy !== 1 || warnings[0].count !== 1) throw new Error("unexpected");
 * ```
 */
export function classifyStage(
  matrix: Matrix,
  labels: ArrayLike<number>,
  options: ClassifyOptionsInput = {},
): StageResult<ClassifyOutputs> {
  const o = resolveClassifyOptions(options);
  const now = o.now ?? (() => performance.now());
  checkMatrix(matrix, "classifyStage");
  if (labels.length !== matrix.rows) {
    throw new TypeError(
      `classifyStage got ${labels.length} labels for a matrix of ${matrix.rows} rows`,
    );
  }
  const warnings: StageWarning[] = [];
  const kept: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== -1) kept.push(i);
  if (kept.length < labels.length) {
    const count = labels.length - kept.length;
    warnings.push({
      stage: STAGE,
      message: "Rows labelled -1 (noise) were left out of training and evaluation",
      count,
    });
  }
  const x = takeRows(matrix, kept), y = takeLabels(labels, kept);
  const { classes } = encodeLabels(y, y.length, "classifyStage");
  const split = stratifiedSplit(y, o.testFraction, o.seed);
  const xTrain = takeRows(x, split.train), yTrain = takeLabels(y, split.train);
  const xTest = takeRows(x, split.test), yTest = takeLabels(y, split.test);
  for (const c of classes) {
    const inTrain = yTrain.filter((v) => v === c).length;
    if (inTrain < o.folds) {
      warnings.push({
        stage: STAGE,
        message:
          `Segment ${c} has ${inTrain} training rows, fewer than the ${o.folds} folds: some folds hold none of it`,
      });
    }
    if (!yTest.includes(c)) {
      warnings.push({ stage: STAGE, message: `Segment ${c} has no rows in the test split` });
    }
  }
  const kinds = o.model !== null && !o.models.includes(o.model) ? [...o.models, o.model] : o.models;
  const sample = o.compareRows !== null && yTrain.length > o.compareRows
    ? stratifiedSplit(yTrain, 1 - o.compareRows / yTrain.length, o.seed + 1).train
    : null;
  const xCmp = sample ? takeRows(xTrain, sample) : xTrain;
  const yCmp = sample ? takeLabels(yTrain, sample) : yTrain;
  const total = kinds.length * (o.folds + 1) + (sample ? 1 : 0);
  let done = 0;
  const cv: CvResult[] = [], fitted: ClassifierModel[] = [], reports: ClassificationReport[] = [];
  const trainSeconds: number[] = [];
  let notConverged = 0;
  for (const kind of kinds) {
    const fit = fitOptionsFor(kind, o);
    const r = crossValidate(xCmp, yCmp, {
      fit,
      folds: o.folds,
      seed: o.seed,
      now,
      onFold: (f) => o.onProgress?.(++done, total, `${kind}: fold ${f} of ${o.folds}`),
    });
    const [model, secs] = seconds(now, () => fitClassifier(xCmp, yCmp, fit));
    o.onProgress?.(
      ++done,
      total,
      `${kind}: fit on ${sample ? "the sample" : "the training split"}`,
    );
    notConverged += r.notConverged + (model.kind === "logistic" && !model.converged ? 1 : 0);
    cv.push(r);
    fitted.push(model);
    trainSeconds.push(secs);
    reports.push(classificationReport(yTest, predict(model, xTest), classes));
  }
  if (notConverged > 0) {
    warnings.push({
      stage: STAGE,
      message:
        `Logistic regression stopped before converging to tol ${o.logistic.tol} within maxIter ${o.logistic.maxIter}; raise maxIter or lower C`,
      count: notConverged,
    });
  }
  let best = 0;
  if (o.model !== null) best = kinds.indexOf(o.model);
  else {
    for (let m = 1; m < kinds.length; m++) {
      if (cv[m][o.selectBy].mean > cv[best][o.selectBy].mean) best = m;
    }
  }
  const comparison = kinds.map((kind, m): ComparisonRow => ({
    model: kind,
    cvAccuracy: cv[m].accuracy.mean,
    cvAccuracySd: cv[m].accuracy.sd,
    cvMacroF1: cv[m].macroF1.mean,
    cvMacroF1Sd: cv[m].macroF1.sd,
    testAccuracy: reports[m].accuracy,
    testMacroF1: reports[m].macroF1,
    trainSeconds: trainSeconds[m],
    trainRows: yCmp.length,
    chosen: m === best,
  }));
  let model = fitted[best], test = reports[best];
  if (sample) {
    model = fitClassifier(xTrain, yTrain, fitOptionsFor(kinds[best], o));
    o.onProgress?.(++done, total, `${kinds[best]}: refit on the whole training split`);
    test = classificationReport(yTest, predict(model, xTest), classes);
  }
  return {
    outputs: {
      model,
      cv,
      test,
      comparison,
      split: {
        train: Array.from(split.train, (i) => kept[i]),
        test: Array.from(split.test, (i) => kept[i]),
      },
    },
    warnings,
  };
}
