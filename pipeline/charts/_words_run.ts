/**
 * The titles the charts stage gives each chart of a run, and Chinese labels for the features
 * Personae builds itself (a user's own columns keep the label their metadata gives).
 *
 * @module
 */

import { stringsFor, zhFeatureLabel } from "../personas/mod.ts";

export { zhFeatureLabel };
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
