/**
 * A hand-made drivers table that looks like the five planted groups of the generator (figures
 * rounded from a run on data/sample), with the feature metadata the features stage writes.
 */

import type { DriverRow } from "../pipeline/importance/importance.ts";
import type { PersonaTextRow } from "../pipeline/personas/personas.ts";
import type { FeatureMeta } from "../pipeline/types.ts";

type Group = FeatureMeta["group"];

/** name, group, unit, description, overall mean */
const FEATURES: [string, Group, string, string, number][] = [
  ["frequency", "purchase", "orders", "Distinct orders placed", 7.3],
  ["monetary_total", "purchase", "currency", "Total amount paid over all orders", 755],
  ["monetary_mean", "purchase", "currency", "Mean amount paid per order", 85],
  ["channel_share_app", "preference", "share", "Share of orders placed via app", 0.52],
  ["channel_share_web", "preference", "share", "Share of orders placed via web", 0.38],
  ["order_share_digital", "preference", "share", "Share of orders that include digital", 0.24],
  ["order_share_beauty", "preference", "share", "Share of orders that include beauty", 0.17],
  ["spend_share_digital", "preference", "share", "Share of spend on digital", 0.35],
  ["spend_share_apparel", "preference", "share", "Share of spend on apparel", 0.21],
  ["spend_share_beauty", "preference", "share", "Share of spend on beauty", 0.13],
  ["spend_share_home", "preference", "share", "Share of spend on home", 0.13],
  ["spend_share_other", "preference", "share", "Share of spend on other categories", 0.18],
  ["price_ratio_mean", "price", "ratio", "Mean unit price paid relative to the median", 1.11],
  ["discount_order_share", "price", "share", "Share of orders with a discount", 0.34],
  ["discount_mean", "price", "fraction", "Mean discount over order lines", 0.08],
  ["promo_spend_share", "price", "share", "Share of spend on promoted order lines", 0.25],
  ["events_view", "browsing", "events", "Browsing events of type 'view' (total)", 31.5],
  ["events_search", "browsing", "events", "Browsing events of type 'search' (total)", 7.9],
  ["events_cart", "browsing", "events", "Browsing events of type 'cart' (total)", 4.6],
  ["events_wishlist", "browsing", "events", "Browsing events of type 'wishlist' (total)", 2.6],
  ["browse_conversion", "browsing", "orders per view", "Orders placed per product view", 0.4],
  [
    "social_like_per_month",
    "social",
    "count per month",
    "Social interactions of kind 'like' per active month",
    0.39,
  ],
  [
    "social_share_per_month",
    "social",
    "count per month",
    "Social interactions of kind 'share' per active month",
    0.23,
  ],
  [
    "social_comment_per_month",
    "social",
    "count per month",
    "Social interactions of kind 'comment' per active month",
    0.19,
  ],
  [
    "social_follow_per_month",
    "social",
    "count per month",
    "Social interactions of kind 'follow' per active month",
    0.13,
  ],
  [
    "social_new_product_share",
    "social",
    "share",
    "Share of social interactions on new products",
    0.375,
  ],
  ["age", "attribute", "as given", "Customer attribute 'age'", 33.7],
  ["text_emb_0", "text", "component", "Text vector component 1", 0],
];

export const META: FeatureMeta[] = FEATURES.map(([name, group, unit, description]) => ({
  name,
  group,
  unit,
  description,
  kind: "numeric",
}));

/** Segment → feature → [mean in the segment, effect size]; unlisted features are average. */
export const PLANTED: Record<number, Record<string, [number, number]>> = {
  0: {
    frequency: [14.9, 2.07],
    monetary_total: [2223, 3.0],
    monetary_mean: [149, 2.07],
    spend_share_digital: [0.81, 2.41],
    order_share_digital: [0.6, 2.57],
    channel_share_app: [0.68, 0.6],
    discount_order_share: [0.17, -0.6],
    // A text vector with the largest effect of all: it has no plain meaning, so no trait.
    text_emb_0: [5, 6],
  },
  1: {
    spend_share_apparel: [0.51, 1.87],
    spend_share_beauty: [0.34, 1.48],
    order_share_beauty: [0.4, 1.57],
    events_wishlist: [4.5, 1.24],
    events_cart: [7, 1.04],
    browse_conversion: [0.12, -0.9],
    spend_share_digital: [0.06, -1.19],
    channel_share_web: [0.51, 0.63],
  },
  2: {
    discount_mean: [0.28, 4.86],
    discount_order_share: [0.82, 2.66],
    promo_spend_share: [0.63, 2.04],
    price_ratio_mean: [0.7, -1.69],
    spend_share_home: [0.31, 1.18],
    age: [44.8, 1.42],
  },
  3: {
    social_share_per_month: [1.13, 4.52],
    social_follow_per_month: [0.56, 3.99],
    social_like_per_month: [1.3, 3.81],
    social_comment_per_month: [0.74, 3.58],
    social_new_product_share: [0.72, 1.63],
    channel_share_app: [0.77, 1.13],
  },
  4: {
    events_view: [61.8, 1.91],
    events_search: [15.2, 1.78],
    frequency: [1.3, -1.23],
    browse_conversion: [0.02, -1.11],
    channel_share_web: [0.6, 0.89],
  },
};

export const SIZES = [
  { segment: 0, rows: 719 },
  { segment: 1, rows: 711 },
  { segment: 2, rows: 572 },
  { segment: 3, rows: 515 },
  { segment: 4, rows: 483 },
];

/** Driver rows for the given segments and sizes (n = sum of sizes). */
export function drivers(
  planted: Record<number, Record<string, [number, number]>> = PLANTED,
  sizes = SIZES,
): DriverRow[] {
  const n = sizes.reduce((a, s) => a + s.rows, 0);
  const rows: DriverRow[] = [];
  for (const [name, , , , all] of FEATURES) {
    for (const { segment, rows: nIn } of sizes) {
      const [meanIn, d] = planted[segment]?.[name] ?? [all, 0];
      rows.push({
        segment,
        feature: name,
        nIn,
        nOut: n - nIn,
        meanIn,
        meanOut: all,
        meanAll: all,
        sdAll: 1,
        effectSize: d,
        z: d * 0.8,
        lift: all === 0 ? null : meanIn / all,
      });
    }
  }
  return rows;
}

/** Customer ids "c<segment>-<i>", a few per segment, and their segments. */
export function customers(sizes = SIZES, perSegment = 6): { ids: string[]; segments: number[] } {
  const ids: string[] = [], segments: number[] = [];
  for (const { segment } of sizes) {
    for (let i = 0; i < perSegment; i++) {
      ids.push(`c${segment}-${i}`);
      segments.push(segment);
    }
  }
  return { ids, segments };
}

/** Texts of each group, in the manner of the generator's templates. */
export const GROUP_TEXTS: Record<number, string[]> = {
  0: [
    "My new laptop arrived in two days, the battery and screen are great",
    "Third gadget this year, the earbuds work with my other devices",
    "Bought another tablet, the battery and screen are excellent",
  ],
  1: [
    "This dress has a lovely colour and fit",
    "Tried the lipstick, the texture and shade are lovely",
    "Browsed the new collection for hours and picked a serum",
  ],
  2: [
    "Waited for the sale and got the towels with a discount coupon",
    "Too expensive without the promotion, I only buy on discount with a coupon",
    "Great deal during the flash sale, the coupon made it cheap",
  ],
  3: [
    "Just shared the new sneakers launch with my friends",
    "Following the brand for their new releases, the drop is amazing",
    "Posted my unboxing of the new phone and everyone commented",
  ],
  4: [
    "Still comparing the sofa and other options, just looking for now",
    "Added a lamp to my wishlist but not sure yet",
    "Just window shopping, the coat looks nice",
  ],
};

/** One text per customer, cycling through its group's texts. */
export function texts(
  who = customers(),
  extra: (id: string, segment: number) => Partial<PersonaTextRow> = () => ({}),
): PersonaTextRow[] {
  return who.ids.map((id, i) => {
    const seg = who.segments[i];
    const list = GROUP_TEXTS[seg] ?? GROUP_TEXTS[0];
    return { customer_id: id, text: list[i % list.length], language: "en", ...extra(id, seg) };
  });
}
