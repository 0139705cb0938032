/**
 * Console text for the run history: the runs table and a comparison of two runs.
 *
 * @module
 */

import { STAGE_SECONDS, type Transition } from "./_compare.ts";
import type { ConfigChange } from "./_compare.ts";
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
 * 8 characters, as the report prints it in full), segments, silhouette, macro-F1, rows, seconds,
 * and when a rerun that found nothing to do last re-checked it.
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
    "re-checked (UTC)",
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
      r.recheckedAt === null ? "–" : when(r.recheckedAt),
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

function metricLines(
  title: string,
  deltas: readonly MetricDelta[],
  label: (m: string) => string,
  digits: number,
): string {
  return `${title}:\n` + grid([
    ["metric", "A", "B", "change"],
    ...deltas.map((
      d,
    ) => [label(d.metric), num(d.a, digits), num(d.b, digits), signed(d.delta, digits)]),
  ], "  ");
}

function timingLabel(metric: string): string {
  if (metric === "seconds") return "whole run";
  if (metric.startsWith(STAGE_SECONDS)) return `${metric.slice(STAGE_SECONDS.length)} stage`;
  return metric;
}

/** Options of {@link transitionRows}. */
export interface TransitionRowsOptions {
  /** Names of the rows' segments, shown after their numbers. */
  namesA?: Readonly<Record<number, string>>;
  /** Names of the columns' segments, shown after their numbers in the headers. */
  namesB?: Readonly<Record<number, string>>;
  /** The columns' segments in the order to show them. @default ascending */
  columns?: readonly number[];
}

function labelled(prefix: string, s: number, names?: Readonly<Record<number, string>>): string {
  const name = names?.[s];
  return name === undefined ? `${prefix} ${s}` : `${prefix} ${s} ${name}`;
}

/**
 * A transition table as plain rows, one per segment of run A, a column per segment of run B and
 * a total: ready for `table()` in a notebook or a text grid. Segment names, when given, follow
 * the numbers; `columns` puts B's segments in another order (the matched ones first, say).
 *
 * @example
 * ```ts
 * import { transitionRows } from "./_format.ts";
 * const rows = transitionRows(
 *   { a: [0, 1], b: [0, 1], counts: [[1, 4], [3, 0]] },
 *   { namesA: { 0: "Deal seekers" }, columns: [1, 0] },
 * );
 * if (JSON.stringify(rows[0]) !== '{"A \\\\ B":"A 0 Deal seekers","B 1":4,"B 0":1,"total":5}') {
 *   throw new Error(JSON.stringify(rows[0]));
 * }
 * ```
 */
export function transitionRows(
  t: Transition,
  options: TransitionRowsOptions = {},
): Record<string, string | number>[] {
  const columns = options.columns ?? t.b;
  const index = new Map(t.b.map((s, j) => [s, j]));
  for (const c of columns) {
    if (!index.has(c)) {
      throw new RangeError(`The 'columns' option of transitionRows names segment ${c}, not in B`);
    }
  }
  return t.a.map((s, i) => {
    const row: Record<string, string | number> = { "A \\ B": labelled("A", s, options.namesA) };
    for (const c of columns) row[labelled("B", c, options.namesB)] = t.counts[i][index.get(c)!];
    row.total = t.counts[i].reduce((x, y) => x + y, 0);
    return row;
  });
}

/** Which segment of A became which of B, with the share of A's customers that stayed together. */
function matchingLines(c: RunComparison): string {
  const { transition: t, names } = c;
  const sizeA = (s: number) => t.counts[t.a.indexOf(s)].reduce((x, y) => x + y, 0);
  const sizeB = (s: number) => t.counts.reduce((x, r) => x + r[t.b.indexOf(s)], 0);
  const rows = t.a.map((s) => {
    const m = c.matching.find((x) => x.a === s);
    if (!m) return [labelled("A", s, names.a), "→", "no match", `${sizeA(s)} customers spread out`];
    const share = (100 * m.customers / sizeA(s)).toFixed(1);
    return [
      labelled("A", s, names.a),
      "→",
      labelled("B", m.b, names.b),
      `${m.customers} of ${sizeA(s)} stayed (${share}%)`,
    ];
  });
  for (const s of t.b) {
    if (c.matching.some((x) => x.b === s)) continue;
    const j = t.b.indexOf(s);
    const from = t.a.reduce((best, _, i) => t.counts[i][j] > t.counts[best][j] ? i : best, 0);
    rows.push([
      "(new)",
      "→",
      labelled("B", s, names.b),
      `${sizeB(s)} customers, most (${t.counts[from][j]}) from A ${t.a[from]}`,
    ]);
  }
  return "Segments matched (A → B, the pairing that keeps the most customers together):\n" +
    grid(rows, "  ");
}

function runLine(label: string, r: RunRow): string {
  return `Run ${label}: #${r.id} ${r.folder} (config '${r.name}' ${
    r.configHash.slice(0, 8)
  }, seed ${r.seed}, finished ${when(r.finishedAt)} UTC)`;
}

/** A comparison of two runs as console text. */
export function formatComparison(c: RunComparison): string {
  const parts = [runLine("A", c.a) + "\n" + runLine("B", c.b), configLines(c.configDiff)];
  parts.push(metricLines("Quality", c.quality, (m) => m, 3));
  parts.push(
    metricLines(
      "Timings (seconds; cache hits and model calls are counts; – = the stage did not run)",
      c.timings,
      timingLabel,
      2,
    ),
  );
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
  parts.push(matchingLines(c));
  const rows = transitionRows(c.transition, { namesA: c.names.a, columns: c.columns });
  const head = Object.keys(rows[0]);
  parts.push(
    "Transition (rows: A's segments; columns: B's, each matched one under its A segment):\n" +
      grid([head, ...rows.map((r) => head.map((k) => String(r[k])))], "  "),
  );
  return parts.join("\n\n") + "\n";
}
