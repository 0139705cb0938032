/**
 * The Chinese persona strings.
 *
 * @module
 */

import type { Strings } from "./_i18n.ts";
import { FEW, MANY, n, p, SHARE_UNITS, unitWord, value, x } from "./_words.ts";

function zhTimes(lift: number | null): string {
  if (MANY(lift)) return `是平均顾客的 ${x(lift!)}`;
  if (FEW(lift)) return `比平均顾客少 ${p(1 - lift!)}`;
  return "与平均顾客相当";
}

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
/** Everything a persona says, in Chinese. */
export const ZH: Strings = {
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
    sentiment: (f) =>
      `${f.meta.unit.startsWith("lexicon") ? "文本情感（词典）" : "文本情感"} ${n(f.inV)}，整体为 ${
        n(f.allV)
      }（−1 到 +1）`,
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
  valueText: (v, share, weeks, purchases) =>
    `未来 ${weeks} 周每位顾客的预期价值：${v}（平均购买 ${purchases} 次），占全部顾客未来价值的 ${share}`,
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
    value: "每位顾客的预期价值（CLV）",
    valueShare: "的未来价值",
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
