/**
 * The words of a persona in English and Chinese: names, trait phrases, actions, trust and the
 * labels of personas.md and the report's persona cards. Every phrase carries its numbers.
 *
 * @module
 */

import { formatNumber as n, formatPercent as p, formatTimes as x } from "./_persona_format.ts";
import type { RoleKind } from "./_persona_roles.ts";
import type { FeatureMeta } from "./types.ts";

/** Persona languages. */
export type PersonaLanguage = "en" | "zh";

/** What a trait phrase needs: the feature, its level, the segment's and everyone's mean. */
export interface Fact {
  meta: FeatureMeta;
  kind: RoleKind;
  /** The level, already in the persona's language. */
  level: string;
  /** Raw level (English, as in the data), for look-ups such as the event type. */
  rawLevel: string;
  inV: number;
  allV: number;
  /** inV / allV; null when allV is 0. */
  lift: number | null;
}

type Phrase = (f: Fact) => string;

/** Everything language-specific about a persona. */
export interface Strings {
  /** Punctuation between a label and its value, between items, and around a side note. */
  punct: { colon: string; comma: string; open: string; close: string };
  list(items: string[]): string;
  pair(a: string, b: string): string;
  level(level: string): string;
  phrase: Partial<Record<RoleKind, Phrase>>;
  generic: Phrase;
  names: {
    deals: string;
    trend: string;
    social: string;
    window: string;
    premium: string;
    browsers: string;
    occasional: string;
    frequent: string;
    bigSpenders: string;
    mainstream: string;
    other: string;
    frequentOf(cats: string): string;
    bigSpendersOf(cats: string): string;
    browsersOf(cats: string): string;
    shoppersOf(cats: string): string;
  };
  actions: {
    deals: string;
    frequent(cats: string): string;
    categories(cats: string): string;
    social: string;
    window: string;
    abandon: string;
    app: string;
    web: string;
    store: string;
    negative: string;
    premium: string;
    mainstream: string;
  };
  level3: { high: string; average: string; low: string };
  trust: { high: string; medium: string; low: string; unknown: string };
  trustText(stability: number | null, f1: number | null): string;
  /** traits null: the sentence about traits is left out (merged small segments). */
  summary(share: string, size: string, revenue: string | null, traits: string[] | null): string;
  price(level: string, discountShare: string | null, all: string | null): string;
  socialText(level: string, perMonth: string, all: string): string;
  notes: {
    noSentiment: string;
    noEntities: string;
    noTexts: string;
    small(count: number, min: number): string;
    withheld(count: number, min: number): string;
  };
  labels: Record<
    | "customers"
    | "revenue"
    | "trustShort"
    | "traits"
    | "categories"
    | "channels"
    | "price"
    | "social"
    | "say"
    | "sentiment"
    | "keywords"
    | "entities"
    | "quotes"
    | "actions"
    | "trust"
    | "stability"
    | "f1"
    | "segment"
    | "overall"
    | "personas"
    | "texts"
    | "notes"
    | "segments",
    string
  >;
}

const MANY = (lift: number | null) => lift !== null && lift >= 1.15;
const FEW = (lift: number | null) => lift !== null && lift <= 0.87;

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

function zhTimes(lift: number | null): string {
  if (MANY(lift)) return `是平均顾客的 ${x(lift!)}`;
  if (FEW(lift)) return `比平均顾客少 ${p(1 - lift!)}`;
  return "与平均顾客相当";
}

const SHARE_UNITS = new Set(["share", "fraction"]);
const SILENT_UNITS = new Set(["as given", "currency", "ratio", "level", "fraction", "component"]);

function value(f: Fact, v: number): string {
  return SHARE_UNITS.has(f.meta.unit) ? p(v) : n(v);
}

function unitWord(f: Fact): string {
  return SILENT_UNITS.has(f.meta.unit) || SHARE_UNITS.has(f.meta.unit) ||
      f.meta.unit.includes("(")
    ? ""
    : ` ${f.meta.unit}`;
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
const ZH_EVENTS: Record<string, string> = {
  view: "浏览商品",
  search: "搜索",
  cart: "加入购物车",
  wishlist: "加入收藏",
};
const ZH_SOCIAL: Record<string, string> = {
  like: "点赞",
  share: "分享",
  comment: "评论",
  follow: "关注",
};
const ZH_LEVELS: Record<string, string> = {
  digital: "数码",
  apparel: "服饰",
  beauty: "美妆",
  home: "家居",
  grocery: "食品杂货",
  sports: "运动",
  books: "图书",
  toys: "玩具",
  app: "App",
  web: "网站",
  store: "门店",
  "other categories": "其他品类",
  "other channels": "其他渠道",
  other: "其他",
  products: "商品",
};

const EN: Strings = {
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
    sentiment: (f) => `sentiment of their texts ${n(f.inV)} vs ${n(f.allV)} overall (−1 to +1)`,
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

const ZH: Strings = {
  punct: { colon: "：", comma: "，", open: "（", close: "）" },
  list: (items) =>
    items.length <= 1
      ? items.join("")
      : `${items.slice(0, -1).join("、")}和${items[items.length - 1]}`,
  pair: (a, b) => `${a}与${b}`,
  level: (l) => ZH_LEVELS[l.toLowerCase()] ?? l,
  phrase: {
    frequency: (f) => `下单频次${zhTimes(f.lift)}（${n(f.inV)} 对 ${n(f.allV)} 单）`,
    spend: (f) => `总消费${zhTimes(f.lift)}（${n(f.inV)} 对 ${n(f.allV)}）`,
    spendPerOrder: (f) => `客单价 ${n(f.inV)}，整体平均 ${n(f.allV)}`,
    basket: (f) => `每单 ${n(f.inV)} 件商品，整体平均 ${n(f.allV)} 件`,
    categorySpend: (f) => `${p(f.inV)} 的消费花在${f.level}上，整体为 ${p(f.allV)}`,
    categoryOrders: (f) => `${p(f.inV)} 的订单包含${f.level}，整体为 ${p(f.allV)}`,
    channel: (f) => `${p(f.inV)} 的订单通过${f.level}下单，整体为 ${p(f.allV)}`,
    discountShare: (f) => `${p(f.inV)} 的订单使用了折扣，整体为 ${p(f.allV)}`,
    discountMean: (f) => `平均折扣 ${p(f.inV)}，整体为 ${p(f.allV)}`,
    promoShare: (f) => `${p(f.inV)} 的消费用于促销商品，整体为 ${p(f.allV)}`,
    promoSpend: (f) => `促销商品消费 ${n(f.inV)}，整体平均 ${n(f.allV)}`,
    priceLevel: (f) => `支付价格为同品类典型价格的 ${p(f.inV)}，整体为 ${p(f.allV)}`,
    events: (f) =>
      `${ZH_EVENTS[f.rawLevel] ?? `“${f.level}”行为`}的次数${zhTimes(f.lift)}（${n(f.inV)} 对 ${
        n(f.allV)
      } 次）`,
    conversion: (f) => `每次浏览带来 ${n(f.inV)} 个订单，整体为 ${n(f.allV)}`,
    abandon: (f) => `放弃了 ${p(f.inV)} 的购物车，整体为 ${p(f.allV)}`,
    breadth: (f) => `浏览 ${n(f.inV)} 个品类，整体平均 ${n(f.allV)} 个`,
    social: (f) =>
      `${ZH_SOCIAL[f.rawLevel] ?? `“${f.level}”互动`}的频次${zhTimes(f.lift)}（每活跃月 ${
        n(f.inV)
      } 对 ${n(f.allV)} 次）`,
    newProduct: (f) => `${p(f.inV)} 的社交互动与新品有关，整体为 ${p(f.allV)}`,
    recency: (f) => `最近一次下单在 ${n(f.inV)} 天前，整体平均 ${n(f.allV)} 天`,
    interval: (f) => `两次下单间隔 ${n(f.inV)} 天，整体平均 ${n(f.allV)} 天`,
    tenure: (f) => `成为顾客 ${n(f.inV)} 天，整体平均 ${n(f.allV)} 天`,
    entropy: (f) =>
      `消费${f.inV >= f.allV ? "分散在更多" : "集中在更少的"}品类（多样性 ${n(f.inV)} 对 ${
        n(f.allV)
      } 比特）`,
    age: (f) => `平均年龄 ${n(f.inV)} 岁，整体为 ${n(f.allV)} 岁`,
    sentiment: (f) => `文本情感 ${n(f.inV)}，整体为 ${n(f.allV)}（−1 到 +1）`,
  },
  generic: (f) => {
    const rel = SHARE_UNITS.has(f.meta.unit) || (!MANY(f.lift) && !FEW(f.lift))
      ? ""
      : `，${zhTimes(f.lift)}`;
    return `${f.meta.description}：${value(f, f.inV)}${unitWord(f)}，整体为 ${
      value(f, f.allV)
    }${rel}`;
  },
  names: {
    deals: "优惠猎手",
    trend: "社交潮流追随者",
    social: "社交分享者",
    window: "橱窗购物者",
    premium: "高端买家",
    browsers: "热衷浏览者",
    occasional: "偶尔购买者",
    frequent: "高频买家",
    bigSpenders: "高消费顾客",
    mainstream: "大众顾客",
    other: "其他（小分群）",
    frequentOf: (c) => `高频${c}买家`,
    bigSpendersOf: (c) => `高消费${c}买家`,
    browsersOf: (c) => `${c}浏览者`,
    shoppersOf: (c) => `${c}购物者`,
  },
  actions: {
    deals: "围绕大促节点投放活动并发放定向优惠券；测试折扣力度，避免不必要地牺牲利润",
    frequent: (c) => `奖励忠诚度：会员权益、${c}新品抢先购，并交叉推荐配件`,
    categories: (c) => `围绕${c}做个性化推荐和上新提醒`,
    social: "让这群人参与新品发布：新品预览、推荐奖励和便于分享的用户内容",
    window: "把浏览转化为购买：收藏与降价提醒，以及首单优惠",
    abandon: "在放弃购物车后一天内发送提醒",
    app: "在 App 内触达（推送通知、App 专享优惠）",
    web: "通过网站和邮件触达（再营销、电子报）",
    store: "吸引他们到门店（店内活动、线上下单门店自提）",
    negative: "在推送更多优惠之前，先了解他们抱怨的问题",
    premium: "以品质和高端新品为主打，而不是折扣",
    mainstream: "保留在常规活动中；没有突出的分群专属动作",
  },
  level3: { high: "高", average: "中等", low: "低" },
  trust: { high: "高", medium: "中", low: "低", unknown: "未知" },
  trustText: (s, f) =>
    [
      s === null
        ? "未测量稳定性"
        : `重抽样后以 Jaccard 相似度 ${n(s)} 再次出现（${
          s >= 0.85 ? "非常稳定" : s >= 0.75 ? "稳定" : s >= 0.6 ? "较稳定" : "不稳定"
        }）`,
      f === null
        ? "未测量分类器 F1"
        : `分类器识别的 F1 为 ${n(f)}（${
          f >= 0.9 ? "容易区分" : f >= 0.75 ? "大多可识别" : "常被混淆"
        }）`,
    ].join("；"),
  summary: (share, size, revenue, traits) =>
    `占顾客的 ${share}（${size} 人）${revenue === null ? "" : `，贡献 ${revenue} 的收入`}。` +
    (traits === null
      ? ""
      : traits.length > 0
      ? `最突出的特征：${traits.join("；")}。`
      : "没有突出的特征。"),
  price: (level, d, all) => level + (d === null ? "" : `（${d} 的订单使用折扣，整体为 ${all}）`),
  socialText: (level, m, all) => `${level}（每活跃月 ${m} 次社交互动，整体为 ${all}）`,
  notes: {
    noSentiment: "无情感分析结果：文本阶段在没有情感模型的情况下运行（无模型回退）",
    noEntities: "无品牌与产品结果：文本阶段在没有实体识别模型的情况下运行",
    noTexts: "该分群没有文本",
    small: (c, min) => `${c} 个少于 ${min} 人的分群合并于此，不单独描述（隐私保护）`,
    withheld: (c, min) => `${c} 个少于 ${min} 人的分群未予展示（隐私保护）`,
  },
  labels: {
    customers: "的顾客",
    revenue: "的收入",
    trustShort: "可信度",
    traits: "与众不同之处",
    categories: "主要品类",
    channels: "渠道",
    price: "价格敏感度",
    social: "社交活跃度",
    say: "他们怎么说",
    sentiment: "平均情感",
    keywords: "关键词",
    entities: "品牌与产品",
    quotes: "原话",
    actions: "建议的营销动作",
    trust: "可信度",
    stability: "稳定性（Jaccard）",
    f1: "分类器 F1",
    segment: "分群",
    overall: "整体",
    personas: "用户画像",
    texts: "条文本",
    notes: "说明",
    segments: "分群",
  },
};

/** The strings of a language. */
export function stringsFor(language: PersonaLanguage): Strings {
  return language === "zh" ? ZH : EN;
}

/** Capitalises the first letter (Latin scripts; others are unchanged). */
export function upperFirst(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  // Keep acronyms ("RFM score") as written.
  return s.length > 1 && s[1] === s[1].toLowerCase() ? s[0].toLowerCase() + s.slice(1) : s;
}
