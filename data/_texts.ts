/**
 * Review and post templates for the generator, in English and Chinese. Each group talks about
 * its own topics, products and brands; the sentiment phrase is drawn from the customer's group
 * mix, so the text stage has real signal to find.
 *
 * @module
 */

import type { Rng } from "../pipeline/math/random.ts";

type Lang = "en" | "zh";
type Sentiment = 0 | 1 | 2; // positive, neutral, negative

interface Vocabulary {
  brands: string[];
  products: string[];
  templates: string[];
}

const EN: Record<number, Vocabulary> = {
  1: {
    brands: ["Xiaomi", "Lenovo", "Huawei", "Apple", "Sony", "Anker"],
    products: ["laptop", "phone", "earbuds", "tablet", "smartwatch", "charger", "e-reader"],
    templates: [
      "My new {brand} {product} arrived in two days, {s}.",
      "Bought another {product} from {brand}, the battery and screen are {s}.",
      "Third {brand} gadget this year, the {product} works with my other devices, {s}.",
      "Downloaded the software licence and ordered a {product} from {brand}, {s}.",
    ],
  },
  2: {
    brands: ["Uniqlo", "Zara", "L'Oreal", "Estee Lauder", "Shiseido", "H&M"],
    products: ["dress", "lipstick", "jacket", "serum", "sneakers", "foundation"],
    templates: [
      "This {brand} {product} has a lovely colour and fit, {s}.",
      "Tried the {brand} {product}, the texture and shade are {s}.",
      "Browsed the new {brand} collection for hours and picked a {product}, {s}.",
      "The {product} from {brand} matches my style, {s}.",
    ],
  },
  3: {
    brands: ["Nike", "Xiaomi", "Sephora", "Adidas", "Dyson", "Apple"],
    products: [
      "limited edition sneakers",
      "new phone",
      "eyeshadow palette",
      "smart speaker",
      "drop",
    ],
    templates: [
      "Just shared the new {brand} {product} launch with my friends, {s}!",
      "Following {brand} for their new releases, the {product} is {s}.",
      "Posted my unboxing of the {brand} {product} and everyone commented, {s}.",
      "Pre-ordered the {brand} {product} on launch day, {s}.",
    ],
  },
  4: {
    brands: ["Walmart", "Costco", "IKEA", "Decathlon", "Muji"],
    products: ["detergent", "storage box", "rice cooker", "towels", "snacks", "yoga mat"],
    templates: [
      "Waited for the sale and got the {product} with a {pct}% discount coupon, {s}.",
      "Too expensive without the promotion, I only buy {brand} {product} on discount, {s}.",
      "Great deal on {brand} {product} during the flash sale, {s}.",
      "Compared prices everywhere before buying the {product}, the coupon made it {s}.",
    ],
  },
  5: {
    brands: ["Samsung", "IKEA", "Nike", "Zara", "Sony"],
    products: ["sofa", "headphones", "running shoes", "coat", "camera", "lamp"],
    templates: [
      "Still comparing the {product} and other options, just looking for now, {s}.",
      "Browsed lots of categories today, saw a {brand} {product}, {s}.",
      "Added a {product} to my wishlist but not sure yet, {s}.",
      "Just window shopping, the {brand} {product} looks {s}.",
    ],
  },
};

const ZH: Record<number, Vocabulary> = {
  1: {
    brands: ["小米", "联想", "华为", "苹果", "索尼"],
    products: ["笔记本电脑", "手机", "耳机", "平板", "智能手表", "充电器"],
    templates: [
      "新买的{brand}{product}两天就到了，{s}。",
      "又在{brand}买了一个{product}，屏幕和电池{s}。",
      "今年第三次买{brand}的数码产品了，这个{product}{s}。",
    ],
  },
  2: {
    brands: ["优衣库", "飒拉", "欧莱雅", "雅诗兰黛", "资生堂"],
    products: ["连衣裙", "口红", "外套", "精华液", "运动鞋", "粉底液"],
    templates: [
      "这款{brand}{product}的颜色和版型{s}。",
      "试了{brand}的{product}，质地和色号{s}。",
      "逛了很久{brand}的新款服装和美妆，买了{product}，{s}。",
    ],
  },
  3: {
    brands: ["耐克", "小米", "丝芙兰", "阿迪达斯", "戴森"],
    products: ["限量版球鞋", "新款手机", "新品眼影盘", "智能音箱"],
    templates: [
      "刚把{brand}新品{product}分享给朋友，{s}！",
      "一直关注{brand}的新品发布，{product}{s}。",
      "发了{brand}{product}的开箱视频，大家都在评论，{s}。",
    ],
  },
  4: {
    brands: ["沃尔玛", "山姆", "宜家", "迪卡侬", "无印良品"],
    products: ["洗衣液", "收纳箱", "电饭煲", "毛巾", "零食", "瑜伽垫"],
    templates: [
      "等到大促才买，{product}用优惠券便宜了{pct}%，{s}。",
      "不打折太贵了，只在促销时买{brand}{product}，{s}。",
      "{brand}{product}秒杀价很划算，{s}。",
    ],
  },
  5: {
    brands: ["三星", "宜家", "耐克", "飒拉", "索尼"],
    products: ["沙发", "耳机", "跑鞋", "大衣", "相机", "台灯"],
    templates: [
      "还在比较{product}和别的款式，先看看，{s}。",
      "今天逛了很多品类，看到{brand}的{product}，{s}。",
      "把{product}加入了收藏，还没决定买，{s}。",
    ],
  },
};

/** Every brand the texts name, per language (tests check the segmenter keeps them whole). */
export const BRANDS: Readonly<Record<Lang, readonly string[]>> = {
  en: [...new Set(Object.values(EN).flatMap((v) => v.brands))].sort(),
  zh: [...new Set(Object.values(ZH).flatMap((v) => v.brands))].sort(),
};

const SENTIMENT: Record<Lang, string[][]> = {
  en: [
    ["great", "excellent", "absolutely love it", "really happy with it"],
    ["okay I guess", "nothing special", "fine for now", "average"],
    ["disappointed", "terrible quality", "really bad", "not worth it"],
  ],
  zh: [
    ["非常好", "很满意", "太棒了", "特别喜欢"],
    ["还行吧", "一般般", "没什么特别的", "中规中矩"],
    ["很失望", "质量太差了", "不值这个价", "体验很差"],
  ],
};

const FIRST_NAMES = ["Anna", "David", "Maria", "James", "Li Wei", "Chen Jing", "Sofia", "Omar"];
const MOBILE_PREFIX = ["138", "139", "150", "186", "177"];

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)];
}

/** The PII a text was given, so tests can check that none of it survives. */
export interface PlantedPii {
  kind: "email" | "phone";
  value: string;
}

/**
 * Writes one text for a customer of `group` in `lang` with the given sentiment, sometimes
 * carrying planted PII (returned alongside, for the privacy tests).
 */
export function writeText(
  r: Rng,
  group: number,
  lang: Lang,
  sentiment: Sentiment,
  piiRate: number,
): { text: string; pii?: PlantedPii } {
  const vocab = (lang === "en" ? EN : ZH)[group];
  let text = pick(r, vocab.templates)
    .replace("{brand}", pick(r, vocab.brands))
    .replace("{product}", pick(r, vocab.products))
    .replace("{pct}", String(10 + 5 * r.int(9)))
    .replace("{s}", pick(r, SENTIMENT[lang][sentiment]));
  if (lang === "en" && r.next() < 0.05) {
    text += ` My friend ${pick(r, FIRST_NAMES)} recommended it.`;
  }
  if (r.next() >= piiRate) return { text };
  const n = 1000 + r.int(9000);
  if (r.next() < 0.5) {
    const value = `${pick(r, ["amy", "bo", "wang", "kim", "lee"])}.${n}@example.com`;
    text += lang === "en" ? ` Contact me at ${value}` : ` 邮箱 ${value}`;
    return { text, pii: { kind: "email", value } };
  }
  const tail = String(10000000 + r.int(90000000));
  const value = lang === "zh" || r.next() < 0.5
    ? `${pick(r, MOBILE_PREFIX)} ${tail.slice(0, 4)} ${tail.slice(4)}`
    : `+1 (555) ${tail.slice(0, 3)}-${tail.slice(3, 7)}`;
  text += lang === "en" ? ` Call me on ${value}` : ` 电话 ${value}`;
  return { text, pii: { kind: "phone", value } };
}
