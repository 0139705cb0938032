/**
 * Traits, names and actions for columns of any customer table: numbers compared by mean (or
 * median when skewed), 0/1 flags and categorical levels by share ("Month-to-month contract: 89%
 * vs 55% of all customers"), each with one comparable effect size; names built from the most
 * distinctive traits ("Month-to-month, fiber optic big spenders"); and actions chosen by the
 * role of the trait behind them, each citing that trait.
 *
 * @module
 */

import type { DriverRow } from "../importance/mod.ts";
import type { ColumnRole, FeatureMeta } from "../types.ts";
import { formatNumber as n, formatPercent as p } from "./_format.ts";
import type { PersonaLanguage } from "./_i18n.ts";
import { roleWords } from "./_words_roles.ts";
import { zhFeatureLabel } from "./_zh_features.ts";
import { type RoleKind, roleOf } from "./_roles.ts";

/**
 * Column roles of the features the product builds itself, for segments no behavioural theme
 * names (a long gap between orders is less frequency; paying more of the typical price is less
 * price sensitivity).
 */
const KNOWN_ROLES: Partial<Record<RoleKind, { role: ColumnRole; inverted?: boolean }>> = {
  frequency: { role: "frequency" },
  spend: { role: "value" },
  spendPerOrder: { role: "value" },
  basket: { role: "value" },
  recency: { role: "recency" },
  tenure: { role: "tenure" },
  interval: { role: "frequency", inverted: true },
  discountShare: { role: "price" },
  discountMean: { role: "price" },
  promoShare: { role: "price" },
  deal: { role: "price" },
  priceLevel: { role: "price", inverted: true },
  age: { role: "age" },
  sentiment: { role: "satisfaction" },
  channel: { role: "channel" },
  categorySpend: { role: "category" },
  categoryOrders: { role: "category" },
};
import { lowerFirst, upperFirst } from "./_words.ts";

/** One trait of a segment from a column of any table. */
export interface GenericTrait {
  feature: string;
  /** The column (a categorical level's column). */
  column: string;
  label: string;
  kind: "numeric" | "share" | "level";
  level?: string;
  role?: ColumnRole;
  /** The unit of a numeric trait ("count", "currency"…). */
  unit?: string;
  /** What a category or channel trait is about ("wines", "app"). */
  subject?: string;
  /** A high value means less of the role (a long gap between orders: less frequent). */
  inverted?: boolean;
  /** Effect of segment against rest on one scale (rank-based d or Cohen's h). */
  effect: number;
  /** The figures the text quotes: means, medians or shares. */
  valueIn: number;
  valueAll: number;
  stat: "mean" | "median" | "share";
  text: string;
}

/** How figures are shown. */
export interface FormatOptions {
  language: PersonaLanguage;
  /** Symbol money is shown with; none when null. */
  currency: string | null;
}

const YES = /^(yes|y|true|1(\.0)?)$/i;
const NO = /^(no|n|false|0(\.0)?)$/i;
/** Labels that read after a level: "month-to-month contract", "fiber optic internet service". */
const SUFFIX_NOUNS =
  /\b(contract|plan|service|subscription|membership|card|account|tier|class|type)$/i;

/** A value in its unit: money with its symbol, shares as percentages. */
export function formatValue(v: number, unit: string, o: FormatOptions): string {
  if (unit === "share" || unit === "fraction") return p(v);
  if (unit === "percent") return `${n(v)}%`;
  if (unit === "currency") return o.currency ? `${o.currency}${n(v)}` : n(v);
  if (unit === "days") return o.language === "zh" ? `${n(v)} 天` : `${n(v)} days`;
  if (unit === "months") return o.language === "zh" ? `${n(v)} 个月` : `${n(v)} months`;
  if (unit === "years") return o.language === "zh" ? `${n(v)} 年` : `${n(v)} years`;
  return n(v);
}

/** How a categorical level of a column reads on its own. */
export function levelPhrase(label: string, level: string, language: PersonaLanguage): string {
  if (language === "zh") {
    if (YES.test(level)) return label;
    if (NO.test(level)) return `无${label}`;
    return `${label}为${level}`;
  }
  if (YES.test(level)) return upperFirst(label);
  if (NO.test(level)) return `No ${label}`;
  if (SUFFIX_NOUNS.test(label) && !level.toLowerCase().includes(label.toLowerCase())) {
    return `${level} ${label}`;
  }
  return `${upperFirst(label)}: ${lowerFirst(level)}`;
}

/**
 * The segment's traits from driver rows whose features the persona rules do not know by name:
 * customer attributes, categorical levels, 0/1 flags. Levels count only where the segment
 * over-indexes (the rest of a column's levels are the same fact seen from the other side).
 */
export function genericTraits(
  rows: readonly DriverRow[],
  metas: ReadonlyMap<string, FeatureMeta>,
  o: FormatOptions,
): GenericTrait[] {
  const out: GenericTrait[] = [];
  for (const r of rows) {
    const column = r.column ?? r.feature;
    const meta = metas.get(column);
    const effect = r.effect ?? r.effectSize;
    if (!meta || effect === null || r.meanIn === null || r.meanAll === null) continue;
    // A description's words before a colon name the feature; the rest explains it.
    const label = (o.language === "zh" ? zhFeatureLabel(column) : null) ?? meta.label ??
      lowerFirst(meta.description.split(": ")[0]);
    const kind = r.kind ?? "numeric";
    const featureRole = roleOf(meta);
    const known = KNOWN_ROLES[featureRole.kind];
    const role = meta.role ?? known?.role;
    const subject = featureRole.level ??
      (role === "category" ? label.replace(/^spend on /, "") : undefined);
    const inverted = known?.inverted === true || (role === "age" && /birth/i.test(label));
    if (kind === "level") {
      if (effect <= 0 || r.level === undefined) continue;
      const phrase = levelPhrase(label, r.level, o.language);
      out.push({
        feature: r.feature,
        column,
        label,
        kind,
        level: r.level,
        ...(role ? { role } : {}),
        effect,
        valueIn: r.meanIn,
        valueAll: r.meanAll,
        stat: "share",
        text: shareText(phrase, r.meanIn, r.meanAll, o.language),
      });
      continue;
    }
    // Skewed values read better as medians, unless the medians do not tell the groups apart.
    const median = meta.heavyTailed === true && r.medianIn != null && r.medianAll != null &&
      r.medianIn !== r.medianAll;
    const stat = kind === "share" ? "share" : median ? "median" : "mean";
    const vIn = median ? r.medianIn! : r.meanIn, vAll = median ? r.medianAll! : r.meanAll;
    const unit = kind === "share" ? "share" : meta.unit;
    out.push({
      feature: r.feature,
      column,
      label,
      kind,
      ...(role ? { role } : {}),
      unit,
      ...(subject ? { subject } : {}),
      ...(inverted ? { inverted } : {}),
      effect,
      valueIn: vIn,
      valueAll: vAll,
      stat,
      text: kind === "share"
        ? shareText(upperFirst(label), vIn, vAll, o.language)
        : numberText(label, formatValue(vIn, unit, o), formatValue(vAll, unit, o), median, o),
    });
  }
  return out;
}

function shareText(phrase: string, vIn: number, vAll: number, language: PersonaLanguage) {
  return language === "zh"
    ? `${phrase}：${p(vIn)}，全部客户为 ${p(vAll)}`
    : `${phrase}: ${p(vIn)} vs ${p(vAll)} of all customers`;
}

function numberText(label: string, vIn: string, vAll: string, median: boolean, o: FormatOptions) {
  return o.language === "zh"
    ? `${label}${median ? "（中位数）" : ""}：${vIn}，整体为 ${vAll}`
    : `${upperFirst(label)}${median ? " (median)" : ""}: ${vIn} vs ${vAll} overall`;
}

/** The adjective, noun or trailing phrase a trait lends a name. */
function nameParts(t: GenericTrait, language: PersonaLanguage) {
  const high = t.effect > 0;
  if (t.kind === "level") {
    const level = t.level!;
    if (NO.test(level)) {
      return { suffix: language === "zh" ? `无${t.label}` : `without ${t.label}` };
    }
    const none = level.match(/^no\s+(.+)$/i);
    if (none && language === "en") return { suffix: `without ${none[1]}` };
    const adj = YES.test(level) ? t.label : lowerFirst(level);
    const noun = t.role === "category"
      ? (language === "zh" ? `${level}购买者` : `${lowerFirst(level)} buyers`)
      : t.role === "channel"
      ? (language === "zh" ? `${level}渠道客户` : `${lowerFirst(level)} shoppers`)
      : undefined;
    return { adj, noun };
  }
  const more = t.inverted ? !high : high;
  const words = roleWords(language, t.role, more);
  if (words.adj || words.noun) return { adj: words.adj, noun: words.noun };
  if (t.role === "category") {
    if (!more) return { noun: roleWords(language, "value", false).noun, role: "value" as const };
    const thing = t.subject ?? t.label;
    return { noun: language === "zh" ? `${thing}购买者` : `${singular(thing)} buyers` };
  }
  if (t.role === "channel" && more) {
    const first = t.subject ?? t.label.split(" ")[0];
    return { noun: language === "zh" ? `${first}渠道客户` : `${first} shoppers` };
  }
  const counted = t.unit === "count";
  const dir = language === "zh"
    ? (high ? "较高" : "较低")
    : high
    ? (counted ? "more" : "high")
    : (counted ? "fewer" : "low");
  return {
    suffix: language === "zh" ? `${t.label}${dir}` : `with ${dir} ${t.label}`,
  };
}

const singular = (w: string) => w.replace(/\b(\w+?)(ies)$/, "$1y").replace(/\b(\w+[^s])s$/, "$1");

/**
 * A name from the `depth` most distinctive traits: a noun from the strongest trait that has
 * one ("big spenders"), adjectives from the others ("young", "month-to-month"), "customers"
 * when no trait gives a noun.
 *
 * @example
 * ```ts
 * import { genericName } from "./_generic.ts";
 * const t = (label: string, effect: number, role?: "age" | "value") => ({
 *   feature: label, column: label, label, kind: "numeric" as const, effect, role,
 *   valueIn: 0, valueAll: 0, stat: "mean" as const, text: "",
 * });
 * const name = genericName([t("age", -0.9, "age"), t("spend", 0.8, "value")], 2, "en");
 * if (name !== "Young big spenders") throw new Error(name);
 * ```
 */
export function genericName(
  traits: readonly GenericTrait[],
  depth: number,
  language: PersonaLanguage,
): string {
  const top = traits.slice(0, depth).map((t) => ({ role: t.role, ...nameParts(t, language) }));
  // Who they are (age, income, tenure) reads best as an adjective before what they do.
  const demographic = (x: (typeof top)[number]) =>
    x.role === "age" || x.role === "income" || x.role === "tenure";
  const behaviourNoun = top.findIndex((x) => x.noun && !demographic(x));
  const nounAt = behaviourNoun >= 0 ? behaviourNoun : top.findIndex((x) => x.noun);
  const noun = nounAt >= 0 ? top[nounAt].noun! : language === "zh" ? "客户" : "customers";
  // A second trait of the noun's own role adds nothing ("low-spending light spenders").
  const other = (x: (typeof top)[number], i: number) =>
    i !== nounAt && (nounAt < 0 || x.role === undefined || x.role !== top[nounAt].role ||
      x.noun === undefined);
  const adjs = top.filter((x, i) => other(x, i) && x.adj && x.noun !== noun).map((x) => x.adj!);
  const suffixes = top.filter((x, i) => other(x, i) && !x.adj && x.suffix && x.noun !== noun)
    .map((x) => x.suffix!);
  if (language === "zh") {
    const pre = suffixes.length ? `${suffixes.join("、")}的` : "";
    return `${pre}${adjs.join("、")}${noun}`;
  }
  const head = adjs.length ? `${adjs.join(", ")} ${noun}` : noun;
  const tail = suffixes.map((x, i) => i === 0 ? x : x.replace(/^with /, ""));
  return upperFirst(tail.length ? `${head} ${tail.join(" and ")}` : head);
}

/** Actions from the traits' roles, each citing its trait; at most `max`. */
export function genericActions(
  traits: readonly GenericTrait[],
  language: PersonaLanguage,
  max: number,
  opts: { specificOnly?: boolean } = {},
): string[] {
  const cite = (action: string, t: GenericTrait) =>
    language === "zh" ? `${action}（${t.text}）` : `${action} (${t.text})`;
  const out: string[] = [];
  for (const t of traits) {
    if (out.length >= max) break;
    const high = t.effect > 0;
    if (t.kind === "level") {
      const phrase = levelPhrase(t.label, t.level!, language);
      const action = t.role === "channel"
        ? (language === "zh" ? `优先通过${t.level}触达` : `Reach them through ${t.level} first`)
        : t.role === "category"
        ? (language === "zh" ? `在营销中主推${t.level}` : `Feature ${t.level} in their campaigns`)
        : language === "zh"
        ? `为「${phrase}」的客户量身设计优惠`
        : `Tailor an offer to customers with ${lowerFirst(phrase)}`;
      out.push(cite(action, t));
      continue;
    }
    const more = t.inverted ? !high : high;
    const action = roleWords(language, t.role, more).action;
    if (action) out.push(cite(action, t));
    else if (t.role === "category" && more) {
      const thing = t.subject ?? t.label;
      out.push(cite(
        language === "zh" ? `围绕${thing}做推荐与交叉销售` : `Cross-sell around ${thing}`,
        t,
      ));
    } else if (t.role === "channel" && more) {
      out.push(cite(
        language === "zh"
          ? `优先通过${t.subject ?? "该渠道"}触达`
          : `Reach them through ${t.subject ?? "this channel"} first`,
        t,
      ));
    } else if (opts.specificOnly) continue;
    else {
      const dir = language === "zh" ? (high ? "较高" : "较低") : high ? "higher" : "lower";
      out.push(cite(
        language === "zh"
          ? `围绕其${dir}的${t.label}设计一个测试`
          : `Design a test around their ${dir} ${t.label}`,
        t,
      ));
    }
  }
  return [...new Set(out)];
}
