/**
 * K-Means as a cluster method: k fixed or chosen from the data, exact Lloyd (Hamerly bounds) or
 * mini-batch, and the nearest-centre rule for new rows.
 *
 * @module
 */

import { anyOf, int, num, oneOf, type OptionsOf, ownedBy, withDefault } from "../options.ts";
import { flatten, renumberBySize, toRows } from "./_model.ts";
import { type KChoice, type KScore, pickK, sampleRows, scoreFit } from "./_select.ts";
import { bootstrapStability } from "./_stability.ts";
import { assignNearest, kmeans, type KMeansRun } from "./_kmeans.ts";
import { miniBatchKMeans } from "./_kmeans_minibatch.ts";
import type { ClusterMethod, ClusterModelBase, FitSettings, Step, Warn } from "./_method.ts";
import type { Matrix } from "../types.ts";

/** Options of K-Means; messages name "kmeans" as their owner. */
export const KMEANS_RULES = {
  k: ownedBy(
    "kmeans",
    withDefault(
      anyOf(oneOf("auto"), int(1)),
      "auto" as number | "auto",
      'Number of K-Means segments, or "auto" to choose it in [kMin, kMax]',
    ),
  ),
  kMin: ownedBy("kmeans", withDefault(int(2), 3, 'Smallest k tried by "auto"')),
  kMax: ownedBy(
    "kmeans",
    withDefault(
      int(2),
      8,
      'Largest k tried by "auto" (lowered to rows − 1 with a warning when larger)',
    ),
  ),
  kTolerance: ownedBy(
    "kmeans",
    withDefault(
      num(0),
      0.01,
      "Silhouettes this close to the best count as a tie, won by the more stable k",
    ),
  ),
  minSegmentShare: ownedBy(
    "kmeans",
    withDefault(
      num(0, 0.5),
      0.02,
      '"auto" only considers k whose smallest segment holds this share of rows',
    ),
  ),
  kStability: ownedBy(
    "kmeans",
    withDefault(
      num(0, 1),
      0.8,
      '"auto" only considers k whose segments come back in bootstrap refits with this mean ARI',
    ),
  ),
  kStabilityReplicates: ownedBy(
    "kmeans",
    withDefault(
      int(0),
      8,
      'Bootstrap refits per k for "auto" (0: choose by silhouette and size alone)',
    ),
  ),
  kStabilityRows: ownedBy(
    "kmeans",
    withDefault(int(10), 2000, 'Rows drawn per refit when "auto" measures the stability of each k'),
  ),
  nInit: ownedBy("kmeans", withDefault(int(1), 4, "K-Means restarts; the lowest inertia is kept")),
  maxIter: ownedBy(
    "kmeans",
    withDefault(
      int(1),
      300,
      "Most Lloyd iterations per restart (mini-batch: passes over the data)",
    ),
  ),
  tol: ownedBy(
    "kmeans",
    withDefault(
      num(0),
      1e-4,
      "Stop when the summed squared centre shift ≤ tol × mean column variance",
    ),
  ),
  algorithm: ownedBy(
    "kmeans",
    withDefault(
      oneOf("lloyd", "minibatch"),
      "lloyd",
      '"lloyd" (exact, with Hamerly bounds) or "minibatch" (faster on large n, approximate)',
    ),
  ),
  batchSize: ownedBy("kmeans", withDefault(int(1), 1024, "Rows per mini-batch")),
};

type Settings = FitSettings & OptionsOf<typeof KMEANS_RULES>;

/** A fitted K-Means model: one centre per segment, segment 0 the largest at fit time. */
export interface KMeansModel extends ClusterModelBase {
  method: "kmeans";
  /** Centre of segment s at index s, in the scaled feature space. */
  centers: number[][];
  inertia: number;
  iterations: number;
}

/** One K-Means fit with the stage's settings (exact Lloyd or mini-batch). */
function fitKMeans(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  o: Settings,
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
  o: Settings,
  warn: Warn,
  step: Step,
): { run: KMeansRun; table: KScore[]; choice: KChoice } {
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
    const score = scoreFit(data, n, d, k, r, sample);
    if (o.kStabilityReplicates > 0) {
      // Each k is refit on the same bootstrap samples (one seed), so their ARIs compare.
      score.stability = bootstrapStability(
        data,
        n,
        d,
        r.labels,
        (sub, rows, seed) => fitKMeans(sub, rows, d, Math.min(k, rows), o, seed).labels,
        { replicates: o.kStabilityReplicates, maxRows: o.kStabilityRows, seed: o.seed + 1 },
      ).meanAri;
    }
    table.push(score);
    step(`kmeans k=${k}`);
  }
  const { at, choice } = pickK(table, {
    tolerance: o.kTolerance,
    minShare: o.minSegmentShare,
    minStability: o.kStability,
  });
  if (at < 0 || !choice) {
    throw new RangeError(
      "Cannot choose k: no k in the range produced 2 or more distinct segments " +
        "(are all rows identical?)",
    );
  }
  if (choice.relaxedShare) {
    warn(
      `Every k from ${o.kMin} to ${kMax} left a segment under minSegmentShare ` +
        `(${o.minSegmentShare}); k was chosen among all of them`,
    );
  }
  if (choice.relaxedStability) {
    warn(
      `No k from ${o.kMin} to ${kMax} reached the stability bar (bootstrap ARI ${o.kStability}); ` +
        `k was chosen among those within 0.05 of the most stable (${
          choice.stabilityBar!.toFixed(2)
        })`,
    );
  }
  table[at].chosen = true;
  return { run: runs[at], table, choice };
}

/** K-Means segmentation: labels numbered by size, the model, and the k table when k was chosen. */
function segmentKMeans(
  m: Matrix,
  o: Settings,
  warn: Warn,
  step: Step,
): { labels: Int32Array; model: KMeansModel; kSelection?: KScore[]; kChoice?: KChoice } {
  const { rows: n, cols: d, data } = m;
  let run: KMeansRun, kSelection: KScore[] | undefined, kChoice: KChoice | undefined;
  if (o.k === "auto") {
    ({ run, table: kSelection, choice: kChoice } = chooseK(m, o, warn, step));
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
  return { labels: re.labels, model, ...(kSelection ? { kSelection, kChoice } : {}) };
}

/** K-Means: centroid segments, every row in one. */
export const KMEANS: ClusterMethod<KMeansModel, typeof KMEANS_RULES> = {
  name: "kmeans",
  summary: "centroid segments, every customer in one",
  noise: false,
  rules: KMEANS_RULES,
  steps(settings, n) {
    const o = settings as Settings;
    return o.k === "auto" ? Math.max(0, Math.min(o.kMax, n - 1) - o.kMin + 1) : 1;
  },
  segment: (m, o, warn, step) => segmentKMeans(m, o as Settings, warn, step),
  refit: (model, o, d) => (sub, rows, seed) =>
    fitKMeans(sub, rows, d, Math.min(model.centers.length, rows), o as Settings, seed).labels,
  assign(model, data, n) {
    const labels = new Int32Array(n);
    const d = model.cols;
    assignNearest(data, n, d, flatten(model.centers, d), model.centers.length, labels);
    return labels;
  },
  segments: (model) => model.centers.length,
};
