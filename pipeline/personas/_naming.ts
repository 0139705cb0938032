/**
 * A persona's name and actions beyond the behavioural themes: a mood from a satisfaction outcome
 * or the texts' sentiment, names from what a segment writes about, names kept apart across
 * personas, and actions from outcomes, themes and traits.
 *
 * @module
 */

import type { PersonaLanguage, Strings } from "./_i18n.ts";
import { personaActions } from "./_names.ts";
import { genericActions, genericName, type GenericTrait } from "./_generic.ts";
import type { PersonaOutcome } from "./_outcomes.ts";
import type { ResolvedPersonasOptions } from "./options.ts";
import type { Voice } from "./_text.ts";
import type { themesOf } from "./_traits.ts";

/** What naming needs of a persona. */
interface Named {
  name: string;
  segments: number[];
  traits: readonly { text: string }[];
  voice: Pick<Voice, "keywords"> | null;
}

/**
 * Suggested actions: an outcome that stands out first (retention, campaign priority), then the
 * behavioural themes' actions, then actions from the roles of the segment's other traits, each
 * citing the trait; at least one, specific to the segment.
 */
export function actionsOf(
  themed: boolean,
  themes: ReturnType<typeof themesOf>,
  generic: GenericTrait[],
  voice: Voice | null,
  outcomes: PersonaOutcome[],
  s: Strings,
  o: ResolvedPersonasOptions,
  negative: boolean,
): string[] {
  const max = 4;
  // One action per kind of outcome: the one that stands out most.
  const byAction = new Map<string, PersonaOutcome>();
  for (const x of outcomes) {
    if (x.action === null) continue;
    const kind = x.action.slice(0, x.action.indexOf(x.text));
    const best = byAction.get(kind);
    if (!best || x.valueIn / x.valueAll > best.valueIn / best.valueAll) byAction.set(kind, x);
  }
  const out = [...byAction.values()].map((x) => x.action!);
  if (themed) { for (const a of personaActions(themes, s, { negative })) out.push(a); }
  const strong = generic.filter((t) => Math.abs(t.effect) >= o.minEffect);
  // The themes speak for the product's own features; the rest only add what is specific.
  const extra = genericActions(strong.length ? strong : generic.slice(0, 1), o.language, max, {
    specificOnly: themed,
  });
  for (const a of extra) out.push(a);
  const words = voice?.keywords ?? [];
  if (words.length > 0) {
    const list = words.slice(0, 3).join(o.language === "zh" ? "、" : ", ");
    out.push(
      o.language === "zh"
        ? `回应他们最常谈到的话题（关键词：${list}）`
        : `Answer what they write about most (keywords: ${list})`,
    );
  }
  // The same advice from two traits (monthly and total charges) is given once.
  const stems = new Set<string>();
  const unique = out.filter((a) => {
    const stem = a.replace(/\s*[(（].*$/, "");
    if (a === s.actions.mainstream || stems.has(stem)) return false;
    stems.add(stem);
    return true;
  }).slice(0, max);
  return unique.length > 0 ? unique : [s.actions.mainstream];
}

/**
 * Whether a segment is clearly more or less satisfied than everyone: a satisfaction outcome (a
 * rating, positive reviews) 30% above or below the overall rate, else its texts' sentiment 0.2
 * above or below everyone's; null when neither says.
 */
export function moodOf(
  outcomes: PersonaOutcome[],
  voice: Voice | null,
): "satisfied" | "unsatisfied" | null {
  const sat = outcomes.find((x) => x.role === "satisfaction" && x.valueAll > 0);
  if (sat) {
    const ratio = sat.valueIn / sat.valueAll;
    return ratio >= 1.3 ? "satisfied" : ratio <= 0.7 ? "unsatisfied" : null;
  }
  if (voice?.sentiment != null && voice.overallSentiment != null) {
    const d = voice.sentiment - voice.overallSentiment;
    return d >= 0.2 ? "satisfied" : d <= -0.2 ? "unsatisfied" : null;
  }
  return null;
}

/** "Less satisfied dress buyers": the mood before a generic name. */
export function withMood(name: string, mood: ReturnType<typeof moodOf>, language: PersonaLanguage) {
  if (mood === null) return name;
  if (language === "zh") {
    // "谈论…的客户" takes the mood before its noun: "谈论…的不满意客户".
    if (/的客户$/.test(name)) {
      return name.replace(/的客户$/, `的${mood === "satisfied" ? "满意" : "不满意"}客户`);
    }
    return `${mood === "satisfied" ? "满意的" : "不太满意的"}${name}`;
  }
  const rest = name.charAt(0).toLowerCase() + name.slice(1);
  return `${mood === "satisfied" ? "Satisfied" : "Less satisfied"} ${rest}`;
}

/** A name from what a segment writes about: "Customers writing about delays and refunds". */
export function keywordName(
  words: readonly string[],
  count: number,
  language: PersonaLanguage,
): string {
  const top = words.slice(0, count);
  if (top.length === 0) return language === "zh" ? "未留下文字的客户" : "Customers with no texts";
  if (language === "zh") return `谈论${top.join("、")}的客户`;
  const list = top.length === 1
    ? top[0]
    : `${top.slice(0, -1).join(", ")} and ${top[top.length - 1]}`;
  return `Customers writing about ${list}`;
}

/**
 * Every persona gets a name of its own: personas that share one are renamed from more of their
 * traits (two, three, then four), and as a last resort their strongest trait is added in words.
 */
export function distinctNames(
  personas: Named[],
  generic: ReadonlyMap<number, GenericTrait[]>,
  o: ResolvedPersonasOptions,
): void {
  const clashes = () => {
    const counts = new Map<string, number>();
    for (const p of personas) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    return personas.filter((p) => counts.get(p.name)! > 1);
  };
  for (const depth of [2, 3, 4]) {
    const dup = clashes();
    if (dup.length === 0) return;
    for (const p of dup) {
      const traits = generic.get(p.segments[0]) ?? [];
      const words = p.voice?.keywords ?? [];
      if (traits.length) p.name = genericName(traits, depth, o.language);
      else if (words.length) p.name = keywordName(words, depth + 1, o.language);
    }
  }
  // Still alike: what they write about tells them apart, else their strongest trait in words.
  const dup = clashes();
  const used = new Map<string, Set<string>>();
  for (const p of dup) {
    const words = p.voice?.keywords ?? [];
    const taken = used.get(p.name) ?? new Set<string>();
    const word = words.find((w) => !taken.has(w));
    if (word) {
      taken.add(word);
      used.set(p.name, taken);
      p.name = o.language === "zh"
        ? `${p.name}（常谈“${word}”）`
        : `${p.name}, writing about ${word}`;
    }
  }
  for (const p of clashes()) {
    const top = p.traits[0]?.text;
    if (top) p.name = o.language === "zh" ? `${p.name}（${top}）` : `${p.name} (${top})`;
  }
}
