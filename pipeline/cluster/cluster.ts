/**
 * The cluster stage: segments customers from the scaled matrix with K-Means (k fixed or chosen
 * by silhouette) or DBSCAN, scores the segments, measures their bootstrap stability, and returns
 * a JSON model that assigns new customers.
 *
 * Segments are numbered by decreasing size (ties: the segment whose first row comes first), so
 * segment 0 is always the largest; DBSCAN noise is -1 and is counted in every output.
 *
 * @module
 */

import { type ClusterModel, methodOf } from "./_methods.ts";
import type { ClusterMethod, ClusterModelBase, FitSettings } from "./_method.ts";
import { CLUSTER_DEFAULTS, type ClusterOptions, resolveClusterOptions } from "./options.ts";
import { type KChoice, type KScore, segmentSilhouettes } from "./_select.ts";
import { bootstrapStability, type Stability } from "./_stability.ts";
import type { EpsSuggestion } from "./_dbscan.ts";
import type { Matrix, StageResult, StageWarning } from "../types.ts";

export { CLUSTER_DEFAULTS, type ClusterOptions };
export type { ClusterModel, EpsSuggestion, KChoice, KScore, Stability };
export type { KMeansModel } from "./_kmeans_method.ts";
export type { DbscanModel } from "./_dbscan_method.ts";
export type { SegmentStability } from "./_stability.ts";
export {
  adjustedRandIndex,
  calinskiHarabasz,
  daviesBouldin,
  normalizedMutualInfo,
  silhouetteSamples,
} from "./_metrics.ts";
export { renumberBySize } from "./_model.ts";

/** Rows of one segment (segment -1 is DBSCAN noise). */
export interface SegmentSize {
  segment: number;
  rows: number;
  share: number;
}

/** Mean silhouette of one segment, over the rows the silhouette was computed on. */
export interface SegmentSilhouette {
  segment: number;
  silhouette: number;
  rows: number;
}

/** What the cluster stage returns. */
export interface ClusterOutputs {
  model: ClusterModel;
  /** Segment per matrix row; -1 is noise (DBSCAN only). */
  labels: Int32Array;
  /** With `attachNoise`: the labelling with noise attached to the nearest core row's segment. */
  attachedLabels: Int32Array | null;
  /** Segments found (noise not counted). */
  segments: number;
  /** Rows labelled noise. */
  noise: number;
  /** Per segment, largest first; DBSCAN adds a row for noise (segment -1). */
  sizes: SegmentSize[];
  /** Mean silhouette over non-noise rows (sampled when many); null with fewer than 2 segments. */
  silhouette: number | null;
  silhouetteRows: number;
  silhouettePerSegment: SegmentSilhouette[];
  /** Scores of every k tried when k was "auto". */
  kSelection: KScore[] | null;
  /** How k was chosen when k was "auto": the rule's outcome and the runner-up. */
  kChoice: KChoice | null;
  /** The k-distance curve and knee when eps was "auto". */
  eps: EpsSuggestion | null;
  stability: Stability | null;
  /** The customer ids given with the matrix, in row order. */
  customerIds: string[] | null;
}

const STAGE = "cluster";

/** Checks shape and values; returns nothing or throws a message naming the row and column. */
function checkMatrix(m: Matrix): void {
  if (m.rows < 1) {
    throw new RangeError("The matrix given to cluster has 0 rows; at least 1 is needed");
  }
  if (m.cols < 1) {
    throw new RangeError("The matrix given to cluster has 0 columns; at least 1 is needed");
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new TypeError(
      `The matrix given to cluster has ${m.data.length} values, expected rows × cols = ${
        m.rows * m.cols
      }`,
    );
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      const r = Math.floor(i / m.cols), c = i % m.cols;
      const name = m.columns?.[c] ? ` ('${m.columns[c]}')` : "";
      throw new TypeError(
        `The matrix given to cluster has a non-finite value at row ${r + 1}, column ${
          c + 1
        }${name}: ${m.data[i]}`,
      );
    }
  }
}

/**
 * Segments the rows of a scaled matrix. K-Means with `k: "auto"` fits every k in
 * [kMin, kMax], scores each (silhouette, Davies–Bouldin, Calinski–Harabasz, inertia) and keeps
 * the k with the best silhouette among fits whose smallest segment holds `minSegmentShare` of
 * the rows (near-ties within `kTolerance` go to the smaller k). DBSCAN with
 * `eps: "auto"` takes eps at the knee of the k-distance curve. Same matrix, options and seed give
 * the same labels bit for bit.
 *
 * @param matrix Scaled features, one row per customer (the matrix stage's output).
 * @param options See {@link ClusterOptions}; defaults in {@link CLUSTER_DEFAULTS}.
 * @param ids Customer ids in row order, passed through to the outputs.
 *
 * @example
 * ```ts
 * import { fromRows } from "../types.ts";
 * import { clusterStage } from "./cluster.ts";
 * const m = fromRows([[0, 0], [0, 1], [10, 10], [10, 11], [10, 12]]);
 * const { outputs } = clusterStage(m, { k: 2, stability: false });
 * if (outputs.labels.join() !== "1,1,0,0,0") throw new Error("segment 0 should be the largest");
 * ```
 */
export function clusterStage(
  matrix: Matrix,
  options: Partial<ClusterOptions> = {},
  ids?: string[],
): StageResult<ClusterOutputs> {
  const o = resolveClusterOptions(options);
  checkMatrix(matrix);
  if (ids !== undefined && ids.length !== matrix.rows) {
    throw new TypeError(
      `The cluster stage got ${ids.length} customer ids for ${matrix.rows} matrix rows`,
    );
  }
  const warnings: StageWarning[] = [];
  const warn = (message: string, count?: number) =>
    warnings.push({ stage: STAGE, message, ...(count === undefined ? {} : { count }) });
  const { rows: n, cols: d, data } = matrix;
  const plan = progressPlan(o, n);
  let done = 0;
  const step = (label: string) => o.onProgress?.(++done, plan, label);

  const method = methodOf(o.method);
  const { labels, model, kSelection, kChoice, eps, attached } = method.segment(
    matrix,
    o as unknown as FitSettings,
    warn,
    step,
  );
  const segments = method.segments(model);
  const noise = labels.reduce((a, l) => a + (l < 0 ? 1 : 0), 0);
  if (noise > 0) warn(`${noise} rows are noise (label -1)`, noise);
  if (attached) {
    if (noise > 0 && segments > 0) {
      warn(
        `attachNoise: ${noise} noise rows attached to the segment of their nearest core row ` +
          "in 'attachedLabels'; 'labels' keeps them as -1",
        noise,
      );
    }
  }
  const sil = segmentSilhouettes(data, d, labels, segments, o.silhouetteRows, o.seed);
  if (sil.score === null && segments < 2) {
    warn(`Silhouette is undefined with ${segments} segment(s)`);
  }
  step("scores");

  const stability = o.stability
    ? measureStability(matrix, o, method, labels, model, warn, step)
    : null;
  return {
    outputs: {
      model: model as ClusterModel,
      labels,
      attachedLabels: attached ?? null,
      segments,
      noise,
      sizes: sizesOf(labels, segments, method.noise),
      silhouette: sil.score,
      silhouetteRows: sil.rows,
      silhouettePerSegment: sil.perSegment,
      kSelection: kSelection ?? null,
      kChoice: kChoice ?? null,
      eps: eps ?? null,
      stability,
      customerIds: ids ? [...ids] : null,
    },
    warnings,
  };
}

/** Bootstrap stability with the same method and settings as the fit (k fixed to the one found). */
function measureStability(
  m: Matrix,
  o: ClusterOptions,
  method: ClusterMethod<ClusterModelBase>,
  labels: Int32Array,
  model: ClusterModelBase,
  warn: (message: string) => void,
  step: (label: string) => void,
): Stability {
  const { rows: n, cols: d, data } = m;
  const settings = o as unknown as FitSettings;
  const note = method.stabilityNote?.(model, settings, n, o.stabilityRows);
  if (note) warn(note);
  const refit = method.refit(model, settings, d);
  return bootstrapStability(data, n, d, labels, refit, {
    replicates: o.stabilityReplicates,
    maxRows: o.stabilityRows,
    seed: o.seed,
  }, (b) => step(`stability ${b}/${o.stabilityReplicates}`));
}

function progressPlan(o: ClusterOptions, n: number): number {
  const fits = methodOf(o.method).steps(o as unknown as FitSettings, n);
  return fits + 1 + (o.stability ? o.stabilityReplicates : 0);
}

function sizesOf(labels: Int32Array, segments: number, withNoise: boolean): SegmentSize[] {
  const count = new Float64Array(segments);
  let noise = 0;
  for (const l of labels) l < 0 ? noise++ : count[l]++;
  const n = labels.length;
  const out = Array.from(count, (rows, segment) => ({ segment, rows, share: rows / n }));
  if (withNoise) out.push({ segment: -1, rows: noise, share: noise / n });
  return out;
}

/**
 * Mean silhouette overall and per segment of a labelling of the matrix rows, noise (-1)
 * excluded; exact up to `maxRows` rows, else on a seeded sample of that many.
 *
 * @example
 * ```ts
 * import { fromRows } from "../types.ts";
 * import { silhouetteScores } from "./cluster.ts";
 * const m = fromRows([[0], [1], [4], [6], [50]]);
 * const s = silhouetteScores(m, new Int32Array([0, 0, 1, 1, -1]));
 * // Hand-worked: (4/5 + 3/4 + 3/7 + 7/11) / 4 over the four non-noise rows.
 * if (Math.abs(s.score! - (4 / 5 + 3 / 4 + 3 / 7 + 7 / 11) / 4) > 1e-12) throw new Error();
 * ```
 */
export function silhouetteScores(
  matrix: Matrix,
  labels: Int32Array,
  options: { maxRows?: number; seed?: number } = {},
): { score: number | null; rows: number; perSegment: SegmentSilhouette[] } {
  const segments = labels.reduce((a, l) => Math.max(a, l + 1), 0);
  const maxRows = options.maxRows ?? CLUSTER_DEFAULTS.silhouetteRows;
  return segmentSilhouettes(matrix.data, matrix.cols, labels, segments, maxRows, options.seed ?? 0);
}

/**
 * Fits a cluster model without the stage's scores and stability: the `fitX` half of
 * fit/apply. Same options as {@link clusterStage}.
 *
 * @example
 * ```ts
 * import { fromRows } from "../types.ts";
 * import { fitCluster } from "./cluster.ts";
 * const model = fitCluster(fromRows([[0], [1], [10], [11], [12]]), { k: 2 });
 * if (model.method !== "kmeans" || model.centers[0][0] !== 11) throw new Error();
 * ```
 */
export function fitCluster(matrix: Matrix, options: Partial<ClusterOptions> = {}): ClusterModel {
  return clusterStage(matrix, { ...options, stability: false }).outputs.model;
}

/**
 * Assigns rows (new customers, scaled by the same matrix model) to the segments of a fitted
 * model: the nearest centre for K-Means; for DBSCAN the segment of the nearest kept core row
 * within eps, else -1 (or that segment regardless of distance with `attachNoise: true`).
 *
 * @example
 * ```ts
 * import { fromRows } from "../types.ts";
 * import { assignClusters, fitCluster } from "./cluster.ts";
 * const model = fitCluster(fromRows([[0], [1], [10], [11], [12]]), { k: 2 });
 * const seg = assignClusters(model, fromRows([[0.5], [11.5]]));
 * if (seg.join() !== "1,0") throw new Error("wrong segments");
 * ```
 */
export function assignClusters(
  model: ClusterModel,
  matrix: Matrix,
  options: { attachNoise?: boolean } = {},
): Int32Array {
  if (model?.kind !== "personae.cluster") {
    throw new TypeError("assignClusters needs a cluster model (kind 'personae.cluster')");
  }
  const method = methodOf(model.method);
  if (matrix.cols !== model.cols) {
    throw new TypeError(
      `The matrix has ${matrix.cols} columns but the cluster model was fitted on ${model.cols}`,
    );
  }
  if (model.columns && matrix.columns) {
    const j = model.columns.findIndex((c, i) => matrix.columns![i] !== c);
    if (j >= 0) {
      throw new TypeError(
        `Column ${j + 1} of the matrix is '${matrix.columns[j]}' but the cluster model expects '${
          model.columns[j]
        }'`,
      );
    }
  }
  if (matrix.rows === 0) return new Int32Array(0);
  checkMatrix(matrix);
  return method.assign(model, matrix.data, matrix.rows, options.attachNoise ?? false);
}
