/**
 * Run history: every run's config, seed, key metrics and assignments in one SQLite file
 * (default `runs/history.sqlite`), so two runs can be compared after their folders were
 * overwritten: what changed in the config, how the metrics moved, and where customers went.
 *
 * @module
 */

export {
  compareRuns,
  type ConfigChange,
  DEFAULT_HISTORY,
  findRun,
  formatComparison,
  formatRunsTable,
  KEY_METRICS,
  listRuns,
  matchSegments,
  type MetricDelta,
  recordRun,
  type RunComparison,
  type RunRow,
  type SegmentMatch,
  type Transition,
  transitionRows,
  transitionTable,
} from "./history.ts";
