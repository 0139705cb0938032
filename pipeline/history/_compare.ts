/**
 * The pure parts of comparing two runs: a deep diff of their configs, their metrics flattened to
 * named numbers, and the segment × segment transition table with the best matching of labels.
 *
 * @module
 */

import type { StageRecord } from "../runner/mod.ts";

/** One difference between two configs: where, and the value on each side (absent = missing). */
export interface ConfigChange {
  /** Path into the config, e.g. `cluster.k` or `tables.orders.key[0]`. */
  path: string;
  a?: unknown;
  b?: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function keyPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Every leaf where two JSON values differ, in key order: objects are compared key by key, arrays
 * index by index, anything else by value. A key present on one side only has no value on the
 * other.
 *
 * @example
 * ```ts
 * import { jsonDiff } from "./_compare.ts";
 * const d = jsonDiff({ cluster: { k: 4 }, seed: 1 }, { cluster: { k: 5 }, seed: 1 });
 * if (d.length !== 1 || d[0].path !== "cluster.k" || d[0].b !== 5) throw new Error();
 * ```
 */
export function jsonDiff(a: unknown, b: unknown, path = ""): ConfigChange[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => {
      const p = keyPath(path, k);
      if (!(k in b)) return [{ path: p, a: a[k] }];
      if (!(k in a)) return [{ path: p, b: b[k] }];
      return jsonDiff(a[k], b[k], p);
    });
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: ConfigChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= b.length) out.push({ path: p, a: a[i] });
      else if (i >= a.length) out.push({ path: p, b: b[i] });
      else for (const d of jsonDiff(a[i], b[i], p)) out.push(d);
    }
    return out;
  }
  return Object.is(a, b) ? [] : [{ path, a, b }];
}

/**
 * The numeric metrics of a run's stages as `stage.name` → value, nested objects joined with dots
 * (`ingest.tables.orders.kept`). Arrays are left out: they are per-item detail, not run figures.
 */
export function flattenMetrics(stages: readonly StageRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (v: unknown, path: string) => {
    if (typeof v === "number" && Number.isFinite(v)) out[path] = v;
    else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        walk(x, keyPath(path, k));
      }
    }
  };
  for (const s of stages) if (s.metrics) walk(s.metrics, s.name);
  return out;
}

/** Segment × segment counts of customers common to two runs. */
export interface Transition {
  /** Run A's segments, ascending: the rows. */
  a: number[];
  /** Run B's segments, ascending: the columns. */
  b: number[];
  /** `counts[i][j]`: customers in A's segment `a[i]` and in B's segment `b[j]`. */
  counts: number[][];
}

/** A pair of labels matched between two runs and the customers they share. */
export interface SegmentMatch {
  a: number;
  b: number;
  customers: number;
}

/** Customers of two runs lined up by id: the labels of the common ones, in the same order. */
export interface Aligned {
  a: Int32Array;
  b: Int32Array;
  onlyA: number;
  onlyB: number;
}

/** Lines up two id → segment lists (each sorted by id, as stored) on their common ids. */
export function alignAssignments(
  idsA: readonly string[],
  segA: ArrayLike<number>,
  idsB: readonly string[],
  segB: ArrayLike<number>,
): Aligned {
  const a: number[] = [], b: number[] = [];
  const index = new Map(idsB.map((id, j) => [id, j]));
  for (let i = 0; i < idsA.length; i++) {
    const j = index.get(idsA[i]);
    if (j === undefined) continue;
    a.push(segA[i]);
    b.push(segB[j]);
  }
  return {
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    onlyA: idsA.length - a.length,
    onlyB: idsB.length - b.length,
  };
}

/**
 * Counts label pairs over rows labelled in both runs: rows are A's labels, columns B's, both
 * ascending.
 *
 * @example
 * ```ts
 * import { transitionTable } from "./_compare.ts";
 * const t = transitionTable([0, 0, 0, 1, 1], [1, 1, 2, 0, 0]);
 * if (t.a.join() !== "0,1" || t.b.join() !== "0,1,2") throw new Error("labels");
 * // A's segment 0 splits into B's 1 and 2; A's 1 became B's 0.
 * if (JSON.stringify(t.counts) !== "[[0,2,1],[2,0,0]]") throw new Error(JSON.stringify(t.counts));
 * ```
 */
export function transitionTable(a: ArrayLike<number>, b: ArrayLike<number>): Transition {
  const rowsA = [...new Set(Array.from(a))].sort((x, y) => x - y);
  const colsB = [...new Set(Array.from(b))].sort((x, y) => x - y);
  const ri = new Map(rowsA.map((s, i) => [s, i]));
  const ci = new Map(colsB.map((s, j) => [s, j]));
  const counts = rowsA.map(() => colsB.map(() => 0));
  for (let r = 0; r < a.length; r++) counts[ri.get(a[r])!][ci.get(b[r])!]++;
  return { a: rowsA, b: colsB, counts };
}

/**
 * Assigns each row to at most one column (and each column to at most one row) so that the sum of
 * weights of the assigned cells is as large as possible: the Hungarian method on the square
 * matrix padded with zeros. Returns the column of each row, or -1 for a row left unassigned.
 *
 * @example
 * ```ts
 * import { maxWeightMatching } from "./_compare.ts";
 * if (maxWeightMatching([[1, 5], [4, 1]]).join() !== "1,0") throw new Error();
 * ```
 */
export function maxWeightMatching(weights: readonly (readonly number[])[]): number[] {
  const nr = weights.length, nc = nr === 0 ? 0 : weights[0].length;
  const n = Math.max(nr, nc);
  let top = 0;
  for (const row of weights) for (const w of row) top = Math.max(top, w);
  // Minimise top − weight; padding cells cost `top` like a zero weight.
  const cost = (i: number, j: number) => i < nr && j < nc ? top - weights[i][j] : top;
  const u = new Float64Array(n + 1), v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1), way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const match = new Array<number>(nr).fill(-1);
  for (let j = 1; j <= n; j++) if (p[j] - 1 < nr && j - 1 < nc) match[p[j] - 1] = j - 1;
  return match;
}

/**
 * The best one-to-one matching of A's segments to B's (pairs sharing no customer left out).
 *
 * @example
 * ```ts
 * import { matchSegments } from "./_compare.ts";
 * // B renumbered A's segments: 0 became 1 and 1 became 0, with one customer moving.
 * const pairs = matchSegments({ a: [0, 1], b: [0, 1], counts: [[1, 9], [7, 0]] });
 * if (JSON.stringify(pairs) !== '[{"a":0,"b":1,"customers":9},{"a":1,"b":0,"customers":7}]') {
 *   throw new Error(JSON.stringify(pairs));
 * }
 * ```
 */
export function matchSegments(t: Transition): SegmentMatch[] {
  const match = maxWeightMatching(t.counts);
  return match.flatMap((j, i) =>
    j >= 0 && t.counts[i][j] > 0 ? [{ a: t.a[i], b: t.b[j], customers: t.counts[i][j] }] : []
  );
}

/** The figures every comparison leads with, by their short names. */
export const KEY_METRICS = ["segments", "silhouette", "macroF1", "rows"] as const;

/** One of {@link KEY_METRICS}. */
export type KeyMetric = typeof KEY_METRICS[number];

/**
 * Where each key metric is read from: a stage's metrics, the first of `keys` present, else the
 * first top-level metric of the stage matching `like` (the classifier has reported its macro-F1
 * under several names).
 */
const KEY_SOURCES: Record<KeyMetric, { stage: string; keys: string[]; like?: RegExp }> = {
  segments: { stage: "cluster", keys: ["segments"] },
  silhouette: { stage: "cluster", keys: ["silhouette"] },
  macroF1: {
    stage: "classify",
    keys: ["testMacroF1", "macroF1", "cvMacroF1"],
    like: /macro_?f1/i,
  },
  rows: { stage: "matrix", keys: ["rows"] },
};

/**
 * Each key metric's value and the flattened metric it came from (`cluster.silhouette`…), so a
 * comparison lists it once, under its short name.
 *
 * @example
 * ```ts
 * import { keyMetrics } from "./_compare.ts";
 * const k = keyMetrics({ "cluster.segments": 5, "classify.cvMacroF1": 0.9 });
 * if (k.segments?.value !== 5 || k.macroF1?.source !== "classify.cvMacroF1") throw new Error();
 * ```
 */
export function keyMetrics(
  flat: Readonly<Record<string, number>>,
): Partial<Record<KeyMetric, { value: number; source: string }>> {
  const out: Partial<Record<KeyMetric, { value: number; source: string }>> = {};
  for (const key of KEY_METRICS) {
    const { stage, keys, like } = KEY_SOURCES[key];
    const top = Object.keys(flat).filter((k) =>
      k.startsWith(`${stage}.`) && !k.includes(".", stage.length + 1)
    );
    const source = keys.map((k) => `${stage}.${k}`).find((k) => k in flat) ??
      (like && top.find((k) => like.test(k.slice(stage.length + 1))));
    if (source !== undefined) out[key] = { value: flat[source], source };
  }
  return out;
}

/** Prefix of the stored metrics that hold each stage's duration (stages that ran). */
export const STAGE_SECONDS = "stageSeconds.";

/**
 * Whether a metric says how long a run took or how much it reused (seconds, throughput, cache
 * hits, texts sent through a model) rather than what it found: such figures change from run to
 * run with the machine and the cache, so comparisons list them apart from the quality metrics.
 */
export function isTiming(metric: string): boolean {
  return /seconds|persecond|cachehits|inferred/i.test(metric);
}

/**
 * The order of run B's segments as transition columns: each one matched to a segment of A in
 * the order of A's rows (so the matched pairs run down the diagonal), then B's unmatched
 * segments in ascending order.
 *
 * @example
 * ```ts
 * import { columnOrder } from "./_compare.ts";
 * const t = { a: [0, 1], b: [0, 1, 2], counts: [[0, 8, 1], [6, 0, 2]] };
 * const order = columnOrder(t, [{ a: 0, b: 1, customers: 8 }, { a: 1, b: 0, customers: 6 }]);
 * if (order.join() !== "1,0,2") throw new Error(order.join());
 * ```
 */
export function columnOrder(t: Transition, matching: readonly SegmentMatch[]): number[] {
  const matched = t.a.flatMap((s) => matching.filter((m) => m.a === s).map((m) => m.b));
  return [...matched, ...t.b.filter((s) => !matched.includes(s))];
}
