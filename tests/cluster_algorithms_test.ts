import assert from "node:assert/strict";
import { dbscan, suggestEps } from "../pipeline/cluster/_dbscan.ts";
import { buildKdTree, knnQuery, queryScratch, radiusQuery } from "../pipeline/cluster/_kdtree.ts";
import { kmeans, kmeansPlusPlus, meanVariance } from "../pipeline/cluster/_kmeans.ts";
import { miniBatchKMeans } from "../pipeline/cluster/_kmeans_minibatch.ts";
import { rng } from "../pipeline/math/random.ts";
import { arena, kernelOn, near2On } from "../pipeline/cluster/_wasm_kernel.ts";
import { adjustedRandIndex } from "../pipeline/cluster/cluster.ts";
import { blobs, uniform } from "./cluster_data.ts";

function sq(x: Float64Array, i: number, y: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += (x[i * d + t] - y[j * d + t]) ** 2;
  return s;
}

/** Plain Lloyd iterations with scikit-learn's stopping rules, the reference for the bounded one. */
function naiveLloyd(
  x: Float64Array,
  n: number,
  d: number,
  init: Float64Array,
  k: number,
  maxIter: number,
  tolAbs: number,
) {
  let c = init.slice(0, k * d);
  const labels = new Int32Array(n).fill(-1);
  const assign = () => {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (sq(x, i, c, j, d) < sq(x, i, c, best, d)) best = j;
      if (best !== labels[i]) changed++;
      labels[i] = best;
    }
    return changed;
  };
  for (let it = 0; it < maxIter; it++) {
    const changed = assign();
    const next = new Float64Array(k * d), size = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      size[labels[i]]++;
      for (let t = 0; t < d; t++) next[labels[i] * d + t] += x[i * d + t];
    }
    for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) next[j * d + t] /= size[j];
    let shift = 0;
    for (let j = 0; j < k; j++) shift += sq(c, j, next, j, d);
    c = next;
    if (it > 0 && changed === 0) return { labels, centers: c };
    if (shift <= tolAbs) break;
  }
  assign();
  return { labels, centers: c };
}

Deno.test("kmeansPlusPlus() keeps exact nearest-centre distances despite skipping candidates", () => {
  const { matrix } = blobs({ rows: 600, cols: 3, k: 5, seed: 3, sd: 2 });
  const { rows: n, cols: d, data } = matrix;
  const k = 7, centers = new Float64Array(k * d);
  const nearest = new Int32Array(n), closest = new Float64Array(n);
  kmeansPlusPlus(data, n, d, k, rng(1), centers, nearest, closest);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) best = Math.min(best, sq(data, i, centers, j, d));
    assert.ok(Math.abs(closest[i] - best) <= 1e-9 * (1 + best), `row ${i}`);
    assert.ok(Math.abs(sq(data, i, centers, nearest[i], d) - best) <= 1e-9 * (1 + best));
  }
});

Deno.test("kmeans() with Hamerly bounds gives the same labels as plain Lloyd from the same start", () => {
  // Overlapping blobs make many points change cluster, so the bounds are really exercised.
  // Odd column counts run with a zero column added for the WebAssembly kernel.
  for (const [k, cols] of [[3, 4], [6, 4], [5, 5]]) {
    const { matrix } = blobs({ rows: 900, cols, k: 4, seed: 11, spread: 3, sd: 1.5 });
    const { rows: n, cols: d, data } = matrix;
    const init = new Float64Array(Math.ceil(k / 4) * 4 * d);
    kmeansPlusPlus(data, n, d, k, rng(5), init, new Int32Array(n), new Float64Array(n));
    const tol = 1e-6;
    const ours = kmeans(data, n, d, { k, nInit: 1, maxIter: 300, tol, seed: 5 });
    const ref = naiveLloyd(data, n, d, init, k, 300, tol * meanVariance(data, n, d));
    assert.deepEqual(Array.from(ours.labels), Array.from(ref.labels), `k=${k}`);
    for (let t = 0; t < k * d; t++) assert.ok(Math.abs(ours.centers[t] - ref.centers[t]) < 1e-9);
    let inertia = 0;
    for (let i = 0; i < n; i++) inertia += sq(data, i, ref.centers, ref.labels[i], d);
    assert.ok(Math.abs(ours.inertia - inertia) < 1e-9 * inertia);
  }
});

Deno.test("the WebAssembly dot4 kernel agrees with plain dot products", () => {
  const mem = arena([64, 4], false);
  const rows = mem.alloc(5 * 12), out = mem.alloc(4);
  // Rows of 12 columns: a multiple of four, as the kernel requires.
  rows.set(Array.from({ length: 60 }, (_, i) => Math.sin(i) * 10));
  const dot4 = kernelOn(mem.memory, false);
  dot4(rows.byteOffset, rows.byteOffset + 12 * 8, 12, out.byteOffset);
  for (let j = 0; j < 4; j++) {
    let want = 0;
    for (let t = 0; t < 12; t++) want += rows[t] * rows[(j + 1) * 12 + t];
    assert.ok(Math.abs(out[j] - want) < 1e-12, `row ${j}: ${out[j]} vs ${want}`);
  }
});

Deno.test("the WebAssembly near2 kernel finds the nearest two centres for any k", () => {
  const d = 8, r = rng(17);
  for (let k = 1; k <= 9; k++) {
    const kp = Math.ceil(k / 4) * 4;
    const mem = arena([d, kp * d, kp, 4], false);
    const x = mem.alloc(d), c = mem.alloc(kp * d), cn = mem.alloc(kp), out = mem.alloc(4);
    for (let t = 0; t < d; t++) x[t] = r.normal();
    for (let t = 0; t < kp * d; t++) c[t] = r.normal();
    for (let j = 0; j < kp; j++) cn[j] = sq(c, j, new Float64Array(d), 0, d);
    const xn = sq(x, 0, new Float64Array(d), 0, d);
    const near2 = near2On(mem.memory, false);
    const best = near2(x.byteOffset, xn, c.byteOffset, cn.byteOffset, k, d, out.byteOffset);
    const dist = Array.from({ length: k }, (_, j) => sq(x, 0, c, j, d));
    const order = [...dist.keys()].sort((a, b) => dist[a] - dist[b]);
    assert.equal(best, order[0], `k=${k}`);
    assert.ok(Math.abs(out[0] - dist[order[0]]) < 1e-12);
    if (k > 1) assert.ok(Math.abs(out[1] - dist[order[1]]) < 1e-12);
    else assert.equal(out[1], Infinity);
  }
});

Deno.test("kmeans() keeps the restart with the lowest inertia", () => {
  const { matrix } = blobs({ rows: 500, cols: 2, k: 6, seed: 2, spread: 4, sd: 1 });
  const { rows: n, cols: d, data } = matrix;
  // Restarts draw from one stream, so the first of eight is the single run with the same seed.
  const p = { k: 6, maxIter: 100, tol: 1e-4, seed: 0 };
  const one = kmeans(data, n, d, { ...p, nInit: 1 });
  const many = kmeans(data, n, d, { ...p, nInit: 8 });
  assert.ok(many.inertia <= one.inertia);
  const again = kmeans(data, n, d, { ...p, nInit: 8 });
  assert.deepEqual(again, many);
});

Deno.test("kmeans() fits on one array reuse its kernel memory without carrying anything over", () => {
  const { matrix } = blobs({ rows: 3000, cols: 5, k: 4, seed: 8, spread: 3, sd: 1 });
  const { rows: n, cols: d, data } = matrix;
  const p = { nInit: 2, maxIter: 100, tol: 1e-6, seed: 1 };
  // A fresh array per fit gets a fresh memory: the reference results.
  const fresh = (k: number, x: Float64Array) => kmeans(x.slice(), n, d, { ...p, k });
  const k3 = fresh(3, data), k7 = fresh(7, data), k40 = fresh(40, data);
  // The same array for every k (as when k is chosen), then more centres than the room kept.
  assert.deepEqual(kmeans(data, n, d, { ...p, k: 7 }), k7);
  assert.deepEqual(kmeans(data, n, d, { ...p, k: 3 }), k3);
  assert.deepEqual(kmeans(data, n, d, { ...p, k: 40 }), k40);
  // Rows changed in place between fits are read again.
  const shifted = data.map((v) => v * 2);
  data.set(shifted);
  assert.deepEqual(kmeans(data, n, d, { ...p, k: 3 }), fresh(3, shifted));
});

Deno.test("kmeans() gives the same bits with and without worker threads", () => {
  const { matrix } = blobs({ rows: 20000, cols: 6, k: 5, seed: 21, spread: 2, sd: 1 });
  const { rows: n, cols: d, data } = matrix;
  const p = { k: 5, nInit: 2, maxIter: 100, tol: 1e-6, seed: 4 };
  const alone = kmeans(data, n, d, { ...p, threads: 0 });
  const shared = kmeans(data, n, d, { ...p, threads: 2 });
  assert.deepEqual(shared, alone);
  assert.ok(alone.iterations > 3);
});

Deno.test("miniBatchKMeans() recovers far-apart blobs with inertia close to full K-Means", () => {
  const { matrix, truth } = blobs({ rows: 6000, cols: 5, k: 4, seed: 8, spread: 10 });
  const { rows: n, cols: d, data } = matrix;
  const p = { k: 4, nInit: 3, maxIter: 50, tol: 1e-4, seed: 1 };
  const mb = miniBatchKMeans(data, n, d, { ...p, batchSize: 256 });
  const full = kmeans(data, n, d, p);
  assert.equal(adjustedRandIndex(mb.labels, truth), 1);
  assert.ok(mb.inertia <= full.inertia * 1.01, `${mb.inertia} vs ${full.inertia}`);
});

Deno.test("radiusQuery() and knnQuery() agree with brute force, boundary included", () => {
  // Points on a small integer grid: many distances equal the radius exactly.
  const r = rng(4), n = 700, d = 3;
  const x = Float64Array.from({ length: n * d }, () => r.int(6));
  const tree = buildKdTree(x, n, d, 8);
  const s = queryScratch(tree, 5);
  for (let i = 0; i < n; i += 7) {
    for (const r2 of [0, 1, 2, 4.5]) {
      const c = radiusQuery(tree, x, i * d, r2, s);
      const got = Array.from(s.out.subarray(0, c), (p) => tree.index[p]).sort((a, b) => a - b);
      const want = [...Array(n).keys()].filter((j) => sq(x, i, x, j, d) <= r2);
      assert.deepEqual(got, want);
    }
    knnQuery(tree, x, i * d, 5, s);
    const all = [...Array(n).keys()].map((j) => sq(x, i, x, j, d)).sort((a, b) => a - b);
    assert.deepEqual(Array.from(s.dist), all.slice(0, 5));
  }
});

/** DBSCAN straight from the definition, O(n²): the reference for the tree-based one. */
function naiveDbscan(x: Float64Array, n: number, d: number, eps: number, minSamples: number) {
  const nb = (i: number) => [...Array(n).keys()].filter((j) => sq(x, i, x, j, d) <= eps * eps);
  const core = [...Array(n).keys()].map((i) => nb(i).length >= minSamples);
  const labels = new Int32Array(n).fill(-1);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || !core[i]) continue;
    const queue = [i];
    labels[i] = c;
    while (queue.length) {
      const v = queue.shift()!;
      if (!core[v]) continue;
      for (const u of nb(v)) if (labels[u] === -1) (labels[u] = c, queue.push(u));
    }
    c++;
  }
  return labels;
}

Deno.test("dbscan() matches DBSCAN computed from the definition", () => {
  const { matrix } = blobs({ rows: 400, cols: 2, k: 4, seed: 6, spread: 6, sd: 1 });
  const noise = uniform(60, 2, 9);
  const x = new Float64Array([...matrix.data, ...noise.data.map((v) => v * 24 - 12)]);
  const n = 460;
  for (const [eps, ms] of [[0.5, 5], [0.8, 10], [1.5, 3]]) {
    const got = dbscan(x, n, 2, eps, ms);
    assert.deepEqual(
      Array.from(got.labels),
      Array.from(naiveDbscan(x, n, 2, eps, ms)),
      `eps ${eps}`,
    );
  }
});

Deno.test("dbscan() on a hand-worked line: core, border and noise; eps is inclusive", () => {
  // eps = 1, minSamples = 3. Row 1 (x=1) has {0,1,2}: core; rows 0 and 2 have 2 rows: border.
  // Rows 4 and 5 (x=6, 7) are core; rows 3 and 6 (x=5, 8) border; x=20 is noise.
  const x = new Float64Array([0, 1, 2, 5, 6, 7, 8, 20]);
  const run = dbscan(x, 8, 1, 1, 3);
  assert.deepEqual(Array.from(run.labels), [0, 0, 0, 1, 1, 1, 1, -1]);
  assert.deepEqual(Array.from(run.core), [0, 1, 0, 0, 1, 1, 0, 0]);
  // Every neighbour sits at distance exactly 1: a radius a hair smaller makes no row core.
  const smaller = dbscan(x, 8, 1, 1 - 1e-12, 3);
  assert.deepEqual(Array.from(smaller.labels), [-1, -1, -1, -1, -1, -1, -1, -1]);
});

Deno.test("dbscan() gives a border row shared by two segments to the one found first", () => {
  // Two 4-row diamonds of core rows around (0,0) and (2,0); (1,0) is at distance exactly 1 of
  // both centres but has only 3 rows within eps (minSamples 4), so it is a border row.
  const left = [[0, 0], [-0.5, 0], [0, 0.5], [0, -0.5]];
  const right = [[2, 0], [2.5, 0], [2, 0.5], [2, -0.5]];
  const border = [1, 0];
  const run = (rows: number[][]) => dbscan(new Float64Array(rows.flat()), rows.length, 2, 1, 4);
  const rightFirst = run([...right, border, ...left]);
  assert.deepEqual(Array.from(rightFirst.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(rightFirst.core[4], 0);
  // The border row (index 4) takes label 0, the segment listed before it, in either order.
  const leftFirst = run([...left, border, ...right]);
  assert.deepEqual(Array.from(leftFirst.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
});

Deno.test("suggestEps() puts eps between in-blob and outlier k-distances", () => {
  // 300 tight rows plus 10 scattered outliers: the knee must separate the two.
  const r = rng(12);
  const rows: number[] = [];
  for (let i = 0; i < 300; i++) rows.push(r.normal() * 0.1, r.normal() * 0.1);
  for (let i = 0; i < 10; i++) rows.push(5 + i * 3, -5 - i * 2);
  const x = new Float64Array(rows);
  const s = suggestEps(x, 310, 2, 5, 0, 1000);
  assert.ok(s.eps > 0.02 && s.eps < 1, `eps ${s.eps}`);
  const run = dbscan(x, 310, 2, s.eps, 5);
  assert.equal(run.labels.slice(300).filter((l) => l === -1).length, 10);
  assert.ok(s.curve.length <= 201 && s.curve.at(-1)!.rank === 309);
  for (let t = 1; t < s.curve.length; t++) {
    assert.ok(s.curve[t].distance >= s.curve[t - 1].distance);
  }
});
