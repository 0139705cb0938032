/**
 * Seeded stratified splitting: a held-out test split and k folds that keep class proportions.
 *
 * @module
 */

import { permutation, rng } from "../math/mod.ts";

/** Row indices of a train / test split, each ascending. */
export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

/** Row indices of each class, in row order, keyed by class in ascending order. */
function rowsByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const by = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = by.get(labels[i]);
    if (list) list.push(i);
    else by.set(labels[i], [i]);
  }
  return new Map([...by.entries()].sort((a, b) => a[0] - b[0]));
}

function shuffled(rows: number[], seed: number, cls: number): number[] {
  // One stream per class, so adding a class does not reshuffle the others.
  const p = permutation(rows.length, rng((seed ^ Math.imul(cls + 1, 0x9e3779b1)) >>> 0));
  return Array.from(p, (j) => rows[j]);
}

/**
 * Splits rows into train and test so that each class keeps its share in both: a class of `n`
 * rows puts `round(n × testFraction)` of them in test (a class of one row stays in train).
 *
 * @example
 * ```ts
 * import { stratifiedSplit } from "./_cv.ts";
 * const { train, test } = stratifiedSplit([0, 0, 0, 0, 1, 1, 1, 1], 0.5, 1);
 * if (train.length !== 4 || test.length !== 4) throw new Error("expected 4 and 4");
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction: number,
  seed: number,
): Split {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `The test fraction must be a number in (0, 1). Got ${testFraction} instead`,
    );
  }
  const train: number[] = [], test: number[] = [];
  for (const [cls, rows] of rowsByClass(labels)) {
    const order = shuffled(rows, seed, cls);
    const nTest = rows.length < 2 ? 0 : Math.round(rows.length * testFraction);
    for (let i = 0; i < order.length; i++) (i < nTest ? test : train).push(order[i]);
  }
  const asc = (a: number[]) => Uint32Array.from(a).sort();
  return { train: asc(train), test: asc(test) };
}

/**
 * Assigns rows to `k` folds so that every fold holds nearly the same share of each class:
 * each class is shuffled, the classes are laid end to end and dealt out to the folds in turn.
 * Returns the test rows of each fold, ascending.
 *
 * @example
 * ```ts
 * import { stratifiedKFold } from "./_cv.ts";
 * const folds = stratifiedKFold([0, 0, 1, 1, 0, 1], 3, 7);
 * if (folds.some((f) => f.length !== 2)) throw new Error("expected 3 folds of 2 rows");
 * ```
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Uint32Array[] {
  if (!Number.isInteger(k) || k < 2 || k > labels.length) {
    throw new RangeError(
      `The number of folds must be an integer in [2, ${labels.length}]. Got ${k} instead`,
    );
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const [cls, rows] of rowsByClass(labels)) {
    for (const r of shuffled(rows, seed, cls)) folds[next++ % k].push(r);
  }
  return folds.map((f) => Uint32Array.from(f).sort());
}

/** The rows of `0..n-1` that are not in `test` (ascending), given ascending `test`. */
export function complement(n: number, test: Uint32Array): Uint32Array {
  const out = new Uint32Array(n - test.length);
  let t = 0, o = 0;
  for (let i = 0; i < n; i++) {
    if (t < test.length && test[t] === i) t++;
    else out[o++] = i;
  }
  return out;
}
