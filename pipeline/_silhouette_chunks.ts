/**
 * The silhouette's pair loop as chunk jobs (see _cluster_pool.ts). Rows are cut into a fixed
 * number of ranges holding about the same number of pairs (row i pairs with every later row);
 * each range adds its distances into its own n × k buffer of per-cluster sums, and the caller
 * adds the buffers in range order, so the result does not depend on the thread count.
 *
 * @module
 */

import { dot4 } from "./_kmeans_kernel.ts";

/** Row ranges (and sum buffers) per silhouette. */
export const RANGES = 8;

/** Every array of one silhouette computation. */
export interface SilState {
  /** n, d, k. */
  P: Float64Array;
  data: Float64Array;
  norms: Float64Array;
  /** Cluster of each row, 0..k-1. */
  ids: Int32Array;
  /** Range boundaries (RANGES + 1 rows). */
  bounds: Int32Array;
  /** RANGES buffers of n × k sums. */
  sums: Float64Array;
}

type Buffers = Record<keyof SilState, ArrayBufferLike>;

/** Allocates the state (shared when workers will read it) and cuts the ranges. */
export function allocSil(
  data: Float64Array,
  norms: Float64Array,
  ids: Int32Array,
  n: number,
  d: number,
  k: number,
  shared: boolean,
): { state: SilState; buffers: Buffers } {
  const buf = (bytes: number) => shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const copy = <T extends Float64Array | Int32Array>(a: T, make: (b: ArrayBufferLike) => T) => {
    if (!shared) return a;
    const out = make(buf(a.byteLength));
    out.set(a as never);
    return out;
  };
  const state: SilState = {
    P: new Float64Array(buf(3 * 8)),
    data: copy(data, (b) => new Float64Array(b)),
    norms: copy(norms, (b) => new Float64Array(b)),
    ids: copy(ids, (b) => new Int32Array(b)),
    bounds: new Int32Array(buf((RANGES + 1) * 4)),
    sums: new Float64Array(buf(RANGES * n * k * 8)),
  };
  state.P.set([n, d, k]);
  // Row r starts (n − 1 − r) pairs; cut where the running count passes each share.
  const total = (n * (n - 1)) / 2;
  let acc = 0, r = 0;
  for (let t = 1; t < RANGES; t++) {
    while (r < n && acc < (total * t) / RANGES) acc += n - 1 - r++;
    state.bounds[t] = r;
  }
  state.bounds[RANGES] = n;
  const buffers = Object.fromEntries(
    Object.entries(state).map(([key, v]) => [key, (v as Float64Array).buffer]),
  ) as Buffers;
  return { state, buffers };
}

/** Rebuilds the state's views in a worker. */
export function silFrom(b: Buffers): SilState {
  return {
    P: new Float64Array(b.P),
    data: new Float64Array(b.data),
    norms: new Float64Array(b.norms),
    ids: new Int32Array(b.ids),
    bounds: new Int32Array(b.bounds),
    sums: new Float64Array(b.sums),
  };
}

/** Adds the distances of every pair (i, j > i) with i in range `c` to that range's buffer. */
export function runSilChunk(s: SilState, c: number): void {
  const n = s.P[0] | 0, d = s.P[1] | 0, k = s.P[2] | 0;
  const { data, norms, ids } = s;
  const sums = s.sums.subarray(c * n * k, (c + 1) * n * k);
  sums.fill(0);
  const q = new Float64Array(4);
  for (let i = s.bounds[c]; i < s.bounds[c + 1]; i++) {
    const o = i * d, li = ids[i], si = i * k, ni = norms[i];
    let j = i + 1;
    let own = 0;
    for (; j + 3 < n; j += 4) {
      dot4(data, o, data, j * d, d, q);
      for (let t = 0; t < 4; t++) {
        const jj = j + t;
        const e = ni + norms[jj] - 2 * q[t];
        const v = e > 0 ? Math.sqrt(e) : 0;
        const lj = ids[jj];
        if (lj === li) own += v;
        else sums[si + lj] += v;
        sums[jj * k + li] += v;
      }
    }
    for (; j < n; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[o + t] * data[j * d + t];
      const e = ni + norms[j] - 2 * dot;
      const v = e > 0 ? Math.sqrt(e) : 0;
      if (ids[j] === li) own += v;
      else sums[si + ids[j]] += v;
      sums[j * k + li] += v;
    }
    sums[si + li] += own;
  }
}
