/**
 * A static k-d tree in flat typed arrays for radius and nearest-neighbour queries in low
 * dimensions. Rows are copied in tree order so a leaf is one contiguous block; every node keeps
 * its bounding box, which both prunes far nodes and accepts whole nodes that lie inside the
 * query ball without a single distance computation.
 *
 * @module
 */

import { sqDist } from "./_kmeans_kernel.ts";

/** A built tree. Node `i` has children `2i+1` and `2i+2` unless it is a leaf. */
export interface KdTree {
  n: number;
  d: number;
  /** Rows in tree order (n × d). */
  points: Float64Array;
  /** Tree position → original row. */
  index: Int32Array;
  /** Original row → tree position. */
  position: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Bounding boxes, nodes × d. */
  lo: Float64Array;
  hi: Float64Array;
  leaf: Uint8Array;
}

/** Builds the tree by median splits on the widest side of each box. */
export function buildKdTree(data: Float64Array, n: number, d: number, leafSize = 24): KdTree {
  let depth = 0;
  while (Math.ceil(n / 2 ** depth) > leafSize) depth++;
  const nodes = 2 ** (depth + 1) - 1;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const start = new Int32Array(nodes), end = new Int32Array(nodes);
  const lo = new Float64Array(nodes * d), hi = new Float64Array(nodes * d);
  const leaf = new Uint8Array(nodes);
  const todo: number[] = [0];
  end[0] = n;
  while (todo.length > 0) {
    const node = todo.pop()!;
    const s = start[node], e = end[node], b = node * d;
    for (let j = 0; j < d; j++) {
      lo[b + j] = Infinity;
      hi[b + j] = -Infinity;
    }
    for (let p = s; p < e; p++) {
      const o = index[p] * d;
      for (let j = 0; j < d; j++) {
        const v = data[o + j];
        if (v < lo[b + j]) lo[b + j] = v;
        if (v > hi[b + j]) hi[b + j] = v;
      }
    }
    if (e - s <= leafSize) {
      leaf[node] = 1;
      continue;
    }
    let dim = 0, wide = -1;
    for (let j = 0; j < d; j++) {
      if (hi[b + j] - lo[b + j] > wide) {
        wide = hi[b + j] - lo[b + j];
        dim = j;
      }
    }
    const mid = (s + e) >>> 1;
    select(index, data, d, dim, s, e - 1, mid);
    start[2 * node + 1] = s;
    end[2 * node + 1] = mid;
    start[2 * node + 2] = mid;
    end[2 * node + 2] = e;
    todo.push(2 * node + 2, 2 * node + 1);
  }
  const points = new Float64Array(n * d);
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    points.set(data.subarray(index[p] * d, index[p] * d + d), p * d);
    position[index[p]] = p;
  }
  return { n, d, points, index, position, start, end, lo, hi, leaf };
}

/** Rearranges idx[l..r] so idx[k] holds the k-th smallest along `dim` (Hoare's select). */
function select(
  idx: Int32Array,
  data: Float64Array,
  d: number,
  dim: number,
  l: number,
  r: number,
  k: number,
): void {
  while (r > l) {
    const m = (l + r) >>> 1;
    const a = data[idx[l] * d + dim], b = data[idx[m] * d + dim], c = data[idx[r] * d + dim];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = l, j = r;
    while (i <= j) {
      while (data[idx[i] * d + dim] < pivot) i++;
      while (data[idx[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

/** Reusable scratch for queries: a node stack and an output buffer of tree positions. */
export interface QueryScratch {
  stack: Int32Array;
  out: Int32Array;
  dist: Float64Array;
}

export function queryScratch(tree: KdTree, k = 1): QueryScratch {
  return { stack: new Int32Array(64 * 2), out: new Int32Array(tree.n), dist: new Float64Array(k) };
}

/**
 * Tree positions of every row within squared distance `r2` (inclusive) of the query row at
 * offset `qo` of `q`, written to `s.out`; returns how many.
 */
export function radiusQuery(
  tree: KdTree,
  q: Float64Array,
  qo: number,
  r2: number,
  s: QueryScratch,
): number {
  const { d, points, start, end, lo, hi, leaf } = tree;
  const stack = s.stack, out = s.out;
  let top = 0, count = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top];
    const b = node * d;
    let near = 0, far = 0;
    for (let j = 0; j < d; j++) {
      const v = q[qo + j], l = lo[b + j], h = hi[b + j];
      const below = l - v, above = v - h;
      if (below > 0) near += below * below;
      else if (above > 0) near += above * above;
      const f = v - l > h - v ? v - l : h - v;
      far += f * f;
    }
    if (near > r2) continue;
    const e = end[node];
    if (far <= r2) {
      for (let p = start[node]; p < e; p++) out[count++] = p;
    } else if (leaf[node]) {
      for (let p = start[node]; p < e; p++) {
        if (sqDist(q, qo, points, p * d, d) <= r2) out[count++] = p;
      }
    } else {
      stack[top++] = 2 * node + 2;
      stack[top++] = 2 * node + 1;
    }
  }
  return count;
}

/**
 * The `k` nearest rows to the query (self included when the query is a row of the tree):
 * ascending squared distances in `s.dist[0..k)`, their tree positions in `s.out[0..k)`.
 * Ties go to the lower tree position.
 */
export function knnQuery(
  tree: KdTree,
  q: Float64Array,
  qo: number,
  k: number,
  s: QueryScratch,
): void {
  const { d, points, start, end, lo, hi, leaf } = tree;
  const stack = s.stack, out = s.out, dist = s.dist;
  for (let t = 0; t < k; t++) {
    dist[t] = Infinity;
    out[t] = -1;
  }
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top];
    if (boxDist(q, qo, lo, hi, node * d, d) > dist[k - 1]) continue;
    if (leaf[node]) {
      for (let p = start[node]; p < end[node]; p++) {
        const v = sqDist(q, qo, points, p * d, d);
        if (v > dist[k - 1] || (v === dist[k - 1] && p > out[k - 1] && out[k - 1] >= 0)) continue;
        let t = k - 1;
        while (t > 0 && (dist[t - 1] > v || (dist[t - 1] === v && out[t - 1] > p))) {
          dist[t] = dist[t - 1];
          out[t] = out[t - 1];
          t--;
        }
        dist[t] = v;
        out[t] = p;
      }
    } else {
      const a = 2 * node + 1, b = a + 1;
      // Visit the nearer child first so the k-th distance shrinks early.
      if (boxDist(q, qo, lo, hi, a * d, d) <= boxDist(q, qo, lo, hi, b * d, d)) {
        stack[top++] = b;
        stack[top++] = a;
      } else {
        stack[top++] = a;
        stack[top++] = b;
      }
    }
  }
}

function boxDist(
  q: Float64Array,
  qo: number,
  lo: Float64Array,
  hi: Float64Array,
  b: number,
  d: number,
): number {
  let near = 0;
  for (let j = 0; j < d; j++) {
    const v = q[qo + j];
    const below = lo[b + j] - v, above = v - hi[b + j];
    if (below > 0) near += below * below;
    else if (above > 0) near += above * above;
  }
  return near;
}
