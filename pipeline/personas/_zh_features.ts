/**
 * Chinese labels for the features Personae builds itself, for Chinese personas and charts (a
 * user's own columns keep the label their metadata gives).
 *
 * @module
 */

import { stringsFor } from "./_i18n.ts";

const zhLevel = (level: string) => stringsFor("zh").level(level);

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
 * import { zhFeatureLabel } from "./_zh_features.ts";
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
