/**
 * The K-Means hot loops as chunk jobs over one state of typed arrays, so the same code runs on
 * the calling thread and in workers (see _cluster_pool.ts). A chunk covers CHUNK rows and writes
 * its partial sums to its own slot of `part`; the caller adds the slots in chunk order.
 *
 * @module
 */

import { dot4, sqDist } from "./_kmeans_kernel.ts";
import {
  type Arena,
  arena,
  copyRows,
  type Dot4,
  kernelOn,
  MAX_WASM_BYTES,
  type Near2,
  near2On,
  paddedLength,
  specsOf,
  viewsFrom,
  type ViewSpec,
} from "./_wasm_kernel.ts";

/** Rows per chunk. Fixed, so partial sums (and results) never depend on the thread count. */
export const CHUNK = 4096;

export const OP_FIRST = 1, OP_SWEEP = 2, OP_TAKE = 3, OP_ASSIGN = 4, OP_SUMS = 5, OP_INERTIA = 6;

/** Slots of the parameter array P. */
export const P_N = 0,
  P_D = 1,
  P_K = 2,
  P_TP = 3,
  P_MAXJ = 4,
  P_MAXP = 5,
  P_SECONDP = 6,
  P_BEST = 7,
  P_CENTER = 8,
  P_DIRECT = 9;

/** Every array of a fit. `labels` doubles as the nearest centre during seeding. */
export interface KState {
  P: Float64Array;
  data: Float64Array;
  norms: Float64Array;
  labels: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
  closest: Float64Array;
  centers: Float64Array;
  cnorm: Float64Array;
  half: Float64Array;
  shift: Float64Array;
  /** Candidate rows of a seeding step (tp × d), their norms and squared distances to centres. */
  ys: Float64Array;
  ynorm: Float64Array;
  cc: Float64Array;
  /** Candidate-wise new closest distances (tp × n). */
  cand: Float64Array;
  part: Float64Array;
  /** Four doubles per chunk where the kernel writes its dot products. */
  scratch: Float64Array;
  /** The WebAssembly kernel over the memory holding data, centers, ys and scratch (or null). */
  dot4: Dot4 | null;
  /** Nearest two of the centres in one call, on the same memory (or null). */
  near2: Near2 | null;
}

/** Sizes that follow from n, d, k. */
export function layout(n: number, d: number, k: number) {
  const trials = 2 + Math.floor(Math.log(k));
  const kp = Math.ceil(k / 4) * 4, tp = Math.ceil(trials / 4) * 4;
  const chunks = Math.ceil(n / CHUNK);
  // Per chunk: sums (k·d), counts (k), candidate potentials (tp), changed, inertia, potential,
  // rows whose bound was tightened and rows that scanned every centre.
  const stride = k * d + k + tp + 5;
  return { trials, kp, tp, chunks, stride };
}

/** Offsets inside one chunk's slot of `part`. */
export function slots(k: number, d: number, tp: number) {
  const counts = k * d, pots = counts + k, changed = pots + tp;
  return {
    sums: 0,
    counts,
    pots,
    changed,
    inertia: changed + 1,
    pot: changed + 2,
    tightened: changed + 3,
    scanned: changed + 4,
  };
}

/** What a worker needs to rebuild a state: the views and, with the kernel, its memory. */
export interface StateInit {
  specs: Record<string, ViewSpec>;
  memory: WebAssembly.Memory | null;
}

/**
 * Allocates the arrays of a fit, shared when workers will use them. The rows, centres and
 * candidates live in WebAssembly memory (rows padded to a multiple of four, see _wasm_kernel.ts)
 * unless the data are too big for it; then the JavaScript kernel runs on the caller's array.
 * Returns the state, what workers need, and the row length `dp` every loop must use.
 */
export function allocState(data: Float64Array, n: number, d: number, k: number, shared: boolean) {
  const dp = paddedLength(d);
  const { kp, tp, chunks } = layout(n, dp, k);
  const wasm = (n * dp + (kp + tp) * dp + chunks * 4) * 8 + 65536 <= MAX_WASM_BYTES;
  const rowLen = wasm ? dp : d;
  const f64 = (len: number) =>
    new Float64Array(shared ? new SharedArrayBuffer(len * 8) : new ArrayBuffer(len * 8));
  const mem = wasm ? kernelMemory(data, [n * dp, kp * dp, kp, tp * dp, chunks * 4], shared) : null;
  const big = (len: number) => mem ? mem.alloc(len) : f64(len);
  const rows = mem ? mem.alloc(n * dp) : shared ? f64(n * d) : data;
  if (mem || shared) copyRows(data, n, d, rows, rowLen);
  const state: KState = {
    P: f64(16),
    data: rows,
    norms: f64(n),
    labels: new Int32Array(shared ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4)),
    upper: f64(n),
    lower: f64(n),
    closest: f64(n),
    centers: big(kp * rowLen),
    cnorm: big(kp),
    half: f64(k),
    shift: f64(k),
    ys: big(tp * rowLen),
    ynorm: f64(tp),
    cc: f64(tp * k),
    cand: f64(tp * n),
    part: f64(chunks * layout(n, rowLen, k).stride),
    scratch: big(chunks * 4),
    dot4: mem ? kernelOn(mem.memory, shared) : null,
    near2: mem ? near2On(mem.memory, shared) : null,
  };
  state.P.set([n, rowLen, k, tp]);
  const init: StateInit = { specs: specsOf(state), memory: mem ? mem.memory : null };
  return { state, init, dp: rowLen };
}

/**
 * The kernel memory for fits on `data`, reused from the last fit on the same array when it is
 * big enough. Choosing k fits k = 2…10 on the same rows; a new memory per fit meant a new copy
 * of every row, and V8 frees a WebAssembly memory only when it gets round to collecting it:
 * on a million customers the cluster stage peaked at 7.3 GB. The rows are copied in afresh
 * for every fit all the same (the caller may have changed them), and the memory goes when the
 * data goes. Room is made for up to 32 centres so that k = 2…10 share one memory.
 */
const memories = new WeakMap<Float64Array, Arena>();

function kernelMemory(data: Float64Array, blocks: number[], shared: boolean): Arena {
  const known = memories.get(data);
  if (known && known.shared === shared && known.reuse(blocks)) return known;
  const [rows, centres, kp, trials, scratch] = blocks;
  const dp = centres / kp, room = Math.max(kp, 32);
  const mem = arena([rows, room * dp, room, Math.max(trials, 8 * dp), scratch], shared);
  memories.set(data, mem);
  return mem;
}

/** Rebuilds the state's views (and kernel) in a worker. */
export function stateFrom(init: StateInit): KState {
  const v = viewsFrom(init.specs);
  return {
    P: v.P,
    data: v.data,
    norms: v.norms,
    labels: v.labels,
    upper: v.upper,
    lower: v.lower,
    closest: v.closest,
    centers: v.centers,
    cnorm: v.cnorm,
    half: v.half,
    shift: v.shift,
    ys: v.ys,
    ynorm: v.ynorm,
    cc: v.cc,
    cand: v.cand,
    part: v.part,
    scratch: v.scratch,
    dot4: init.memory ? kernelOn(init.memory, true) : null,
    near2: init.memory ? near2On(init.memory, true) : null,
  };
}

/** Runs chunk `c` of operation `op`. */
export function runChunk(s: KState, op: number, c: number): void {
  // Integers come out of the parameter array as doubles; `| 0` keeps index arithmetic integral.
  const n = s.P[P_N] | 0, d = s.P[P_D] | 0, k = s.P[P_K] | 0, tp = s.P[P_TP] | 0;
  const lo = c * CHUNK, hi = Math.min(n, lo + CHUNK);
  const stride = k * d + k + tp + 5, base = c * stride;
  const at = slots(k, d, tp);
  const { data, norms, labels, closest, part } = s;
  if (op === OP_FIRST) {
    // Distances to the first centre (candidate row 0); everyone's nearest is centre 0.
    let pot = 0;
    for (let i = lo; i < hi; i++) {
      let x = norms[i] + s.ynorm[0];
      x -= 2 * dotRow(data, i * d, s.ys, 0, d);
      const v = x > 0 ? x : 0;
      closest[i] = v;
      labels[i] = 0;
      pot += v;
    }
    part[base + at.pot] = pot;
  } else if (op === OP_SWEEP) {
    sweep(s, c, lo, hi, n, d, k, tp, base + at.pots);
  } else if (op === OP_TAKE) {
    const off = (s.P[P_BEST] | 0) * n, center = s.P[P_CENTER] | 0;
    for (let i = lo; i < hi; i++) {
      const v = s.cand[off + i];
      if (v < closest[i]) {
        closest[i] = v;
        labels[i] = center;
      }
    }
  } else if (op === OP_ASSIGN) {
    for (let t = 0; t < k * d + k; t++) part[base + t] = 0;
    part[base + at.changed] = assign(s, c, lo, hi, d, k, base, at.tightened);
  } else if (op === OP_SUMS) {
    const sums = base + at.sums, counts = base + at.counts;
    for (let t = 0; t < k * d + k; t++) part[base + t] = 0;
    for (let i = lo; i < hi; i++) {
      const a = labels[i], o = i * d, to = sums + a * d;
      part[counts + a]++;
      for (let j = 0; j < d; j++) part[to + j] += data[o + j];
    }
  } else if (op === OP_INERTIA) {
    let total = 0;
    for (let i = lo; i < hi; i++) total += sqDist(data, i * d, s.centers, labels[i] * d, d);
    part[base + at.inertia] = total;
  }
}

/** The chunk's four doubles of kernel output (a plain array without the kernel). */
function scratchOf(s: KState, c: number): Float64Array {
  return s.scratch.subarray(c * 4, c * 4 + 4);
}

function dotRow(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[ai + t] * b[bi + t];
  return s;
}

/**
 * One seeding sweep: every candidate against every row of the chunk, four candidates at a
 * time. A candidate y cannot lower D(x) when d(y, c(x)) ≥ 2·D(x), so such rows skip the distance.
 */
function sweep(
  s: KState,
  c: number,
  lo: number,
  hi: number,
  n: number,
  d: number,
  k: number,
  tp: number,
  pots: number,
): void {
  const { data, norms, labels, closest, cc, cand, ys, ynorm, part } = s;
  const kern = s.dot4, q = scratchOf(s, c), qb = q.byteOffset;
  const db = data.byteOffset, yb = ys.byteOffset;
  for (let g = 0; g < tp; g += 4) {
    const k0 = g * k, k1 = k0 + k, k2 = k1 + k, k3 = k2 + k;
    const o0 = g * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    const y0 = ynorm[g], y1 = ynorm[g + 1], y2 = ynorm[g + 2], y3 = ynorm[g + 3];
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    for (let i = lo; i < hi; i++) {
      const ci = closest[i], a = labels[i], reach = 4 * ci;
      let v0 = ci, v1 = ci, v2 = ci, v3 = ci;
      if (reach > cc[k0 + a] || reach > cc[k1 + a] || reach > cc[k2 + a] || reach > cc[k3 + a]) {
        if (kern) kern(db + i * d * 8, yb + g * d * 8, d, qb);
        else dot4(data, i * d, ys, g * d, d, q);
        const xn = norms[i];
        const e0 = xn + y0 - 2 * q[0], e1 = xn + y1 - 2 * q[1];
        const e2 = xn + y2 - 2 * q[2], e3 = xn + y3 - 2 * q[3];
        if (e0 < ci) v0 = e0 > 0 ? e0 : 0;
        if (e1 < ci) v1 = e1 > 0 ? e1 : 0;
        if (e2 < ci) v2 = e2 > 0 ? e2 : 0;
        if (e3 < ci) v3 = e3 > 0 ? e3 : 0;
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
    part[pots + g] = p0;
    part[pots + g + 1] = p1;
    part[pots + g + 2] = p2;
    part[pots + g + 3] = p3;
  }
}

/**
 * Moves the bounds by the last centre shifts, then Hamerly's test: a row whose upper bound is
 * below both its lower bound and half the gap from its centre to the nearest other one keeps
 * its centre; otherwise tighten the upper bound, test again, and only then scan every centre.
 * Returns how many labels changed; the moves are added to the chunk's sums and counts slots.
 */
function assign(
  s: KState,
  c: number,
  lo: number,
  hi: number,
  d: number,
  k: number,
  base: number,
  stats: number,
): number {
  const { data, norms, labels, upper, lower, centers, cnorm, half, shift, part } = s;
  // When most rows that fail the bound test also fail after tightening (heavily overlapping
  // clusters), tightening is a wasted distance: go straight to the scan.
  const direct = s.P[P_DIRECT] === 1;
  let tightened = 0, scanned = 0;
  const counts = base + k * d;
  const maxJ = s.P[P_MAXJ] | 0, maxP = s.P[P_MAXP], secondP = s.P[P_SECONDP];
  const kern = s.dot4, near2 = s.near2, q = scratchOf(s, c), qb = q.byteOffset;
  const db = data.byteOffset, cb = centers.byteOffset, nb = cnorm.byteOffset;
  let changed = 0;
  for (let i = lo; i < hi; i++) {
    const a = labels[i];
    const u0 = upper[i] + shift[a];
    const l = lower[i] - (a === maxJ ? secondP : maxP);
    lower[i] = l;
    const h = half[a];
    const m = l > h ? l : h;
    if (u0 <= m) {
      upper[i] = u0;
      continue;
    }
    const o = i * d;
    if (!direct) {
      tightened++;
      const u = Math.sqrt(sqDist(data, o, centers, a * d, d));
      upper[i] = u;
      if (u <= m) continue;
    }
    scanned++;
    // Nearest and second-nearest centre through ‖x‖² + ‖c‖² − 2x·c, four centres at a time.
    const xn = norms[i];
    let b1 = Infinity, b2 = Infinity, best = 0;
    if (near2) {
      best = near2(db + o * 8, xn, cb, nb, k, d, qb);
      b1 = q[0];
      b2 = q[1];
    } else {
      for (let g = 0; g < k; g += 4) {
        if (kern) kern(db + o * 8, cb + g * d * 8, d, qb);
        else dot4(data, o, centers, g * d, d, q);
        const m = k - g < 4 ? k - g : 4;
        for (let t = 0; t < m; t++) {
          const e = xn + cnorm[g + t] - 2 * q[t];
          const v = e > 0 ? e : 0;
          if (v < b1) {
            b2 = b1;
            b1 = v;
            best = g + t;
          } else if (v < b2) b2 = v;
        }
      }
    }
    if (best !== a) {
      // Keep the change in this chunk's slot so the caller can update the cluster sums.
      labels[i] = best;
      changed++;
      part[counts + a]--;
      part[counts + best]++;
      for (let j = 0, fa = base + a * d, fb = base + best * d; j < d; j++) {
        part[fa + j] -= data[o + j];
        part[fb + j] += data[o + j];
      }
    }
    upper[i] = Math.sqrt(b1);
    lower[i] = Math.sqrt(b2);
  }
  part[base + stats] = tightened;
  part[base + stats + 1] = scanned;
  return changed;
}
