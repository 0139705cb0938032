/**
 * K-Means on a flat row-major Float64Array: greedy k-means++ seeding and Lloyd iterations with
 * Hamerly's bounds, which skip most point–centre distances once the centres settle.
 *
 * @module
 */

import { type Rng, rng } from "./_random.ts";
import { nearestTwo, padRows, sqDist, sqDist4 } from "./_kmeans_kernel.ts";

export { sqDist };

/** Settings of one K-Means fit (validated by the caller). */
export interface KMeansParams {
  k: number;
  nInit: number;
  maxIter: number;
  /** Relative tolerance: the fit stops when the summed squared centre shift is ≤ tol × mean variance. */
  tol: number;
  seed: number;
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
 * with probability ∝ D², the one that lowers the potential most. A candidate y cannot move point
 * x when d(y, c(x)) ≥ 2·D(x) (triangle inequality), which skips most distances on clustered data
 * without changing the result. Fills `centers`, `nearest` and `closest` (squared distances).
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
  const trials = 2 + Math.floor(Math.log(k));
  const first = r.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    const v = sqDist(data, i * d, centers, 0, d);
    closest[i] = v;
    nearest[i] = 0;
    pot += v;
  }
  const tp = Math.ceil(trials / 4) * 4;
  const cum = new Float64Array(n);
  const cand = new Float64Array(tp * n);
  const cc = new Float64Array(tp * k);
  const ys = new Float64Array(tp * d);
  const pots = new Float64Array(tp);
  const q = new Float64Array(4);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    for (let t = 0; t < tp; t++) {
      // Padding slots repeat the last real candidate; their potentials are never chosen.
      if (t < trials) {
        const id = Math.min(searchLeft(cum, r.next() * pot), n - 1);
        ys.set(data.subarray(id * d, id * d + d), t * d);
      } else ys.copyWithin(t * d, (trials - 1) * d, trials * d);
      for (let j = 0; j < c; j++) cc[t * k + j] = sqDist(ys, t * d, centers, j * d, d);
    }
    // Four candidates are compared with a point in one sweep (the point stays in registers).
    for (let g = 0; g < tp; g += 4) {
      const k0 = g * k, k1 = k0 + k, k2 = k1 + k, k3 = k2 + k;
      const o0 = g * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
      for (let i = 0; i < n; i++) {
        const ci = closest[i], a = nearest[i], reach = 4 * ci;
        let v0 = ci, v1 = ci, v2 = ci, v3 = ci;
        if (reach > cc[k0 + a] || reach > cc[k1 + a] || reach > cc[k2 + a] || reach > cc[k3 + a]) {
          sqDist4(data, i * d, ys, g * d, d, q);
          if (q[0] < ci) v0 = q[0];
          if (q[1] < ci) v1 = q[1];
          if (q[2] < ci) v2 = q[2];
          if (q[3] < ci) v3 = q[3];
        }
        cand[o0 + i] = v0;
        cand[o1 + i] = v1;
        cand[o2 + i] = v2;
        cand[o3 + i] = v3;
        p0 += v0;
        p1 += v1;
        p2 += v2;
        p3 += v3;
      }
      pots[g] = p0;
      pots[g + 1] = p1;
      pots[g + 2] = p2;
      pots[g + 3] = p3;
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    const off = best * n;
    centers.set(ys.subarray(best * d, best * d + d), c * d);
    for (let i = 0; i < n; i++) {
      const v = cand[off + i];
      if (v < closest[i]) {
        closest[i] = v;
        nearest[i] = c;
      }
    }
    pot = pots[best];
  }
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

/** Scratch arrays of one Hamerly run, allocated once per fit and reused by every restart. */
interface Work {
  upper: Float64Array;
  lower: Float64Array;
  closest: Float64Array;
  sums: Float64Array;
  counts: Float64Array;
  shift: Float64Array;
  half: Float64Array;
}

/**
 * Lloyd's algorithm with Hamerly's bounds: per point an upper bound on the distance to its centre
 * and a lower bound on the distance to any other; a point whose upper bound is below both the
 * lower bound and half the gap to the nearest other centre cannot change cluster, so it is
 * skipped. Same stopping rules as scikit-learn: labels unchanged, or summed squared centre shift
 * ≤ tolAbs, or maxIter; then a last assignment so labels match the final centres.
 */
function hamerly(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  labels: Int32Array,
  w: Work,
  maxIter: number,
  tolAbs: number,
): { iterations: number; converged: boolean } {
  const { upper, lower, sums, shift, half } = w;
  let iter = 1;
  let changed = n;
  let converged = false;
  for (;;) {
    updateCenters(data, n, d, k, centers, labels, w);
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
    centers.set(sums.subarray(0, k * d));
    padRows(centers, k, d, centers);
    if (iter > 1 && changed === 0) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += shift[a];
      lower[i] -= a === maxJ ? secondP : maxP;
    }
    halfGaps(centers, k, d, half);
    if (shiftTot <= tolAbs || iter >= maxIter) {
      converged = shiftTot <= tolAbs;
      assign(data, n, d, k, centers, labels, upper, lower, half);
      break;
    }
    changed = assign(data, n, d, k, centers, labels, upper, lower, half);
    iter++;
  }
  return { iterations: iter, converged };
}

/** One bounded assignment pass; returns how many labels changed. */
function assign(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  half: Float64Array,
): number {
  const q = new Float64Array(4), two = new Float64Array(2);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    const l = lower[i], h = half[a];
    const m = l > h ? l : h;
    if (upper[i] <= m) continue;
    const o = i * d;
    const u = Math.sqrt(sqDist(data, o, centers, a * d, d));
    upper[i] = u;
    if (u <= m) continue;
    const best = nearestTwo(data, o, centers, k, d, q, two);
    if (best !== a) {
      labels[i] = best;
      changed++;
    }
    upper[i] = Math.sqrt(two[0]);
    lower[i] = Math.sqrt(two[1]);
  }
  return changed;
}

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
  if (k === 1) half[0] = Infinity;
}

/**
 * Means of the current clusters into `w.sums`. An empty cluster is moved onto the point farthest
 * from its own centre (taken from a cluster with at least two points), as scikit-learn does.
 */
function updateCenters(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  labels: Int32Array,
  w: Work,
): void {
  const { sums, counts } = w;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const a = labels[i], o = i * d, c = a * d;
    counts[a]++;
    for (let j = 0; j < d; j++) sums[c + j] += data[o + j];
  }
  let empty = 0;
  for (let j = 0; j < k; j++) if (counts[j] === 0) empty++;
  if (empty > 0) relocateEmpty(data, n, d, k, centers, labels, w);
  for (let j = 0; j < k; j++) {
    const c = counts[j];
    if (c === 0) {
      // No point could be moved here (all rows identical): the centre stays where it was.
      sums.set(centers.subarray(j * d, j * d + d), j * d);
      continue;
    }
    for (let t = 0; t < d; t++) sums[j * d + t] /= c;
  }
}

function relocateEmpty(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  centers: Float64Array,
  labels: Int32Array,
  w: Work,
): void {
  const { sums, counts, closest } = w;
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

/** Exact inertia of a labelling: Σ ‖x − c(x)‖². */
export function inertiaOf(
  data: Float64Array,
  n: number,
  d: number,
  centers: Float64Array,
  labels: Int32Array,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += sqDist(data, i * d, centers, labels[i] * d, d);
  return s;
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

/**
 * K-Means: `nInit` seeded k-means++ starts, each refined by bounded Lloyd iterations; keeps the
 * run with the lowest inertia (the first one on ties). Restarts draw from one seeded stream, so
 * the same seed gives the same result bit for bit.
 */
export function kmeans(data: Float64Array, n: number, d: number, p: KMeansParams): KMeansRun {
  const { k } = p;
  const r = rng(p.seed);
  const tolAbs = meanVariance(data, n, d) * p.tol;
  const w: Work = {
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    closest: new Float64Array(n),
    sums: new Float64Array(k * d),
    counts: new Float64Array(k),
    shift: new Float64Array(k),
    half: new Float64Array(k),
  };
  let best: KMeansRun | null = null;
  const labels = new Int32Array(n);
  for (let run = 0; run < p.nInit; run++) {
    // Centres are kept padded to a multiple of four rows for the distance kernel.
    const centers = new Float64Array(Math.ceil(k / 4) * 4 * d);
    kmeansPlusPlus(data, n, d, k, r, centers, labels, w.closest);
    padRows(centers, k, d, centers);
    for (let i = 0; i < n; i++) w.upper[i] = Math.sqrt(w.closest[i]);
    w.lower.fill(0);
    const { iterations, converged } = hamerly(data, n, d, k, centers, labels, w, p.maxIter, tolAbs);
    const inertia = inertiaOf(data, n, d, centers, labels);
    if (best === null || inertia < best.inertia) {
      best = {
        centers: centers.slice(0, k * d),
        labels: labels.slice(),
        inertia,
        iterations,
        converged,
      };
    }
  }
  return best!;
}
