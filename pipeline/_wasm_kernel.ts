/**
 * The one distance kernel that runs as WebAssembly: four dot products of a row with four
 * consecutive rows, two columns at a time with 128-bit SIMD — about twice the speed of the same
 * loop in JavaScript. The module is assembled here from its bytes (a few dozen instructions), so
 * there is no build step and nothing to download.
 *
 * Rows live in a WebAssembly.Memory (shared when worker threads use it) with an even number of
 * columns: an odd matrix gets one zero column, which changes no dot product or distance.
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

const I32 = 0x7f, V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const V128_LOAD = simd(0, 3, 0); // align 2^3, offset 0
const F64X2_ADD = simd(240), F64X2_MUL = simd(242);
const lane = (l: number) => simd(33, l); // f64x2.extract_lane
const addConst = (
  local: number,
  c: number,
) => [...get(local), 0x41, ...sleb(c), 0x6a, ...set(local)];

/**
 * dot4(x, c, d, out): out[j] = Σ_t x[t]·c[j·d + t] for j = 0..3, all byte offsets, d even.
 * Locals: 0 x, 1 c0, 2 d, 3 out | 4 end, 5 c1, 6 c2, 7 c3, 8 stride (i32) | 9..12 sums, 13 x (v128).
 */
function dot4Body(): number[] {
  const acc = (a: number, c: number) => [
    ...get(a),
    ...get(13),
    ...get(c),
    ...V128_LOAD,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(a),
  ];
  const code = [
    ...get(2),
    0x41,
    ...sleb(3),
    0x74,
    ...set(8), // stride = d << 3
    ...get(0),
    ...get(8),
    0x6a,
    ...set(4), // end = x + stride
    ...get(1),
    ...get(8),
    0x6a,
    ...set(5),
    ...get(5),
    ...get(8),
    0x6a,
    ...set(6),
    ...get(6),
    ...get(8),
    0x6a,
    ...set(7),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    ...get(0),
    ...get(4),
    0x4f,
    0x0d,
    1, // x >= end: leave
    ...get(0),
    ...V128_LOAD,
    ...set(13),
    ...acc(9, 1),
    ...acc(10, 5),
    ...acc(11, 6),
    ...acc(12, 7),
    ...addConst(0, 16),
    ...addConst(1, 16),
    ...addConst(5, 16),
    ...addConst(6, 16),
    ...addConst(7, 16),
    0x0c,
    0,
    0x0b,
    0x0b, // br loop, end, end
    ...[9, 10, 11, 12].flatMap((a, j) => [
      ...get(3),
      ...get(a),
      ...lane(0),
      ...get(a),
      ...lane(1),
      0xa0, // f64.add
      0x39,
      3,
      ...uleb(j * 8), // f64.store
    ]),
    0x0b,
  ];
  return [...vec([[5, I32], [5, V128]]), ...code];
}

function moduleBytes(shared: boolean): Uint8Array {
  const body = dot4Body();
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32]]), 0]])),
    ...section(2, vec([[...name("m"), ...name("mem"), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("dot4"), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

const modules = new Map<boolean, WebAssembly.Module>();

/** dot4(x, c, d, out) on byte offsets of `memory`; see the module comment. */
export type Dot4 = (x: number, c: number, d: number, out: number) => void;

/** The kernel bound to a memory (compiled once per kind of memory, instantiated per call). */
export function kernelOn(memory: WebAssembly.Memory, shared: boolean): Dot4 {
  let m = modules.get(shared);
  if (!m) modules.set(shared, m = new WebAssembly.Module(moduleBytes(shared) as BufferSource));
  const inst = new WebAssembly.Instance(m, { m: { mem: memory } });
  return inst.exports.dot4 as Dot4;
}

/** Largest memory the kernel is used with; bigger inputs run the JavaScript loops. */
export const MAX_WASM_BYTES = 2 ** 31;

/** A fixed-size memory handed out in 16-byte aligned blocks of doubles. */
export interface Arena {
  memory: WebAssembly.Memory;
  shared: boolean;
  /** Float64Array view of `doubles` values at a fresh aligned offset. */
  alloc(doubles: number): Float64Array;
}

/** A memory big enough for blocks totalling `doubles` values (plus alignment slack). */
export function arena(doubles: number[], shared: boolean): Arena {
  const bytes = doubles.reduce((a, v) => a + Math.ceil(v / 2) * 16, 0);
  const pages = Math.max(1, Math.ceil(bytes / 65536));
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
  };
}

/** Copies rows of `d` columns into `out` with an even row length (a zero column when d is odd). */
export function copyEven(src: Float64Array, n: number, d: number, out: Float64Array): void {
  const dp = d + (d & 1);
  if (dp === d) {
    out.set(src.subarray(0, n * d));
    return;
  }
  for (let i = 0; i < n; i++) {
    out.set(src.subarray(i * d, i * d + d), i * dp);
    out[i * dp + d] = 0;
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
