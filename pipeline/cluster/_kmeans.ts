/**
 * K-Means on a flat row-major Float64Array: greedy k-means++ seeding and Lloyd iterations with
 * Hamerly's bounds, which skip most point–centre distances once the centres settle.
 *
 * @module
 */

import { createPool, type Pool, spareThreads, WORKER_URL } from "./_pool.ts";
import {
  allocState,
  type KState,
  layout,
  OP_ASSIGN,
  OP_FIRST,
  OP_INERTIA,
  OP_SUMS,
  OP_SWEEP,
  OP_TAKE,
  P_BEST,
  P_CENTER,
  P_DIRECT,
  P_MAXJ,
  runChunk,
  slots,
} from "./_kmeans_chunks.ts";
import { nearestTwo, padRows, rowNorms, sqDist } from "./_kmeans_kernel.ts";
import { type Rng, rng } from "../math/mod.ts";

export { sqDist };

/** Settings of one K-Means fit (validated by the caller). */
export interface KMeansParams {
  k: number;
  nInit: number;
  maxIter: number;
  /** Relative tolerance: the fit stops when the summed squared centre shift is ≤ tol × mean variance. */
  tol: number;
  seed: number;
  /** Worker threads to share the work with; by default the spare cores for large fits. */
  threads?: number;
}

/** The best of `nInit` runs. */
export interface KMeansRun {
  /** k × d centres, row-major. */
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  /** Lloyd iterations of the kept run. */
  iterations: number;
  /** False when the kept run stopped at maxIter. */
  converged: boolean;
}

/** Mean of the per-column variances (population), the scale sklearn's relative tol refers to. */
export function meanVariance(data: Float64Array, n: number, d: number): number {
  const mean = new Float64Array(d), m2 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j] += data[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const x = data[o + j] - mean[j];
      m2[j] += x * x;
    }
  }
  let s = 0;
  for (let j = 0; j < d; j++) s += m2[j] / n;
  return s / d;
}

/**
 * Greedy k-means++ (as scikit-learn): each new centre is the best of 2 + ⌊ln k⌋ candidates drawn
 * with probability ∝ D², the one that lowers the potential most. A candidate y cannot move row
 * x when d(y, c(x)) ≥ 2·D(x) (triangle inequality), which skips most distances on clustered data
 * without changing the result. Leaves the centres in `s.centers`, each row's nearest centre in
 * `s.labels` and its squared distance in `s.closest`.
 */
function seed(s: KState, pool: Pool, n: number, d: number, k: number, r: Rng): void {
  const { trials, tp, chunks, stride } = layout(n, d, k);
  const at = slots(k, d, tp);
  const { data, closest, centers, ys, ynorm, cc, part } = s;
  const first = r.int(n);
  ys.set(data.subarray(first * d, first * d + d));
  ynorm[0] = s.norms[first];
  centers.set(ys.subarray(0, d));
  pool.run(OP_FIRST, chunks);
  let pot = 0;
  for (let c = 0; c < chunks; c++) pot += part[c * stride + at.pot];
  const cum = new Float64Array(n);
  const pots = new Float64Array(tp);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    for (let t = 0; t < tp; t++) {
      // Padding slots repeat the last real candidate; their potentials are never chosen.
      if (t < trials) {
        const id = Math.min(searchLeft(cum, r.next() * pot), n - 1);
        ys.set(data.subarray(id * d, id * d + d), t * d);
        ynorm[t] = s.norms[id];
      } else {
        ys.copyWithin(t * d, (trials - 1) * d, trials * d);
        ynorm[t] = ynorm[trials - 1];
      }
      for (let j = 0; j < c; j++) cc[t * k + j] = sqDist(ys, t * d, centers, j * d, d);
    }
    pool.run(OP_SWEEP, chunks);
    pots.fill(0);
    for (let ch = 0; ch < chunks; ch++) {
      for (let t = 0; t < tp; t++) pots[t] += part[ch * stride + at.pots + t];
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    centers.set(ys.subarray(best * d, best * d + d), c * d);
    s.P[P_BEST] = best;
    s.P[P_CENTER] = c;
    pool.run(OP_TAKE, chunks);
    pot = pots[best];
  }
}

/**
 * k-means++ seeding on the calling thread, for callers outside a fit (mini-batch starts, tests):
 * fills `centers` (k rows), `nearest` and `closest` (squared distances).
 */
export function kmeansPlusPlus(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  r: Rng,
  centers: Float64Array,
  nearest: Int32Array,
  closest: Float64Array,
): void {
  const { state: s, dp } = allocState(data, n, d, k, false);
  rowNorms(s.data, n, dp, s.norms);
  const pool = createPool(WORKER_URL, {}, 0, (op, c) => runChunk(s, op, c));
  seed(s, pool, n, dp, k, r);
  centers.set(trim(s.centers, k, dp, d));
  nearest.set(s.labels);
  closest.set(s.closest);
}

/** First index whose value is ≥ x (numpy's searchsorted, side "left"). */
function searchLeft(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lloyd's algorithm with Hamerly's bounds: per row an upper bound on the distance to its centre
 * and a lower bound on the distance to any other; a row whose upper bound is below both the
 * lower bound and half the gap to the nearest other centre cannot change cluster, so it is
 * skipped. Same stopping rules as scikit-learn: labels unchanged, or summed squared centre shift
 * ≤ tolAbs, or maxIter; then a last assignment so labels match the final centres.
 */
function lloyd(
  s: KState,
  pool: Pool,
  n: number,
  d: number,
  k: number,
  maxIter: number,
  tolAbs: number,
): { iterations: number; converged: boolean } {
  const { tp, chunks, stride } = layout(n, d, k);
  const at = slots(k, d, tp);
  const { centers, shift, part } = s;
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  // Running cluster sums: recomputed in full now and then, updated by the moves in between.
  const total = new Float64Array(k * d), size = new Float64Array(k);
  let iter = 1, changed = n, converged = false, full = true;
  s.P[P_DIRECT] = 0;
  for (;;) {
    if (full || iter % FULL_SUMS_EVERY === 0) {
      pool.run(OP_SUMS, chunks);
      total.fill(0);
      size.fill(0);
    }
    for (let c = 0; c < chunks; c++) {
      const b = c * stride;
      for (let t = 0; t < k * d; t++) total[t] += part[b + t];
      for (let j = 0; j < k; j++) size[j] += part[b + at.counts + j];
    }
    full = false;
    sums.set(total);
    counts.set(size);
    if (counts.includes(0)) {
      relocateEmpty(s, n, d, k, sums, counts);
      // The moved rows keep their labels until the next pass: start the sums afresh then.
      full = true;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        // No row could be moved here (all rows identical): the centre stays where it was.
        sums.set(centers.subarray(j * d, j * d + d), j * d);
      } else for (let t = 0; t < d; t++) sums[j * d + t] /= counts[j];
    }
    let shiftTot = 0, maxP = 0, secondP = 0, maxJ = -1;
    for (let j = 0; j < k; j++) {
      const p = Math.sqrt(sqDist(centers, j * d, sums, j * d, d));
      shift[j] = p;
      shiftTot += p * p;
      if (p > maxP) {
        secondP = maxP;
        maxP = p;
        maxJ = j;
      } else if (p > secondP) secondP = p;
    }
    centers.set(sums);
    padRows(centers, k, d, centers);
    if (iter > 1 && changed === 0) {
      converged = true;
      break;
    }
    rowNorms(centers, centers.length / d, d, s.cnorm);
    halfGaps(centers, k, d, s.half);
    s.P.set([maxJ, maxP, secondP], P_MAXJ);
    const last = shiftTot <= tolAbs || iter >= maxIter;
    pool.run(OP_ASSIGN, chunks);
    changed = 0;
    let tightened = 0, scanned = 0;
    for (let c = 0; c < chunks; c++) {
      changed += part[c * stride + at.changed];
      tightened += part[c * stride + at.tightened];
      scanned += part[c * stride + at.scanned];
    }
    // Skip tightening next pass when it rarely spared a scan: a scan costs about k/4 kernel
    // calls, a tightening one distance. Decided from counts only, so it is deterministic.
    if (tightened > 0) s.P[P_DIRECT] = scanned > tightened * 0.6 ? 1 : 0;
    else if (scanned < n * 0.05) s.P[P_DIRECT] = 0;
    if (last) {
      converged = shiftTot <= tolAbs;
      break;
    }
    iter++;
  }
  return { iterations: iter, converged };
}

/** Iterations between full recomputations of the cluster sums (bounds rounding drift). */
const FULL_SUMS_EVERY = 16;

/** half[j] = half the distance from centre j to its nearest other centre. */
function halfGaps(centers: Float64Array, k: number, d: number, half: Float64Array): void {
  half.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const v = 0.5 * Math.sqrt(sqDist(centers, a * d, centers, b * d, d));
      if (v < half[a]) half[a] = v;
      if (v < half[b]) half[b] = v;
    }
  }
}

/**
 * An empty cluster is moved onto the row farthest from its own centre (taken from a cluster
 * with at least two rows), as scikit-learn does; `sums` and `counts` are adjusted to match.
 */
function relocateEmpty(
  s: KState,
  n: number,
  d: number,
  k: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const { data, centers, labels, closest } = s;
  for (let i = 0; i < n; i++) closest[i] = sqDist(data, i * d, centers, labels[i] * d, d);
  const taken = new Uint8Array(n);
  for (let j = 0; j < k; j++) {
    if (counts[j] !== 0) continue;
    let far = -1, farD = -1;
    for (let i = 0; i < n; i++) {
      if (!taken[i] && counts[labels[i]] > 1 && closest[i] > farD) {
        farD = closest[i];
        far = i;
      }
    }
    if (far < 0) continue;
    taken[far] = 1;
    const a = labels[far], o = far * d;
    counts[a]--;
    counts[j] = 1;
    for (let t = 0; t < d; t++) {
      sums[a * d + t] -= data[o + t];
      sums[j * d + t] = data[o + t];
    }
  }
}

/** Nearest centre of every row (lowest index on ties); returns the inertia. */
export function assignNearest(
  data: Float64Array,
  n: number,
  d: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
): number {
  const c = padRows(centers, k, d);
  const q = new Float64Array(4), two = new Float64Array(2);
  let total = 0;
  for (let i = 0; i < n; i++) {
    labels[i] = nearestTwo(data, i * d, c, k, d, q, two);
    total += two[0];
  }
  return total;
}

/** The first k rows of `src` (row length `dp`) cut to `d` columns. */
function trim(src: Float64Array, k: number, dp: number, d: number): Float64Array {
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) out.set(src.subarray(j * dp, j * dp + d), j * d);
  return out;
}

/** Work (rows × columns × k) above which a fit is shared with worker threads. */
const PARALLEL_WORK = 2 ** 23;

/**
 * K-Means: `nInit` seeded k-means++ starts, each refined by bounded Lloyd iterations; keeps the
 * run with the lowest inertia (the first one on ties). Restarts draw from one seeded stream, and
 * large fits share chunks of rows with worker threads in a way that does not change a single
 * bit, so the same seed gives the same result on any machine.
 */
export function kmeans(data: Float64Array, n: number, d: number, p: KMeansParams): KMeansRun {
  const { k } = p;
  const r = rng(p.seed);
  const tolAbs = meanVariance(data, n, d) * p.tol;
  const threads = p.threads ?? (n * d * k >= PARALLEL_WORK ? spareThreads() : 0);
  // `dp` is the row length inside the state (even when the WebAssembly kernel is used).
  const { state: s, init, dp } = allocState(data, n, d, k, threads > 0);
  rowNorms(s.data, n, dp, s.norms);
  const { chunks, stride, tp } = layout(n, dp, k);
  const at = slots(k, dp, tp);
  const pool = createPool(
    WORKER_URL,
    { kind: "kmeans", init },
    threads,
    (op, c) => runChunk(s, op, c),
  );
  try {
    let best: KMeansRun | null = null;
    for (let run = 0; run < p.nInit; run++) {
      seed(s, pool, n, dp, k, r);
      padRows(s.centers, k, dp, s.centers);
      for (let i = 0; i < n; i++) s.upper[i] = Math.sqrt(s.closest[i]);
      s.lower.fill(0);
      const { iterations, converged } = lloyd(s, pool, n, dp, k, p.maxIter, tolAbs);
      pool.run(OP_INERTIA, chunks);
      let inertia = 0;
      for (let c = 0; c < chunks; c++) inertia += s.part[c * stride + at.inertia];
      if (best === null || inertia < best.inertia) {
        best = {
          centers: trim(s.centers, k, dp, d),
          labels: s.labels.slice(),
          inertia,
          iterations,
          converged,
        };
      }
    }
    return best!;
  } finally {
    pool.close();
  }
}
