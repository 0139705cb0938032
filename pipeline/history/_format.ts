/**
 * Console text for the run history: the runs table and a comparison of two runs.
 *
 * @module
 */

import type { ConfigChange, Transition } from "./_compare.ts";
import type { MetricDelta, RunComparison, RunRow } from "./history.ts";
import { maxOf } from "../math/mod.ts";

/** Numbers as they read best in a terminal: integers whole, the rest to `digits` decimals. */
function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return "–";
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

function signed(v: number | null, digits = 3): string {
  if (v === null) return "–";
  if (v === 0) return "0";
  return (v > 0 ? "+" : "") + num(v, digits);
}

/** Aligns cells into columns: columns of numbers (or dashes) to the right, the rest left. */
function grid(rows: string[][], indent = ""): string {
  const widths = rows[0].map((_, j) => maxOf(rows.map((r) => [...r[j]].length)));
  const isNumber = (t: string) => /^[-+]?\d+(\.\d+)?%?$|^–$/.test(t);
  const right = rows[0].map((_, j) =>
    rows.length > 1 && rows.slice(1).every((r) => isNumber(r[j]))
  );
  return rows.map((r) =>
    indent + r.map((t, j) => {
      const pad = " ".repeat(widths[j] - [...t].length);
      return right[j] ? pad + t : t + pad;
    }).join("  ").trimEnd()
  ).join("\n");
}

/** "2026-01-31 12:00" from an ISO time (UTC, as stored). */
function when(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

/**
 * The runs as a text table: id, folder, config name, when it finished, seed, config hash (first
 * 8 characters), segments, silhouette, macro-F1, rows and seconds.
 */
export function formatRunsTable(runs: readonly RunRow[]): string {
  if (runs.length === 0) return "No runs recorded yet.";
  const head = [
    "id",
    "folder",
    "name",
    "finished (UTC)",
    "seed",
    "config",
    "segments",
    "silhouette",
    "macro-F1",
    "rows",
    "seconds",
  ];
  return grid([
    head,
    ...runs.map((r) => [
      String(r.id),
      r.folder,
      r.name,
      when(r.finishedAt),
      String(r.seed),
      r.configHash.slice(0, 8),
      num(r.segments),
      num(r.silhouette),
      num(r.macroF1),
      num(r.rows),
      num(r.seconds, 1),
    ]),
  ]);
}

function value(v: unknown): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

function configLines(diff: readonly ConfigChange[]): string {
  if (diff.length === 0) return "Config: identical";
  return `Config changes (${diff.length}):\n` +
    grid(diff.map((d) => [d.path || "(whole config)", value(d.a), "→", value(d.b)]), "  ");
}

function metricLines(deltas: readonly MetricDelta[]): string {
  return "Metrics:\n" + grid([
    ["metric", "A", "B", "change"],
    ...deltas.map((d) => [d.metric, num(d.a), num(d.b), signed(d.delta)]),
  ], "  ");
}

/**
 * A transition table as plain rows, one per segment of run A, a column per segment of run B and
 * a total: ready for `table()` in a notebook or a text grid.
 */
export function transitionRows(t: Transition): Record<string, string | number>[] {
  return t.a.map((s, i) => {
    const row: Record<string, string | number> = { "A \\ B": `A ${s}` };
    t.b.forEach((c, j) => row[`B ${c}`] = t.counts[i][j]);
    row.total = t.counts[i].reduce((x, y) => x + y, 0);
    return row;
  });
}

function runLine(label: string, r: RunRow): string {
  return `Run ${label}: #${r.id} ${r.folder} (config '${r.name}' ${
    r.configHash.slice(0, 8)
  }, seed ${r.seed}, finished ${when(r.finishedAt)} UTC)`;
}

/** A comparison of two runs as console text. */
export function formatComparison(c: RunComparison): string {
  const parts = [runLine("A", c.a) + "\n" + runLine("B", c.b), configLines(c.configDiff)];
  parts.push(metricLines(c.metricDeltas));
  if (c.common === 0) {
    parts.push(
      `Assignments: no customers in common (${c.onlyA} only in A, ${c.onlyB} only in B)`,
    );
    return parts.join("\n\n") + "\n";
  }
  const share = (100 * c.moved / c.common).toFixed(1);
  parts.push(
    `Assignments: ${c.common} customers in both runs (${c.onlyA} only in A, ${c.onlyB} only ` +
      `in B)\n  adjusted Rand index ${num(c.ari)}; ${c.moved} customers (${share}%) changed ` +
      `segment after matching labels`,
  );
  const rows = transitionRows(c.transition);
  const head = Object.keys(rows[0]);
  parts.push(
    "Transition (rows: A's segments, columns: B's):\n" +
      grid([head, ...rows.map((r) => head.map((k) => String(r[k])))], "  "),
  );
  const matched = c.matching.map((m) => `A ${m.a} → B ${m.b} (${m.customers})`).join(", ");
  parts.push(`Matched labels: ${matched || "none"}`);
  return parts.join("\n\n") + "\n";
}
