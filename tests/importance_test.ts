import assert from "node:assert/strict";
import { fitClassifier, predict } from "../pipeline/classify/mod.ts";
import {
  coefficientTable,
  importanceStage,
  impurityImportance,
  permutationImportance,
  segmentDrivers,
} from "../pipeline/importance/importance.ts";
import { permutation, rng } from "../pipeline/math/random.ts";
import { normalQuantile } from "../pipeline/math/mod.ts";
import { fromRows, type Matrix } from "../pipeline/types.ts";

/** x1 decides the class (x1 > 0), x2 is pure noise. */
function signal(n: number, seed: number): { matrix: Matrix; labels: Int32Array } {
  const r = rng(seed);
  const rows: number[][] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = r.normal(), x2 = r.normal();
    rows.push([x1, x2]);
    labels.push(x1 > 0 ? 1 : 0);
  }
  return { matrix: fromRows(rows, ["x1", "x2"]), labels: Int32Array.from(labels) };
}

function close(actual: number | null, expected: number, tol = 1e-12): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected}`);
}

Deno.test("permutation importance is large for the informative feature and near zero for noise", () => {
  const train = signal(400, 1), held = signal(400, 2);
  for (const model of ["logistic", "forest"] as const) {
    const fitted = fitClassifier(train.matrix, train.labels, { model, forest: { nTrees: 20 } });
    const rows = permutationImportance(fitted, held.matrix, held.labels, { nRepeats: 4, seed: 3 });
    assert.deepEqual(rows.map((r) => r.feature), ["x1", "x2"]);
    assert.ok(rows[0].mean > 0.3, `${model}: x1 drop ${rows[0].mean}`);
    assert.ok(Math.abs(rows[1].mean) < 0.03, `${model}: x2 drop ${rows[1].mean}`);
    assert.equal(rows[0].drops.length, 4);
    assert.ok(rows[0].baseline > 0.9);
  }
});

Deno.test("grouped permutation moves the group's columns with one row permutation", () => {
  const train = signal(300, 4), held = signal(200, 5);
  const model = fitClassifier(train.matrix, train.labels);
  const seed = 9, nRepeats = 3;
  const groups = { both: ["x1", "x2"], first: ["x1"] };
  const rows = permutationImportance(model, held.matrix, held.labels, { groups, seed, nRepeats });
  const single = permutationImportance(model, held.matrix, held.labels, { seed, nRepeats });
  // A group of one column is that column's own permutation importance.
  assert.deepEqual(rows[1].drops, single[0].drops);
  assert.deepEqual(rows[0].columns, ["x1", "x2"]);
  // By hand: shuffle whole rows with the same stream and score.
  const r = rng(seed), n = held.matrix.rows;
  const baseline = held.labels.filter((l, i) => l === predict(model, held.matrix)[i]).length / n;
  for (let rep = 0; rep < nRepeats; rep++) {
    const p = permutation(n, r);
    const shuffled = fromRows(
      Array.from(p, (i) => [...held.matrix.data.subarray(2 * i, 2 * i + 2)]),
      [
        "x1",
        "x2",
      ],
    );
    const pred = predict(model, shuffled);
    const acc = held.labels.filter((l, i) => l === pred[i]).length / n;
    close(rows[0].drops[rep], baseline - acc, 1e-15);
  }
  assert.throws(
    () => permutationImportance(model, held.matrix, held.labels, { groups: { g: ["x3"] } }),
    { name: "RangeError", message: "Group 'g' names column 'x3', which the matrix does not have" },
  );
});

Deno.test("permutation importance is deterministic for a seed", () => {
  const train = signal(200, 6), held = signal(100, 7);
  const model = fitClassifier(train.matrix, train.labels, { model: "tree" });
  const a = permutationImportance(model, held.matrix, held.labels, { seed: 1, metric: "macroF1" });
  assert.deepEqual(
    permutationImportance(model, held.matrix, held.labels, { seed: 1, metric: "macroF1" }),
    a,
  );
  assert.notDeepEqual(
    permutationImportance(model, held.matrix, held.labels, { seed: 2, metric: "macroF1" }),
    a,
  );
  assert.throws(() => permutationImportance(model, held.matrix, held.labels, { nRepeats: 0 }), {
    name: "OptionError",
    message: "The 'nRepeats' option of importance must be an integer ≥ 1. Got 0 instead",
  });
});

Deno.test("coefficients come per segment and feature; Gini importance sums to 1", () => {
  const { matrix, labels } = signal(300, 8);
  const logistic = fitClassifier(matrix, labels);
  if (logistic.kind !== "logistic") throw new Error("expected logistic regression");
  const coefs = coefficientTable(logistic);
  assert.deepEqual(coefs.map((c) => [c.segment, c.feature]), [[0, "x1"], [0, "x2"], [1, "x1"], [
    1,
    "x2",
  ]]);
  assert.equal(coefs[2].coefficient, logistic.coef[1][0]);
  assert.ok(coefs[2].coefficient > 1 && coefs[0].coefficient < -1);
  const forest = fitClassifier(matrix, labels, { model: "forest", forest: { nTrees: 10 } });
  if (forest.kind !== "forest") throw new Error("expected a forest");
  const imp = impurityImportance(forest);
  close(imp[0].mean + imp[1].mean, 1);
  assert.ok(imp[0].mean > 0.8);
});

Deno.test("segment drivers match a table worked by hand, ignoring missing values and noise", () => {
  const values = fromRows([
    [2, -1, 5],
    [4, 1, 5],
    [6, -1, 5],
    [NaN, 1, 5],
    [8, 0, 5],
    [10, 0, 5],
  ], ["orders", "balanced", "constant"]);
  const rows = segmentDrivers(values, [0, 0, 1, 1, 1, -1]);
  assert.deepEqual(rows.map((r) => `${r.feature}:${r.segment}`), [
    "orders:0",
    "orders:1",
    "balanced:0",
    "balanced:1",
    "constant:0",
    "constant:1",
  ]);
  const [o0, o1, b0, b1, c0] = rows;
  // orders: everyone 2,4,6,8,10 (mean 6, sd √10); segment 0 = {2,4}, its rest {6,8,10}.
  assert.deepEqual([o0.nIn, o0.nOut], [2, 3]);
  close(o0.meanIn, 3), close(o0.meanOut, 8), close(o0.meanAll, 6), close(o0.sdAll, Math.sqrt(10));
  close(o0.effectSize, -5 / Math.sqrt(10 / 3)); // pooled sd √((2 + 8) / 3)
  close(o0.z, -3 / Math.sqrt(10));
  close(o0.lift, 0.5);
  // segment 1 = {6, 8} (its NaN dropped), rest {2, 4, 10}.
  assert.deepEqual([o1.nIn, o1.nOut], [2, 3]);
  close(o1.meanIn, 7), close(o1.meanOut, 16 / 3);
  close(o1.effectSize, 5 / Math.sqrt(110)); // pooled sd √((2 + 104/3) / 3)
  close(o1.z, 1 / Math.sqrt(10)), close(o1.lift, 7 / 6);
  // An average of 0 has no lift; a constant column has no spread to measure against.
  assert.equal(b0.lift, null), assert.equal(b1.lift, null);
  close(b0.meanIn, 0), close(b1.meanIn, 0), close(b0.z, 0);
  assert.equal(c0.sdAll, 0), assert.equal(c0.z, null), assert.equal(c0.effectSize, null);
  close(c0.lift, 1);
});

Deno.test("importanceStage returns every table and leaves noise rows out of scoring", () => {
  const train = signal(300, 10), held = signal(120, 11);
  const labels = Int32Array.from(held.labels);
  labels[0] = -1, labels[5] = -1;
  const inputs = { matrix: held.matrix, labels, rows: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
  const lr = importanceStage(
    { ...inputs, model: fitClassifier(train.matrix, train.labels), values: held.matrix },
    { groups: { all: ["x1", "x2"] }, nRepeats: 2 },
  );
  assert.deepEqual(lr.warnings, [{
    stage: "importance",
    message: "Rows labelled -1 (noise) were left out of permutation importance",
    count: 2,
  }]);
  const out = lr.outputs;
  assert.equal(out.coefficients.length, 4);
  assert.deepEqual(out.impurity, []);
  assert.deepEqual(out.permutation.map((r) => r.feature), ["x1", "x2"]);
  assert.deepEqual(out.groupedPermutation.map((r) => r.feature), ["all"]);
  assert.equal(out.drivers.length, 4);
  // Drivers describe all customers: noise rows count among "the rest".
  assert.equal(out.drivers[0].nIn + out.drivers[0].nOut, 120);
  const tree = importanceStage({
    ...inputs,
    model: fitClassifier(train.matrix, train.labels, { model: "tree" }),
  });
  assert.deepEqual(tree.outputs.coefficients, []);
  assert.equal(tree.outputs.impurity.length, 2);
  assert.deepEqual(tree.outputs.groupedPermutation, []);
  assert.deepEqual(tree.outputs.drivers, []);
});

Deno.test("segmentDrivers() gives rank-based effects (Mann–Whitney A), medians and flag shares", () => {
  // Segment 0 holds 1, 2, 3; the rest 2, 4, 5. Pairs won by segment 0: 3 > 2, and 2 = 2 counts
  // half: U = 1.5 of 9 pairs, A = 1/6.
  const x = fromRows([[1, 1], [2, 0], [3, 1], [2, 0], [4, 0], [5, 0]], ["spend", "flag"]);
  const rows = segmentDrivers(x, [0, 0, 0, 1, 1, 1]);
  const spend0 = rows.find((r) => r.segment === 0 && r.feature === "spend")!;
  const a = 1.5 / 9;
  assert.equal(spend0.kind, "numeric");
  assert.ok(Math.abs(spend0.effect! - Math.SQRT2 * normalQuantile(a)) < 1e-12);
  assert.equal(spend0.medianIn, 2);
  assert.equal(spend0.medianAll, 2.5);
  const spend1 = rows.find((r) => r.segment === 1 && r.feature === "spend")!;
  assert.ok(Math.abs(spend1.effect! + spend0.effect!) < 1e-12, "the rest sees the mirror image");
  // The flag: 2 of 3 in segment 0 against 0 of 3 in the rest.
  const flag0 = rows.find((r) => r.segment === 0 && r.feature === "flag")!;
  assert.equal(flag0.kind, "share");
  assert.ok(Math.abs(flag0.effect! - 2 * Math.asin(Math.sqrt(2 / 3))) < 1e-12);
  assert.equal(flag0.medianIn, undefined);
});
