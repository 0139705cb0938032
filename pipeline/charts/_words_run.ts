/**
 * The titles the charts stage gives each chart of a run, and Chinese labels for the features
 * Personae builds itself (a user's own columns keep the label their metadata gives).
 *
 * @module
 */

import { stringsFor } from "../personas/mod.ts";
import type { ChartLanguage } from "./_words.ts";

const EN = {
  sizes: "Customers per segment",
  map: "Customers on the first two principal components",
  pc: (i: number, pct: string) => `PC${i} (${pct}% of variance)`,
  profile: "What sets each segment apart (z-scores)",
  categories: "Share of spend by category",
  importance: "Permutation importance on held-out customers",
  importanceAxis: "Drop in accuracy when the feature is shuffled",
  k: "Choosing the number of segments",
  silhouette: "Silhouette per segment",
  confusion: (model: string) => `Classifier (${model}) on held-out customers`,
  sentiment: "Mean sentiment of customers' texts",
  sentimentLexicon: "Mean sentiment (lexicon) of customers' texts",
  sentimentLexiconAxis: "Mean sentiment (lexicon, 95% interval)",
  outcome: (o: string) => `${o} rate by segment, Personae vs baselines`,
};

const MODELS_ZH: Record<string, string> = {
  logistic: "逻辑回归",
  forest: "随机森林",
  tree: "决策树",
  gbm: "梯度提升",
};

/** Chart titles of a run, by language. */
export const TITLES: Record<ChartLanguage, typeof EN> = {
  en: EN,
  zh: {
    sizes: "各分群的顾客数",
    map: "顾客在前两个主成分上的分布",
    pc: (i: number, pct: string) => `主成分 ${i}（解释 ${pct}% 的方差）`,
    profile: "各分群的突出特征（z 分数）",
    categories: "各品类的消费占比",
    importance: "留出顾客上的置换重要性",
    importanceAxis: "打乱该特征后准确率的下降",
    k: "分群数量的选择",
    silhouette: "各分群的轮廓系数",
    confusion: (model: string) => `分类器（${MODELS_ZH[model] ?? model}）在留出顾客上的表现`,
    sentiment: "顾客文本的平均情感",
    sentimentLexicon: "顾客文本的平均情感（词表）",
    sentimentLexiconAxis: "平均情感（词表，95% 区间）",
    outcome: (o: string) => `各分群的“${o}”比率：Personae 与基线对比`,
  },
};

/** A category, channel or event level as the Chinese persona cards name it. */
export function zhLevel(level: string): string {
  return stringsFor("zh").level(level);
}

const EVENTS: Record<string, string> = {
  view: "浏览商品",
  search: "搜索",
  cart: "加入购物车",
  wishlist: "加入收藏",
};
const SOCIAL: Record<string, string> = {
  like: "点赞",
  share: "分享",
  comment: "评论",
  follow: "关注",
};
const FIXED: Record<string, string> = {
  recency_days: "距最近一次下单的天数",
  frequency: "订单数",
  monetary_total: "总消费",
  monetary_mean: "客单价",
  basket_size: "每单商品件数",
  interval_mean_days: "平均下单间隔（天）",
  interval_cv: "下单间隔的变异系数",
  tenure_days: "成为顾客的天数",
  category_entropy: "品类分散度（香农熵）",
  price_ratio_mean: "支付价格与品类典型价格之比",
  discount_order_share: "使用折扣的订单占比",
  discount_mean: "平均折扣",
  promo_spend: "促销商品消费",
  promo_spend_share: "促销商品消费占比",
  browse_breadth: "浏览的品类数",
  cart_abandonment: "购物车放弃率",
  browse_conversion: "每次浏览商品带来的订单数",
  social_new_product_share: "与新品有关的社交互动占比",
  age: "年龄",
  gender: "性别",
  region: "地区",
  income: "收入",
};

/**
 * The Chinese label of a feature Personae builds, or null for a column it does not know.
 *
 * @example
 * ```ts
 * import { zhFeatureLabel } from "./_words_run.ts";
 * if (zhFeatureLabel("spend_share_digital") !== "数码的消费占比") throw new Error();
 * if (zhFeatureLabel("my_column") !== null) throw new Error();
 * ```
 */
export function zhFeatureLabel(name: string): string | null {
  if (FIXED[name]) return FIXED[name];
  let m = name.match(/^(spend|order|browse|channel)_share_(.+)$/);
  if (m) {
    const what = { spend: "消费", order: "订单", browse: "浏览", channel: "订单" }[m[1]]!;
    return m[1] === "channel"
      ? `通过${zhLevel(m[2])}下单的订单占比`
      : `${zhLevel(m[2])}的${what}占比`;
  }
  m = name.match(/^events_(.+)$/);
  if (m) return `${EVENTS[m[1]] ?? zhLevel(m[1])}次数`;
  m = name.match(/^social_(.+)_per_month$/);
  if (m) return `每活跃月${SOCIAL[m[1]] ?? zhLevel(m[1])}次数`;
  return null;
}
