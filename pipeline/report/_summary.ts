/**
 * The first screen of the report: one row per segment (share, revenue, future value, outcome,
 * trust, top action), one plain-language line about the run's warnings, and the folded
 * "Technical notes" at the end that hold the full messages.
 *
 * @module
 */

import type { Persona } from "../personas/mod.ts";
import { formatNumber, formatPercent, stringsFor, upperFirst } from "../personas/mod.ts";
import type { StageWarning } from "../types.ts";
import { escapeHtml as h } from "./_html.ts";
import type { reportWords } from "./_words.ts";

type Words = ReturnType<typeof reportWords>;

/** A segment's silhouette under which "high" trust is lowered to "medium". */
export const LOW_SILHOUETTE = 0.1;

/**
 * The trust level the report shows: the persona's (stability and classifier F1), lowered from
 * "high" to "medium" when the segment's own silhouette is under {@link LOW_SILHOUETTE}, because
 * its customers then sit almost as close to another segment as to their own.
 *
 * @example
 * ```ts
 * import { shownTrust } from "./_summary.ts";
 * const p = { kind: "segment", segments: [3], trust: { level: "high" } } as never;
 * if (shownTrust(p, { 3: 0.07 }).level !== "medium") throw new Error();
 * if (shownTrust(p, { 3: 0.3 }).level !== "high") throw new Error();
 * ```
 */
export function shownTrust(
  p: Persona,
  silhouettes: Readonly<Record<number, number>> = {},
): { level: Persona["trust"]["level"]; silhouette: number | null; lowered: boolean } {
  const sil = p.kind === "segment" ? silhouettes[p.segments[0]] ?? null : null;
  const lowered = p.trust.level === "high" && sil !== null && sil < LOW_SILHOUETTE;
  return { level: lowered ? "medium" : p.trust.level, silhouette: sil, lowered };
}

/** Money with the currency symbol when the config names one. */
export function money(v: number, currency?: string | null): string {
  return `${currency ?? ""}${formatNumber(v)}`;
}

/** The segments at a glance: one card per persona, in the order of the persona cards. */
export function summaryCards(
  personas: readonly Persona[],
  w: Words,
  colorOf: (p: Persona) => string,
  silhouettes: Readonly<Record<number, number>>,
): string {
  if (personas.length === 0) return "";
  const s = stringsFor(personas[0].language);
  const rows = personas.map((p) => {
    const facts: [string, string, string?][] = [[w.ofCustomers, formatPercent(p.share)]];
    if (p.revenueShare !== null) facts.push([w.ofRevenue, formatPercent(p.revenueShare)]);
    if (p.value) facts.push([w.ofFutureValue, formatPercent(p.value.share)]);
    for (const o of p.outcomes.filter((o) => o.kind === "rate")) {
      facts.push([`${o.label}`, formatPercent(o.valueIn)]);
    }
    const trust = shownTrust(p, silhouettes);
    if (p.kind === "segment") {
      facts.push([w.trust, upperFirst(s.trust[trust.level]), `trust-${trust.level}`]);
    }
    const action = p.actions[0];
    return `<li class="glance-row" style="--seg: ${h(colorOf(p))}">` +
      `<a class="glance-name" href="#${h(p.id)}"><span class="swatch"></span>${h(p.name)}</a>` +
      `<span class="glance-size">${h(`${formatNumber(p.size)} ${w.customers}`)}</span>` +
      `<dl>${
        facts.map(([k, v, cls]) =>
          `<div${cls ? ` class="${cls}"` : ""}><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`
        ).join("")
      }</dl>` +
      (action ? `<p class="glance-action">${h(action)}</p>` : "") + `</li>`;
  }).join("\n");
  return `<ul class="glance">\n${rows}\n</ul>`;
}

/** What each trust level means, in one sentence each. */
export function trustLegend(w: Words): string {
  return `<dl class="trust-legend">` +
    w.trustLevels.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join("") +
    `</dl>`;
}

/** A warning's message as plain text: no markdown literals, counts in words. */
export function plainMessage(x: StageWarning, w: Words): string {
  const text = x.message.replace(/^FALLBACK\b:?\s*/i, "").replace(/`([^`]*)`/g, "“$1”")
    .replace(/`/g, "");
  return x.count !== undefined && x.count > 1 ? `${text} ${w.times(formatNumber(x.count))}` : text;
}

/** The one line near the top about the run's warnings, pointing at the technical notes. */
export function warningBanner(list: readonly StageWarning[], w: Words): string {
  if (list.length === 0) return `<p class="banner ok">${h(w.noWarnings)}</p>`;
  const models = list.filter((x) => /^FALLBACK\b/i.test(x.message) && /\bmodel\b/i.test(x.message));
  const fallbacks = list.filter((x) => /^FALLBACK\b/i.test(x.message));
  const text = models.length > 0
    ? w.bannerModels
    : fallbacks.length > 0
    ? w.bannerFallback
    : w.bannerOther(list.length);
  return `<p class="banner" role="note">${h(text)} <a href="#notes">${h(w.seeNotes)}</a></p>`;
}

/** The folded section at the end with every warning in full and notes shared by all cards. */
export function technicalNotes(
  list: readonly StageWarning[],
  sharedNotes: readonly string[],
  w: Words,
): string {
  const items = [
    ...list.map((x) =>
      `<li><span class="stage">${h(w.stageName(x.stage))}</span> ${h(plainMessage(x, w))}</li>`
    ),
    ...sharedNotes.map((n) => `<li>${h(n)}</li>`),
  ];
  const body = items.length > 0 ? `<ul>\n${items.join("\n")}\n</ul>` : `<p>${h(w.noWarnings)}</p>`;
  return `<section id="notes">\n<details class="notes">\n<summary>${
    h(`${w.technicalNotes} (${items.length})`)
  }</summary>\n<p class="lede">${h(w.notesLede)}</p>\n${body}\n</details>\n</section>`;
}

/** Notes that every persona card carries: shown once in the technical notes instead. */
export function sharedNotes(personas: readonly Persona[]): string[] {
  const cards = personas.filter((p) => p.kind === "segment");
  if (cards.length < 2) return [];
  return cards[0].notes.filter((n) => cards.every((p) => p.notes.includes(n)));
}
