/**
 * The report: one self-contained HTML file per run that a data scientist can send to a marketing
 * lead. Charts are inline SVG, the stylesheet is inline, nothing is loaded from the network and
 * no script runs. Sections: overview (data set, rows, quality, warnings shown first), segments at
 * a glance, a card per persona, model quality, what drives the segments, choosing k, and how to
 * reproduce the run. The same inputs give the same bytes.
 *
 * @module
 */

import type { Persona } from "../personas/mod.ts";
import { segmentColor } from "../charts/mod.ts";
import type { StageWarning } from "../types.ts";
import { formatNumber, formatPercent } from "../personas/mod.ts";
import { personaCard } from "./_cards.ts";
import { personaTable, reproduce } from "./_sections.ts";
import { REPORT_CSS } from "./_css.ts";
import { embedSvg, escapeHtml as h, tableHtml } from "./_html.ts";
import {
  money,
  sharedNotes,
  shownTrust,
  summaryCards,
  technicalNotes,
  trustLegend,
  warningBanner,
} from "./_summary.ts";
import { type ReportLanguage, reportWords } from "./_words.ts";
import { kChoiceSentence } from "./_k_choice.ts";
import type { KChoice } from "../cluster/mod.ts";
import {
  campaignSection,
  type ReportUplift,
  type ReportValue,
  segmentNamer,
  valueSection,
} from "./_value.ts";

export type { ReportLanguage, ReportUplift, ReportValue };
export { escapeHtml } from "./_html.ts";

/** What the report needs of the run's manifest (a `Manifest` from job.ts fits). */
export interface ReportManifest {
  name?: string;
  config?: { path?: string; sha256?: string };
  seed?: number;
  versions?: Readonly<Record<string, string>>;
  stages?: readonly { name: string; status?: string; seconds?: number }[];
  warnings?: readonly StageWarning[];
  startedAt?: string;
  finishedAt?: string;
  seconds?: number;
}

/** Rows read, kept and quarantined of one input table (ingest's `TableSummary` fits). */
export interface ReportTableSummary {
  name?: string;
  read: number;
  kept: number;
  quarantined: number;
  /** Of the quarantined rows, those set aside because their customer's own row was. */
  customerRejected?: number;
  byReason?: Readonly<Record<string, number>>;
}

/** Everything the report shows, as plain data. */
export interface ReportInputs {
  /** @default "Customer segments and personas" */
  title?: string;
  manifest: ReportManifest;
  dataset?: {
    name?: string;
    description?: string;
    /** Customers segmented; @default the sum of the personas' sizes */
    customers?: number;
    /** Per input table, as an array or keyed by table name (ingest's `summary`). */
    tables?: readonly ReportTableSummary[] | Readonly<Record<string, ReportTableSummary>>;
  };
  personas: readonly Persona[];
  /**
   * Chart SVG strings by name. Placed in their sections: `sizes`, `map` (segments), `confusion`
   * (model quality), `importance`, `kSelection`; any other name goes under "More charts".
   */
  charts?: Readonly<Record<string, string>>;
  /**
   * Tables as arrays of plain objects: `comparison` (classifier comparison; a row with
   * `chosen: true` is highlighted), `importance`, `kSelection`; others go under "More tables".
   */
  tables?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** How the cluster stage chose k, when it did: the report says why in one sentence. */
  kChoice?: KChoice | null;
  /** Warnings not yet in the manifest (e.g. of this report's own stages). */
  warnings?: readonly StageWarning[];
  /** The command that reproduces the run. @default "deno task run <config path>" */
  command?: string;
  /** Headings' language. @default the personas' language, else "en" */
  language?: ReportLanguage;
  /** The value stage's summary (`value.json`): a section on what the segments are worth. */
  value?: ReportValue;
  /** The experiment stage's results (`uplift.json`): "Campaign results by segment". */
  uplift?: ReportUplift;
  /** The currency symbol of money amounts, when the config names one. */
  currency?: string | null;
  /**
   * Each segment's mean silhouette (the cluster summary's `silhouettePerSegment`): a segment
   * under 0.1 is not shown with "high" trust.
   */
  silhouettes?: readonly { segment: number; silhouette: number | null }[];
  /** The cluster summary's mean silhouette, to say why the silhouette chart's mean differs. */
  silhouette?: number | null;
}

const PLACED_CHARTS = [
  "sizes",
  "map",
  "confusion",
  "importance",
  "kSelection",
  "value",
  "tracking",
  "uplift",
];
const PLACED_TABLES = ["comparison", "importance", "kSelection"];
const OTHER_COLOR = "#9aa5b1";

/**
 * Renders the report as one HTML document. All text is escaped; chart SVGs are embedded after
 * removing anything that could run or load (scripts, handlers, external links).
 *
 * @example
 * ```ts
 * import { buildReport } from "./report.ts";
 * const html = buildReport({ manifest: { name: "demo", seed: 1 }, personas: [] });
 * if (!html.startsWith("<!DOCTYPE html>") || html.includes("<script")) throw new Error();
 * ```
 */
export function buildReport(inputs: ReportInputs): string {
  if (
    !inputs || typeof inputs !== "object" || !inputs.manifest || !Array.isArray(inputs.personas)
  ) {
    throw new TypeError("buildReport needs an object with 'manifest' and 'personas' (an array)");
  }
  const lang = inputs.language ?? inputs.personas[0]?.language ?? "en";
  const w = reportWords(lang);
  const m = inputs.manifest;
  const name = inputs.dataset?.name ?? m.name ?? "";
  const title = inputs.title ?? (name ? `${w.title} · ${name}` : w.title);
  const charts = inputs.charts ?? {};
  const tables = inputs.tables ?? {};
  let chartNo = 0;
  const figure = (key: string) => {
    const svg = charts[key];
    if (typeof svg !== "string" || svg.trim() === "") return "";
    chartNo++;
    const read = w.howToRead[key];
    return `<figure class="chart-${h(key)}"><div class="chart-box">${
      embedSvg(svg, `c${chartNo}`)
    }</div>${read ? `<figcaption>${h(read)}</figcaption>` : ""}</figure>`;
  };
  const missing = `<p class="note">${h(w.notAvailable)}</p>`;
  const orMissing = (html: string) => (html.trim() === "" ? missing : html);
  const silhouettes: Record<number, number> = {};
  for (const x of inputs.silhouettes ?? []) {
    if (x.silhouette !== null) silhouettes[x.segment] = x.silhouette;
  }
  const warnings = allWarnings(inputs);
  const shared = sharedNotes(inputs.personas);
  const whyK = inputs.kChoice
    ? `<p class="why-k">${h(kChoiceSentence(inputs.kChoice, lang))}</p>`
    : "";
  const kTable = (tables.kSelection ?? []).map((r) => ({ ...r }));

  const sections = [
    section(
      "summary",
      w.summaryTitle,
      w.summaryLede,
      warningBanner(warnings, w) +
        summaryCards(inputs.personas, w, colorOf, silhouettes) + whyK +
        `<h4>${h(w.trust)}</h4>` + trustLegend(w),
    ),
    section(
      "personas",
      w.personas,
      w.personasLede,
      inputs.personas.length === 0 ? missing : `<div class="cards">\n${
        inputs.personas.map((p) => {
          const t = shownTrust(p, silhouettes);
          return personaCard(p, colorOf(p), {
            trust: t.level,
            trustNote: t.lowered ? w.silhouetteLowered(t.silhouette!.toFixed(2)) : undefined,
            hideNotes: shared,
            currency: inputs.currency ?? undefined,
          });
        }).join("\n")
      }\n</div>`,
    ),
    section(
      "segments",
      w.segmentsTitle,
      w.segmentsLede,
      orMissing(
        `<div class="figures">${figure("sizes")}${figure("map")}</div>` +
          personaTable(inputs, w, colorOf),
      ),
    ),
    ...(inputs.value
      ? [section(
        "value",
        w.valueTitle,
        w.valueLede,
        valueSection(inputs.value, figure, w, segmentNamer(inputs.personas)),
      )]
      : []),
    ...(inputs.uplift
      ? [section(
        "campaign",
        w.campaignTitle,
        w.campaignLede,
        campaignSection(inputs.uplift, figure, w, segmentNamer(inputs.personas)),
      )]
      : []),
    section("overview", w.overview, w.overviewLede, overview(inputs, w)),
    section(
      "model",
      w.model,
      w.modelLede,
      orMissing(
        tableHtml(tables.comparison ?? [], { caption: w.comparison, headers: w.headers }) +
          figure("confusion"),
      ),
    ),
    section(
      "importance",
      w.importance,
      w.importanceLede,
      orMissing(figure("importance") + tableHtml(tables.importance ?? [], { headers: w.headers })),
    ),
    section(
      "k",
      w.kTitle,
      w.kLede,
      whyK +
        orMissing(
          figure("kSelection") +
            tableHtml(kTable, {
              headers: w.headers,
              hide: w.hiddenColumns,
              formats: {
                inertia: (v) => typeof v === "number" ? formatNumber(Math.round(v)) : "",
                smallestShare: (v) => typeof v === "number" ? formatPercent(v) : "",
                silhouette: fixed3,
                daviesBouldin: fixed3,
                calinskiHarabasz: (v) => typeof v === "number" ? formatNumber(Math.round(v)) : "",
                stability: fixed3,
              },
            }),
        ),
    ),
  ];
  const moreCharts = Object.keys(charts).filter((k) => !PLACED_CHARTS.includes(k)).sort();
  if (moreCharts.length > 0) {
    const silNote = charts.silhouette && typeof inputs.silhouette === "number"
      ? `<p class="note">${h(w.silhouetteNote)}</p>`
      : "";
    sections.push(section(
      "more",
      w.more,
      "",
      `<div class="figures">${moreCharts.map((k) => figure(k)).join("")}</div>` + silNote,
    ));
  }
  const moreTables = Object.keys(tables).filter((k) => !PLACED_TABLES.includes(k)).sort();
  if (moreTables.length > 0) {
    sections.push(section(
      "tables",
      w.moreTables,
      "",
      moreTables.map((k) =>
        tableHtml(tables[k], { caption: w.tableNames[k] ?? k, headers: w.headers })
      ).join("") || missing,
    ));
  }
  sections.push(section("reproduce", w.reproduce, w.reproduceLede, reproduce(inputs, w)));

  const toc = [
    ["summary", w.summaryTitle],
    ["personas", w.personas],
    ["segments", w.segmentsTitle],
    ...(inputs.value ? [["value", w.valueTitle]] : []),
    ...(inputs.uplift ? [["campaign", w.campaignTitle]] : []),
    ["overview", w.overview],
    ["model", w.model],
    ["importance", w.importance],
    ["k", w.kTitle],
    ["reproduce", w.reproduce],
    ["notes", w.technicalNotes],
  ].map(([id, label]) => `<a href="#${id}">${h(label)}</a>`).join("");
  const sub = [inputs.dataset?.description].filter(Boolean).join(" · ");
  const when = m.finishedAt ?? m.startedAt;
  return `<!DOCTYPE html>
<html lang="${lang === "zh" ? "zh-Hans" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="report">
<h1>${h(title)}</h1>
${sub ? `<p class="subtitle">${h(sub)}</p>` : ""}
<p class="meta">${h([m.name, when].filter(Boolean).join(" · "))}</p>
<nav class="toc" aria-label="${h(w.contents)}">${toc}</nav>
</header>
${sections.join("\n")}
${technicalNotes(warnings, shared, w)}
<footer class="report">${h(w.generated)}</footer>
</main>
</body>
</html>
`;
}

type Words = ReturnType<typeof reportWords>;

function section(id: string, title: string, lede: string, body: string): string {
  return `<section id="${id}">\n<h2>${h(title)}</h2>\n${
    lede ? `<p class="lede">${h(lede)}</p>\n` : ""
  }${body}\n</section>`;
}

const fixed3 = (v: unknown) => typeof v === "number" ? v.toFixed(3) : "";

function colorOf(p: Persona): string {
  return p.kind === "other" ? OTHER_COLOR : segmentColor(p.segments[0]);
}

/** Every warning of the run, fallbacks first, deduplicated by stage and message. */
function allWarnings(inputs: ReportInputs): StageWarning[] {
  const seen = new Map<string, StageWarning>();
  for (const x of [...(inputs.manifest.warnings ?? []), ...(inputs.warnings ?? [])]) {
    const key = `${x.stage}\u0000${x.message}`;
    const prev = seen.get(key);
    if (prev) prev.count = (prev.count ?? 1) + (x.count ?? 1);
    else seen.set(key, { ...x });
  }
  const list = [...seen.values()];
  const isFallback = (x: StageWarning) => /^FALLBACK\b/i.test(x.message);
  return [...list.filter(isFallback), ...list.filter((x) => !isFallback(x))];
}

function tableSummaries(inputs: ReportInputs): ReportTableSummary[] {
  const t = inputs.dataset?.tables;
  if (!t) return [];
  return Array.isArray(t)
    ? [...t]
    : Object.entries(t).map(([name, s]) => ({ ...s, name: s.name ?? name }));
}

function overview(inputs: ReportInputs, w: Words): string {
  const tables = tableSummaries(inputs);
  const customers = inputs.dataset?.customers ??
    inputs.personas.reduce((a, p) => a + p.size, 0);
  const segments = inputs.personas.reduce((a, p) => a + p.segments.length, 0);
  const read = tables.reduce((a, t) => a + t.read, 0);
  const quarantined = tables.reduce((a, t) => a + t.quarantined, 0);
  const tile = (big: number, label: string, text = formatNumber(big)) =>
    `<div class="tile"><b>${h(text)}</b><span>${h(label)}</span></div>`;
  const tiles = `<div class="tiles">` + tile(customers, w.customers) + tile(segments, w.segments) +
    (tables.length > 0 ? tile(read, w.rowsRead) + tile(quarantined, w.quarantined) : "") +
    (inputs.value
      ? tile(
        inputs.value.total.value,
        w.futureValueTile(inputs.value.horizon),
        money(inputs.value.total.value, inputs.currency),
      )
      : "") +
    tile(allWarnings(inputs).length, w.warningsCount) + `</div>`;
  const rows = tables.map((t) => ({
    [w.table]: t.name ?? "",
    [w.read]: t.read,
    [w.kept]: t.kept,
    [w.quarantined]: t.quarantined,
    [w.customerRejected]: t.customerRejected ?? 0,
    [w.reasons]: Object.entries(t.byReason ?? {})
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([r, n]) => `${r} (${n})`)
      .join("; "),
  }));
  return tiles + tableHtml(rows, { caption: w.quality });
}
