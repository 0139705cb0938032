import assert from "node:assert/strict";
import {
  adjustedRandIndex,
  calinskiHarabasz,
  daviesBouldin,
  normalizedMutualInfo,
  silhouetteSamples,
} from "../pipeline/cluster/cluster.ts";
import { minOf } from "../pipeline/math/mod.ts";
import { near, oracleTest, python } from "./_oracle.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

// a splits the six rows in halves, b in thirds: the contingency table is [[2, 1, 0], [0, 1, 2]].
const a = [0, 0, 0, 1, 1, 1];
const b = [0, 0, 1, 1, 2, 2];

Deno.test("adjustedRandIndex() matches the value worked out from pair counts", () => {
  // Σ C(nij, 2) = 2, Σ C(ai, 2) = 6, Σ C(bj, 2) = 3, C(6, 2) = 15:
  // expected = 6·3/15 = 1.2, max = (6 + 3)/2 = 4.5, ARI = (2 − 1.2)/(4.5 − 1.2) = 8/33.
  close(adjustedRandIndex(a, b), 8 / 33);
  close(adjustedRandIndex(b, a), 8 / 33);
});

Deno.test("adjustedRandIndex() is 1 for renamed labels and for two trivial labellings", () => {
  assert.equal(adjustedRandIndex([0, 0, 1, 2], [7, 7, 3, 9]), 1);
  assert.equal(adjustedRandIndex([0, 0, 0], [1, 1, 1]), 1);
  assert.equal(adjustedRandIndex([0, 1, 2], [5, 6, 7]), 1);
});

Deno.test("adjustedRandIndex() is negative when the agreement is worse than chance", () => {
  // Pairs together in one are apart in the other: tp = 0, so ARI = −2·fn·fp / (...) < 0.
  assert.ok(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) < 0);
  close(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]), -0.5);
});

Deno.test("adjustedRandIndex() rejects labellings of different lengths", () => {
  assert.throws(() => adjustedRandIndex([0, 1], [0]), TypeError);
});

Deno.test("normalizedMutualInfo() matches the value worked out with natural logs", () => {
  // MI = (1/3)ln2 + (1/3)ln2 (the two 2-row cells; the 1-row cells give ln 1 = 0);
  // H(a) = ln 2, H(b) = ln 3, arithmetic mean = ln 6 / 2, NMI = (4/3)ln2 / ln6.
  close(normalizedMutualInfo(a, b), (4 * Math.log(2)) / (3 * Math.log(6)));
});

Deno.test("normalizedMutualInfo() edge cases: identical, independent, both single-cluster", () => {
  close(normalizedMutualInfo([0, 0, 1, 1, 2], [2, 2, 0, 0, 1]), 1);
  assert.equal(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1]), 0);
  assert.equal(normalizedMutualInfo([3, 3, 3], [1, 1, 1]), 1);
});

// Four points on a line, segments {0, 1} and {4, 6}.
const line = new Float64Array([0, 1, 4, 6]);
const lineLabels = [0, 0, 1, 1];

Deno.test("silhouetteSamples() matches silhouettes worked out by hand", () => {
  // x=0: a=1, b=(4+6)/2=5 → 4/5; x=1: a=1, b=(3+5)/2=4 → 3/4;
  // x=4: a=2, b=(4+3)/2=3.5 → 1.5/3.5 = 3/7; x=6: a=2, b=(6+5)/2=5.5 → 3.5/5.5 = 7/11.
  const s = silhouetteSamples(line, 4, 1, lineLabels);
  [4 / 5, 3 / 4, 3 / 7, 7 / 11].forEach((v, i) => close(s[i], v));
});

Deno.test("silhouetteSamples() gives 0 to a row alone in its segment and needs 2..n−1 segments", () => {
  const s = silhouetteSamples(new Float64Array([0, 1, 5]), 3, 1, [0, 0, 1]);
  assert.equal(s[2], 0);
  assert.throws(() => silhouetteSamples(line, 4, 1, [0, 0, 0, 0]), RangeError);
  assert.throws(() => silhouetteSamples(line, 4, 1, [0, 1, 2, 3]), RangeError);
});

Deno.test("silhouetteSamples() visits every pair: odd sizes and many rows agree with a direct sum", () => {
  const n = 23, d = 3;
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 1.7) * 5);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const s = silhouetteSamples(x, n, d, labels);
  const dist = (i: number, j: number) =>
    Math.sqrt(
      Array.from({ length: d }, (_, t) => (x[i * d + t] - x[j * d + t]) ** 2).reduce((a, b) =>
        a + b
      ),
    );
  for (let i = 0; i < n; i++) {
    const mean = (c: number) => {
      const js = labels.map((l, j) => l === c && j !== i ? j : -1).filter((j) => j >= 0);
      return js.reduce((acc, j) => acc + dist(i, j), 0) / js.length;
    };
    const own = mean(labels[i]);
    const other = minOf([0, 1, 2].filter((c) => c !== labels[i]).map(mean));
    close(s[i], (other - own) / Math.max(own, other), 1e-12);
  }
});

Deno.test("silhouetteSamples() gives the same bits with and without worker threads", () => {
  const n = 601, d = 5;
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.cos(i * 0.37) * 3 + (i % 7));
  const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
  assert.deepEqual(
    silhouetteSamples(x, n, d, labels, { threads: 2 }),
    silhouetteSamples(x, n, d, labels, { threads: 0 }),
  );
});

Deno.test("daviesBouldin() matches the value worked out by hand", () => {
  // Centroids 0.5 and 5, spreads 0.5 and 1, gap 4.5: R = 1.5/4.5 = 1/3 for both segments.
  close(daviesBouldin(line, 4, 1, lineLabels), 1 / 3);
});

Deno.test("daviesBouldin() takes each segment's worst ratio: three segments worked by hand", () => {
  // Segments {0, 2}, {5, 5}, {10, 14}: centroids 1, 5, 12; spreads 1, 0, 2. Ratios
  // (s_a + s_b) / gap: AB 1/4, AC 3/11, BC 2/7. Worst per segment: A 3/11, B 2/7, C 2/7.
  const x = new Float64Array([0, 2, 5, 5, 10, 14]);
  close(daviesBouldin(x, 6, 1, [0, 0, 1, 1, 2, 2]), (3 / 11 + 2 / 7 + 2 / 7) / 3);
});

oracleTest(
  "daviesBouldin(), calinskiHarabasz() and silhouetteSamples() agree with scikit-learn",
  async () => {
    const n = 90, d = 3;
    const x = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 1.3) * 4 + (i % 5));
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
    const want = await python<{ db: number; ch: number; sil: number[] }>(
      `
import json, sys
import numpy as np
from sklearn import metrics
d = json.load(sys.stdin)
x = np.array(d["x"]).reshape(d["n"], d["d"])
print(json.dumps({"db": metrics.davies_bouldin_score(x, d["labels"]),
  "ch": metrics.calinski_harabasz_score(x, d["labels"]),
  "sil": metrics.silhouette_samples(x, d["labels"]).tolist()}))
`,
      { x: Array.from(x), n, d, labels },
    );
    near(daviesBouldin(x, n, d, labels), want.db, 1e-12, "Davies–Bouldin");
    near(calinskiHarabasz(x, n, d, labels), want.ch, 1e-12, "Calinski–Harabasz");
    const sil = silhouetteSamples(x, n, d, labels);
    want.sil.forEach((v, i) => near(sil[i], v, 1e-12, `silhouette of row ${i}`));
  },
);

Deno.test("calinskiHarabasz() matches the value worked out by hand", () => {
  // Mean 2.75; between = 2·2.25² + 2·2.25² = 20.25; within = 0.25·2 + 1·2 = 2.5;
  // CH = (20.25 / 1) / (2.5 / 2) = 16.2.
  close(calinskiHarabasz(line, 4, 1, lineLabels), 16.2);
});

Deno.test("daviesBouldin() is 0 and calinskiHarabasz() is 1 when every segment is one point", () => {
  const pts = new Float64Array([0, 0, 3, 3, 3, 3]);
  assert.equal(daviesBouldin(pts, 3, 2, [0, 1, 1]), 0);
  assert.equal(calinskiHarabasz(pts, 3, 2, [0, 1, 1]), 1);
});
