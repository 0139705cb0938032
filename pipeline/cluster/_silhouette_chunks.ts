/**
 * The silhouette's pair loop as chunk jobs (see _cluster_pool.ts). Rows are cut into a fixed
 * number of ranges holding about the same number of pairs (row i pairs with every later row);
 * each range adds its distances into its own n × k buffer of per-cluster sums, and the caller
 * adds the buffers in range order, so the result does not depend on the thread count.
 *
 * @module
 */

import { dot4 } from "./_kmeans_kernel.ts";
import {
  arena,
  copyRows,
  type Dot4,
  kernelOn,
  MAX_WASM_BYTES,
  paddedLength,
  specsOf,
  viewsFrom,
  type ViewSpec,
} from "./_wasm_kernel.ts";

/** Row ranges (and sum buffers) per silhouette. */
export const RANGES = 8;

/** Every array of one silhouette computation. */
export interface SilState {
  /** n, d (row length inside the state), k. */
  P: Float64Array;
  data: Float64Array;
  norms: Float64Array;
  /** Cluster of each row, 0..k-1. */
  ids: Int32Array;
  /** Range boundaries (RANGES + 1 rows). */
  bounds: Int32Array;
  /** RANGES buffers of n × k sums. */
  sums: Float64Array;
  /** Four doubles of kernel output per range. */
  scratch: Float64Array;
  dot4: Dot4 | null;
}

/** What a worker needs to rebuild the state. */
export interface SilInit {
  specs: Record<string, ViewSpec>;
  memory: WebAssembly.Memory | null;
}

/** Allocates the state (shared when workers will read it) and cuts the ranges. */
export function allocSil(
  data: Float64Array,
  norms: Float64Array,
  ids: Int32Array,
  n: number,
  d: number,
  k: number,
  shared: boolean,
): { state: SilState; init: SilInit } {
  const buf = (bytes: number) => shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const dp = paddedLength(d);
  const wasm = (n * dp + RANGES * 4) * 8 + 65536 <= MAX_WASM_BYTES;
  const mem = wasm ? arena([n * dp, RANGES * 4], shared) : null;
  let rows = data;
  if (mem) {
    rows = mem.alloc(n * dp);
    copyRows(data, n, d, rows, dp);
  } else if (shared) {
    rows = new Float64Array(buf(n * d * 8));
    rows.set(data.subarray(0, n * d));
  }
  const own = new Int32Array(buf(n * 4));
  own.set(ids);
  const state: SilState = {
    P: new Float64Array(buf(3 * 8)),
    data: rows,
    norms: new Float64Array(buf(n * 8)),
    ids: own,
    bounds: new Int32Array(buf((RANGES + 1) * 4)),
    sums: new Float64Array(buf(RANGES * n * k * 8)),
    scratch: mem ? mem.alloc(RANGES * 4) : new Float64Array(buf(RANGES * 4 * 8)),
    dot4: mem ? kernelOn(mem.memory, shared) : null,
  };
  state.norms.set(norms);
  state.P.set([n, mem ? dp : d, k]);
  // Row r starts (n − 1 − r) pairs; cut where the running count passes each share.
  const total = (n * (n - 1)) / 2;
  let acc = 0, r = 0;
  for (let t = 1; t < RANGES; t++) {
    while (r < n && acc < (total * t) / RANGES) acc += n - 1 - r++;
    state.bounds[t] = r;
  }
  state.bounds[RANGES] = n;
  return { state, init: { specs: specsOf(state), memory: mem ? mem.memory : null } };
}

/** Rebuilds the state's views (and kernel) in a worker. */
export function silFrom(init: SilInit): SilState {
  const v = viewsFrom(init.specs);
  return {
    P: v.P,
    data: v.data,
    norms: v.norms,
    ids: v.ids,
    bounds: v.bounds,
    sums: v.sums,
    scratch: v.scratch,
    dot4: init.memory ? kernelOn(init.memory, true) : null,
  };
}

/** Adds the distances of every pair (i, j > i) with i in range `c` to that range's buffer. */
export function runSilChunk(s: SilState, c: number): void {
  const n = s.P[0] | 0, d = s.P[1] | 0, k = s.P[2] | 0;
  const { data, norms, ids } = s;
  const sums = s.sums.subarray(c * n * k, (c + 1) * n * k);
  sums.fill(0);
  const q = s.scratch.subarray(c * 4, c * 4 + 4), qb = q.byteOffset;
  const kern = s.dot4, db = data.byteOffset;
  for (let i = s.bounds[c]; i < s.bounds[c + 1]; i++) {
    const o = i * d, li = ids[i], si = i * k, ni = norms[i];
    let j = i + 1;
    let own = 0;
    for (; j + 3 < n; j += 4) {
      if (kern) kern(db + o * 8, db + j * d * 8, d, qb);
      else dot4(data, o, data, j * d, d, q);
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
