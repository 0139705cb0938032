/**
 * DBSCAN with scikit-learn's semantics over a k-d tree, and an eps suggestion from the knee of
 * the k-distance curve.
 *
 * @module
 */

import { buildKdTree, knnQuery, queryScratch, radiusQuery } from "./_kdtree.ts";
import { permutation, rng } from "../math/mod.ts";

/** What DBSCAN found, in the original row order. */
export interface DbscanRun {
  /** Cluster per row in order of discovery (0, 1, …); -1 is noise. */
  labels: Int32Array;
  /** 1 for core rows. */
  core: Uint8Array;
  clusters: number;
}

/** Neighbour lists of core rows are kept up to this many entries, then recomputed on demand. */
const STORE_LIMIT = 1 << 26;

/**
 * DBSCAN as scikit-learn defines it: a row is core when at least `minSamples` rows (itself
 * included) lie at distance ≤ eps (the boundary is inclusive); clusters grow from core rows
 * taken in row order, so a border row reachable from two clusters joins the one whose first core
 * row comes first; rows reached by no cluster are noise (-1).
 */
export function dbscan(
  data: Float64Array,
  n: number,
  d: number,
  eps: number,
  minSamples: number,
): DbscanRun {
  const tree = buildKdTree(data, n, d);
  const s = queryScratch(tree);
  const r2 = eps * eps;
  const core = new Uint8Array(n); // by tree position
  const offsets = new Int32Array(n).fill(-1), lengths = new Int32Array(n);
  let store = new Int32Array(Math.min(STORE_LIMIT, Math.max(1024, n * 16)));
  let used = 0;
  // Queries run in tree order: consecutive queries touch the same nodes, which stay in cache.
  for (let p = 0; p < n; p++) {
    const c = radiusQuery(tree, tree.points, p * d, r2, s);
    if (c < minSamples) continue;
    core[p] = 1;
    if (used + c > store.length && store.length < STORE_LIMIT) {
      const grown = new Int32Array(Math.min(STORE_LIMIT, Math.max(store.length * 2, used + c)));
      grown.set(store.subarray(0, used));
      store = grown;
    }
    if (used + c <= store.length) {
      offsets[p] = used;
      lengths[p] = c;
      store.set(s.out.subarray(0, c), used);
      used += c;
    }
  }
  const lab = new Int32Array(n).fill(-1); // by tree position
  const stack = new Int32Array(n);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    const seed = tree.position[i];
    if (lab[seed] !== -1 || !core[seed]) continue;
    let top = 0;
    stack[top++] = seed;
    lab[seed] = clusters;
    while (top > 0) {
      const v = stack[--top];
      if (!core[v]) continue;
      let list: Int32Array, count: number;
      if (offsets[v] >= 0) {
        count = lengths[v];
        list = store.subarray(offsets[v], offsets[v] + count);
      } else {
        count = radiusQuery(tree, tree.points, v * d, r2, s);
        list = s.out;
      }
      for (let t = 0; t < count; t++) {
        const u = list[t];
        if (lab[u] === -1) {
          lab[u] = clusters;
          stack[top++] = u;
        }
      }
    }
    clusters++;
  }
  const labels = new Int32Array(n), coreRows = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    labels[tree.index[p]] = lab[p];
    coreRows[tree.index[p]] = core[p];
  }
  return { labels, core: coreRows, clusters };
}

/** A point of the k-distance curve, for plots. */
export interface KDistancePoint {
  /** Rank in ascending order, 0-based, over the rows measured. */
  rank: number;
  distance: number;
}

/** The eps suggestion and the curve it came from. */
export interface EpsSuggestion {
  eps: number;
  /** Rows whose k-distance was measured (a seeded sample when the data are larger). */
  rows: number;
  kneeRank: number;
  /** The sorted curve, thinned to at most 200 points for plotting. */
  curve: KDistancePoint[];
}

/**
 * Suggests eps from the k-distance curve with k = minSamples (the distance from a row to its
 * minSamples-th nearest row, itself counted first, so a row is core exactly when that distance
 * is ≤ eps). The distances are sorted ascending and both axes scaled to [0, 1]; the knee is the
 * point farthest below the chord joining the first and last points (first one on ties), where
 * the slow rise of in-cluster rows turns into the steep rise of outliers.
 */
export function suggestEps(
  data: Float64Array,
  n: number,
  d: number,
  minSamples: number,
  seed: number,
  maxRows: number,
): EpsSuggestion {
  const tree = buildKdTree(data, n, d);
  const k = Math.min(minSamples, n);
  const s = queryScratch(tree, k);
  const m = Math.min(n, maxRows);
  const rows = m < n ? permutation(n, rng(seed)).subarray(0, m) : null;
  const dist = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const i = rows ? rows[t] : t;
    knnQuery(tree, data, i * d, k, s);
    dist[t] = Math.sqrt(s.dist[k - 1]);
  }
  dist.sort();
  const y0 = dist[0], y1 = dist[m - 1];
  let knee = m - 1, gap = -Infinity;
  if (y1 > y0 && m > 2) {
    for (let t = 0; t < m; t++) {
      const g = t / (m - 1) - (dist[t] - y0) / (y1 - y0);
      if (g > gap) {
        gap = g;
        knee = t;
      }
    }
  }
  const step = Math.max(1, Math.ceil(m / 200));
  const curve: KDistancePoint[] = [];
  for (let t = 0; t < m; t += step) curve.push({ rank: t, distance: dist[t] });
  if ((m - 1) % step !== 0) curve.push({ rank: m - 1, distance: dist[m - 1] });
  return { eps: dist[knee], rows: m, kneeRank: knee, curve };
}
