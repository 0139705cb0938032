/**
 * From a segment's driver rows to what a persona says about it: the distinctive traits phrased
 * with their numbers, top categories and channels, price sensitivity, social activity, and the
 * theme scores that names and actions are chosen from.
 *
 * @module
 */

import type { DriverRow } from "../importance/mod.ts";
import type { FeatureMeta } from "../types.ts";
import { formatNumber, formatPercent } from "./_format.ts";
import type { Fact, Strings } from "./_i18n.ts";
import { isOtherLevel, type Role, roleOf } from "./_roles.ts";

/** One distinctive trait of a segment, with the numbers it was phrased from. */
export interface PersonaTrait {
  feature: string;
  /** A readable label of the feature (or of the column a level belongs to). */
  label?: string;
  /** For a categorical level: the level. */
  level?: string;
  group: string;
  /** Effect of the segment against the rest: rank-based d, Cohen's d or Cohen's h. */
  effectSize: number;
  meanSegment: number;
  meanOverall: number;
  /** meanSegment / meanOverall; null when the overall mean is 0. */
  lift: number | null;
  direction: "higher" | "lower";
  /** Plain language with the numbers: "62% of spend on digital vs 18% overall". */
  text: string;
}

/** A category or channel and its share in the segment and overall. */
export interface ShareItem {
  name: string;
  share: number;
  overall: number;
}

/** A three-step level with the sentence that backs it. */
export interface LevelNote {
  level: "high" | "average" | "low";
  text: string;
}

/** How strongly a segment shows each theme (effect sizes; 0 when the feature is absent). */
export interface Themes {
  deals: number;
  premium: number;
  social: number;
  trend: number;
  browsing: number;
  fewPurchases: number;
  frequent: number;
  spend: number;
  abandon: number;
  /** Categories the segment over-indexes on, strongest first ("other" left out). */
  categories: { level: string; d: number }[];
  /** The channel the segment over-indexes on most, if any. */
  channel: { level: string; d: number } | null;
}

/** A driver row with its feature's metadata and role. */
interface Row {
  row: DriverRow;
  meta: FeatureMeta;
  role: Role;
}

/** The segment's rows that have the numbers a phrase needs, with their roles. */
export function describedRows(rows: DriverRow[], metas: ReadonlyMap<string, FeatureMeta>): Row[] {
  const out: Row[] = [];
  for (const row of rows) {
    const meta = metas.get(row.feature);
    if (!meta || row.meanIn === null || row.meanAll === null) continue;
    const role = roleOf(meta);
    // Features without a known role are described by the generic rules (_generic.ts).
    if (role.kind !== "hidden" && role.kind !== "other") out.push({ row, meta, role });
  }
  return out;
}

const d = (r: Row | undefined) => r?.row.effectSize ?? 0;
/** The effect traits are ranked by: one scale for every kind of column. */
const e = (r: Row) => r.row.effect ?? r.row.effectSize ?? 0;

/** The top traits by |effect size|, one per concept (a category's spend and order share are one). */
export function segmentTraits(
  rows: Row[],
  s: Strings,
  opts: { traits: number; minEffect: number },
): PersonaTrait[] {
  const ranked = rows.filter((r) => Math.abs(e(r)) >= opts.minEffect)
    .sort((a, b) => Math.abs(e(b)) - Math.abs(e(a)) || cmp(a.row.feature, b.row.feature));
  const seen = new Set<string>();
  const out: PersonaTrait[] = [];
  for (const r of ranked) {
    if (out.length >= opts.traits) break;
    const concept = r.role.kind === "categorySpend" || r.role.kind === "categoryOrders"
      ? `category:${r.role.level}`
      : r.row.feature;
    if (seen.has(concept)) continue;
    seen.add(concept);
    out.push({
      feature: r.row.feature,
      group: r.meta.group,
      effectSize: e(r),
      meanSegment: r.row.meanIn!,
      meanOverall: r.row.meanAll!,
      lift: r.row.lift,
      direction: e(r) >= 0 ? "higher" : "lower",
      text: phrase(r, s),
    });
  }
  return out;
}

/** The plain-language sentence of one driver row. */
export function phrase(r: Row, s: Strings): string {
  const rawLevel = r.role.level ?? "";
  const fact: Fact = {
    meta: r.meta,
    kind: r.role.kind,
    level: s.level(rawLevel),
    rawLevel: rawLevel.toLowerCase(),
    inV: r.row.meanIn!,
    allV: r.row.meanAll!,
    lift: r.row.lift,
  };
  const special = s.phrase[r.role.kind];
  return special ? special(fact) : s.generic(fact);
}

/** Categories (by spend share, else order share) or channels, largest share first, no "other". */
export function topShares(
  rows: Row[],
  kind: "category" | "channel",
  s: Strings,
  top = 3,
): ShareItem[] {
  const pick = (k: Role["kind"]) => rows.filter((r) => r.role.kind === k);
  const chosen = kind === "channel"
    ? pick("channel")
    : (pick("categorySpend").length > 0 ? pick("categorySpend") : pick("categoryOrders"));
  // "Other categories" tells a reader nothing about what the segment buys.
  return chosen.filter((r) => !isOtherLevel(r.role.level))
    .sort((a, b) => b.row.meanIn! - a.row.meanIn! || cmp(a.row.feature, b.row.feature))
    .slice(0, top)
    .map((r) => ({ name: s.level(r.role.level!), share: r.row.meanIn!, overall: r.row.meanAll! }));
}

/** High / average / low from the mean z of the features given (sign-adjusted); null if none. */
function levelOf(rows: { r: Row; sign: number }[]): "high" | "average" | "low" | null {
  const zs = rows.map(({ r, sign }) => sign * (r.row.z ?? 0));
  if (zs.length === 0) return null;
  const z = zs.reduce((a, b) => a + b, 0) / zs.length;
  return z > 0.4 ? "high" : z < -0.4 ? "low" : "average";
}

/** Price sensitivity from discount, promotion and price-level features; null without any. */
export function priceSensitivity(rows: Row[], s: Strings): LevelNote | null {
  const used = rows.filter((r) => isDealShare(r) || r.role.kind === "priceLevel")
    .map((r) => ({ r, sign: r.role.kind === "priceLevel" ? -1 : 1 }));
  const level = levelOf(used);
  if (level === null) return null;
  const share = rows.find((r) => r.role.kind === "discountShare");
  return {
    level,
    text: s.price(
      s.level3[level],
      share ? formatPercent(share.row.meanIn!) : null,
      share ? formatPercent(share.row.meanAll!) : null,
    ),
  };
}

/**
 * Social activity from the per-month interaction rates: high from 1.5× the overall rate, low
 * under two thirds of it (rates are heavy-tailed, so a ratio reads better than a z-score).
 */
export function socialActivity(rows: Row[], s: Strings): LevelNote | null {
  const social = rows.filter((r) => r.role.kind === "social");
  if (social.length === 0) return null;
  const sum = (f: (r: Row) => number) => social.reduce((a, r) => a + f(r), 0);
  const ratio = sum((r) => r.row.meanIn!) / sum((r) => r.row.meanAll!);
  const level = ratio >= 1.5 ? "high" : ratio <= 2 / 3 ? "low" : "average";
  return {
    level,
    text: s.socialText(
      s.level3[level],
      formatNumber(sum((r) => r.row.meanIn!)),
      formatNumber(sum((r) => r.row.meanAll!)),
    ),
  };
}

function isDealShare(r: Row): boolean {
  const k = r.role.kind;
  return k === "discountShare" || k === "discountMean" || k === "promoShare" ||
    (k === "deal" && (r.meta.unit === "share" || r.meta.unit === "fraction"));
}

/** Theme strengths of a segment, read from its effect sizes. */
export function themesOf(rows: Row[]): Themes {
  const of = (k: Role["kind"]) => rows.filter((r) => r.role.kind === k);
  const one = (k: Role["kind"]) => d(of(k)[0]);
  const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
  const byLevel = new Map<string, number>();
  for (const r of [...of("categorySpend"), ...of("categoryOrders")]) {
    if (isOtherLevel(r.role.level)) continue;
    byLevel.set(r.role.level!, Math.max(byLevel.get(r.role.level!) ?? -Infinity, d(r)));
  }
  const categories = [...byLevel].filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
    .map(([level, v]) => ({ level, d: v }));
  const channels = of("channel").filter((r) => !isOtherLevel(r.role.level) && d(r) > 0)
    .sort((a, b) => d(b) - d(a) || cmp(a.role.level!, b.role.level!));
  return {
    deals: max([...rows.filter(isDealShare).map(d), -one("priceLevel")]),
    premium: Math.max(0, one("priceLevel")),
    social: max(of("social").map(d)),
    trend: Math.max(0, one("newProduct")),
    browsing: max(of("events").map(d)),
    fewPurchases: max([-one("frequency"), -one("conversion")]),
    frequent: Math.max(0, one("frequency")),
    spend: Math.max(0, one("spend")),
    abandon: Math.max(0, one("abandon")),
    categories,
    channel: channels.length > 0 ? { level: channels[0].role.level!, d: d(channels[0]) } : null,
  };
}

/** Code-unit order, the same in every locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
