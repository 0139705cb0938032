/**
 * The English persona strings.
 *
 * @module
 */

import type { Strings } from "./_i18n.ts";
import {
  FEW,
  lowerFirst,
  MANY,
  n,
  p,
  SHARE_UNITS,
  unitWord,
  upperFirst,
  value,
  x,
} from "./_words.ts";

function enOften(lift: number | null): string {
  if (MANY(lift)) return `${x(lift!)} as often as the average customer`;
  if (FEW(lift)) return `${p(1 - lift!)} less often than the average customer`;
  return "about as often as the average customer";
}

function enMuch(lift: number | null): string {
  if (MANY(lift)) return `${x(lift!)} as much as the average customer`;
  if (FEW(lift)) return `${p(1 - lift!)} less than the average customer`;
  return "about as much as the average customer";
}

const EN_EVENTS: Record<string, [string, string]> = {
  view: ["views products", "views"],
  search: ["searches", "searches"],
  cart: ["adds to cart", "cart adds"],
  wishlist: ["adds to the wishlist", "wishlist adds"],
};
const EN_SOCIAL: Record<string, string> = {
  like: "likes posts",
  share: "shares posts",
  comment: "comments",
  follow: "follows brands and people",
};

/** Everything a persona says, in English. */
export const EN: Strings = {
  punct: { colon: ": ", comma: ", ", open: " (", close: ")" },
  list: (items) =>
    items.length <= 1
      ? items.join("")
      : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`,
  pair: (a, b) => `${a} & ${b}`,
  level: (l) => l,
  phrase: {
    frequency: (f) => `orders ${enOften(f.lift)} (${n(f.inV)} vs ${n(f.allV)} orders)`,
    spend: (f) => `spends ${enMuch(f.lift)} in total (${n(f.inV)} vs ${n(f.allV)})`,
    spendPerOrder: (f) => `spends ${n(f.inV)} per order vs ${n(f.allV)} on average`,
    basket: (f) => `buys ${n(f.inV)} items per order vs ${n(f.allV)} on average`,
    categorySpend: (f) => `${p(f.inV)} of spend on ${f.level} vs ${p(f.allV)} overall`,
    categoryOrders: (f) => `${f.level} in ${p(f.inV)} of orders vs ${p(f.allV)} overall`,
    channel: (f) => `${p(f.inV)} of orders via ${f.level} vs ${p(f.allV)} overall`,
    discountShare: (f) => `buys with a discount in ${p(f.inV)} of orders vs ${p(f.allV)} overall`,
    discountMean: (f) => `average discount of ${p(f.inV)} vs ${p(f.allV)} overall`,
    promoShare: (f) => `${p(f.inV)} of spend on promotions vs ${p(f.allV)} overall`,
    promoSpend: (f) => `spends ${n(f.inV)} on promoted items vs ${n(f.allV)} on average`,
    priceLevel: (f) =>
      `pays ${p(f.inV)} of the typical price in the same category vs ${p(f.allV)} overall`,
    events: (f) => {
      const [verb, noun] = EN_EVENTS[f.rawLevel] ?? [`has '${f.level}' events`, "events"];
      return `${verb} ${enOften(f.lift)} (${n(f.inV)} vs ${n(f.allV)} ${noun})`;
    },
    conversion: (f) => `${n(f.inV)} orders per product view vs ${n(f.allV)} overall`,
    abandon: (f) => `abandons ${p(f.inV)} of carts vs ${p(f.allV)} overall`,
    breadth: (f) => `browses ${n(f.inV)} categories vs ${n(f.allV)} on average`,
    social: (f) =>
      `${EN_SOCIAL[f.rawLevel] ?? `${f.level} interactions`} ${enOften(f.lift)} (${n(f.inV)} vs ${
        n(f.allV)
      } per active month)`,
    newProduct: (f) =>
      `${p(f.inV)} of social interactions are about new products vs ${p(f.allV)} overall`,
    recency: (f) => `last ordered ${n(f.inV)} days ago vs ${n(f.allV)} on average`,
    interval: (f) => `${n(f.inV)} days between orders vs ${n(f.allV)} on average`,
    tenure: (f) => `a customer for ${n(f.inV)} days vs ${n(f.allV)} on average`,
    entropy: (f) =>
      `${f.inV >= f.allV ? "spreads spend over more" : "keeps spend to fewer"} categories ` +
      `(diversity ${n(f.inV)} vs ${n(f.allV)} bits)`,
    age: (f) => `aged ${n(f.inV)} on average vs ${n(f.allV)} overall`,
    sentiment: (f) =>
      `${f.meta.unit.startsWith("lexicon") ? "lexicon sentiment" : "sentiment"} of their texts ` +
      `${n(f.inV)} vs ${n(f.allV)} overall (−1 to +1)`,
  },
  generic: (f) => {
    const rel = SHARE_UNITS.has(f.meta.unit) || f.lift === null || (!MANY(f.lift) && !FEW(f.lift))
      ? ""
      : MANY(f.lift)
      ? `, ${x(f.lift)} the average`
      : `, ${p(1 - f.lift)} below the average`;
    return `${lowerFirst(f.meta.description)}: ${value(f, f.inV)}${unitWord(f)} vs ${
      value(f, f.allV)
    } overall${rel}`;
  },
  names: {
    deals: "Deal seekers",
    trend: "Social trend followers",
    social: "Social sharers",
    window: "Window shoppers",
    premium: "Premium buyers",
    browsers: "Keen browsers",
    occasional: "Occasional buyers",
    frequent: "Frequent buyers",
    bigSpenders: "Big spenders",
    mainstream: "Mainstream customers",
    other: "Other (small segments)",
    frequentOf: (c) => `Frequent ${c} buyers`,
    bigSpendersOf: (c) => `Big-spending ${c} buyers`,
    browsersOf: (c) => `${c} browsers`,
    shoppersOf: (c) => `${c} shoppers`,
  },
  actions: {
    deals: "Time campaigns around sales events and send targeted coupons; test the discount " +
      "depth so that margin is not given away needlessly",
    frequent: (c) =>
      `Reward loyalty: membership perks and early access to new ${c} releases, with ` +
      "cross-sells of accessories",
    categories: (c) => `Personalise recommendations and new-arrival alerts around ${c}`,
    social: "Seed product launches with this group: preview drops, referral rewards and " +
      "shareable user-generated content",
    window: "Turn browsing into buying: wishlist and price-drop reminders and a first-order " +
      "incentive",
    abandon: "Send cart reminders within a day of an abandoned cart",
    app: "Reach them in the app (push notifications, in-app offers)",
    web: "Reach them on the web and by email (retargeting, newsletters)",
    store: "Bring them into the stores (in-store events, click and collect)",
    negative: "Look into what they complain about before pushing more offers",
    premium: "Lead with quality and new premium lines rather than discounts",
    mainstream: "Keep them in regular campaigns; no segment-specific action stands out",
  },
  level3: { high: "high", average: "average", low: "low" },
  trust: { high: "high", medium: "medium", low: "low", unknown: "unknown" },
  trustText: (s, f) => {
    const parts = [
      s === null
        ? "stability not measured"
        : `found again in resampled data with a Jaccard similarity of ${n(s)} (${
          s >= 0.85 ? "very stable" : s >= 0.75 ? "stable" : s >= 0.6 ? "fairly stable" : "unstable"
        })`,
      f === null
        ? "classifier F1 not measured"
        : `recognised by the classifier with an F1 of ${n(f)} (${
          f >= 0.9 ? "easy to tell apart" : f >= 0.75 ? "mostly recognisable" : "often confused"
        })`,
    ];
    return upperFirst(parts.join("; "));
  },
  summary: (share, size, revenue, traits) =>
    `${share} of customers (${size})${revenue === null ? "" : ` and ${revenue} of revenue`}.` +
    (traits === null
      ? ""
      : traits.length > 0
      ? ` Most distinctive: ${traits.join("; ")}.`
      : " No trait stands out."),
  price: (level, d, all) =>
    upperFirst(level) +
    (d === null ? "" : ` (buys with a discount in ${d} of orders vs ${all} overall)`),
  socialText: (level, m, all) =>
    `${upperFirst(level)} (${m} social interactions per active month vs ${all} overall)`,
  valueText: (v, share, weeks, purchases) =>
    `Expected value per customer over the next ${weeks} weeks: ${v} (${purchases} purchases ` +
    `each on average), ${share} of all customers' future value`,
  notes: {
    noSentiment: "Sentiment not available: the text stage ran without a sentiment model " +
      "(model-free fallback)",
    noEntities: "Brands and products not available: the text stage ran without an entity model",
    noTexts: "No texts from this segment",
    small: (c, min) =>
      `${c} segment${c === 1 ? "" : "s"} with fewer than ${min} customers merged here and ` +
      "not described on their own (privacy)",
    withheld: (c, min) =>
      `${c} segment${c === 1 ? "" : "s"} with fewer than ${min} customers withheld (privacy)`,
  },
  labels: {
    customers: "of customers",
    revenue: "of revenue",
    value: "expected value per customer (CLV)",
    valueShare: "of future value",
    trustShort: "trust",
    traits: "What sets them apart",
    categories: "Top categories",
    channels: "Channels",
    price: "Price sensitivity",
    social: "Social activity",
    say: "What they say",
    sentiment: "Mean sentiment",
    keywords: "Keywords",
    entities: "Brands and products",
    quotes: "In their words",
    actions: "Suggested actions",
    trust: "How much to trust it",
    stability: "Stability (Jaccard)",
    f1: "Classifier F1",
    segment: "Segment",
    overall: "overall",
    personas: "Personas",
    texts: "texts",
    notes: "Notes",
    segments: "Segments",
  },
};
