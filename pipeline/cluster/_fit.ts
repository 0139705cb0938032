/**
 * The two ways the cluster stage segments a matrix: K-Means (k fixed or chosen) and DBSCAN.
 * Each returns segment labels already numbered by size and the JSON model.
 *
 * @module
 */

import {
  type DbscanModel,
  keptCores,
  type KMeansModel,
  renumberBySize,
  segmentMeans,
  toRows,
} from "./_model.ts";
import type { ClusterOptions } from "./_options.ts";
import { type KScore, pickK, sampleRows, scoreFit } from "./_select.ts";
import { dbscan, type EpsSuggestion, suggestEps } from "./_dbscan.ts";
import { kmeans, type KMeansRun } from "./_kmeans.ts";
import { miniBatchKMeans } from "./_kmeans_minibatch.ts";
import type { Matrix } from "../types.ts";

type Warn = (message: string, count?: number) => void;
type Step = (label: string) => void;

/** One K-Means fit with the stage's settings (exact Lloyd or mini-batch). */
export function fitKMeans(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  o: ClusterOptions,
  seed: number,
): KMeansRun {
  const p = { k, nInit: o.nInit, maxIter: o.maxIter, tol: o.tol, seed };
  return o.algorithm === "minibatch"
    ? miniBatchKMeans(data, n, d, { ...p, batchSize: o.batchSize })
    : kmeans(data, n, d, p);
}

/** Fits every k of [kMin, kMax] (capped at rows − 1), scores each and keeps the chosen fit. */
function chooseK(
  m: Matrix,
  o: ClusterOptions,
  warn: Warn,
  step: Step,
): { run: KMeansRun; table: KScore[] } {
  const { rows: n, cols: d, data } = m;
  const kMax = Math.min(o.kMax, n - 1);
  if (kMax < o.kMin) {
    throw new RangeError(
      `The 'k' option of kmeans is "auto", which needs at least kMin + 1 = ${o.kMin + 1} rows. ` +
        `Got ${n} rows instead; pass a fixed k`,
    );
  }
  if (kMax < o.kMax) {
    warn(`kMax lowered from ${o.kMax} to ${kMax}: k cannot exceed rows − 1 (${n - 1})`);
  }
  // One sample for every k, so their silhouettes are comparable.
  const sample = sampleRows(data, n, d, o.silhouetteRows, o.seed);
  const runs: KMeansRun[] = [], table: KScore[] = [];
  for (let k = o.kMin; k <= kMax; k++) {
    const r = fitKMeans(data, n, d, k, o, o.seed);
    runs.push(r);
    table.push(scoreFit(data, n, d, k, r, sample));
    step(`kmeans k=${k}`);
  }
  const { at, relaxed } = pickK(table, o.kTolerance, o.minSegmentShare);
  if (relaxed && at >= 0) {
    warn(
      `Every k from ${o.kMin} to ${kMax} left a segment under minSegmentShare ` +
        `(${o.minSegmentShare}); k was chosen among all of them`,
    );
  }
  if (at < 0) {
    throw new RangeError(
      "Cannot choose k: no k in the range produced 2 or more distinct segments " +
        "(are all rows identical?)",
    );
  }
  table[at].chosen = true;
  return { run: runs[at], table };
}

/** K-Means segmentation: labels numbered by size, the model, and the k table when k was chosen. */
export function segmentKMeans(
  m: Matrix,
  o: ClusterOptions,
  warn: Warn,
  step: Step,
): { labels: Int32Array; model: KMeansModel; kSelection: KScore[] | null } {
  const { rows: n, cols: d, data } = m;
  let run: KMeansRun, kSelection: KScore[] | null = null;
  if (o.k === "auto") {
    ({ run, table: kSelection } = chooseK(m, o, warn, step));
  } else {
    if (o.k > n) {
      throw new RangeError(
        `The 'k' option of kmeans must be an integer between 1 and the number of rows (${n}). ` +
          `Got ${o.k} instead`,
      );
    }
    run = fitKMeans(data, n, d, o.k, o, o.seed);
    step(`kmeans k=${o.k}`);
  }
  const k = run.centers.length / d;
  if (!run.converged) warn(`K-Means stopped at maxIter (${o.maxIter}) before converging`);
  const re = renumberBySize(run.labels);
  const centers = new Array<number[]>(k);
  toRows(run.centers, k, d).forEach((c, old) => centers[re.map[old]] = c);
  const found = new Set(re.labels).size;
  if (found < k) {
    warn(
      `K-Means found only ${found} distinct segments of the ${k} asked (rows coincide); ` +
        "the rest are empty",
    );
  }
  const model: KMeansModel = {
    kind: "personae.cluster",
    version: 1,
    method: "kmeans",
    cols: d,
    ...(m.columns ? { columns: m.columns } : {}),
    centers,
    inertia: run.inertia,
    iterations: run.iterations,
  };
  return { labels: re.labels, model, kSelection };
}

/** DBSCAN segmentation: labels numbered by size (noise -1), the model, eps and the core rows. */
export function segmentDbscan(
  m: Matrix,
  o: ClusterOptions,
  warn: Warn,
  step: Step,
): { labels: Int32Array; model: DbscanModel; eps: EpsSuggestion | null; core: Uint8Array } {
  const { rows: n, cols: d, data } = m;
  if (n < o.minSamples) {
    warn(`Only ${n} rows for minSamples = ${o.minSamples}: every row is noise`);
  }
  let eps: EpsSuggestion | null = null, epsValue: number;
  if (o.eps === "auto") {
    eps = suggestEps(data, n, d, o.minSamples, o.seed, o.epsRows);
    epsValue = eps.eps;
    if (epsValue === 0) {
      warn(
        "The k-distance knee is at distance 0 (duplicate rows): eps = 0 keeps only exact " +
          "duplicates together",
      );
    }
    step(`eps = ${epsValue.toPrecision(4)}`);
  } else epsValue = o.eps;
  const run = dbscan(data, n, d, epsValue, o.minSamples);
  step(`dbscan found ${run.clusters} segments`);
  const { labels } = renumberBySize(run.labels);
  const kept = keptCores(run.core, labels, o.maxCorePoints, o.seed);
  const coreRows = run.core.reduce((a, b) => a + b, 0);
  if (kept.capped) {
    warn(
      `The DBSCAN model keeps ${kept.rows.length} of ${coreRows} core rows (maxCorePoints): ` +
        "new rows near segment edges may be assigned as noise",
    );
  }
  if (run.clusters === 0) {
    warn("DBSCAN found no segment: every row is noise (try a larger eps or a smaller minSamples)");
  }
  const model: DbscanModel = {
    kind: "personae.cluster",
    version: 1,
    method: "dbscan",
    cols: d,
    ...(m.columns ? { columns: m.columns } : {}),
    eps: epsValue,
    minSamples: o.minSamples,
    segments: run.clusters,
    corePoints: kept.rows.map((i) => Array.from(data.subarray(i * d, i * d + d))),
    coreLabels: kept.rows.map((i) => labels[i]),
    coreRows,
    centroids: segmentMeans(data, n, d, labels, run.clusters),
  };
  return { labels, model, eps, core: run.core };
}
