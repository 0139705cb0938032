/**
 * The main job: run the stage table over a dataset config into a run folder and write the run's
 * manifest (config and its hash, input file hashes, seed, versions, per-stage timings, row
 * counts, cache hits and warnings). The CLI and the notebooks both call {@link runJob}.
 *
 * @module
 */

export {
  artifactExists,
  type ArtifactSpec,
  loadArtifact,
  writeCsvFile,
  writeParquetFile,
} from "./_artifacts.ts";
export { csvSafe, csvUnsafe } from "./_csv.ts";
export { lockRunFolder, type RunLock } from "./_lock.ts";
export {
  configFile,
  type JobOptions,
  type Manifest,
  mergeWarnings,
  runFolder,
  runJob,
  RUNS_ROOT,
} from "./job.ts";
export {
  buildGraph,
  codeClosure,
  fileHash,
  type RunOptions,
  runPipeline,
  type Stage,
  type StageContext,
  type StageEvent,
  type StageRecord,
  type StageRun,
} from "./run.ts";
export { STAGES } from "./stages.ts";
