/**
 * K-Means' documented tie rule: a row exactly as near to several centres goes to the lowest
 * index, in the JavaScript scan (assigning new rows), in the WebAssembly kernel (fitting) and
 * across the groups of four centres both scan at a time.
 */
import { deepStrictEqual } from "node:assert/strict";
import { assignNearest } from "../pipeline/cluster/_kmeans.ts";
import { nearestTwo, padRows } from "../pipeline/cluster/_kmeans_kernel.ts";
import { arena, near2On } from "../pipeline/cluster/_wasm_kernel.ts";

const d = 4;
// Six centres; the origin is at distance 1 from centres 1, 2, 4 and 5 (the last two in the
// second group of four), farther from 0 and 3.
const CENTERS = [
  [5, 0, 0, 0],
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [9, 9, 9, 9],
  [-1, 0, 0, 0],
  [0, 0, 1, 0],
];
// Rows and the centre each must go to: ties to the lowest index among the nearest.
const CASES: [number[], number][] = [
  [[0, 0, 0, 0], 1], // 1, 2, 4, 5 tie
  [[0, 0, 0.5, 0], 5], // 5 alone is nearest
  [[-0.5, 0.5, 0, 0], 2], // 2 and 4 tie, across the two groups
  [[0, 0.5, 0.5, 0], 2], // 2 and 5 tie, across the groups
  [[3, 0, 0, 0], 0], // 0 and 1 tie (distance 2 each)
];

const flat = (rows: number[][]) => Float64Array.from(rows.flat());

Deno.test("K-Means assigns a row equidistant from several centres to the lowest index (JavaScript)", () => {
  const k = CENTERS.length;
  const c = padRows(flat(CENTERS), k, d);
  const q = new Float64Array(4), best = new Float64Array(2);
  const got = CASES.map(([x]) => nearestTwo(Float64Array.from(x), 0, c, k, d, q, best));
  deepStrictEqual(got, CASES.map(([, want]) => want));
  const labels = new Int32Array(CASES.length);
  assignNearest(flat(CASES.map(([x]) => x)), CASES.length, d, flat(CENTERS), k, labels);
  deepStrictEqual(Array.from(labels), CASES.map(([, want]) => want));
});

Deno.test("K-Means assigns a row equidistant from several centres to the lowest index (WebAssembly)", () => {
  const k = CENTERS.length, kp = 8;
  const mem = arena([d, kp * d, kp, 4], false);
  const x = mem.alloc(d), c = mem.alloc(kp * d), cn = mem.alloc(kp), out = mem.alloc(4);
  c.set(padRows(flat(CENTERS), k, d));
  for (let j = 0; j < kp; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += c[j * d + t] ** 2;
    cn[j] = s;
  }
  const near2 = near2On(mem.memory, false);
  const got = CASES.map(([row]) => {
    x.set(row);
    const xn = row.reduce((a, v) => a + v * v, 0);
    return near2(x.byteOffset, xn, c.byteOffset, cn.byteOffset, k, d, out.byteOffset);
  });
  deepStrictEqual(got, CASES.map(([, want]) => want));
});
