/**
 * Chinese word segmentation keeps brand and product names whole: jieba against
 * `Intl.Segmenter` on the sample generator's brands and on brand names in real reviews, a user
 * dictionary for names jieba does not know, and the text stage's use of both.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { jiebaStatus, segmentWords } from "../pipeline/text/_segment.ts";
import { fitText } from "../pipeline/text/text.ts";
import { BRANDS } from "../data/_texts.ts";

const SAMPLE = new URL("../data/sample/texts.csv", import.meta.url);
const REVIEWS = new URL("../../shared/datasets/chinese-reviews/", import.meta.url);
const cut = (text: string, chinese: "jieba" | "intl", userWords: string[] = []) =>
  segmentWords(text, { language: "zh", stopWords: false, minLength: 1, chinese, userWords });

/** Occurrences of each name in the texts, and how many a segmenter kept as one word. */
function wholeRate(
  texts: string[],
  names: readonly string[],
  chinese: "jieba" | "intl",
  userWords: string[] = [],
) {
  let seen = 0, whole = 0;
  for (const t of texts) {
    const words = new Set(cut(t, chinese, userWords));
    for (const name of names) {
      // Several mentions of one name in a text count once.
      if (!t.includes(name)) continue;
      seen++;
      if (words.has(name)) whole++;
    }
  }
  return { seen, whole, rate: whole / seen };
}

Deno.test("jieba is loaded here (npm @node-rs/jieba, prebuilt binary)", () => {
  assert.deepEqual(jiebaStatus(), { available: true });
});

Deno.test("jieba keeps the issue's brand names whole where Intl.Segmenter splits them", () => {
  const text = "刚把耐克新品限量版球鞋分享给朋友，戴森吹风机，丝芙兰眼影盘";
  const jieba = cut(text, "jieba"), intl = cut(text, "intl");
  for (const brand of ["耐克", "戴森", "丝芙兰"]) {
    assert.ok(jieba.includes(brand), jieba.join("|"));
    assert.ok(!intl.includes(brand), intl.join("|"));
  }
  // What issue 15 reported: 耐克 → 耐 | 克, 丝芙兰 → 丝 | 芙 | 兰.
  assert.ok(intl.includes("耐") && intl.includes("克") && intl.includes("芙"));
});

Deno.test("brands in the sample's Chinese texts: jieba keeps 96% whole, all with the brand list as user words; Intl.Segmenter 27%", async () => {
  const df = pl.readCSV(await Deno.readTextFile(SAMPLE), { inferSchemaLength: 0 })
    .filter(pl.col("language").eq(pl.lit("zh")));
  const texts = df.getColumn("text").toArray() as string[];
  assert.ok(texts.length > 1000);
  const brands = [...BRANDS.zh];
  const jieba = wholeRate(texts, brands, "jieba");
  const listed = wholeRate(texts, brands, "jieba", brands);
  const intl = wholeRate(texts, brands, "intl");
  const pct = (r: { rate: number }) => `${(100 * r.rate).toFixed(1)}%`;
  console.log(
    `sample (${texts.length} Chinese texts, ${brands.length} brands, ${jieba.seen} mentions): ` +
      `whole with jieba ${pct(jieba)}, jieba + brand list ${pct(listed)}, Intl.Segmenter ` +
      pct(intl),
  );
  assert.ok(jieba.rate > 0.95 && jieba.rate < 1, `${jieba.rate}`);
  assert.equal(listed.rate, 1);
  assert.ok(intl.rate > 0.2 && intl.rate < 0.35, `${intl.rate}`);
  // Brand by brand: the ones Intl.Segmenter always breaks stay whole with jieba and the list.
  for (const brand of ["耐克", "戴森", "丝芙兰", "雅诗兰黛", "迪卡侬", "无印良品", "资生堂"]) {
    assert.equal(wholeRate(texts, [brand], "intl").whole, 0, brand);
    assert.equal(wholeRate(texts, [brand], "jieba", brands).rate, 1, brand);
  }
  // Without the list, jieba's HMM splits two of them in some sentences (时买迪卡|侬, 丝|芙兰).
  assert.ok(wholeRate(texts, ["迪卡侬"], "jieba").rate < 1);
  assert.equal(wholeRate(texts, ["耐克", "戴森", "雅诗兰黛"], "jieba").rate, 1);
});

/**
 * Brand names in the real reviews, written the one way that cannot mean anything else (美的,
 * 卓越, 方正 and 苹果 are left out: they are also ordinary words).
 */
const REVIEW_BRANDS = [
  "京东",
  "蒙牛",
  "华为",
  "沙宣",
  "清扬",
  "三星",
  "当当",
  "伊利",
  "潘婷",
  "联想",
  "华硕",
  "小米",
  "海飞丝",
  "惠普",
  "诺基亚",
  "飘柔",
  "东芝",
  "特仑苏",
  "肯德基",
  "海尔",
  "淘宝",
  "索尼",
  "必胜客",
  "摩托罗拉",
  "戴尔",
];

Deno.test("brand names in 74,761 real Chinese reviews: jieba keeps 97% whole, Intl.Segmenter 5%", async () => {
  const texts: string[] = [];
  for (const f of [1, 2, 3, 4].map((k) => `online_shopping_10_cats.part${k}of4.csv`)) {
    const df = pl.readCSV(await Deno.readTextFile(new URL(f, REVIEWS)), { inferSchemaLength: 0 });
    for (const t of df.getColumn("review").toArray() as (string | null)[]) texts.push(t ?? "");
  }
  const waimai = pl.readCSV(await Deno.readTextFile(new URL("waimai_10k.csv", REVIEWS)), {
    inferSchemaLength: 0,
  });
  for (const t of waimai.getColumn("review").toArray() as string[]) texts.push(t);
  const jieba = wholeRate(texts, REVIEW_BRANDS, "jieba");
  const intl = wholeRate(texts, REVIEW_BRANDS, "intl");
  console.log(
    `chinese-reviews (${REVIEW_BRANDS.length} brands, ${jieba.seen} mentions): whole with jieba ` +
      `${(100 * jieba.rate).toFixed(1)}%, Intl.Segmenter ${(100 * intl.rate).toFixed(1)}%`,
  );
  assert.ok(jieba.rate > 0.95, `${jieba.rate}`);
  assert.ok(intl.rate < 0.3, `${intl.rate}`);
});

Deno.test("a user dictionary keeps names whole that jieba alone splits", () => {
  // 真果粒 (a Mengniu drink) and 饿了么 (a delivery app): jieba's dictionary lacks both.
  const text = "买了真果粒，用饿了么点的外卖";
  const plain = cut(text, "jieba");
  assert.ok(!plain.includes("真果粒") && !plain.includes("饿了么"), plain.join("|"));
  const withNames = cut(text, "jieba", ["真果粒", "饿了么"]);
  assert.ok(withNames.includes("真果粒") && withNames.includes("饿了么"), withNames.join("|"));
  // A user dictionary belongs to its call: the default segmenter is unchanged.
  assert.deepEqual(cut(text, "jieba"), plain);
});

Deno.test("the text stage segments with jieba and its user words, returns each text's words, and records how", async () => {
  const texts = pl.DataFrame({
    customer_id: ["a", "b", "c"],
    text: ["耐克球鞋很好看", "真果粒很好喝", "The Nike sneakers look great"],
  });
  const models = { embedding: null, sentiment: null, entities: null };
  const { outputs, warnings } = await fitText({ texts }, {
    models,
    userWords: ["真果粒"],
    embeddingDims: 2,
  });
  const words = outputs.texts.getColumn("words").toArray().map((
    w,
  ) => [...(w as unknown as string[])]);
  assert.deepEqual(words[0], cut("耐克球鞋很好看", "jieba").filter((w) => !["很"].includes(w)));
  assert.ok(words[0].includes("耐克"));
  assert.ok(words[1].includes("真果粒"));
  assert.deepEqual(words[2], ["nike", "sneakers", "look", "great"]);
  assert.deepEqual(outputs.model.segmenter, { chinese: "jieba", userWords: ["真果粒"] });
  assert.ok(outputs.model.tfidf.vocabulary.includes("耐克"));
  assert.ok(!warnings.some((w) => w.message.includes("jieba")));
  const intl = await fitText({ texts }, { models, chineseSegmenter: "intl", embeddingDims: 2 });
  const intlWords = intl.outputs.texts.getColumn("words").toArray().map((
    w,
  ) => [...(w as unknown as string[])]);
  assert.ok(!intlWords[0].includes("耐克"));
  assert.equal(intl.outputs.model.segmenter.chinese, "intl");
});
