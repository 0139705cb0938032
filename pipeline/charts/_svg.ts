/**
 * SVG plumbing for the charts: renders Observable Plot server-side with linkedom, lays parts out
 * into one standalone SVG (title, legends, panels), draws legends as SVG (Plot returns legends as
 * HTML), and makes the output deterministic (ids derived from the content, coordinates rounded).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** The font every chart names, so resvg finds glyphs and browsers render the same face. */
export const FONT = "DejaVu Sans, sans-serif";
/** Text colour: a presentation attribute, so a dark notebook theme cannot turn it white. */
export const INK = "#222";
export const MUTED = "#666";

/** A laid-out piece of SVG markup with its size in pixels; `markup` draws within (0,0)-(w,h). */
export interface Part {
  markup: string;
  width: number;
  height: number;
}

type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

let sharedDocument: PlotDocument | undefined;
function plotDocument(): PlotDocument {
  sharedDocument ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as {
    document: PlotDocument;
  }).document;
  return sharedDocument;
}

interface PlotNode {
  tagName: string;
  outerHTML: string;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelector(selector: string): { remove(): void } | null;
}

/**
 * Renders a Plot specification to a Part. The options must not ask for a title, caption or
 * legend: those make Plot return an HTML figure, and the charts draw them as SVG instead.
 */
export function plotPart(options: Plot.PlotOptions): Part {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const node = Plot.plot({
    ...options,
    width,
    height,
    document: plotDocument(),
  }) as unknown as PlotNode;
  if (node.tagName.toLowerCase() !== "svg") {
    throw new TypeError(`Plot returned a <${node.tagName.toLowerCase()}> instead of an <svg>`);
  }
  // The stylesheet only matters in a browser page and names a random-looking class; the font
  // and colour become plain attributes that every renderer honours.
  node.querySelector("style")?.remove();
  node.removeAttribute("class");
  node.setAttribute("font-family", FONT);
  node.setAttribute("overflow", "visible");
  return { markup: node.outerHTML, width, height };
}

/** Escapes text for use in XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NARROW = new Set(" .,:;'|!il()[]{}/\\-fjrt1");
const WIDE = new Set("mwMW@%");

/**
 * Estimated width of `text` set in DejaVu Sans at `size` px. There is no font metrics API on the
 * server, so margins and legend wrapping use these per-character estimates (a little generous).
 */
export function textWidth(text: string, size = 10): number {
  let em = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) em += 0.36;
    else if (WIDE.has(ch)) em += 0.96;
    else if (ch >= "A" && ch <= "Z") em += 0.72;
    else if (ch.charCodeAt(0) > 0x2e80) em += 1; // CJK and other full-width scripts
    else em += 0.62;
  }
  return em * size;
}

/** Shortens `text` with an ellipsis so that it fits `maxWidth` pixels at `size` px. */
export function truncate(text: string, maxWidth: number, size = 10): string {
  if (textWidth(text, size) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(chars.join("") + "…", size) > maxWidth) chars.pop();
  return chars.join("") + "…";
}

/**
 * Shortens each label to fit `maxWidth`, keeping them apart: labels that would shorten to the
 * same text keep their ends instead ("Mainstream…(segment 3)"), and are numbered if even that
 * does not tell them apart. Returns each label's short form.
 *
 * @example
 * ```ts
 * import { truncateUnique } from "./_svg.ts";
 * const long = "Customers writing about delays, cancellations and refunds";
 * const short = truncateUnique([`${long} (united)`, `${long} (jetblue)`], 120);
 * const [a, b] = [...short.values()];
 * if (a === b || !a.endsWith("(united)")) throw new Error(`${a} | ${b}`);
 * ```
 */
export function truncateUnique(
  labels: readonly string[],
  maxWidth: number,
  size = 10,
): Map<string, string> {
  const out = new Map(labels.map((l) => [l, truncate(l, maxWidth, size)]));
  const count = (v: string) => [...out.values()].filter((x) => x === v).length;
  for (const l of labels) {
    if (count(out.get(l)!) < 2) continue;
    const chars = [...l];
    let head = Math.ceil(chars.length / 2), tail = chars.length - head;
    const cut = () =>
      chars.slice(0, head).join("") + "…" + chars.slice(chars.length - tail).join("");
    while (head > 1 && textWidth(cut(), size) > maxWidth) head--;
    while (tail > 1 && textWidth(cut(), size) > maxWidth) tail--;
    out.set(l, cut());
  }
  labels.forEach((l, i) => {
    if (count(out.get(l)!) > 1) out.set(l, `${truncate(l, maxWidth - 24, size)} (${i + 1})`);
  });
  return out;
}

/** Places parts side by side, aligned to the top. */
export function hstack(parts: Part[], gap = 16): Part {
  let x = 0, height = 0, markup = "";
  for (const p of parts) {
    markup += `<g transform="translate(${x},0)">${p.markup}</g>`;
    x += p.width + gap;
    height = Math.max(height, p.height);
  }
  return { markup, width: Math.max(0, x - gap), height };
}

/** Places parts one below the other, aligned to the left. */
export function vstack(parts: Part[], gap = 8): Part {
  let y = 0, width = 0, markup = "";
  for (const p of parts) {
    if (p.height === 0) continue;
    markup += `<g transform="translate(0,${y})">${p.markup}</g>`;
    y += p.height + gap;
    width = Math.max(width, p.width);
  }
  return { markup, width, height: Math.max(0, y - gap) };
}

/** A line of text as a Part (for panel headings and notes). */
export function textPart(
  text: string,
  { size = 11, weight = "normal", color = INK, width }: {
    size?: number;
    weight?: string;
    color?: string;
    width?: number;
  } = {},
): Part {
  if (text === "") return { markup: "", width: 0, height: 0 };
  // Bold glyphs are about a tenth wider than the regular ones textWidth measures.
  const widen = weight === "normal" ? 1 : 1.1;
  const shown = width === undefined ? text : truncate(text, width / widen, size);
  const bold = weight === "normal" ? "" : ` font-weight="${weight}"`;
  return {
    markup: `<text x="0" y="${size}" font-size="${size}"${bold} fill="${color}">${
      escapeXml(shown)
    }</text>`,
    width: width ?? textWidth(shown, size) * widen,
    height: Math.round(size * 1.3),
  };
}

/** Colour swatches with labels, wrapped onto as many lines as `maxWidth` needs. */
export function swatches(
  items: { label: string; color: string }[],
  maxWidth: number,
  heading = "",
): Part {
  const size = 10, box = 10, gap = 14, line = 16;
  let x = 0, y = 0, markup = "";
  if (heading !== "") {
    markup += `<text x="0" y="${size}" font-size="${size}" font-weight="bold" fill="${INK}">${
      escapeXml(heading)
    }</text>`;
    x = textWidth(heading, size) + gap;
  }
  for (const item of items) {
    const label = truncate(item.label, maxWidth - box - 4, size);
    const w = box + 4 + textWidth(label, size);
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      y += line;
    }
    markup +=
      `<rect x="${round(x)}" y="${y}" width="${box}" height="${box}" fill="${item.color}"/>` +
      `<text x="${round(x + box + 4)}" y="${y + 9}" font-size="${size}" fill="${INK}">${
        escapeXml(label)
      }</text>`;
    x += w + gap;
  }
  return { markup, width: maxWidth, height: items.length === 0 ? 0 : y + line };
}

/**
 * A horizontal colour ramp for a continuous scale, drawn as a stepped gradient so it needs no
 * canvas (Plot draws ramps on a canvas, which linkedom lacks).
 */
export function ramp(
  color: (v: number) => string,
  domain: [number, number],
  { label = "", width = 240, ticks = 5, format = (v: number) => String(round(v)) }: {
    label?: string;
    width?: number;
    ticks?: number;
    format?: (v: number) => string;
  } = {},
): Part {
  const [lo, hi] = domain, steps = 48, barH = 10, top = label === "" ? 0 : 14;
  let markup = label === ""
    ? ""
    : `<text x="0" y="10" font-size="10" font-weight="bold" fill="${INK}">${
      escapeXml(label)
    }</text>`;
  const step = width / steps;
  for (let i = 0; i < steps; i++) {
    const v = lo + (hi - lo) * (i + 0.5) / steps;
    markup +=
      `<rect x="${round(i * step)}" y="${top}" width="${round(step + 0.5)}" height="${barH}"` +
      ` fill="${color(v)}"/>`;
  }
  for (let i = 0; i < ticks; i++) {
    const v = lo + (hi - lo) * i / (ticks - 1);
    const x = round(width * i / (ticks - 1));
    const anchor = i === 0 ? "start" : i === ticks - 1 ? "end" : "middle";
    markup += `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + barH + 3}" stroke="${INK}"/>` +
      `<text x="${x}" y="${top + barH + 13}" font-size="10" text-anchor="${anchor}" fill="${INK}">${
        escapeXml(format(v))
      }</text>`;
  }
  return { markup, width, height: top + barH + 16 };
}

/** Header text of a standalone chart. */
export interface Heading {
  /** Visible title; "" hides it (the SVG `<title>` then falls back to `kind`). */
  title: string;
  subtitle?: string;
  /** Small print under the chart (sampling, grouping into "Other"…). */
  notes?: string[];
  /** What the chart is, e.g. "Segment sizes": the accessible name when the title is empty. */
  kind: string;
}

/**
 * Wraps a body (and optional legend above it) into one standalone SVG document: xmlns, an
 * accessible `<title>`, white background, the named font, ids made unique and deterministic.
 */
export function standalone(heading: Heading, body: Part, legend?: Part): string {
  const pad = 12;
  const width = Math.ceil(Math.max(body.width, legend?.width ?? 0) + 2 * pad);
  const inner = width - 2 * pad;
  const header = vstack([
    textPart(heading.title, { size: 15, weight: "bold", width: inner }),
    textPart(heading.subtitle ?? "", { size: 11, color: MUTED, width: inner }),
  ], 4);
  const notes = vstack(
    (heading.notes ?? []).map((n) => textPart(n, { size: 10, color: MUTED })),
    2,
  );
  const content = vstack([header, legend ?? textPart(""), body, notes], 10);
  const height = Math.ceil(content.height + 2 * pad);
  const name = heading.title !== "" ? heading.title : heading.kind;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"` +
    ` viewBox="0 0 ${width} ${height}" role="img" font-family="${FONT}" font-size="10"` +
    ` color="${INK}" fill="${INK}"><title>${escapeXml(name)}</title>` +
    `<rect width="${width}" height="${height}" fill="white"/>` +
    `<g transform="translate(${pad},${pad})">${content.markup}</g></svg>`;
  return renameIds(roundAttributes(svg));
}

/** Rounds to two decimals (and turns -0 into 0). */
export function round(v: number): number {
  return Math.round(v * 100) / 100 + 0;
}

/**
 * Rounds every long decimal in the markup to two decimals, leaving text content alone (a label
 * may print "0.125" on purpose). One pass: text runs between tags match the first alternative
 * and are returned untouched.
 */
export function roundAttributes(svg: string): string {
  return svg.replace(
    />[^<]*<|-?\d+\.\d{3,}(?:e-?\d+)?/g,
    (m) => m.charCodeAt(0) === 62 /* ">" */ ? m : String(round(Number(m))),
  );
}

/**
 * Renames every id (and its `url(#…)` / `href="#…"` references) to `<prefix>-<n>` in order of
 * appearance, where the prefix is a hash of the content. Plot numbers clip paths with a global
 * counter, so without this the same chart drawn twice would differ; the hash keeps the ids of
 * two charts inlined in one HTML report from colliding.
 */
export function renameIds(svg: string, prefix?: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1])) ids.push(m[1]);
  if (ids.length === 0) return svg;
  const rename = (p: string) => {
    const map = new Map(ids.map((id, i) => [id, `${p}-${i + 1}`]));
    return svg
      .replace(/(\sid=")([^"]+)"/g, (_m, a: string, id: string) => `${a}${map.get(id)}"`)
      .replace(/url\(#([^)]+)\)/g, (m, id: string) => map.has(id) ? `url(#${map.get(id)})` : m)
      .replace(
        /(href=")#([^"]+)"/g,
        (m, a: string, id: string) => map.has(id) ? `${a}#${map.get(id)}"` : m,
      );
  };
  return rename(prefix ?? `c${fnv1a(rename("id"))}`);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
