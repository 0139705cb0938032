/**
 * The largest and smallest of many numbers in constant stack. `Math.max(...values)` passes one
 * argument per element and overflows the stack at some hundred thousand elements; these loop.
 *
 * @module
 */

/**
 * The largest of `values` and `floor` (−Infinity when both are empty, as `Math.max()` gives).
 * NaN in `values` gives NaN, as in `Math.max`.
 *
 * @example
 * ```ts
 * import { maxOf } from "./extent.ts";
 * if (maxOf([3, 9, 4]) !== 9 || maxOf([], 40) !== 40) throw new Error("maxOf");
 * if (maxOf(new Float64Array(300_000).fill(1)) !== 1) throw new Error("large");
 * ```
 */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let best = floor;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > best) best = v;
  }
  return best;
}

/**
 * The smallest of `values` and `ceiling` (Infinity when both are empty, as `Math.min()` gives).
 * NaN in `values` gives NaN, as in `Math.min`.
 *
 * @example
 * ```ts
 * import { minOf } from "./extent.ts";
 * if (minOf([3, 9, 4]) !== 3 || minOf([5], 0) !== 0) throw new Error("minOf");
 * ```
 */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let best = ceiling;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < best) best = v;
  }
  return best;
}
