/**
 * The persona cards of the report: one card per persona with its name, size, traits, categories
 * and channels as small bars against the overall share, what its customers say, actions and
 * trust.
 *
 * @module
 */

import type { Persona } from "../personas/mod.ts";
import { formatNumber, formatPercent } from "../personas/mod.ts";
import { sentimentLabel, stringsFor, upperFirst, valueSentence } from "../personas/mod.ts";
import type { ShareItem } from "../personas/mod.ts";
import { escapeHtml as h } from "./_html.ts";

/** Words of the card that the persona strings do not have. */
const CARD_WORDS = {
  en: {
    bars: "bar: this segment · line: all customers",
    none: "No texts from this segment",
    llm: "Summary written by a language model from the figures on this card",
  },
  zh: {
    bars: "色条：本分群 · 竖线：全部顾客",
    none: "该分群没有文本",
    llm: "摘要由语言模型根据本卡片上的数字撰写",
  },
};

/** What the report changes on a card: the trust it shows and notes it shows elsewhere. */
export interface CardOptions {
  /** The trust level shown. @default the persona's */
  trust?: Persona["trust"]["level"];
  /** Why the trust shown differs from the persona's. */
  trustNote?: string;
  /** Notes left off the card (the report shows them once, in its technical notes). */
  hideNotes?: readonly string[];
  /** Currency symbol of money amounts. */
  currency?: string;
}

/** One persona card; `color` is the segment's colour in the charts. */
export function personaCard(p: Persona, color: string, o: CardOptions = {}): string {
  const level = o.trust ?? p.trust.level;
  const s = stringsFor(p.language);
  const L = s.labels;
  const { colon, open, close } = s.punct;
  const segLabel = `${p.segments.length > 1 ? L.segments : L.segment} ${p.segments.join(", ")}`;
  const parts: string[] = [];
  parts.push(
    `<header><h3>${h(p.name)}</h3><span class="seg">${h(segLabel)}</span></header>`,
    `<div class="stats">` +
      stat(formatPercent(p.share), `${L.customers}${open}${formatNumber(p.size)}${close}`) +
      (p.revenueShare === null ? "" : stat(formatPercent(p.revenueShare), L.revenue)) +
      (p.value ? stat(formatPercent(p.value.share), L.valueShare) : "") +
      (p.kind === "segment"
        ? stat(upperFirst(s.trust[level]), L.trustShort, `trust-${level}`)
        : "") +
      `</div>`,
    `<p class="summary">${h(p.summary)}</p>`,
  );
  if (p.value) parts.push(`<p class="value">${h(valueSentence(p.value, s))}</p>`);
  if (p.writer === "llm") parts.push(`<p class="note">${h(CARD_WORDS[p.language].llm)}</p>`);
  if (p.traits.length > 0) {
    parts.push(
      `<h4>${h(L.traits)}</h4><ul class="traits">` +
        p.traits.map((t) => `<li class="${t.direction}">${h(upperFirst(t.text))}</li>`).join("") +
        `</ul>`,
    );
  }
  if (p.categories.length > 0 || p.channels.length > 0) {
    parts.push(
      `<div class="two">` +
        (p.categories.length > 0
          ? `<div><h4>${h(L.categories)}</h4>${bars(p.categories)}</div>`
          : "") +
        (p.channels.length > 0 ? `<div><h4>${h(L.channels)}</h4>${bars(p.channels)}</div>` : "") +
        `</div><div class="legend">${h(CARD_WORDS[p.language].bars)}</div>`,
    );
  }
  const levels = [
    p.price ? [L.price, p.price.text] : null,
    p.social ? [L.social, p.social.text] : null,
  ].filter((x): x is string[] => x !== null);
  if (levels.length > 0) {
    parts.push(
      `<dl class="levels">` + levels.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join("") +
        `</dl>`,
    );
  }
  const v = p.voice;
  if (v) {
    parts.push(
      `<h4>${h(L.say)}${
        v.texts > 0 ? h(`${open}${formatNumber(v.texts)} ${L.texts}${close}`) : ""
      }</h4>`,
    );
    if (v.texts === 0) parts.push(`<p class="say-line">${h(CARD_WORDS[p.language].none)}</p>`);
    if (v.sentiment !== null) {
      parts.push(
        `<p class="say-line">${
          h(sentimentLabel(L.sentiment, v.sentimentSource, p.language) + colon)
        }<b>${h(signed(v.sentiment))}</b>` +
          (v.overallSentiment === null
            ? ""
            : ` <span class="legend">${
              h(`${open}${L.overall} ${signed(v.overallSentiment)}${close}`)
            }</span>`) +
          `</p>`,
      );
    }
    if (v.keywords.length > 0) parts.push(chips(v.keywords, ""));
    if (v.entities && v.entities.length > 0) parts.push(chips(v.entities, " entity"));
    for (const q of v.quotes) parts.push(`<blockquote>“${h(q)}”</blockquote>`);
  }
  if (p.actions.length > 0) {
    parts.push(
      `<h4>${h(L.actions)}</h4><ul class="actions">` +
        p.actions.map((a) => `<li>${h(a)}</li>`).join("") + `</ul>`,
    );
  }
  for (const n of p.notes.filter((n) => !o.hideNotes?.includes(n))) {
    parts.push(`<p class="note">${h(n)}</p>`);
  }
  if (p.kind === "segment") {
    parts.push(
      `<footer><b>${h(L.trust + colon)}</b>${h(p.trust.text)}${
        o.trustNote ? ` ${h(o.trustNote)}` : ""
      }</footer>`,
    );
  }
  return `<article class="card${p.kind === "other" ? " other" : ""}" id="${h(p.id)}" ` +
    `style="--seg: ${h(color)}">\n${parts.join("\n")}\n</article>`;
}

function stat(big: string, small: string, cls = ""): string {
  return `<div${cls ? ` class="${cls}"` : ""}><b>${h(big)}</b><span>${h(small)}</span></div>`;
}

function bars(items: ShareItem[]): string {
  const pct = (v: number) => `${Math.round(Math.min(1, Math.max(0, v)) * 1000) / 10}%`;
  return items.map((c) =>
    `<div class="bar"><span class="label" title="${h(c.name)}">${h(c.name)}</span>` +
    `<span class="track"><span class="fill" style="width: ${pct(c.share)}"></span>` +
    `<span class="mark" style="left: ${pct(c.overall)}"></span></span>` +
    `<span class="val">${h(formatPercent(c.share))}</span></div>`
  ).join("");
}

function chips(items: string[], cls: string): string {
  return `<div class="chips">${
    items.map((k) => `<span class="chip${cls}">${h(k)}</span>`).join("")
  }</div>`;
}

function signed(v: number): string {
  return (v > 0 ? "+" : "") + formatNumber(v);
}
