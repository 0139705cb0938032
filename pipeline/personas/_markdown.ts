/**
 * personas.md: the personas as Markdown, for a wiki page or a chat message.
 *
 * @module
 */

import type { Persona, PersonaValue } from "./personas.ts";
import type { Strings } from "./_i18n.ts";
import { formatNumber, formatPercent } from "./_format.ts";
import { stringsFor, upperFirst } from "./_i18n.ts";
import type { ShareItem } from "./_traits.ts";
import { sentimentLabel } from "./_text.ts";

/** Escapes the characters Markdown would read as formatting or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

const md = escapeMarkdown;

/**
 * Renders personas as one Markdown document, in the personas' language, in their order.
 *
 * @example
 * ```ts
 * import { personasMarkdown } from "./personas.ts";
 * const text = personasMarkdown([]);
 * if (!text.startsWith("# Personas")) throw new Error(text);
 * ```
 */
export function personasMarkdown(personas: readonly Persona[]): string {
  const s = stringsFor(personas[0]?.language ?? "en");
  const L = s.labels;
  const { colon, comma, open, close } = s.punct;
  const out: string[] = [`# ${L.personas}`, ""];
  personas.forEach((p, i) => {
    out.push(`## ${i + 1}. ${md(p.name)}`, "");
    const head = [
      `${p.segments.length > 1 ? L.segments : L.segment} ${p.segments.join(", ")}`,
      `${formatPercent(p.share)} ${L.customers}${open}${formatNumber(p.size)}${close}`,
      ...(p.revenueShare === null ? [] : [`${formatPercent(p.revenueShare)} ${L.revenue}`]),
      ...(p.value === null ? [] : [`${formatPercent(p.value.share)} ${L.valueShare}`]),
      ...(p.kind === "segment" ? [`${L.trustShort}${colon}${s.trust[p.trust.level]}`] : []),
    ];
    out.push(head.join(" · "), "", md(p.summary), "");
    if (p.value) out.push(md(valueSentence(p.value, s)), "");
    if (p.traits.length > 0) {
      out.push(
        `**${L.traits}**`,
        "",
        p.traits.map((t) => `- ${md(upperFirst(t.text))}`).join("\n"),
        "",
      );
    }
    const facts: string[] = [];
    const fact = (label: string, text: string) => facts.push(`**${label}**${colon}${text}`);
    const shares = (items: ShareItem[]) =>
      items.map((c) =>
        `${md(c.name)} ${formatPercent(c.share)}${open}${L.overall} ${
          formatPercent(c.overall)
        }${close}`
      ).join(comma);
    if (p.categories.length > 0) fact(L.categories, shares(p.categories));
    if (p.channels.length > 0) fact(L.channels, shares(p.channels));
    if (p.price) fact(L.price, md(p.price.text));
    if (p.social) fact(L.social, md(p.social.text));
    if (facts.length > 0) out.push(facts.map((f) => `- ${f}`).join("\n"), "");
    const v = p.voice;
    if (v && v.texts > 0) {
      out.push(`**${L.say}**${open}${formatNumber(v.texts)} ${L.texts}${close}`, "");
      const lines: string[] = [];
      if (v.sentiment !== null) {
        lines.push(
          `${sentimentLabel(L.sentiment, v.sentimentSource, p.language)}${colon}` +
            formatNumber(v.sentiment) +
            (v.overallSentiment === null
              ? ""
              : `${open}${L.overall} ${formatNumber(v.overallSentiment)}${close}`),
        );
      }
      if (v.keywords.length > 0) {
        lines.push(`${L.keywords}${colon}${v.keywords.map(md).join(comma)}`);
      }
      if (v.entities && v.entities.length > 0) {
        lines.push(`${L.entities}${colon}${v.entities.map(md).join(comma)}`);
      }
      out.push(lines.map((l) => `- ${l}`).join("\n"), "");
      if (v.quotes.length > 0) {
        out.push(v.quotes.map((q) => `> “${md(q)}”`).join("\n>\n"), "");
      }
    }
    if (p.actions.length > 0) {
      out.push(`**${L.actions}**`, "", p.actions.map((a) => `- ${md(a)}`).join("\n"), "");
    }
    if (p.kind === "segment") out.push(`**${L.trust}**${colon}${md(p.trust.text)}`, "");
    if (p.notes.length > 0) out.push(`_${L.notes}${colon}${p.notes.map(md).join(comma)}_`, "");
  });
  return out.join("\n").replace(/\n+$/, "\n");
}

/** The segment's expected value in a sentence (personas.md and the report's cards). */
export function valueSentence(v: PersonaValue, s: Strings): string {
  return s.valueText(
    formatNumber(v.meanValue),
    formatPercent(v.share),
    formatNumber(v.horizon),
    formatNumber(v.meanExpectedPurchases),
  );
}
