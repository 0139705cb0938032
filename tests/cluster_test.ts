import assert from "node:assert/strict";
import {
  adjustedRandIndex,
  assignClusters,
  clusterStage,
  fitCluster,
  renumberBySize,
} from "../pipeline/cluster/cluster.ts";
import { fromRows, type Matrix } from "../pipeline/types.ts";
import { blobs, uniform } from "./cluster_data.ts";
import { maxOf } from "../pipeline/math/mod.ts";

const quick = { stability: false } as const;

Deno.test("clusterStage() separates three far-apart blobs exactly (ARI = 1)", () => {
  const { matrix, truth } = blobs({ rows: 900, cols: 5, k: 3, seed: 1, spread: 10 });
  const { outputs, warnings } = clusterStage(matrix, { ...quick, k: 3 });
  assert.equal(adjustedRandIndex(outputs.labels, truth), 1);
  assert.equal(outputs.segments, 3);
  assert.equal(outputs.noise, 0);
  assert.deepEqual(outputs.sizes.map((s) => s.rows), [300, 300, 300]);
  assert.ok(outputs.silhouette! > 0.7);
  assert.equal(outputs.silhouettePerSegment.length, 3);
  assert.deepEqual(warnings, []);
});

Deno.test("clusterStage() with k 'auto' picks 4 on four blobs and keeps every score", () => {
  const at = [[0, 0], [10, 0], [0, 10], [10, 10]];
  const { matrix, truth } = blobs({ rows: 800, cols: 2, k: 4, seed: 2, sd: 0.7, at });
  const { outputs } = clusterStage(matrix, { ...quick, kMin: 2, kMax: 7 });
  const table = outputs.kSelection!;
  assert.deepEqual(table.map((r) => r.k), [2, 3, 4, 5, 6, 7]);
  assert.deepEqual(table.filter((r) => r.chosen).map((r) => r.k), [4]);
  assert.equal(outputs.segments, 4);
  assert.equal(adjustedRandIndex(outputs.labels, truth), 1);
  const best = maxOf(table.map((r) => r.silhouette));
  assert.equal(table.find((r) => r.chosen)!.silhouette, best);
  for (const r of table) {
    assert.ok(Number.isFinite(r.inertia) && Number.isFinite(r.daviesBouldin));
    assert.ok(Number.isFinite(r.calinskiHarabasz) && r.silhouetteRows === 800);
  }
  // Inertia can only fall as k grows on well-separated data with restarts.
  for (let i = 1; i < table.length; i++) assert.ok(table[i].inertia < table[i - 1].inertia);
});

Deno.test("clusterStage() near-tie rule: a large tolerance hands the choice to the smallest k", () => {
  const { matrix } = blobs({ rows: 400, cols: 2, k: 4, seed: 2, spread: 10, sd: 0.7 });
  const { outputs } = clusterStage(matrix, { ...quick, kMin: 2, kMax: 5, kTolerance: 10 });
  assert.equal(outputs.kSelection!.find((r) => r.chosen)!.k, 2);
});

Deno.test("clusterStage() numbers segments by size, ties by first row", () => {
  // Sizes 2, 3, 2 in row order → the 3-row segment is 0, then the 2-row one that starts first.
  const m = fromRows([[0], [0.1], [10], [10.1], [10.2], [20], [20.1]]);
  const { outputs } = clusterStage(m, { ...quick, k: 3 });
  assert.deepEqual(Array.from(outputs.labels), [1, 1, 0, 0, 0, 2, 2]);
  const re = renumberBySize(new Int32Array([2, 2, -1, 0, 1, 1, 0]));
  assert.deepEqual(Array.from(re.labels), [0, 0, -1, 1, 2, 2, 1]);
});

Deno.test("clusterStage() is deterministic: same seed, same labels, model and scores", () => {
  const { matrix } = blobs({ rows: 700, cols: 3, k: 5, seed: 4, spread: 4, sd: 1.5 });
  const opts = { kMin: 2, kMax: 6, seed: 9, stabilityReplicates: 5 };
  const a = clusterStage(matrix, opts), b = clusterStage(matrix, opts);
  assert.deepEqual(a, b);
});

Deno.test("stability is near 1 on clean blobs and clearly lower on a uniform cloud", () => {
  const { matrix } = blobs({ rows: 600, cols: 2, k: 3, seed: 5, spread: 10, sd: 0.8 });
  const clean = clusterStage(matrix, { k: 3, stabilityReplicates: 10 }).outputs.stability!;
  assert.equal(clean.replicates, 10);
  assert.equal(clean.ari.length, 10);
  assert.ok(clean.meanAri > 0.99, `clean ${clean.meanAri}`);
  for (const s of clean.segments) assert.ok(s.meanJaccard > 0.99 && s.dissolved === 0);
  const cloud = clusterStage(uniform(600, 4, 6), { k: 6, stabilityReplicates: 10 }).outputs
    .stability!;
  assert.ok(cloud.meanAri < clean.meanAri - 0.1, `cloud ${cloud.meanAri}`);
  assert.ok(cloud.minAri <= cloud.meanAri);
  assert.ok(cloud.segments.some((s) => s.meanJaccard < 0.9));
});

Deno.test("stability subsamples large data to stabilityRows rows per replicate", () => {
  const { matrix } = blobs({ rows: 3000, cols: 2, k: 2, seed: 7 });
  const s = clusterStage(matrix, { k: 2, stabilityReplicates: 3, stabilityRows: 500 }).outputs
    .stability!;
  assert.equal(s.rowsPerReplicate, 500);
  assert.equal(s.meanAri, 1);
});

Deno.test("a K-Means model survives a JSON round trip and assigns rows identically", () => {
  const { matrix } = blobs({ rows: 500, cols: 4, k: 4, seed: 8, spread: 5, sd: 1.2 });
  const { outputs } = clusterStage(matrix, { ...quick, k: 4 });
  const copy = JSON.parse(JSON.stringify(outputs.model));
  assert.deepEqual(copy, outputs.model);
  assert.deepEqual(assignClusters(copy, matrix), outputs.labels);
  const fresh = uniform(50, 4, 1);
  assert.deepEqual(assignClusters(copy, fresh), assignClusters(outputs.model, fresh));
});

Deno.test("fitCluster() and assignClusters() place new rows by nearest centre", () => {
  const model = fitCluster(fromRows([[0, 0], [0, 1], [9, 9], [9, 10], [9, 11]]), { k: 2 });
  assert.deepEqual(Array.from(assignClusters(model, fromRows([[1, 0], [8, 9]]))), [1, 0]);
  assert.throws(() => assignClusters(model, fromRows([[1, 0, 0]])), /fitted on 2/);
});

Deno.test("DBSCAN stage keeps noise as -1, counts it everywhere, and attaches it on request", () => {
  // Two tight groups and two far outliers; eps 1, minSamples 3.
  const m = fromRows([[0, 0], [0, 0.5], [0.5, 0], [10, 10], [10, 10.5], [10.5, 10], [5, 5], [
    30,
    30,
  ]]);
  const { outputs, warnings } = clusterStage(m, {
    ...quick,
    method: "dbscan",
    eps: 1,
    minSamples: 3,
    attachNoise: true,
  });
  assert.deepEqual(Array.from(outputs.labels), [0, 0, 0, 1, 1, 1, -1, -1]);
  assert.equal(outputs.noise, 2);
  assert.deepEqual(outputs.sizes.map((s) => [s.segment, s.rows]), [[0, 3], [1, 3], [-1, 2]]);
  // (5, 5) is nearer (0.5, 0)… than (10, 10)? distances √(4.5²+5²) vs √(5²+5²): segment 0.
  assert.deepEqual(Array.from(outputs.attachedLabels!), [0, 0, 0, 1, 1, 1, 0, 1]);
  assert.ok(warnings.some((w) => w.message.includes("noise") && w.count === 2));
  assert.ok(warnings.some((w) => w.message.startsWith("attachNoise")));
  const model = outputs.model;
  assert.equal(model.method, "dbscan");
  const copy = JSON.parse(JSON.stringify(model));
  const probe = fromRows([[0.2, 0.2], [10.2, 10.9], [4, 4]]);
  assert.deepEqual(Array.from(assignClusters(copy, probe)), [0, 1, -1]);
  assert.deepEqual(assignClusters(copy, probe), assignClusters(model, probe));
  assert.deepEqual(Array.from(assignClusters(copy, probe, { attachNoise: true })), [0, 1, 0]);
});

Deno.test("DBSCAN stage with eps 'auto' finds the blobs and reports the k-distance curve", () => {
  const { matrix, truth } = blobs({ rows: 600, cols: 2, k: 3, seed: 10, spread: 10, sd: 0.5 });
  const { outputs } = clusterStage(matrix, { ...quick, method: "dbscan", minSamples: 5 });
  assert.ok(outputs.eps !== null && outputs.eps.eps > 0);
  assert.equal(outputs.segments, 3);
  const kept = [...outputs.labels.keys()].filter((i) => outputs.labels[i] >= 0);
  // Rows beyond the knee (the outer fringe of each blob) are noise: a few percent here.
  assert.ok(kept.length > 540 && outputs.noise === 600 - kept.length);
  assert.equal(
    adjustedRandIndex(kept.map((i) => outputs.labels[i]), kept.map((i) => truth[i])),
    1,
  );
});

Deno.test("a DBSCAN model caps its core rows, keeps every segment and says so", () => {
  const { matrix } = blobs({ rows: 400, cols: 2, k: 2, seed: 11, sd: 0.5 });
  const { outputs, warnings } = clusterStage(matrix, {
    ...quick,
    method: "dbscan",
    eps: 0.5,
    maxCorePoints: 10,
  });
  const model = outputs.model;
  assert.ok(model.method === "dbscan");
  assert.ok(model.corePoints.length >= 10 && model.corePoints.length <= 11);
  assert.deepEqual([...new Set(model.coreLabels)].sort(), [0, 1]);
  assert.ok(warnings.some((w) => w.message.includes("maxCorePoints")));
});

Deno.test("degenerate inputs give a clear error or a defined result", () => {
  const empty: Matrix = { rows: 0, cols: 3, data: new Float64Array(0) };
  assert.throws(() => clusterStage(empty, quick), {
    name: "RangeError",
    message: /0 rows/,
  });
  const three = fromRows([[0], [1], [2]]);
  assert.throws(() => clusterStage(three, { ...quick, k: 5 }), {
    name: "RangeError",
    message:
      "The 'k' option of kmeans must be an integer between 1 and the number of rows (3). Got 5 instead",
  });
  // One row: a fixed k of 1 works; "auto" cannot compare k values.
  const one = clusterStage(fromRows([[3, 4]]), { ...quick, k: 1 });
  assert.deepEqual(Array.from(one.outputs.labels), [0]);
  assert.equal(one.outputs.silhouette, null);
  assert.throws(() => clusterStage(fromRows([[3, 4]]), quick), /needs at least kMin \+ 1/);
  // Identical rows: one segment holds them all, the others are empty, with a warning.
  const same = fromRows(Array.from({ length: 6 }, () => [1, 1]));
  const r = clusterStage(same, { ...quick, k: 3 });
  assert.deepEqual(Array.from(r.outputs.labels), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.outputs.sizes.map((s) => s.rows), [6, 0, 0]);
  assert.ok(r.warnings.some((w) => w.message.includes("only 1 distinct segments")));
  assert.throws(() => clusterStage(same, quick), /Cannot choose k/);
  const sameDb = clusterStage(same, { ...quick, method: "dbscan", eps: 0.1 });
  assert.deepEqual(Array.from(sameDb.outputs.labels), [0, 0, 0, 0, 0, 0]);
  // Non-finite values name the row and column.
  const bad = fromRows([[0, 1], [NaN, 2]], ["a", "b"]);
  assert.throws(() => clusterStage(bad, quick), {
    name: "TypeError",
    message: /row 2, column 1 \('a'\)/,
  });
  assert.throws(() => clusterStage(three, quick, ["x"]), /1 customer ids for 3 matrix rows/);
});

Deno.test("options are validated with messages that name the option and the value", () => {
  const m = fromRows([[0], [1], [2], [3]]);
  assert.throws(() => clusterStage(m, { method: "dbscan", eps: -1 }), {
    name: "OptionError",
    message: `The 'eps' option of dbscan must be "auto" or a number > 0. Got -1 instead`,
  });
  assert.throws(() => clusterStage(m, { kMin: 5, kMax: 3 }), /'kMax' option of kmeans/);
  assert.throws(
    () => clusterStage(m, { method: "gmm" as never }),
    /'method' option of cluster must be "kmeans" or "dbscan"/,
  );
  assert.throws(
    () => clusterStage(m, { nInit: 0 }),
    /'nInit' option of kmeans must be an integer ≥ 1\. Got 0/,
  );
  assert.throws(
    () => clusterStage(m, { kmax: 3 } as never),
    {
      name: "OptionError",
      message:
        /^Unknown option 'kmax' of cluster \(did you mean 'kMax'\?\)\. Valid options: method, /,
    },
  );
});

Deno.test("kMax above rows − 1 is lowered with a warning", () => {
  const m = fromRows([[0], [0.1], [5], [5.1], [9]]);
  const { outputs, warnings } = clusterStage(m, { ...quick, kMin: 2, kMax: 10 });
  assert.deepEqual(outputs.kSelection!.map((r) => r.k), [2, 3, 4]);
  assert.ok(warnings.some((w) => w.message.startsWith("kMax lowered from 10 to 4")));
});

Deno.test("silhouettes use a seeded sample above silhouetteRows", () => {
  const { matrix } = blobs({ rows: 1200, cols: 2, k: 3, seed: 12 });
  const { outputs } = clusterStage(matrix, { ...quick, k: 3, silhouetteRows: 300 });
  assert.equal(outputs.silhouetteRows, 300);
  assert.equal(outputs.silhouettePerSegment.reduce((a, s) => a + s.rows, 0), 300);
});

Deno.test("onProgress counts every step up to the announced total; ids pass through", () => {
  const { matrix } = blobs({ rows: 200, cols: 2, k: 2, seed: 13 });
  const seen: [number, number, string][] = [];
  const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
  const { outputs } = clusterStage(matrix, {
    kMin: 2,
    kMax: 4,
    stabilityReplicates: 3,
    onProgress: (done, total, label) => seen.push([done, total, label]),
  }, ids);
  assert.deepEqual(seen.map((s) => s[0]), [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(seen.every((s) => s[1] === 7));
  assert.deepEqual(outputs.customerIds, ids);
});

Deno.test("mini-batch K-Means through the stage recovers far-apart blobs", () => {
  const { matrix, truth } = blobs({ rows: 5000, cols: 3, k: 3, seed: 14 });
  const { outputs } = clusterStage(matrix, { ...quick, k: 3, algorithm: "minibatch" });
  assert.equal(adjustedRandIndex(outputs.labels, truth), 1);
});
