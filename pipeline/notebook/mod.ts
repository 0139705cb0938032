/**
 * Display helpers for Jupyter notebooks on the Deno kernel. The kernel shows any value that has
 * a `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle, so these helpers wrap a
 * table, a chart, HTML or Markdown in such an object. The HTML is static (no JavaScript), so it
 * renders in JupyterLab, VS Code, nbconvert exports and on GitHub alike.
 *
 * @module
 */

export {
  chart,
  ChartDisplay,
  Displayable,
  escapeHtml,
  format,
  formatNumber,
  html,
  JUPYTER_DISPLAY,
  markdown,
  type MimeBundle,
  table,
  type TableOptions,
} from "./display.ts";
export {
  type ArtifactTypes,
  type ClassifySummary,
  type ClusterSummary,
  type ConfigPatch,
  ENV_PREFIX,
  envName,
  featureSummary,
  type FeatureSummaryRow,
  loadRun,
  maskingCounts,
  type MaskingRow,
  params,
  personaNames,
  type RerunOptions,
  rerunStage,
  runConfig,
  type RunView,
  segmentProfile,
  type SegmentProfileOptions,
  stageRows,
} from "./notebook.ts";
export {
  type CellError,
  listNotebooks,
  NOTEBOOK_DIR,
  NotebookError,
  type NotebookOptions,
  type NotebookResult,
  runNotebooks,
  scanNotebook,
} from "./notebooks.ts";
