/**
 * Run history: every run's config, seed, key metrics, timings, assignments and segment names in
 * one SQLite file (default `runs/history.sqlite`), so two runs can be compared after their
 * folders were overwritten: what changed in the config, how the quality metrics and the timings
 * moved, and where customers went, segment by named segment.
 *
 * @module
 */

export {
  columnOrder,
  compareRuns,
  type ConfigChange,
  DEFAULT_HISTORY,
  findRun,
  formatComparison,
  formatRunsTable,
  KEY_METRICS,
  type KeyMetric,
  listRuns,
  matchSegments,
  type MetricDelta,
  recordRun,
  type RunComparison,
  type RunRow,
  type SegmentMatch,
  type Transition,
  transitionRows,
  type TransitionRowsOptions,
  transitionTable,
} from "./history.ts";
