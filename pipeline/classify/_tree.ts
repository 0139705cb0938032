/**
 * Histogram-based classification trees: features are binned once into at most 255 quantile
 * bins, and each node finds its best Gini split by scanning per-bin class counts instead of
 * sorting. Growth is depth-first and deterministic: among equally good splits the first
 * feature (in the order tried) and the lowest bin win.
 *
 * @module
 */

import type { Rng } from "../math/mod.ts";

/** A feature matrix cut into bins: `codes[f * rows + i]` is the bin of row i, feature f. */
export interface Binned {
  rows: number;
  cols: number;
  codes: Uint8Array;
  /** Upper edges per feature: bin b holds values ≤ edges[f][b] (the last bin is open). */
  edges: Float64Array[];
}

/**
 * A fitted tree as flat arrays, one entry per node (plain JSON). A leaf has feature −1; an
 * inner node sends a row left when `x[feature] <= threshold`. `value` holds the weighted class
 * counts of every node, k per node.
 */
export interface TreeNodes {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** How a tree grows. */
export interface GrowOptions {
  /** Deepest level a node may sit at (the root is level 0). */
  maxDepth: number;
  /** Least (weighted) rows on each side of a split. */
  minSamplesLeaf: number;
  /** Features tried per node; fewer than all means a random subset drawn with `rng`. */
  maxFeatures: number;
  rng?: Rng;
}

/**
 * Quantile bin edges of each column (midpoints between neighbouring quantiles; with at most
 * `maxBins` distinct values, midpoints between all of them, so splits are exact) and the codes.
 */
export function binMatrix(data: Float64Array, rows: number, cols: number, maxBins: number): Binned {
  const codes = new Uint8Array(rows * cols);
  const edges: Float64Array[] = [];
  const col = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < rows; i++) col[i] = data[i * cols + f];
    col.sort();
    const distinct: number[] = [];
    for (let i = 0; i < rows; i++) if (i === 0 || col[i] !== col[i - 1]) distinct.push(col[i]);
    const e: number[] = [];
    if (distinct.length <= maxBins) {
      for (let i = 1; i < distinct.length; i++) e.push((distinct[i - 1] + distinct[i]) / 2);
    } else {
      for (let q = 1; q < maxBins; q++) {
        const pos = (q * (rows - 1)) / maxBins;
        const v = (col[Math.floor(pos)] + col[Math.ceil(pos)]) / 2;
        if (e.length === 0 || v > e[e.length - 1]) e.push(v);
      }
    }
    const fe = Float64Array.from(e);
    edges.push(fe);
    const base = f * rows;
    for (let i = 0; i < rows; i++) codes[base + i] = binOf(fe, data[i * cols + f]);
  }
  return { rows, cols, codes, edges };
}

/** Smallest b with x ≤ edges[b], or edges.length (binary search). */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Grows one tree on the rows listed in `rows` (each with weight `weights[row]`, or 1 when
 * `weights` is null) of binned data with class indices `y` in 0..k-1. Returns the nodes and
 * the total weighted Gini decrease credited to each feature.
 */
export function growTree(
  b: Binned,
  y: Int32Array,
  k: number,
  weights: Float64Array | null,
  rows: Uint32Array,
  opts: GrowOptions,
): { nodes: TreeNodes; gain: Float64Array } {
  const { cols: d, rows: n, codes, edges } = b;
  const w = weights ?? new Float64Array(n).fill(1);
  const idx = Uint32Array.from(rows);
  const nodes: TreeNodes = { feature: [], threshold: [], left: [], right: [], value: [] };
  const gain = new Float64Array(d);
  const hist = new Float64Array(256 * k);
  const leftCounts = new Float64Array(k), bestLeft = new Float64Array(k);
  const order = Int32Array.from({ length: d }, (_, f) => f);
  const tryAll = opts.maxFeatures >= d || !opts.rng;

  const addNode = (counts: Float64Array): number => {
    const id = nodes.feature.length;
    nodes.feature.push(-1);
    nodes.threshold.push(0);
    nodes.left.push(-1);
    nodes.right.push(-1);
    for (let c = 0; c < k; c++) nodes.value.push(counts[c]);
    return id;
  };
  const rootCounts = new Float64Array(k);
  for (const r of idx) rootCounts[y[r]] += w[r];
  type Task = { id: number; start: number; end: number; depth: number; counts: Float64Array };
  const stack: Task[] = [{
    id: addNode(rootCounts),
    start: 0,
    end: idx.length,
    depth: 0,
    counts: rootCounts,
  }];

  while (stack.length > 0) {
    const { id, start, end, depth, counts } = stack.pop()!;
    let total = 0, sumSq = 0, nonZero = 0;
    for (let c = 0; c < k; c++) {
      total += counts[c];
      sumSq += counts[c] * counts[c];
      if (counts[c] > 0) nonZero++;
    }
    if (depth >= opts.maxDepth || nonZero < 2 || total < 2 * opts.minSamplesLeaf) continue;
    // Maximise ΣL²/W_L + ΣR²/W_R, which is the Gini decrease up to terms fixed by the node.
    const parentProxy = sumSq / total;
    let bestProxy = parentProxy * (1 + 1e-12) + 1e-12, bestFeature = -1, bestBin = -1;
    let tried = 0;
    for (let t = 0; t < d; t++) {
      if (!tryAll) {
        if (tried >= opts.maxFeatures) break;
        const j = t + opts.rng!.int(d - t);
        const tmp = order[t];
        order[t] = order[j];
        order[j] = tmp;
      }
      const f = order[t];
      const nb = edges[f].length + 1;
      if (nb < 2) continue;
      hist.fill(0, 0, nb * k);
      const base = f * n;
      for (let i = start; i < end; i++) {
        const r = idx[i];
        hist[codes[base + r] * k + y[r]] += w[r];
      }
      leftCounts.fill(0);
      let wl = 0, constant = false;
      for (let bin = 0; bin < nb - 1; bin++) {
        let wb = 0;
        for (let c = 0; c < k; c++) wb += hist[bin * k + c];
        if (wb === 0) continue;
        if (wl === 0 && wb === total) {
          constant = true;
          break;
        }
        for (let c = 0; c < k; c++) leftCounts[c] += hist[bin * k + c];
        wl += wb;
        if (wl < opts.minSamplesLeaf) continue;
        const wr = total - wl;
        if (wr < opts.minSamplesLeaf || wr <= 0) break;
        let sl = 0, sr = 0;
        for (let c = 0; c < k; c++) {
          const l = leftCounts[c], rr = counts[c] - l;
          sl += l * l;
          sr += rr * rr;
        }
        const proxy = sl / wl + sr / wr;
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          bestBin = bin;
          bestLeft.set(leftCounts);
        }
      }
      // A feature constant within the node does not count towards maxFeatures (as in CART).
      if (!constant) tried++;
    }
    if (bestFeature < 0) continue;
    // Partition idx[start, end) so rows going left come first.
    const base = bestFeature * n;
    let lo = start, hi = end - 1;
    while (lo <= hi) {
      if (codes[base + idx[lo]] <= bestBin) lo++;
      else {
        const tmp = idx[lo];
        idx[lo] = idx[hi];
        idx[hi--] = tmp;
      }
    }
    const lc = Float64Array.from(bestLeft);
    const rc = new Float64Array(k);
    for (let c = 0; c < k; c++) rc[c] = counts[c] - lc[c];
    // W·gini = W − ΣC²/W, so the weighted Gini decrease of the split is the proxy gain.
    gain[bestFeature] += bestProxy - parentProxy;
    nodes.feature[id] = bestFeature;
    nodes.threshold[id] = edges[bestFeature][bestBin];
    const leftId = addNode(lc), rightId = addNode(rc);
    nodes.left[id] = leftId;
    nodes.right[id] = rightId;
    // Right pushed first so the left subtree is grown first.
    stack.push({ id: rightId, start: lo, end, depth: depth + 1, counts: rc });
    stack.push({ id: leftId, start, end: lo, depth: depth + 1, counts: lc });
  }
  return { nodes, gain };
}

/** A tree's arrays as typed arrays, with leaf class proportions, for fast prediction. */
export interface PackedTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  proba: Float64Array;
}

/** Converts the JSON form into typed arrays with each node's counts turned into proportions. */
export function packTree(t: TreeNodes, k: number): PackedTree {
  const proba = Float64Array.from(t.value);
  for (let node = 0; node < t.feature.length; node++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += proba[node * k + c];
    if (s > 0) { for (let c = 0; c < k; c++) proba[node * k + c] /= s; }
  }
  return {
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    proba,
  };
}

/** Adds `scale` × the leaf proportions of every row into `out` (n × k, row-major). */
export function addTreeProba(
  t: PackedTree,
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  scale: number,
  out: Float64Array,
): void {
  const { feature, threshold, left, right, proba } = t;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let node = 0, f = feature[0];
    while (f >= 0) {
      node = data[off + f] <= threshold[node] ? left[node] : right[node];
      f = feature[node];
    }
    const o = i * k, p = node * k;
    for (let c = 0; c < k; c++) out[o + c] += scale * proba[p + c];
  }
}
