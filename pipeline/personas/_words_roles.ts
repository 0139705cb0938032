/**
 * The words a persona uses for columns of any table, by role and language: adjectives and
 * nouns that name a segment ("young big spenders"), and the action each role suggests, which
 * always cites the trait behind it. Tables the product has never seen speak through these.
 *
 * @module
 */

import type { ColumnRole } from "../types.ts";
import type { PersonaLanguage } from "./_i18n.ts";

/** How a segment with a high (or low) value of a role's column is called. */
export interface RoleWords {
  /** Goes before a noun: "young", "high-value". */
  adj?: string;
  /** Names the segment on its own: "big spenders". */
  noun?: string;
  /** What to test with such a segment, before the trait it rests on. */
  action?: string;
}

type Table = Partial<Record<ColumnRole, { high: RoleWords; low: RoleWords }>>;

const EN: Table = {
  value: {
    high: {
      adj: "high-value",
      noun: "big spenders",
      action: "Protect and grow their value: a loyalty tier or early access",
    },
    low: {
      adj: "low-spending",
      noun: "light spenders",
      action: "Test a bundle or an entry offer to lift their spend",
    },
  },
  frequency: {
    high: {
      adj: "frequent",
      noun: "frequent buyers",
      action: "Reward repeat purchases with points or a subscription",
    },
    low: {
      adj: "occasional",
      noun: "occasional buyers",
      action: "Send reminders and a second-purchase incentive",
    },
  },
  recency: {
    high: {
      adj: "lapsing",
      noun: "lapsing customers",
      action: "Run a win-back campaign before they are lost",
    },
    low: {
      adj: "recently active",
      noun: "recently active customers",
      action: "Follow up while they are engaged",
    },
  },
  tenure: {
    high: {
      adj: "long-standing",
      noun: "long-standing customers",
      action: "Recognise their loyalty",
    },
    low: { adj: "new", noun: "newcomers", action: "Give them an onboarding journey" },
  },
  price: {
    high: {
      adj: "deal-driven",
      noun: "deal seekers",
      action: "Reach them with targeted promotions rather than blanket discounts",
    },
    low: {
      adj: "full-price",
      noun: "full-price buyers",
      action: "Lead with quality, not discounts",
    },
  },
  credit: {
    high: {
      adj: "high-balance",
      noun: "revolvers",
      action: "Offer a balance transfer or a lower-rate credit product",
    },
    low: { adj: "low-balance" },
  },
  cash: {
    high: {
      adj: "cash-advance",
      noun: "cash-advance users",
      action: "Offer cheaper alternatives to cash advances",
    },
    low: {},
  },
  installment: {
    high: {
      adj: "instalment-paying",
      noun: "instalment buyers",
      action: "Promote instalment plans on larger purchases",
    },
    low: {},
  },
  satisfaction: {
    high: {
      adj: "satisfied",
      noun: "satisfied customers",
      action: "Ask them for referrals and reviews",
    },
    low: {
      adj: "less satisfied",
      noun: "less satisfied customers",
      action: "Follow up on what went wrong before pushing offers",
    },
  },
  age: {
    high: {
      adj: "older",
      noun: "older customers",
      action: "Match creative and channels to an older audience",
    },
    low: {
      adj: "young",
      noun: "young customers",
      action: "Match creative and channels to a younger audience",
    },
  },
  income: {
    high: { adj: "affluent", noun: "affluent customers", action: "Lead with premium ranges" },
    low: {
      adj: "budget-conscious",
      noun: "budget-conscious customers",
      action: "Lead with value ranges and price guarantees",
    },
  },
};

const ZH: Table = {
  value: {
    high: { adj: "高价值", noun: "高消费客户", action: "守住并提升其价值：会员等级或抢先体验" },
    low: { adj: "低消费", noun: "低消费客户", action: "试用组合装或入门优惠以提升消费" },
  },
  frequency: {
    high: { adj: "高频", noun: "高频购买者", action: "以积分或订阅奖励复购" },
    low: { adj: "低频", noun: "偶尔购买者", action: "发送提醒与二次购买激励" },
  },
  recency: {
    high: { adj: "沉睡中的", noun: "流失风险客户", action: "在流失前开展召回活动" },
    low: { adj: "近期活跃的", noun: "近期购买者", action: "趁其活跃及时跟进" },
  },
  tenure: {
    high: { adj: "老", noun: "老客户", action: "表彰其忠诚" },
    low: { adj: "新", noun: "新客户", action: "为其设计新客引导流程" },
  },
  price: {
    high: { adj: "爱用优惠的", noun: "优惠追逐者", action: "用定向促销而非全场折扣触达" },
    low: { adj: "原价购买的", noun: "原价购买者", action: "强调品质而非折扣" },
  },
  credit: {
    high: { adj: "高余额", noun: "循环信用用户", action: "提供余额转移或低利率信贷产品" },
    low: { adj: "低余额" },
  },
  cash: {
    high: { adj: "预借现金", noun: "预借现金用户", action: "提供比预借现金更便宜的替代方案" },
    low: {},
  },
  installment: {
    high: { adj: "分期", noun: "分期购买者", action: "在大额消费上推广分期方案" },
    low: {},
  },
  satisfaction: {
    high: { adj: "满意的", noun: "满意客户", action: "邀请其推荐与评价" },
    low: { adj: "不太满意的", noun: "不太满意的客户", action: "先跟进问题再推送优惠" },
  },
  age: {
    high: { adj: "年长", noun: "年长客户", action: "按年长人群调整创意与渠道" },
    low: { adj: "年轻", noun: "年轻客户", action: "按年轻人群调整创意与渠道" },
  },
  income: {
    high: { adj: "高收入", noun: "高收入客户", action: "主推高端系列" },
    low: { adj: "注重预算的", noun: "注重预算的客户", action: "主推实惠系列与价格保障" },
  },
};

/** The words of a role in a language, for a high or a low value. */
export function roleWords(
  language: PersonaLanguage,
  role: ColumnRole | undefined,
  high: boolean,
): RoleWords {
  if (!role) return {};
  const entry = (language === "zh" ? ZH : EN)[role];
  return entry ? (high ? entry.high : entry.low) : {};
}
