/**
 * Helpers the cluster methods share: renumbering segments by size, segment means, the core
 * rows a density model keeps, and attaching noise to the nearest segment.
 *
 * @module
 */

import { buildKdTree, knnQuery, queryScratch } from "./_kdtree.ts";
import { permutation, rng } from "../math/mod.ts";

/**
 * Renumbers segments by decreasing size, ties broken by the lowest first row, so segment 0 is
 * the largest; noise (-1) stays -1. Returns the new labels and old → new ids.
 *
 * @example
 * ```ts
 * import { renumberBySize } from "./_model.ts";
 * const { labels } = renumberBySize(new Int32Array([2, 2, -1, 0, 1, 1, 0]));
 * if (labels.join() !== "0,0,-1,1,2,2,1") throw new Error();
 * ```
 */
export function renumberBySize(labels: Int32Array): { labels: Int32Array; map: Int32Array } {
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const size = new Float64Array(k), first = new Float64Array(k).fill(Infinity);
  labels.forEach((l, i) => {
    if (l < 0) return;
    size[l]++;
    if (i < first[l]) first[l] = i;
  });
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) =>
    size[b] - size[a] || first[a] - first[b]
  );
  const map = new Int32Array(k);
  order.forEach((old, next) => map[old] = next);
  return { labels: labels.map((l) => (l < 0 ? -1 : map[l])), map };
}

/** Rows of a flat matrix as nested arrays (for JSON). */
export function toRows(data: Float64Array, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, i * d + d)));
}

/** Nested rows as one flat row-major array. */
export function flatten(rows: number[][], d: number): Float64Array {
  const out = new Float64Array(rows.length * d);
  rows.forEach((r, i) => out.set(r, i * d));
  return out;
}

/** Mean of each segment's rows (labels ≥ 0). */
export function segmentMeans(
  data: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  k: number,
): number[][] {
  const sums = new Float64Array(k * d), size = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l < 0) continue;
    size[l]++;
    for (let j = 0; j < d; j++) sums[l * d + j] += data[i * d + j];
  }
  for (let l = 0; l < k; l++) for (let j = 0; j < d; j++) sums[l * d + j] /= size[l] || 1;
  return toRows(sums, k, d);
}

/**
 * Core rows the DBSCAN model keeps: all of them when there are at most `cap`, else a seeded
 * sample of `cap` plus the first core row of any segment the sample missed.
 */
export function keptCores(
  core: Uint8Array,
  labels: Int32Array,
  cap: number,
  seed: number,
): { rows: number[]; capped: boolean } {
  const all: number[] = [];
  core.forEach((c, i) => c && all.push(i));
  if (all.length <= cap) return { rows: all, capped: false };
  const pick = permutation(all.length, rng(seed)).subarray(0, cap);
  const kept = new Set(Array.from(pick, (p) => all[p]));
  const covered = new Set([...kept].map((i) => labels[i]));
  for (const i of all) {
    if (!covered.has(labels[i])) {
      kept.add(i);
      covered.add(labels[i]);
    }
  }
  return { rows: [...kept].sort((a, b) => a - b), capped: true };
}

/**
 * The labelling with every noise row given the segment of its nearest core row (ties: the
 * lower tree position); rows already in a segment keep it. All noise stays noise when there is
 * no core row.
 */
export function attachNoise(
  data: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  core: Uint8Array,
): Int32Array {
  const out = labels.slice();
  const cores: number[] = [];
  core.forEach((c, i) => c && cores.push(i));
  if (cores.length === 0) return out;
  const pts = new Float64Array(cores.length * d);
  cores.forEach((i, t) => pts.set(data.subarray(i * d, i * d + d), t * d));
  const tree = buildKdTree(pts, cores.length, d);
  const s = queryScratch(tree, 1);
  for (let i = 0; i < n; i++) {
    if (labels[i] >= 0) continue;
    knnQuery(tree, data, i * d, 1, s);
    out[i] = labels[cores[tree.index[s.out[0]]]];
  }
  return out;
}
