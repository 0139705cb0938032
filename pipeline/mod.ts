/**
 * Personae's public API: what notebooks and scripts import (`import { … } from "personae"`).
 * Each stage is a plain function over Polars frames and plain objects; the runner and the CLI
 * call the same functions, so a notebook that calls them in order gets the run's artifacts.
 *
 * The list is curated: a stage folder's own `mod.ts` (for example `personae/cluster/mod.ts`)
 * has the rest of its public names.
 *
 * @example
 * ```ts
 * import { buildMatrix, clusterStage } from "./mod.ts";
 * import pl from "nodejs-polars";
 * const features = pl.DataFrame({
 *   customer_id: ["a", "b", "c", "d", "e", "f"],
 *   spend: [1, 1.2, 0.9, 10, 10.5, 9.8],
 * });
 * const meta = [{ name: "spend", description: "Spend", unit: "", group: "purchase" as const,
 *   kind: "numeric" as const }];
 * const { matrix } = buildMatrix(features, meta).outputs;
 * const seg = clusterStage(matrix, { k: 2, stability: false }).outputs;
 * if (seg.segments !== 2) throw new Error("two groups expected");
 * ```
 *
 * @module
 */

// Shapes, errors and configs every stage shares.
export type {
  FeatureGroup,
  FeatureMeta,
  Matrix,
  SparseRows,
  StageResult,
  StageWarning,
  Tables,
} from "./types.ts";
export { fromRows, zeros } from "./types.ts";
export { InputError } from "./errors.ts";
export { type Config, loadConfig, type LoadedConfig, parseConfig } from "./config.ts";
export { maskPii, pseudonymize } from "./privacy.ts";

// The stages, in data-flow order.
export { ingest, type IngestOutputs } from "./ingest/mod.ts";
export { buildFeatures, type FeaturesOptions } from "./features/mod.ts";
export { applyText, fitText, type TextModel, type TextOptions } from "./text/mod.ts";
export {
  applyMatrix,
  buildMatrix,
  fitMatrix,
  type MatrixModel,
  type MatrixOptions,
  rawLevels,
  rawMatrix,
  withTextFeatures,
} from "./matrix/mod.ts";
export {
  adjustedRandIndex,
  assignClusters,
  type ClusterModel,
  type ClusterOptions,
  type ClusterOutputs,
  clusterStage,
  fitCluster,
  silhouetteSamples,
} from "./cluster/mod.ts";
export {
  type ClassifierModel,
  type ClassifyOptions,
  classifyStage,
  fitClassifier,
  predict,
  predictProba,
} from "./classify/mod.ts";
export { type ImportanceOutputs, importanceStage, segmentDrivers } from "./importance/mod.ts";
export {
  type EvaluateOptions,
  evaluateStage,
  type ExperimentOutputs,
  experimentStage,
} from "./evaluate/mod.ts";
export { upliftBySegment, type UpliftResult } from "./uplift/mod.ts";
export {
  customerValue,
  fitBgNbd,
  fitGammaGamma,
  holdoutComparison,
  summarizeOrders,
  valueStage,
  type ValueSummary,
} from "./value/mod.ts";
export {
  buildPersonas,
  type Persona,
  personasMarkdown,
  type PersonasOptions,
} from "./personas/mod.ts";
export {
  categoryMixChart,
  confusionChart,
  countSegments,
  heatmapChart,
  importanceChart,
  kSelectionChart,
  meanIntervals,
  outcomeRateChart,
  pca2d,
  segmentMapChart,
  segmentSizesChart,
  segmentValueChart,
  sentimentChart,
  silhouetteChart,
  toPng,
  trackingChart,
  upliftChart,
} from "./charts/mod.ts";
export { buildReport, type ReportInputs } from "./report/mod.ts";
export { score, type ScoringModel } from "./score/mod.ts";
export { applyPca, fitPca, type PcaModel, rng } from "./math/mod.ts";

// Running, reading runs back, and notebooks.
export { type Manifest, runJob, STAGES } from "./runner/mod.ts";
export {
  columnOrder,
  compareRuns,
  listRuns,
  matchSegments,
  transitionRows,
  transitionTable,
} from "./history/mod.ts";
export {
  chart,
  featureSummary,
  loadRun,
  markdown,
  maskingCounts,
  params,
  personaNames,
  rerunStage,
  type RunView,
  segmentProfile,
  stageRows,
  table,
} from "./notebook/mod.ts";
