/**
 * The one distance kernel that runs as WebAssembly: four dot products of a row with four
 * consecutive rows, two columns at a time with 128-bit SIMD — about twice the speed of the same
 * loop in JavaScript. The module is assembled here from its bytes (a few dozen instructions), so
 * there is no build step and nothing to download.
 *
 * Rows live in a WebAssembly.Memory (shared when worker threads use it) with a multiple of four
 * columns: up to three zero columns are added, which changes no dot product or distance.
 *
 * @module
 */

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];

const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const F64X2_ADD = simd(240), F64X2_MUL = simd(242);
const lane = (l: number) => simd(33, l); // f64x2.extract_lane
const i32 = (v: number) => [0x41, ...sleb(v)];
const addConst = (local: number, c: number) => [...get(local), ...i32(c), 0x6a, ...set(local)];
const f64 = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const ZERO_V128 = simd(12, ...new Array(16).fill(0));
const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], IF = [0x04, 0x40], ELSE = 0x05, END = 0x0b;

/**
 * The four-row dot loop shared by both functions: x pointer `xp` runs to `end`; c0..c3 are the
 * row pointers; sums accumulate in a0..a3 (f64x2), `xv` holds two columns of x.
 */
function dotLoop(xp: number, end: number, c: number[], a: number[], xv: number): number[] {
  // Two steps of two columns per turn (rows are a multiple of four long): the second step reads
  // at a constant offset of 16 bytes, so the pointers move once per four columns.
  const acc = (ai: number, ci: number, off: number) => [
    ...get(ai),
    ...get(xv),
    ...get(ci),
    ...simd(0, 3, off),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(ai),
  ];
  const step = (off: number) => [
    ...get(xp),
    ...simd(0, 3, off),
    ...set(xv),
    ...acc(a[0], c[0], off),
    ...acc(a[1], c[1], off),
    ...acc(a[2], c[2], off),
    ...acc(a[3], c[3], off),
  ];
  // deno-fmt-ignore
  return [
    ...BLOCK, ...LOOP,
    ...get(xp), ...get(end), 0x4f, 0x0d, 1, // xp >= end: leave
    ...step(0), ...step(16),
    ...addConst(xp, 32), ...c.flatMap((ci) => addConst(ci, 32)),
    0x0c, 0, END, END,
  ];
}

/** Horizontal sum of an f64x2 local. */
const hsum = (a: number) => [...get(a), ...lane(0), ...get(a), ...lane(1), 0xa0];

/**
 * dot4(x, c, d, out): out[j] = Σ_t x[t]·c[j·d + t] for j = 0..3, all byte offsets, 4 | d.
 * Locals: 0 x, 1 c0, 2 d, 3 out | 4 end, 5 c1, 6 c2, 7 c3, 8 stride (i32) | 9..12 sums, 13 x.
 */
function dot4Body(): number[] {
  // deno-fmt-ignore
  const code = [
    ...get(2), ...i32(3), 0x74, ...set(8), // stride = d << 3
    ...get(0), ...get(8), 0x6a, ...set(4), // end = x + stride
    ...get(1), ...get(8), 0x6a, ...set(5),
    ...get(5), ...get(8), 0x6a, ...set(6),
    ...get(6), ...get(8), 0x6a, ...set(7),
    ...dotLoop(0, 4, [1, 5, 6, 7], [9, 10, 11, 12], 13),
    ...[9, 10, 11, 12].flatMap((a, j) => [...get(3), ...hsum(a), 0x39, 3, ...uleb(j * 8)]),
    END,
  ];
  return [...vec([[5, I32], [5, V128]]), ...code];
}

/**
 * near2(x, xn, c, cn, k, d, out) → index of the nearest of k rows of c (rows padded to a
 * multiple of four), through ‖x‖² + ‖c‖² − 2x·c clamped at 0; out[0], out[1] get the smallest
 * and second-smallest squared distances. Ties keep the lower index.
 * Locals: 0 x, 1 xn (f64), 2 c, 3 cn, 4 k, 5 d, 6 out | 7 stride, 8 g, 9 xp, 10 end,
 * 11..14 c0..c3, 15 best (i32) | 16 b1, 17 b2, 18 v (f64) | 19..22 sums, 23 x (v128).
 */
function near2Body(): number[] {
  const lanes = [0, 1, 2, 3].flatMap((t) => {
    // deno-fmt-ignore
    return [
      ...get(8), ...i32(t), 0x6a, ...get(4), 0x48, ...IF, // g + t < k
      ...get(1), ...get(3), ...get(8), ...i32(3), 0x74, 0x6a, 0x2b, 3, ...uleb(t * 8), 0xa0,
      ...f64(2), ...hsum(19 + t), 0xa2, 0xa1, ...f64(0), 0xa5, ...set(18), // v = max(xn + cn − 2·dot, 0)
      ...get(18), ...get(16), 0x63, ...IF, // v < b1
      ...get(16), ...set(17), ...get(18), ...set(16), ...get(8), ...i32(t), 0x6a, ...set(15),
      ELSE,
      ...get(18), ...get(17), 0x63, ...IF, ...get(18), ...set(17), END,
      END,
      END,
    ];
  });
  // deno-fmt-ignore
  const code = [
    ...get(5), ...i32(3), 0x74, ...set(7), // stride = d << 3
    ...f64(Infinity), ...set(16), ...f64(Infinity), ...set(17),
    ...BLOCK, ...LOOP,
    ...get(8), ...get(4), 0x4e, 0x0d, 1, // g >= k: leave
    ...get(2), ...get(8), ...get(7), 0x6c, 0x6a, ...set(11), // c0 = c + g·stride
    ...get(11), ...get(7), 0x6a, ...set(12),
    ...get(12), ...get(7), 0x6a, ...set(13),
    ...get(13), ...get(7), 0x6a, ...set(14),
    ...get(0), ...set(9), ...get(0), ...get(7), 0x6a, ...set(10),
    ...[19, 20, 21, 22].flatMap((a) => [...ZERO_V128, ...set(a)]),
    ...dotLoop(9, 10, [11, 12, 13, 14], [19, 20, 21, 22], 23),
    ...lanes,
    ...addConst(8, 4),
    0x0c, 0, END, END,
    ...get(6), ...get(16), 0x39, 3, 0, ...get(6), ...get(17), 0x39, 3, 8,
    ...get(15),
    END,
  ];
  return [...vec([[9, I32], [3, F64], [5, V128]]), ...code];
}

function moduleBytes(shared: boolean): Uint8Array {
  const bodies = [dot4Body(), near2Body()];
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const types = [
    [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [F64], [I32], [I32], [I32], [I32], [I32]]), ...vec([[I32]])],
  ];
  // deno-fmt-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(2, vec([[...name("m"), ...name("mem"), 0x02, ...limits]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name("dot4"), 0x00, 0], [...name("near2"), 0x00, 1]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

const modules = new Map<boolean, WebAssembly.Module>();

/** dot4(x, c, d, out) on byte offsets of `memory`; see dot4Body. */
export type Dot4 = (x: number, c: number, d: number, out: number) => void;
/** near2(x, xn, c, cn, k, d, out) on byte offsets of `memory`; see near2Body. */
export type Near2 = (
  x: number,
  xn: number,
  c: number,
  cn: number,
  k: number,
  d: number,
  out: number,
) => number;

function instance(memory: WebAssembly.Memory, shared: boolean): WebAssembly.Instance {
  let m = modules.get(shared);
  if (!m) modules.set(shared, m = new WebAssembly.Module(moduleBytes(shared) as BufferSource));
  return new WebAssembly.Instance(m, { m: { mem: memory } });
}

/** The dot4 kernel bound to a memory (compiled once per kind of memory). */
export function kernelOn(memory: WebAssembly.Memory, shared: boolean): Dot4 {
  return instance(memory, shared).exports.dot4 as Dot4;
}

/** The near2 kernel bound to a memory. */
export function near2On(memory: WebAssembly.Memory, shared: boolean): Near2 {
  return instance(memory, shared).exports.near2 as Near2;
}

/** Largest memory the kernel is used with; bigger inputs run the JavaScript loops. */
export const MAX_WASM_BYTES = 2 ** 31;

/** A fixed-size memory handed out in 16-byte aligned blocks of doubles. */
export interface Arena {
  memory: WebAssembly.Memory;
  shared: boolean;
  /** Float64Array view of `doubles` values at a fresh aligned offset. */
  alloc(doubles: number): Float64Array;
  /** True when blocks of `doubles` values fit in the memory; then hands it out from the start. */
  reuse(doubles: number[]): boolean;
}

/** Bytes that blocks of `doubles` values take, each aligned to 16 bytes. */
export function arenaBytes(doubles: number[]): number {
  return doubles.reduce((a, v) => a + Math.ceil(v / 2) * 16, 0);
}

/** A memory big enough for blocks totalling `doubles` values (plus alignment slack). */
export function arena(doubles: number[], shared: boolean): Arena {
  const pages = Math.max(1, Math.ceil(arenaBytes(doubles) / 65536));
  const memory = new WebAssembly.Memory(
    shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages },
  );
  let next = 0;
  return {
    memory,
    shared,
    alloc(n) {
      const view = new Float64Array(memory.buffer, next, n);
      next += Math.ceil(n / 2) * 16;
      return view;
    },
    reuse(doubles) {
      if (arenaBytes(doubles) > memory.buffer.byteLength) return false;
      next = 0;
      return true;
    },
  };
}

/** Row length inside the kernel's memory: columns rounded up to a multiple of four. */
export function paddedLength(d: number): number {
  return Math.ceil(d / 4) * 4;
}

/** Copies rows of `d` columns into `out` with rows of `dOut` ≥ d columns (the rest zero). */
export function copyRows(src: Float64Array, n: number, d: number, out: Float64Array, dOut: number) {
  if (dOut === d) {
    out.set(src.subarray(0, n * d));
    return;
  }
  for (let i = 0; i < n; i++) {
    out.set(src.subarray(i * d, i * d + d), i * dOut);
    out.fill(0, i * dOut + d, (i + 1) * dOut);
  }
}

/** How a worker rebuilds a typed array: its buffer, byte offset, length, and element kind. */
export type ViewSpec = [buffer: ArrayBufferLike, offset: number, length: number, int: boolean];

/** The spec of each typed array of a state, for posting to workers. */
export function specsOf<T extends object>(state: T): Record<keyof T, ViewSpec> {
  return Object.fromEntries(
    Object.entries(state).filter(([, v]) => ArrayBuffer.isView(v)).map(([key, v]) => {
      const a = v as Float64Array | Int32Array;
      return [key, [a.buffer, a.byteOffset, a.length, a instanceof Int32Array]];
    }),
  ) as Record<keyof T, ViewSpec>;
}

/** Rebuilds typed arrays from their specs. */
export function viewsFrom(
  specs: Record<string, ViewSpec>,
): Record<string, Float64Array & Int32Array> {
  return Object.fromEntries(
    Object.entries(specs).map(([key, [buffer, offset, length, int]]) => [
      key,
      int ? new Int32Array(buffer, offset, length) : new Float64Array(buffer, offset, length),
    ]),
  ) as Record<string, Float64Array & Int32Array>;
}
