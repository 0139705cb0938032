/**
 * Classification metrics as plain objects, ready for a table or a plot: accuracy, macro-F1,
 * per-class precision / recall / F1 / support and the confusion matrix.
 *
 * @module
 */

/** Counts of true class (row) against predicted class (column), in the order of `classes`. */
export interface ConfusionMatrix {
  classes: number[];
  /** `matrix[i][j]`: rows whose true class is `classes[i]` and predicted class `classes[j]`. */
  matrix: number[][];
}

/** Precision, recall and F1 of one class; `support` is how many rows truly belong to it. */
export interface ClassMetrics {
  class: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Everything a classification is judged by, for one set of predictions. */
export interface ClassificationReport {
  accuracy: number;
  /** Unweighted mean of the per-class F1 scores. */
  macroF1: number;
  perClass: ClassMetrics[];
  confusion: ConfusionMatrix;
}

/** The metrics a model can be compared or permuted by. */
export type MetricName = "accuracy" | "macroF1";

function sortedUnion(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const set = new Set<number>();
  for (let i = 0; i < a.length; i++) set.add(a[i]);
  for (let i = 0; i < b.length; i++) set.add(b[i]);
  return [...set].sort((x, y) => x - y);
}

function checkLengths(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) {
    throw new TypeError(
      `True and predicted labels must have the same length. Got ${yTrue.length} and ${yPred.length}`,
    );
  }
}

/**
 * Confusion matrix of true against predicted labels.
 *
 * @param classes Class order of rows and columns; defaults to the sorted labels seen in either.
 * @example
 * ```ts
 * import { confusionMatrix } from "./_metrics.ts";
 * const cm = confusionMatrix([0, 0, 1], [0, 1, 1]);
 * if (cm.matrix[0][1] !== 1) throw new Error("expected one 0 predicted as 1");
 * ```
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classes?: number[],
): ConfusionMatrix {
  checkLengths(yTrue, yPred);
  const cls = classes ?? sortedUnion(yTrue, yPred);
  const index = new Map(cls.map((c, i) => [c, i]));
  const matrix = cls.map(() => new Array<number>(cls.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]), p = index.get(yPred[i]);
    if (t === undefined || p === undefined) {
      const bad = t === undefined ? yTrue[i] : yPred[i];
      throw new RangeError(`Label ${bad} at row ${i + 1} is not one of the classes [${cls}]`);
    }
    matrix[t][p]++;
  }
  return { classes: cls, matrix };
}

/**
 * Accuracy, macro-F1, per-class precision / recall / F1 / support and the confusion matrix.
 * A class never predicted has precision 0, one never present has recall 0, and F1 is 0 when
 * precision and recall are both 0 (as scikit-learn's default).
 *
 * @param classes Classes to report on; defaults to the sorted labels seen in either input.
 * @example
 * ```ts
 * import { classificationReport } from "./_metrics.ts";
 * const r = classificationReport([0, 0, 1, 1], [0, 1, 1, 1]);
 * if (r.accuracy !== 0.75) throw new Error("expected 3 of 4 right");
 * ```
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classes?: number[],
): ClassificationReport {
  const confusion = confusionMatrix(yTrue, yPred, classes);
  const { matrix } = confusion;
  const k = matrix.length;
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    correct += matrix[c][c];
    let support = 0, predicted = 0;
    for (let j = 0; j < k; j++) {
      support += matrix[c][j];
      predicted += matrix[j][c];
    }
    const precision = predicted === 0 ? 0 : matrix[c][c] / predicted;
    const recall = support === 0 ? 0 : matrix[c][c] / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ class: confusion.classes[c], precision, recall, f1, support });
  }
  const n = yTrue.length;
  return {
    accuracy: n === 0 ? 0 : correct / n,
    macroF1: k === 0 ? 0 : perClass.reduce((s, m) => s + m.f1, 0) / k,
    perClass,
    confusion,
  };
}

/** One metric of a set of predictions, without building the whole report. */
export function score(
  metric: MetricName,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classes?: number[],
): number {
  if (metric === "accuracy") {
    checkLengths(yTrue, yPred);
    let correct = 0;
    for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
    return yTrue.length === 0 ? 0 : correct / yTrue.length;
  }
  return classificationReport(yTrue, yPred, classes).macroF1;
}

/** Mean and population standard deviation (ddof 0, as numpy's default). */
export function meanSd(values: ArrayLike<number>): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / n) };
}
