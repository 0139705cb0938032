/**
 * Display helpers for Jupyter notebooks on the Deno kernel. The kernel shows any value that has
 * a `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle, so these helpers wrap a
 * table, a chart, HTML or Markdown in such an object. The HTML is static (no JavaScript), so it
 * renders in JupyterLab, VS Code, nbconvert exports and on GitHub alike.
 *
 * @module
 */

import type pl from "nodejs-polars";
import { Buffer } from "node:buffer";
import { type PngOptions, toPng } from "../charts/mod.ts";
import type { StageWarning } from "../types.ts";
import { maxOf } from "../math/mod.ts";

/** The symbol the Deno Jupyter kernel looks up to display a value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A MIME bundle: MIME type → content, e.g. `{ "text/html": "<b>hi</b>" }`. */
export type MimeBundle = Record<string, string>;

/** A value the Deno kernel displays richly; `toString()` gives the plain-text form. */
export class Displayable {
  /** The bundle handed to the kernel. */
  readonly bundle: MimeBundle;
  constructor(bundle: MimeBundle) {
    this.bundle = bundle;
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle;
  }
  toString(): string {
    return this.bundle["text/plain"] ?? "";
  }
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Options of {@link table}. */
export interface TableOptions {
  /** Rows shown; the rest are counted in the footer. @default 20 */
  maxRows?: number;
  /** Columns shown; the rest are counted in the footer. @default 50 */
  maxColumns?: number;
  /** Longer text is cut with "…" (the full text stays in the cell's tooltip). @default 120 */
  maxChars?: number;
  /** A caption above the table. */
  caption?: string;
}

const TABLE_DEFAULTS = { maxRows: 20, maxColumns: 50, maxChars: 120 };

type Row = Record<string, unknown>;

interface FrameLike {
  height: number;
  columns: string[];
  dtypes: { toString(): string }[];
  head(n: number): { toRecords(): Row[] };
}

function isFrame(value: unknown): value is FrameLike {
  const f = value as FrameLike;
  return typeof f === "object" && f !== null && typeof f.head === "function" &&
    typeof f.height === "number" && Array.isArray(f.columns);
}

/**
 * An HTML table of a Polars DataFrame or an array of plain objects: escaped cells, numbers
 * right-aligned and formatted, a header (with Polars dtypes), and "N rows × M columns" with a
 * note when rows or columns were cut.
 *
 * @example
 * ```ts
 * import { JUPYTER_DISPLAY, table } from "./display.ts";
 * const t = table([{ name: "<b>", n: 1234.56789 }], { caption: "Demo" });
 * const html = t[JUPYTER_DISPLAY]()["text/html"];
 * if (!html.includes("&lt;b&gt;") || !html.includes("1234.57")) throw new Error(html);
 * ```
 */
export function table(
  data: pl.DataFrame | readonly object[],
  options: TableOptions = {},
): Displayable {
  const opts = { ...TABLE_DEFAULTS, ...options };
  for (const key of ["maxRows", "maxColumns", "maxChars"] as const) {
    const v = opts[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `The '${key}' option of table must be an integer >= 1. Got ${v} instead`,
      );
    }
  }
  let rows: Row[], columns: string[], dtypes: string[] | undefined, height: number;
  if (isFrame(data)) {
    rows = data.head(opts.maxRows).toRecords();
    columns = data.columns;
    dtypes = data.dtypes.map((d) => String(d).replace(/^DataType\((.*)\)$/, "$1"));
    height = data.height;
  } else if (Array.isArray(data)) {
    // Typed as object[] so that arrays of interfaces (which lack an index signature) fit.
    rows = data.slice(0, opts.maxRows) as Row[];
    const seen = new Set<string>();
    for (const r of data) for (const k of Object.keys(r ?? {})) seen.add(k);
    columns = [...seen];
    height = data.length;
  } else {
    throw new TypeError(
      `table() takes a Polars DataFrame or an array of objects. Got ${typeof data} instead`,
    );
  }
  const shownCols = columns.slice(0, opts.maxColumns);
  const numeric = shownCols.map((c) =>
    rows.some((r) => r[c] !== null && r[c] !== undefined) &&
    rows.every((r) => r[c] === null || r[c] === undefined || isNumber(r[c]))
  );
  const cellStyle = "padding:2px 8px;border-bottom:1px solid #eee;white-space:nowrap";
  const align = (j: number) => numeric[j] ? "right;font-variant-numeric:tabular-nums" : "left";
  const head = shownCols.map((c, j) => {
    const dtype = dtypes?.[j] === undefined
      ? ""
      : `<br><span style="font-weight:normal;color:#888;font-size:10px">${
        escapeHtml(dtypes[j])
      }</span>`;
    return `<th style="${cellStyle};text-align:${align(j)};border-bottom:1px solid #999">${
      escapeHtml(c)
    }${dtype}</th>`;
  }).join("");
  const body = rows.map((r) =>
    "<tr>" + shownCols.map((c, j) => {
      const { text, full, missing } = cell(r[c], opts.maxChars);
      const tip = full === text ? "" : ` title="${escapeHtml(full)}"`;
      const style = `${cellStyle};text-align:${align(j)}${missing ? ";color:#999" : ""}`;
      return `<td style="${style}"${tip}>${escapeHtml(text)}</td>`;
    }).join("") + "</tr>"
  ).join("");
  const footer = shapeLine(height, columns.length, rows.length, shownCols.length);
  const caption = opts.caption === undefined
    ? ""
    : `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${
      escapeHtml(opts.caption)
    }</caption>`;
  const html = `<div style="overflow-x:auto"><table style="border-collapse:collapse;` +
    `font-size:12px">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<p style="color:#666;font-size:11px;margin:4px 0">${escapeHtml(footer)}</p></div>`;
  const plain = plainTable(shownCols, rows, opts.maxChars, opts.caption, footer);
  return new Displayable({ "text/html": html, "text/plain": plain });
}

function shapeLine(height: number, width: number, shownRows: number, shownCols: number): string {
  const line = `${height} ${height === 1 ? "row" : "rows"} × ${width} ${
    width === 1 ? "column" : "columns"
  }`;
  const cut: string[] = [];
  if (shownRows < height) cut.push(`first ${shownRows} rows`);
  if (shownCols < width) cut.push(`first ${shownCols} columns`);
  return cut.length === 0 ? line : `${line} (showing ${cut.join(" and ")})`;
}

function isNumber(v: unknown): boolean {
  return typeof v === "number" || typeof v === "bigint";
}

/** The text of one cell: formatted, cut to maxChars; `full` is the uncut text. */
function cell(v: unknown, maxChars: number): { text: string; full: string; missing: boolean } {
  if (v === null || v === undefined) return { text: "null", full: "null", missing: true };
  const full = format(v);
  const chars = [...full];
  const text = chars.length > maxChars ? chars.slice(0, maxChars - 1).join("") + "…" : full;
  return { text, full, missing: false };
}

/** Formats a value for a table cell, the same on every machine (no locale). */
export function format(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return v;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "Invalid Date";
    const iso = v.toISOString();
    if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
    return iso.replace("T", " ").replace(/\.000Z$/, "").replace(/Z$/, "");
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return format(Array.from(v as unknown as ArrayLike<number>));
  }
  try {
    return JSON.stringify(v, (_k, x) => typeof x === "bigint" ? String(x) : x) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Integers as they are; other numbers to six significant digits, exponents when tiny or huge. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a >= 1e15 || a < 1e-4) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

function plainTable(
  columns: string[],
  rows: Row[],
  maxChars: number,
  caption: string | undefined,
  footer: string,
): string {
  const cells = [columns, ...rows.map((r) => columns.map((c) => cell(r[c], maxChars).text))];
  const widths = columns.map((_, j) => maxOf(cells.map((line) => [...line[j]].length)));
  const lines = cells.map((line) =>
    line.map((t, j) => t + " ".repeat(widths[j] - [...t].length)).join("  ").trimEnd()
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return [...(caption === undefined ? [] : [caption]), ...lines, footer].join("\n");
}

/** A chart as the kernel shows it, with what went wrong drawing its PNG. */
export class ChartDisplay extends Displayable {
  /** A missing CJK font (see `toPng`): the PNG then shows such text as empty boxes. */
  readonly warnings: StageWarning[];
  constructor(bundle: MimeBundle, warnings: StageWarning[]) {
    super(bundle);
    this.warnings = warnings;
  }
}

/**
 * A chart's SVG (from the charts module) as a displayable image: the SVG itself, which
 * JupyterLab and VS Code draw sharp at any zoom, and a PNG of it at twice its size, which every
 * renderer shows. Debian's nbconvert (6.5) cleans inline SVG of its drawing elements, leaving a
 * blank box, and code hosts do not reliably show SVG outputs either; `runNotebooks` renders the
 * PNG in its HTML and records the chart's size for it.
 *
 * @param svg A chart from the charts module.
 * @param png How to draw the PNG (see `toPng`). @default { scale: 2 }
 * @example
 * ```ts
 * import { chart } from "./display.ts";
 * const c = chart('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">' +
 *   "<title>Sizes</title></svg>");
 * if (c.toString() !== "Sizes" || !c.bundle["image/png"].startsWith("iVBOR")) {
 *   throw new Error(c.toString());
 * }
 * ```
 */
export function chart(svg: string, png: PngOptions = {}): ChartDisplay {
  if (typeof svg !== "string" || !/^\s*<svg[\s>]/.test(svg)) {
    throw new TypeError(
      `chart() takes an SVG string starting with <svg. Got ${
        typeof svg === "string" ? JSON.stringify(svg.slice(0, 20)) : typeof svg
      } instead`,
    );
  }
  const title = svg.match(/<title>([^<]*)<\/title>/)?.[1];
  const drawn = toPng(svg, { scale: 2, ...png });
  return new ChartDisplay({
    "image/svg+xml": svg,
    // Jupyter carries binary outputs as base64 text.
    "image/png": Buffer.from(drawn.png).toString("base64"),
    "text/plain": title === undefined ? "[chart]" : unescapeXml(title),
  }, drawn.warnings);
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

function unescapeXml(text: string): string {
  return text.replace(
    /&(#\d+|lt|gt|quot|apos|amp);/g,
    (_m, e: string) => e[0] === "#" ? String.fromCharCode(Number(e.slice(1))) : ENTITIES[e],
  );
}

/** Trusted HTML (e.g. the report's sections) as a displayable value; it is not escaped. */
export function html(markup: string): Displayable {
  const plain = markup.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
  return new Displayable({ "text/html": markup, "text/plain": unescapeXml(plain) });
}

/**
 * Markdown text as a displayable value (rendered by the notebook front end).
 *
 * @example
 * ```ts
 * import { JUPYTER_DISPLAY, markdown } from "./display.ts";
 * const md = markdown("## Segments\n\nFive groups, **k = 5**.");
 * if (md[JUPYTER_DISPLAY]()["text/markdown"] !== "## Segments\n\nFive groups, **k = 5**.") {
 *   throw new Error("the Markdown should reach the notebook as it is");
 * }
 * if (!md.toString().startsWith("## Segments")) throw new Error("plain-text form");
 * ```
 */
export function markdown(text: string): Displayable {
  return new Displayable({ "text/markdown": text, "text/plain": text });
}
