/**
 * What a feature is about, read from its name and metadata: the role decides how a trait is
 * phrased and which persona themes (deals, social, categories…) it speaks for.
 *
 * The features stage names its columns predictably (spend_share_<level>, channel_share_<level>,
 * events_<type>, social_<kind>_per_month…) and its descriptions name the original level
 * ("Share of spend on digital"), so the level is taken from the description first.
 *
 * @module
 */

import type { FeatureMeta } from "../types.ts";

/** The kinds of role a feature can play in a persona. */
export type RoleKind =
  | "categorySpend"
  | "categoryOrders"
  | "channel"
  | "frequency"
  | "spend"
  | "spendPerOrder"
  | "basket"
  | "discountShare"
  | "discountMean"
  | "promoShare"
  | "promoSpend"
  | "deal"
  | "priceLevel"
  | "events"
  | "conversion"
  | "abandon"
  | "breadth"
  | "social"
  | "newProduct"
  | "recency"
  | "interval"
  | "tenure"
  | "entropy"
  | "age"
  | "sentiment"
  | "hidden"
  | "other";

/** A feature's role and, for per-level features, the level it is about ("digital", "app"). */
export interface Role {
  kind: RoleKind;
  level?: string;
}

const EXACT: Record<string, RoleKind> = {
  frequency: "frequency",
  monetary_total: "spend",
  monetary_mean: "spendPerOrder",
  basket_size: "basket",
  discount_order_share: "discountShare",
  discount_mean: "discountMean",
  promo_spend_share: "promoShare",
  promo_spend: "promoSpend",
  price_ratio_mean: "priceLevel",
  browse_conversion: "conversion",
  cart_abandonment: "abandon",
  browse_breadth: "breadth",
  social_new_product_share: "newProduct",
  recency_days: "recency",
  interval_mean_days: "interval",
  tenure_days: "tenure",
  category_entropy: "entropy",
  age: "age",
  text_sentiment_mean: "sentiment",
};

/** Reads a feature's role from its name, group and description. */
export function roleOf(m: FeatureMeta): Role {
  const name = m.name;
  // Vector components and missingness flags have no plain-language meaning.
  if (/^text_emb_\d+$/.test(name) || name.endsWith("__missing") || m.kind !== "numeric") {
    return { kind: "hidden" };
  }
  const exact = EXACT[name];
  if (exact) return { kind: exact };
  let g: RegExpMatchArray | null;
  if ((g = name.match(/^spend_share_(.+)$/))) {
    return { kind: "categorySpend", level: levelOf(m, /spend on (.+)$/, g[1]) };
  }
  if ((g = name.match(/^order_share_(.+)$/))) {
    return { kind: "categoryOrders", level: levelOf(m, /include (.+)$/, g[1]) };
  }
  if ((g = name.match(/^channel_share_(.+)$/))) {
    return { kind: "channel", level: levelOf(m, /via (.+)$/, g[1]) };
  }
  if ((g = name.match(/^events_(.+)$/))) {
    return { kind: "events", level: levelOf(m, /type '(.+)'/, g[1]) };
  }
  if (m.group === "social" && (g = name.match(/^social_(.+)_per_month$/))) {
    return { kind: "social", level: levelOf(m, /kind '(.+)'/, g[1]) };
  }
  if (m.group === "price" && /discount|promo|coupon|deal|sale/i.test(`${name} ${m.description}`)) {
    return { kind: "deal" };
  }
  return { kind: "other" };
}

function levelOf(m: FeatureMeta, pattern: RegExp, fallback: string): string {
  const found = m.description.match(pattern)?.[1];
  return (found ?? fallback.replaceAll("_", " ")).trim();
}

/** True for the catch-all levels ("other categories", "other") that never name a persona. */
export function isOtherLevel(level: string | undefined): boolean {
  return level === undefined || /^other\b/i.test(level);
}
