/**
 * DBSCAN as a cluster method: density segments with noise, eps from the k-distance knee or
 * given, and new rows joining the segment of the nearest kept core row within eps.
 *
 * @module
 */

import { anyOf, bool, int, num, oneOf, type OptionsOf, ownedBy, withDefault } from "../options.ts";
import { attachNoise, flatten, keptCores, renumberBySize, segmentMeans } from "./_model.ts";
import { dbscan, type EpsSuggestion, suggestEps } from "./_dbscan.ts";
import { buildKdTree, knnQuery, queryScratch } from "./_kdtree.ts";
import type { ClusterMethod, ClusterModelBase, FitSettings, Step, Warn } from "./_method.ts";
import type { Matrix } from "../types.ts";

/** Options of DBSCAN; messages name "dbscan" as their owner. */
export const DBSCAN_RULES = {
  eps: ownedBy(
    "dbscan",
    withDefault(
      anyOf(oneOf("auto"), num(0, Infinity, true)),
      "auto" as number | "auto",
      'DBSCAN radius (inclusive), or "auto" for the k-distance knee',
    ),
  ),
  minSamples: ownedBy(
    "dbscan",
    withDefault(int(1), 5, "Rows (the row itself included) within eps that make a row core"),
  ),
  attachNoise: ownedBy(
    "dbscan",
    withDefault(
      bool(),
      false,
      "Also return a labelling with noise attached to the nearest core row's segment",
    ),
  ),
  maxCorePoints: ownedBy(
    "dbscan",
    withDefault(
      int(1),
      5000,
      "Core rows a DBSCAN model keeps for assigning new rows (seeded sample beyond)",
    ),
  ),
  epsRows: ownedBy(
    "dbscan",
    withDefault(
      int(2),
      5000,
      'Rows the k-distance curve is measured on ("auto" eps; seeded sample beyond)',
    ),
  ),
};

type Settings = FitSettings & OptionsOf<typeof DBSCAN_RULES>;

/**
 * A fitted DBSCAN model. It keeps core rows of the scaled matrix (at most `maxCorePoints`, a
 * seeded sample with at least one core row per segment when there were more) and their
 * segments: a new row joins the segment of its nearest kept core row when that row lies within
 * eps, as it would have been reached during the fit; otherwise it is noise. Fewer kept core rows
 * mean rows near a segment's edge may come back as noise.
 */
export interface DbscanModel extends ClusterModelBase {
  method: "dbscan";
  eps: number;
  minSamples: number;
  segments: number;
  corePoints: number[][];
  coreLabels: number[];
  /** Core rows found by the fit, before capping. */
  coreRows: number;
  /** Mean of each segment's rows (noise excluded), for profiles and plots. */
  centroids: number[][];
}

/** DBSCAN segmentation: labels numbered by size (noise -1), the model, eps and the core rows. */
function segmentDbscan(
  m: Matrix,
  o: Settings,
  warn: Warn,
  step: Step,
): { labels: Int32Array; model: DbscanModel; eps?: EpsSuggestion; attached?: Int32Array } {
  const { rows: n, cols: d, data } = m;
  if (n < o.minSamples) {
    warn(`Only ${n} rows for minSamples = ${o.minSamples}: every row is noise`);
  }
  let eps: EpsSuggestion | undefined, epsValue: number;
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
  const attached = o.attachNoise ? attachNoise(data, n, d, labels, run.core) : undefined;
  return { labels, model, ...(eps ? { eps } : {}), ...(attached ? { attached } : {}) };
}

/** DBSCAN: density segments; rows in no dense region are noise (−1). */
export const DBSCAN: ClusterMethod<DbscanModel, typeof DBSCAN_RULES> = {
  name: "dbscan",
  summary: "density segments, with noise",
  noise: true,
  rules: DBSCAN_RULES,
  steps: (o) => (o as Settings).eps === "auto" ? 2 : 1,
  segment: (m, o, warn, step) => segmentDbscan(m, o as Settings, warn, step),
  refit: (model, _o, d) => (sub, rows) => dbscan(sub, rows, d, model.eps, model.minSamples).labels,
  stabilityNote: (_model, _o, n, sampleRows) =>
    n > sampleRows
      ? `Stability refits DBSCAN on ${sampleRows} of ${n} rows with the same eps and ` +
        "minSamples: sparser samples make it pessimistic"
      : undefined,
  assign(model, data, n, attach) {
    const d = model.cols;
    const labels = new Int32Array(n);
    const m = model.corePoints.length;
    if (m === 0) return labels.fill(-1);
    const tree = buildKdTree(flatten(model.corePoints, d), m, d);
    const s = queryScratch(tree, 1);
    const r2 = model.eps * model.eps;
    for (let i = 0; i < n; i++) {
      knnQuery(tree, data, i * d, 1, s);
      labels[i] = attach || s.dist[0] <= r2 ? model.coreLabels[tree.index[s.out[0]]] : -1;
    }
    return labels;
  },
  segments: (model) => model.segments,
};
