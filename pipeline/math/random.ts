/**
 * Seeded pseudo-random numbers. Every random step in Personae takes an explicit seed and draws
 * from here, so the same data, config and seed give the same result bit for bit.
 *
 * @module
 */

/** A seeded generator: `next()` is uniform on [0, 1). */
export interface Rng {
  next(): number;
  /** Uniform integer on [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box–Muller). */
  normal(): number;
}

/**
 * Makes a generator from an integer seed (sfc32 seeded through splitmix32, so nearby seeds give
 * unrelated streams).
 *
 * @example
 * ```ts
 * import { rng } from "./random.ts";
 * const a = rng(7), b = rng(7);
 * if (a.next() !== b.next()) throw new Error("not deterministic");
 * ```
 */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u)), th = 2 * Math.PI * next();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
  };
}

/** Fisher–Yates shuffle of `0..n-1` with the given generator. */
export function permutation(n: number, r: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
