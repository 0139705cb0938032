/**
 * HTML building blocks of the report: escaping, embedding a chart's SVG safely, and tables from
 * arrays of plain objects.
 *
 * @module
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * Makes a chart's SVG safe to inline in the report: no XML prolog or doctype, no namespace
 * declarations (inline SVG needs none, and they are the only URLs a chart carries), no scripts,
 * event handlers or external references, and ids prefixed so two charts never share one.
 */
export function embedSvg(svg: string, prefix: string): string {
  let out = svg.replace(/<\?xml[^>]*\?>/g, "").replace(/<!DOCTYPE[^>]*>/gi, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<script[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<(script|foreignObject)\b[^>]*\/>/gi, "")
    .replace(/<foreignObject[\s\S]*?<\/foreignObject\s*>/gi, "")
    .replace(/\s(on\w+)\s*=\s*("[^"]*"|'[^']*')/gi, "")
    .replace(/\sxmlns(:\w+)?\s*=\s*("[^"]*"|'[^']*')/g, "")
    // A link to anything but an id in the same chart could load a resource: drop it.
    .replace(/\s((?:xlink:)?href)\s*=\s*("(?!#)[^"]*"|'(?!#)[^']*')/gi, "")
    .replace(/url\(\s*(['"]?)(?!#)[^)]*\)/gi, "none");
  out = out.replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/((?:xlink:)?href)="#([^"]+)"/g, `$1="#${prefix}-$2"`);
  return out.trim();
}

/**
 * A table cell's text: whole numbers with thousands separators, others rounded to 3 decimals,
 * booleans as a check mark.
 */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "✓" : "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v).replace(/\B(?=(\d{3})+$)/g, ",");
    return String(Math.round(v * 1000) / 1000);
  }
  if (Array.isArray(v)) return v.map(cellText).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Splits camelCase and snake_case keys into words: "cvMacroF1Sd" → "cv macro F1 sd". */
export function headerText(key: string): string {
  // Words already in capitals (BG/NBD, CLV) are acronyms and keep them.
  const words = key.replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/(\d)([A-Z])/g, "$1 $2")
    .split(" ").map((w) => (/^[A-Z][A-Z0-9/²-]+$/.test(w) ? w : w.toLowerCase())).join(" ")
    .replace(/\bf1\b/g, "F1")
    .replace(/\bcv\b/g, "CV")
    .replace(/\bsd\b/g, "SD")
    .replace(/\bcramers v(corrected)?\b/g, "Cramér's V")
    .replace(/\bdavies bouldin\b/g, "Davies–Bouldin")
    .replace(/\bcalinski harabasz\b/g, "Calinski–Harabasz");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How a table's columns are headed and formatted. */
export interface TableOptions {
  caption?: string;
  columns?: string[];
  /** Header text by column key; other keys read as {@link headerText}. */
  headers?: Readonly<Record<string, string>>;
  /** Columns left out. */
  hide?: readonly string[];
  /** Cell text by column key; others read as {@link cellText}. */
  formats?: Readonly<Record<string, (v: unknown) => string>>;
}

/** A p-value as a reader expects it: "< 0.001" rather than 0. */
export function pValueText(v: unknown): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return cellText(v);
  return v < 0.001 ? "< 0.001" : v.toFixed(3);
}

const P_COLUMN = /^(p|pValue|pAdjusted|p_value)$/;

/**
 * An HTML table of plain objects: one column per key (in order of first appearance), numbers
 * right-aligned, a row marked when its `chosen` field is true, columns with no value in any row
 * left out. Empty input gives "".
 */
export function tableHtml(
  rows: readonly Record<string, unknown>[],
  options: TableOptions = {},
): string {
  if (rows.length === 0) return "";
  const empty = (v: unknown) => v === null || v === undefined || v === "";
  const columns = (options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))])
    .filter((c) => !options.hide?.includes(c) && !rows.every((r) => empty(r[c])));
  const numeric = columns.map((c) =>
    rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number")
  );
  const text = (c: string, v: unknown) =>
    options.formats?.[c] ? options.formats[c](v) : P_COLUMN.test(c) ? pValueText(v) : cellText(v);
  const head = columns.map((c, j) =>
    `<th${numeric[j] ? ' class="num"' : ""}>${
      escapeHtml(options.headers?.[c] ?? headerText(c))
    }</th>`
  ).join("");
  const body = rows.map((r) =>
    `<tr${r.chosen === true ? ' class="chosen"' : ""}>` +
    columns.map((c, j) =>
      `<td${numeric[j] ? ' class="num"' : ""}>${escapeHtml(text(c, r[c]))}</td>`
    )
      .join("") +
    "</tr>"
  ).join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<div class="table-wrap"><table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}
