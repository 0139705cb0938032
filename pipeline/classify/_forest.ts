/**
 * Random forest of histogram trees: each tree sees a bootstrap sample (as row weights, so the
 * binned data is shared by all trees) and tries a random subset of features at each node.
 * Tree t draws from its own stream derived from the seed, so a forest of 10 trees is the first
 * 10 trees of a forest of 100 with the same seed.
 *
 * @module
 */

import { rng } from "../math/mod.ts";
import { type Binned, growTree, type TreeNodes } from "./_tree.ts";

/** How the forest grows. */
export interface ForestGrowOptions {
  nTrees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** Features tried per node. */
  maxFeatures: number;
  seed: number;
}

/** The seed of tree `t`'s stream (nearby seeds give unrelated streams through rng()). */
function treeSeed(seed: number, t: number): number {
  return (seed + Math.imul(t + 1, 0x9e3779b9)) >>> 0;
}

/**
 * Grows the forest on binned data with class indices `y` (0..k-1). Returns the trees and the
 * mean over trees of each tree's normalised Gini importance.
 */
export function growForest(
  b: Binned,
  y: Int32Array,
  k: number,
  opts: ForestGrowOptions,
  onTree?: (done: number) => void,
): { trees: TreeNodes[]; importance: number[] } {
  const n = b.rows, d = b.cols;
  const trees: TreeNodes[] = [];
  const importance = new Float64Array(d);
  const weights = new Float64Array(n);
  for (let t = 0; t < opts.nTrees; t++) {
    const r = rng(treeSeed(opts.seed, t));
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[r.int(n)]++;
    let m = 0;
    for (let i = 0; i < n; i++) if (weights[i] > 0) m++;
    const rows = new Uint32Array(m);
    for (let i = 0, j = 0; i < n; i++) if (weights[i] > 0) rows[j++] = i;
    const { nodes, gain } = growTree(b, y, k, weights, rows, {
      maxDepth: opts.maxDepth,
      minSamplesLeaf: opts.minSamplesLeaf,
      maxFeatures: opts.maxFeatures,
      rng: r,
    });
    trees.push(nodes);
    const total = gain.reduce((s, v) => s + v, 0);
    if (total > 0) { for (let f = 0; f < d; f++) importance[f] += gain[f] / total; }
    onTree?.(t + 1);
  }
  return { trees, importance: Array.from(importance, (v) => v / opts.nTrees) };
}
