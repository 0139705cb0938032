import { oracleTest, python } from "./_oracle.ts";
import assert from "node:assert/strict";
import {
  classificationReport,
  type ClassifierModel,
  classifyStage,
  crossValidate,
  fitClassifier,
  type ModelKind,
  predict,
  predictProba,
  stratifiedKFold,
  stratifiedSplit,
} from "../pipeline/classify/mod.ts";
import { lbfgs } from "../pipeline/classify/_logreg_lbfgs.ts";
import { rng } from "../pipeline/math/random.ts";
import { fromRows, type Matrix } from "../pipeline/types.ts";
import { makeClassification } from "./classify_data.ts";

const KINDS: ModelKind[] = ["logistic", "tree", "forest"];

/** Three tight blobs far apart on a 2-D plane, plus a noise column. */
function blobs(perClass: number, seed: number): { matrix: Matrix; labels: Int32Array } {
  const r = rng(seed);
  const centres = [[-4, 0], [4, 0], [0, 5]];
  const rows: number[][] = [], labels: number[] = [];
  for (let i = 0; i < perClass * 3; i++) {
    const c = i % 3;
    rows.push([centres[c][0] + 0.5 * r.normal(), centres[c][1] + 0.5 * r.normal(), r.normal()]);
    labels.push(c);
  }
  return { matrix: fromRows(rows, ["a", "b", "noise"]), labels: Int32Array.from(labels) };
}

function accuracy(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return ok / truth.length;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `entry ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tol}`,
    );
  }
}

Deno.test("every model separates three far-apart blobs perfectly, on training and new rows", () => {
  const train = blobs(40, 1), fresh = blobs(30, 2);
  for (const model of KINDS) {
    const fitted = fitClassifier(train.matrix, train.labels, { model, forest: { nTrees: 15 } });
    assert.equal(accuracy(train.labels, predict(fitted, train.matrix)), 1, model);
    assert.equal(accuracy(fresh.labels, predict(fitted, fresh.matrix)), 1, model);
  }
});

// Reference: scikit-learn 1.2.1, LogisticRegression(C, solver="newton-cg", tol=1e-14) on the
// rows below. Both fits minimise the same objective, mean log-loss + ‖W‖²/(2·C·n) with free
// intercepts; it is strictly convex in W and the class probabilities, so the coefficients and
// probabilities of the two solvers must agree up to their stopping tolerances (≈1e-8 here).
// Intercepts are only defined up to a shared constant; both keep their sum at 0.
// deno-fmt-ignore
const REF_X = [
  [-1.2, 0.3], [-0.8, -0.5], [-1.5, 1.1], [-0.3, 0.2], [0.4, -1.0],
  [0.1, 0.9], [0.6, 0.4], [1.1, -0.2], [0.2, 1.4], [-0.4, 1.0],
  [1.3, 1.2], [0.9, -1.3], [1.6, 0.1], [-0.6, -1.1], [0.5, 0.8],
];
const REF_Y = [0, 0, 0, 0, 1, 2, 2, 1, 2, 2, 2, 1, 1, 0, 1];
// deno-fmt-ignore
const REF = [
  {
    C: 1,
    coef: [
      -1.3402807775462162, -0.42137842188793634,
      1.0187377387057126, -0.6389899509167917,
      0.32154303884050395, 1.060368372804728,
    ],
    intercept: [0.16525060049686513, 0.030976664034334335, -0.19622726453119765],
    proba: [
      0.3889542392479585, 0.34008233951729994, 0.27096342123474154,
      0.07499509554755682, 0.8624514241704562, 0.06255348028198701,
      0.6066784861218802, 0.04032997512457819, 0.35299153875354145,
    ],
  },
  {
    C: 0.1,
    coef: [
      -0.3666303177419659, -0.09127796109104648,
      0.278304404467909, -0.1935198807188934,
      0.08832591327405698, 0.2847978418099398,
    ],
    intercept: [0.05753602617183244, 0.004371547182617671, -0.06190757335444985],
    proba: [
      0.3526543116415157, 0.3343952949529025, 0.31295039340558173,
      0.2523991029864127, 0.5052350363783354, 0.2423658606352519,
      0.4406684469126154, 0.19793756462700754, 0.361393988460377,
    ],
  },
];

Deno.test("logistic regression reaches scikit-learn's solution for the same C", () => {
  const x = fromRows(REF_X);
  const probe = fromRows([[0, 0], [1, -1], [-1, 1]]);
  for (const ref of REF) {
    const model = fitClassifier(x, REF_Y, { logistic: { C: ref.C, tol: 1e-9, maxIter: 500 } });
    assert.equal(model.kind, "logistic");
    if (model.kind !== "logistic") return;
    assertClose(model.coef.flat(), ref.coef, 1e-6);
    assertClose(model.intercept, ref.intercept, 1e-6);
    assert.ok(Math.abs(model.intercept.reduce((s, v) => s + v, 0)) < 1e-12);
    assertClose(predictProba(model, probe).proba, ref.proba, 1e-6);
  }
});

Deno.test("logistic regression with default settings stops on the gradient tolerance", () => {
  // deno-fmt-ignore
  const { matrix, labels } = makeClassification({
    rows: 2000, informative: 4, redundant: 2, noise: 4, classes: 4, clustersPerClass: 1,
    classSep: 1, flipY: 0.01, seed: 3,
  });
  const model = fitClassifier(matrix, labels);
  assert.ok(model.kind === "logistic" && model.converged && model.iterations > 1);
});

Deno.test("a depth-1 tree splits halfway between the two groups and credits that feature", () => {
  const x = fromRows([[1, 5], [2, 4], [3, 5], [10, 4], [11, 5], [12, 4]], ["signal", "flat"]);
  const model = fitClassifier(x, [0, 0, 0, 1, 1, 1], {
    model: "tree",
    tree: { maxDepth: 1, minSamplesLeaf: 1 },
  });
  assert.equal(model.kind, "tree");
  if (model.kind !== "tree") return;
  assert.deepEqual(model.tree.feature, [0, -1, -1]);
  assert.equal(model.tree.threshold[0], 6.5);
  assert.deepEqual(model.tree.value, [3, 3, 3, 0, 0, 3]);
  assert.deepEqual(model.importance, [1, 0]);
});

Deno.test("trees respect maxDepth and minSamplesLeaf", () => {
  const { matrix, labels } = blobs(50, 4);
  const model = fitClassifier(matrix, labels, {
    model: "tree",
    tree: { maxDepth: 2, minSamplesLeaf: 20 },
  });
  if (model.kind !== "tree") throw new Error("expected a tree");
  const t = model.tree;
  const depth = (node: number): number =>
    t.feature[node] < 0 ? 0 : 1 + Math.max(depth(t.left[node]), depth(t.right[node]));
  assert.ok(depth(0) <= 2);
  for (let node = 0; node < t.feature.length; node++) {
    const n = t.value.slice(node * 3, node * 3 + 3).reduce((s, v) => s + v, 0);
    assert.ok(n >= 20, `node ${node} holds ${n} rows`);
  }
});

Deno.test("probabilities are rows that sum to 1, in the order of the classes", () => {
  const { matrix, labels } = blobs(20, 5);
  const relabelled = labels.map((l) => [7, 2, 9][l]);
  for (const model of KINDS) {
    const fitted = fitClassifier(matrix, relabelled, { model, forest: { nTrees: 5 } });
    const { proba, classes } = predictProba(fitted, matrix);
    assert.deepEqual(classes, [2, 7, 9]);
    for (let i = 0; i < matrix.rows; i++) {
      const s = proba[i * 3] + proba[i * 3 + 1] + proba[i * 3 + 2];
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    assert.deepEqual([...new Set(predict(fitted, matrix))].sort(), [2, 7, 9]);
  }
});

Deno.test("a model saved as JSON and loaded again predicts the same, bit for bit", () => {
  // deno-fmt-ignore
  const { matrix, labels } = makeClassification({
    rows: 600, informative: 3, redundant: 1, noise: 2, classes: 3, clustersPerClass: 2,
    classSep: 1, flipY: 0.05, seed: 8,
  });
  for (const model of KINDS) {
    const fitted = fitClassifier(matrix, labels, { model, forest: { nTrees: 10 } });
    const loaded = JSON.parse(JSON.stringify(fitted)) as ClassifierModel;
    assert.deepEqual(loaded, fitted);
    assert.deepEqual(predictProba(loaded, matrix).proba, predictProba(fitted, matrix).proba);
  }
});

Deno.test("the same seed grows the same forest; another seed grows another", () => {
  const { matrix, labels } = blobs(30, 6);
  const fit = (seed: number) =>
    fitClassifier(matrix, labels, { model: "forest", seed, forest: { nTrees: 8 } });
  assert.deepEqual(fit(11), fit(11));
  assert.notDeepEqual(fit(11), fit(12));
  const small = fitClassifier(matrix, labels, { model: "forest", seed: 11, forest: { nTrees: 3 } });
  if (small.kind !== "forest") throw new Error("expected a forest");
  const big = fit(11);
  if (big.kind !== "forest") throw new Error("expected a forest");
  assert.deepEqual(small.trees, big.trees.slice(0, 3));
});

Deno.test("stratified folds keep class proportions and cover every row once", () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  const folds = stratifiedKFold(labels, 5, 3);
  const seen = new Set<number>();
  for (const fold of folds) {
    const counts = [0, 0, 0];
    for (const i of fold) {
      counts[labels[i]]++;
      assert.ok(!seen.has(i));
      seen.add(i);
    }
    assert.deepEqual(counts, [12, 6, 2]);
  }
  assert.equal(seen.size, 100);
  assert.deepEqual(stratifiedKFold(labels, 5, 3), folds);
  assert.notDeepEqual(stratifiedKFold(labels, 5, 4), folds);
});

Deno.test("a stratified split keeps each class's share in test and train", () => {
  const labels = Array.from({ length: 50 }, (_, i) => (i < 30 ? 4 : i < 45 ? 1 : 2));
  const { train, test } = stratifiedSplit(labels, 0.2, 9);
  const count = (rows: Uint32Array, c: number) => [...rows].filter((i) => labels[i] === c).length;
  assert.deepEqual([count(test, 4), count(test, 1), count(test, 2)], [6, 3, 1]);
  assert.deepEqual([count(train, 4), count(train, 1), count(train, 2)], [24, 12, 4]);
  assert.equal(new Set([...train, ...test]).size, 50);
});

Deno.test("cross-validation scores each fold with a model that never saw it", () => {
  const { matrix, labels } = blobs(20, 7);
  const cv = crossValidate(matrix, labels, { fit: { model: "logistic" }, folds: 4, seed: 1 });
  assert.equal(cv.folds.length, 4);
  assert.equal(cv.accuracy.mean, 1);
  assert.equal(cv.accuracy.sd, 0);
  assert.equal(cv.notConverged, 0);
});

Deno.test("fitClassifier refuses noise labels and says how to handle them", () => {
  const { matrix, labels } = blobs(5, 1);
  labels[4] = -1;
  assert.throws(
    () => fitClassifier(matrix, labels),
    (e: Error) =>
      e instanceof RangeError && /-1 at row 5/.test(e.message) && /classifyStage/.test(e.message),
  );
});

Deno.test("options and inputs are validated with messages that name the option", () => {
  const { matrix, labels } = blobs(5, 1);
  assert.throws(() => fitClassifier(matrix, labels, { logistic: { C: -1 } }), {
    name: "OptionError",
    message: "The 'logistic.C' option of fitClassifier must be a number > 0. Got -1 instead",
  });
  assert.throws(() => classifyStage(matrix, labels, { models: ["svm" as ModelKind] }), {
    message:
      `The 'models' option of classify must be a non-empty list of distinct "logistic", "tree", "forest". Got ["svm"] instead`,
  });
  assert.throws(() => classifyStage(matrix, labels, { forest: { nTree: 5 } as never }), {
    message: "Unknown option 'forest.nTree' of classify (did you mean 'nTrees'?). " +
      "Valid options: nTrees, maxDepth, minSamplesLeaf, maxBins, maxFeatures",
  });
  assert.throws(() => fitClassifier(matrix, labels, { tree: { maxBins: 300 } }), /maxBins/);
  const holes = { ...matrix, data: matrix.data.slice() };
  holes.data[4] = NaN;
  assert.throws(() => fitClassifier(holes, labels), /NaN at row 2, column 'b'/);
  const fitted = fitClassifier(matrix, labels);
  assert.throws(() => predict(fitted, { ...matrix, columns: ["a", "noise", "b"] }), {
    name: "TypeError",
    message: "Column 2 of the matrix is 'noise', the model expects 'b'",
  });
});

Deno.test("classifyStage leaves out noise rows with a warning that counts them", () => {
  const { matrix, labels } = blobs(30, 2);
  for (const i of [0, 7, 33]) labels[i] = -1;
  const res = classifyStage(matrix, labels, { models: ["logistic"], folds: 3 });
  assert.deepEqual(res.warnings, [{
    stage: "classify",
    message: "Rows labelled -1 (noise) were left out of training and evaluation",
    count: 3,
  }]);
  const { train, test } = res.outputs.split;
  assert.equal(train.length + test.length, 87);
  for (const i of [0, 7, 33]) assert.ok(!train.includes(i) && !test.includes(i));
  assert.equal(res.outputs.test.accuracy, 1);
});

Deno.test("classifyStage compares the models in one table and keeps the best, deterministically", () => {
  // deno-fmt-ignore
  const { matrix, labels } = makeClassification({
    rows: 900, informative: 3, redundant: 1, noise: 2, classes: 3, clustersPerClass: 2,
    classSep: 1.2, flipY: 0.02, seed: 5,
  });
  let tick = 0;
  const progress: string[] = [];
  const options = {
    forest: { nTrees: 20 },
    folds: 3,
    seed: 4,
    now: () => (tick += 10),
    onProgress: (done: number, total: number, label: string) =>
      progress.push(`${done}/${total} ${label}`),
  };
  const a = classifyStage(matrix, labels, options);
  const rows = a.outputs.comparison;
  assert.deepEqual(rows.map((r) => r.model), KINDS);
  assert.equal(rows.filter((r) => r.chosen).length, 1);
  const best = rows.reduce((b, r) => (r.cvMacroF1 > b.cvMacroF1 ? r : b));
  assert.ok(best.chosen);
  assert.equal(a.outputs.model.kind, best.model);
  assert.equal(a.outputs.test.accuracy, best.testAccuracy);
  assert.equal(progress.length, 12);
  assert.equal(progress[11], "12/12 forest: fit on the training split");
  tick = 0;
  const b = classifyStage(matrix, labels, { ...options, onProgress: undefined });
  assert.deepEqual(b.outputs, a.outputs);
  const forced = classifyStage(matrix, labels, { ...options, models: ["tree"], model: "logistic" });
  assert.equal(forced.outputs.model.kind, "logistic");
  assert.deepEqual(forced.outputs.comparison.map((r) => [r.model, r.chosen]), [
    ["tree", false],
    ["logistic", true],
  ]);
});

Deno.test("above compareRows the models are compared on a sample and the kept one refit on all", () => {
  // deno-fmt-ignore
  const { matrix, labels } = makeClassification({
    rows: 1000, informative: 3, redundant: 1, noise: 2, classes: 3, clustersPerClass: 1,
    classSep: 1.5, flipY: 0, seed: 9,
  });
  const options = { models: ["logistic", "tree"] as ModelKind[], folds: 3, seed: 2 };
  const progress: string[] = [];
  const res = classifyStage(matrix, labels, {
    ...options,
    compareRows: 300,
    onProgress: (done, total, label) => progress.push(`${done}/${total} ${label}`),
  });
  const o = res.outputs;
  // A stratified sample rounds each class's share, so it may miss 300 by a row or two.
  const sampled = o.comparison[0].trainRows;
  assert.ok(Math.abs(sampled - 300) <= 3, `sample of ${sampled} rows`);
  assert.equal(o.comparison[1].trainRows, sampled);
  assert.equal(progress.at(-1), `9/9 ${o.model.kind}: refit on the whole training split`);
  // The kept model is the one fitted on every training row, and scored as such.
  const train = Array.from(o.split.train);
  const whole = fitClassifier(
    fromRows(
      train.map((i) => Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols))),
      matrix.columns,
    ),
    train.map((i) => labels[i]),
    { model: o.model.kind, seed: 2 },
  );
  assert.deepEqual(o.model, whole);
  const all = classifyStage(matrix, labels, { ...options, compareRows: null });
  const n = all.outputs.split.train.length;
  assert.deepEqual(all.outputs.comparison.map((r) => r.trainRows), [n, n]);
  assert.throws(() => classifyStage(matrix, labels, { compareRows: 5 }), /compareRows/);
});

Deno.test("metrics match a confusion matrix worked by hand", () => {
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const guess = [0, 1, 0, 1, 2, 2, 2, 0, 2];
  const r = classificationReport(truth, guess);
  assert.deepEqual(r.confusion, { classes: [0, 1, 2], matrix: [[2, 1, 0], [0, 1, 1], [1, 0, 3]] });
  assert.equal(r.accuracy, 6 / 9);
  const expected = [[2 / 3, 2 / 3, 3], [1 / 2, 1 / 2, 2], [3 / 4, 3 / 4, 4]];
  r.perClass.forEach((m, c) => {
    assert.equal(m.class, c);
    assertClose(
      [m.precision, m.recall, m.f1],
      expected[c].slice(0, 2).concat(expected[c][0]),
      1e-15,
    );
    assert.equal(m.support, expected[c][2]);
  });
  assert.ok(Math.abs(r.macroF1 - 23 / 36) < 1e-15);
  // A class nobody has nor is predicted as scores 0 and pulls the macro mean down.
  const wider = classificationReport(truth, guess, [0, 1, 2, 3]);
  assert.deepEqual(wider.perClass[3], { class: 3, precision: 0, recall: 0, f1: 0, support: 0 });
  assert.ok(Math.abs(wider.macroF1 - 23 / 48) < 1e-15);
});

Deno.test("precision and recall differ where the confusion matrix is not symmetric (worked by hand)", () => {
  // Rows: true class; columns: predicted. Every class is predicted more or less often than it
  // occurs, so precision (by column) and recall (by row) differ for each one.
  const truth = [0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2];
  const guess = [0, 0, 0, 1, 2, 1, 2, 2, 2, 2, 2, 2, 1];
  const r = classificationReport(truth, guess);
  assert.deepEqual(r.confusion.matrix, [[3, 1, 1], [0, 1, 1], [0, 1, 5]]);
  const hand = [
    { precision: 3 / 3, recall: 3 / 5, f1: 0.75, support: 5 },
    { precision: 1 / 3, recall: 1 / 2, f1: 0.4, support: 2 },
    { precision: 5 / 7, recall: 5 / 6, f1: 10 / 13, support: 6 },
  ];
  r.perClass.forEach((m, c) => {
    assertClose(
      [m.precision, m.recall, m.f1],
      [hand[c].precision, hand[c].recall, hand[c].f1],
      1e-15,
    );
    assert.equal(m.support, hand[c].support);
  });
  assert.ok(Math.abs(r.macroF1 - (0.75 + 0.4 + 10 / 13) / 3) < 1e-15);
  assert.equal(r.accuracy, 9 / 13);
});

oracleTest(
  "classificationReport() agrees with scikit-learn on an asymmetric confusion matrix",
  async () => {
    const truth = [0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 1, 0];
    const guess = [0, 0, 0, 1, 2, 1, 2, 2, 2, 2, 2, 2, 1, 3, 0, 3, 3];
    const r = classificationReport(truth, guess);
    const sk = await python<
      { precision: number[]; recall: number[]; f1: number[]; macro: number; accuracy: number }
    >(
      `
import json, sys
from sklearn.metrics import precision_recall_fscore_support, f1_score, accuracy_score
d = json.load(sys.stdin)
p, r, f, _ = precision_recall_fscore_support(d["t"], d["g"], zero_division=0)
print(json.dumps({"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(),
  "macro": f1_score(d["t"], d["g"], average="macro"), "accuracy": accuracy_score(d["t"], d["g"])}))
`,
      { t: truth, g: guess },
    );
    assertClose(r.perClass.map((m) => m.precision), sk.precision, 1e-15);
    assertClose(r.perClass.map((m) => m.recall), sk.recall, 1e-15);
    assertClose(r.perClass.map((m) => m.f1), sk.f1, 1e-15);
    assert.ok(Math.abs(r.macroF1 - sk.macro) < 1e-15, `${r.macroF1} vs ${sk.macro}`);
    assert.ok(Math.abs(r.accuracy - sk.accuracy) < 1e-15);
  },
);

Deno.test("classifyStage warns about a segment too small for the folds", () => {
  const { matrix, labels } = blobs(20, 3);
  const tiny = Int32Array.from(labels, (l, i) => (l === 2 && i > 10 ? 1 : l));
  const res = classifyStage(matrix, tiny, {
    models: ["tree"],
    folds: 5,
    tree: { minSamplesLeaf: 1 },
  });
  const small = res.warnings.filter((w) => w.message.startsWith("Segment 2 has"));
  assert.equal(small.length, 1);
  assert.match(small[0].message, /fewer than the 5 folds/);
});

Deno.test("classifyStage counts logistic fits that stop before converging", () => {
  const { matrix, labels } = blobs(20, 9);
  const res = classifyStage(matrix, labels, {
    models: ["logistic"],
    folds: 3,
    logistic: { maxIter: 1 },
  });
  assert.deepEqual(res.warnings, [{
    stage: "classify",
    message:
      "Logistic regression stopped before converging to tol 0.0001 within maxIter 1; raise maxIter or lower C",
    count: 4,
  }]);
  const model = res.outputs.model;
  assert.ok(model.kind === "logistic" && !model.converged && model.stop === "reached maxIter (1)");
});

Deno.test("the L-BFGS solver walks the Rosenbrock valley to its minimum at (1, 1)", () => {
  let calls = 0;
  const rosenbrock = (x: Float64Array, g: Float64Array) => {
    calls++;
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const opts = { gtol: 1e-10, ftol: 0, maxIter: 200, memory: 5 };
  const res = lbfgs(rosenbrock, Float64Array.from([-1.2, 1]), opts);
  assert.ok(res.converged, res.reason);
  assertClose(res.x, [1, 1], 1e-8);
  assert.equal(res.evaluations, calls);
  assert.deepEqual(lbfgs(rosenbrock, Float64Array.from([-1.2, 1]), opts), res);
});
