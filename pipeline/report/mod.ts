/**
 * The report: one self-contained HTML file per run that a data scientist can send to a marketing
 * lead. Charts are inline SVG, the stylesheet is inline, nothing is loaded from the network and
 * no script runs. Sections: overview (data set, rows, quality, warnings shown first), segments at
 * a glance, a card per persona, what the segments are worth and campaign results by segment
 * (when the run has them), model quality, what drives the segments, choosing k, and how to
 * reproduce the run. The same inputs give the same bytes.
 *
 * @module
 */

export {
  buildReport,
  escapeHtml,
  type ReportInputs,
  type ReportLanguage,
  type ReportManifest,
  type ReportTableSummary,
  type ReportUplift,
  type ReportValue,
} from "./report.ts";
