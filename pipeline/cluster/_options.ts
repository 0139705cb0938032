/**
 * Options of the cluster stage: the type, the one const of defaults and the one table of
 * constraints that validates them and words the messages.
 *
 * @module
 */

import { closest } from "../errors.ts";
import type { OnProgress } from "../progress.ts";

/** Settings of the cluster stage. Every field is optional when calling; defaults below. */
export interface ClusterOptions {
  /** "kmeans" (centroid segments) or "dbscan" (density segments, with noise). @default "kmeans" */
  method: "kmeans" | "dbscan";
  /** Number of K-Means segments, or "auto" to choose it in [kMin, kMax]. @default "auto" */
  k: number | "auto";
  /** Smallest k tried by "auto". @default 2 */
  kMin: number;
  /** Largest k tried by "auto" (lowered to rows − 1 with a warning when larger). @default 10 */
  kMax: number;
  /** Silhouettes this close to the best count as a tie, won by the smaller k. @default 0.01 */
  kTolerance: number;
  /** "auto" only considers k whose smallest segment holds this share of rows. @default 0.02 */
  minSegmentShare: number;
  /** Seed of every random step (seeding, samples, bootstrap). @default 0 */
  seed: number;
  /** K-Means restarts; the lowest inertia is kept. @default 4 */
  nInit: number;
  /** Most Lloyd iterations per restart (mini-batch: passes over the data). @default 300 */
  maxIter: number;
  /** Stop when the summed squared centre shift ≤ tol × mean column variance. @default 1e-4 */
  tol: number;
  /** "lloyd" (exact, with Hamerly's bounds) or "minibatch" (faster on large n, approximate). @default "lloyd" */
  algorithm: "lloyd" | "minibatch";
  /** Rows per mini-batch. @default 1024 */
  batchSize: number;
  /** DBSCAN radius (inclusive), or "auto" for the k-distance knee. @default "auto" */
  eps: number | "auto";
  /** Rows (the row itself included) within eps that make a row core. @default 5 */
  minSamples: number;
  /** Also return a labelling with noise attached to the nearest core row's segment. @default false */
  attachNoise: boolean;
  /** Core rows a DBSCAN model keeps for assigning new rows (seeded sample beyond). @default 5000 */
  maxCorePoints: number;
  /** Rows the k-distance curve is measured on ("auto" eps; seeded sample beyond). @default 5000 */
  epsRows: number;
  /** Silhouettes are exact up to this many rows, else on a seeded sample of that size. @default 5000 */
  silhouetteRows: number;
  /** Measure bootstrap stability. @default true */
  stability: boolean;
  /** Bootstrap replicates. @default 20 */
  stabilityReplicates: number;
  /** Rows drawn per replicate (all rows up to this many). @default 5000 */
  stabilityRows: number;
  /** Told after each step: steps done, steps in all, what was done. */
  onProgress?: OnProgress;
}

/** The defaults of {@link ClusterOptions}, merged once at the start of the stage. */
export const CLUSTER_DEFAULTS: Readonly<Omit<ClusterOptions, "onProgress">> = {
  method: "kmeans",
  k: "auto",
  kMin: 2,
  kMax: 10,
  kTolerance: 0.01,
  minSegmentShare: 0.02,
  seed: 0,
  nInit: 4,
  maxIter: 300,
  tol: 1e-4,
  algorithm: "lloyd",
  batchSize: 1024,
  eps: "auto",
  minSamples: 5,
  attachNoise: false,
  maxCorePoints: 5000,
  epsRows: 5000,
  silhouetteRows: 5000,
  stability: true,
  stabilityReplicates: 20,
  stabilityRows: 5000,
};

const isInt = (v: unknown, min: number, max = Infinity) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number) => typeof v === "number" && Number.isFinite(v) && v >= min;
const isPositive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;

/** One constraint: which method it belongs to (the message names it), the key, the words, the test. */
type Rule = [
  owner: "cluster" | "kmeans" | "dbscan",
  key: string,
  says: string,
  ok: (v: unknown) => boolean,
];

const RULES: Rule[] = [
  ["cluster", "method", '"kmeans" or "dbscan"', (v) => v === "kmeans" || v === "dbscan"],
  ["cluster", "seed", "an integer", (v) => isInt(v, -(2 ** 53))],
  ["cluster", "silhouetteRows", "an integer ≥ 2", (v) => isInt(v, 2)],
  ["cluster", "stability", "true or false", (v) => typeof v === "boolean"],
  ["cluster", "stabilityReplicates", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["cluster", "stabilityRows", "an integer ≥ 2", (v) => isInt(v, 2)],
  ["kmeans", "k", '"auto" or an integer ≥ 1', (v) => v === "auto" || isInt(v, 1)],
  ["kmeans", "kMin", "an integer ≥ 2", (v) => isInt(v, 2)],
  ["kmeans", "kMax", "an integer ≥ 2", (v) => isInt(v, 2)],
  ["kmeans", "kTolerance", "a number ≥ 0", (v) => isNum(v, 0)],
  ["kmeans", "minSegmentShare", "a number in [0, 0.5]", (v) => isNum(v, 0) && (v as number) <= 0.5],
  ["kmeans", "nInit", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["kmeans", "maxIter", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["kmeans", "tol", "a number ≥ 0", (v) => isNum(v, 0)],
  ["kmeans", "algorithm", '"lloyd" or "minibatch"', (v) => v === "lloyd" || v === "minibatch"],
  ["kmeans", "batchSize", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["dbscan", "eps", '"auto" or a number > 0', (v) => v === "auto" || isPositive(v)],
  ["dbscan", "minSamples", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["dbscan", "attachNoise", "true or false", (v) => typeof v === "boolean"],
  ["dbscan", "maxCorePoints", "an integer ≥ 1", (v) => isInt(v, 1)],
  ["dbscan", "epsRows", "an integer ≥ 2", (v) => isInt(v, 2)],
];

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** Merges the given options over the defaults once and validates every one of them. */
export function resolveClusterOptions(input: Partial<ClusterOptions> = {}): ClusterOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const known = new Set([...Object.keys(CLUSTER_DEFAULTS), "onProgress"]);
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const near = closest(key, known);
      throw new TypeError(
        `Unknown option '${key}' of cluster${near ? ` (did you mean '${near}'?)` : ""}`,
      );
    }
  }
  const o: ClusterOptions = { ...CLUSTER_DEFAULTS, ...given };
  for (const [owner, key, says, ok] of RULES) {
    const v = (o as unknown as Record<string, unknown>)[key];
    if (!ok(v)) {
      throw new RangeError(
        `The '${key}' option of ${owner} must be ${says}. Got ${show(v)} instead`,
      );
    }
  }
  if (o.kMax < o.kMin) {
    throw new RangeError(
      `The 'kMax' option of kmeans must be ≥ kMin (${o.kMin}). Got ${o.kMax} instead`,
    );
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new TypeError(`The 'onProgress' option of cluster must be a function`);
  }
  return o;
}
