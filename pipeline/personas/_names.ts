/**
 * Persona names and suggested actions, chosen by rules from a segment's theme strengths (effect
 * sizes against the rest of the customers). The rules never see a ground truth: the same
 * drivers give the same name whatever the data set.
 *
 * @module
 */

import type { Strings } from "./_i18n.ts";
import { upperFirst } from "./_i18n.ts";
import type { Themes } from "./_traits.ts";

/** A theme counts for a name or an action from this effect size on. */
const PRESENT = 0.5;
/** A strong theme: qualifies a name ("Frequent…") or triggers an action. */
const STRONG = 0.8;

type Theme = "deals" | "social" | "window" | "buyers" | "category" | "premium" | "browsing" | "few";

/** The themes that can name a persona, with their scores, strongest first (ties by this order). */
export function rankThemes(t: Themes): { theme: Theme; score: number }[] {
  const both = t.browsing >= PRESENT && t.fewPurchases >= PRESENT;
  const scores: [Theme, number][] = [
    ["deals", t.deals],
    ["social", t.social],
    ["window", both ? (t.browsing + t.fewPurchases) / 2 : 0],
    ["buyers", Math.max(t.frequent, t.spend)],
    ["category", t.categories[0]?.d ?? 0],
    ["premium", t.premium],
    ["browsing", both ? 0 : t.browsing],
    ["few", both ? 0 : t.fewPurchases],
  ];
  return scores.map(([theme, score], i) => ({ theme, score, i }))
    .filter((x) => x.score >= PRESENT)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ theme, score }) => ({ theme, score }));
}

/** The categories a name or action mentions: the strongest, and the next when nearly as strong. */
function categoryWords(t: Themes, s: Strings, min: number): string | null {
  const [a, b] = t.categories;
  if (!a || a.d < min) return null;
  if (b && b.d >= Math.max(STRONG, 0.6 * a.d)) return s.pair(s.level(a.level), s.level(b.level));
  return s.level(a.level);
}

/** A short persona name from the strongest theme, e.g. "Frequent digital buyers". */
export function personaName(t: Themes, s: Strings): string {
  const top = rankThemes(t)[0]?.theme;
  const n = s.names;
  switch (top) {
    case "deals":
      return n.deals;
    case "social":
      return t.trend >= PRESENT ? n.trend : n.social;
    case "window":
      return n.window;
    case "premium":
      return n.premium;
    case "browsing":
      return n.browsers;
    case "few":
      return n.occasional;
    case "buyers":
    case "category": {
      const cats = categoryWords(t, s, top === "buyers" ? STRONG : PRESENT);
      if (t.frequent >= STRONG) return upperFirst(cats ? n.frequentOf(cats) : n.frequent);
      if (t.spend >= STRONG) return upperFirst(cats ? n.bigSpendersOf(cats) : n.bigSpenders);
      if (!cats) return n.mainstream;
      return upperFirst(t.browsing >= PRESENT ? n.browsersOf(cats) : n.shoppersOf(cats));
    }
    default:
      return n.mainstream;
  }
}

/**
 * Suggested actions from the strong themes, most distinctive first (at most `max`); the
 * mainstream action when nothing stands out.
 */
export function personaActions(
  t: Themes,
  s: Strings,
  opts: { negative: boolean; max?: number },
): string[] {
  const a = s.actions;
  const out: string[] = [];
  const ranked = rankThemes(t);
  // What little window shoppers buy says less about them than what they browse.
  const cats = ranked[0]?.theme === "window" ? null : categoryWords(t, s, STRONG);
  for (const { theme, score } of ranked) {
    if (score < STRONG && theme !== "window") continue;
    if (theme === "deals") out.push(a.deals);
    else if (theme === "social") out.push(a.social);
    else if (theme === "window") out.push(a.window);
    else if (theme === "premium") out.push(a.premium);
    else if (theme === "buyers") out.push(a.frequent(cats ?? s.level("products")));
    else if (theme === "category" && cats) out.push(a.categories(cats));
  }
  if (cats && !out.includes(a.categories(cats)) && !out.includes(a.frequent(cats))) {
    out.push(a.categories(cats));
  }
  if (t.abandon >= PRESENT) out.push(a.abandon);
  const channel = t.channel && t.channel.d >= PRESENT ? t.channel.level.toLowerCase() : null;
  if (channel === "app" || channel === "web" || channel === "store") out.push(a[channel]);
  if (opts.negative) out.push(a.negative);
  const unique = [...new Set(out)].slice(0, opts.max ?? 4);
  return unique.length > 0 ? unique : [a.mainstream];
}
