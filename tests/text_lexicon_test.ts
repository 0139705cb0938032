/**
 * Lexicon sentiment: VADER's published scores, hand-worked Chinese scores, the text stage's use
 * of it when no sentiment model loads (always labelled as lexicon sentiment), and checks on real
 * labelled data: tweets by their crowd label, Chinese reviews by their positive/negative label.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { LEXICONS, lexiconSentiment } from "../pipeline/text/_lexicon.ts";
import { segmentWords } from "../pipeline/text/_segment.ts";
import { applyText, fitText } from "../pipeline/text/text.ts";
import { openTextCache } from "../pipeline/text/_cache.ts";
import { loadConfig } from "../pipeline/config.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";

const TINY = decodeURIComponent(new URL("./fixtures/tiny-models/", import.meta.url).pathname);
const SHARED = new URL("../../shared/datasets/", import.meta.url);
const noModels = {
  embedding: "/nonexistent/embedding",
  sentiment: "/nonexistent/sentiment",
  entities: "/nonexistent/ner",
  offline: true,
};

/** The examples and compound scores printed in VADER's README (vaderSentiment, Python). */
const VADER_README: [string, number][] = [
  ["VADER is smart, handsome, and funny.", 0.8316],
  ["VADER is not smart, handsome, nor funny.", -0.7424],
  ["VADER is smart, handsome, and funny!", 0.8439],
  ["VADER is very smart, handsome, and funny.", 0.8545],
  ["VADER is VERY SMART, handsome, and FUNNY.", 0.9227],
  ["VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342],
  ["VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469],
  ["The book was good.", 0.4404],
  ["The book was kind of good.", 0.3832],
  ["The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042],
  ["At least it isn't a horrible book.", 0.431],
  ["Make sure you :) or :D today!", 0.8633],
  ["Today SUX!", -0.5461],
  ["Today only kinda sux! But I'll get by, lol", 0.2228],
];

Deno.test("lexiconSentiment() gives VADER's published compound scores and thresholds", () => {
  for (const [text, compound] of VADER_README) {
    const s = lexiconSentiment(text, "en")!;
    assert.equal(s.score, compound, text);
    assert.equal(
      s.label,
      compound >= 0.05 ? "positive" : compound <= -0.05 ? "negative" : "neutral",
    );
  }
  assert.deepEqual(lexiconSentiment("The flight is at noon.", "en"), {
    score: 0,
    label: "neutral",
  });
  assert.equal(lexiconSentiment("C'est magnifique", "fr"), null);
});

Deno.test("the Chinese lexicon sums AFINN valences over jieba words, negation reversed", () => {
  // Hand-worked from the packaged list: 失望 −2, 喜欢 +2, 好吃 +3; VADER's normalisation
  // s / √(s² + 15) and negation scalar −0.74.
  const norm = (s: number) => s / Math.sqrt(s * s + 15);
  assert.deepEqual(segmentWords("很失望", { language: "zh", stopWords: false }), ["很", "失望"]);
  assert.equal(lexiconSentiment("很失望", "zh")!.score, norm(-2));
  assert.deepEqual(segmentWords("不喜欢", { language: "zh", stopWords: false, minLength: 1 }), [
    "不",
    "喜欢",
  ]);
  assert.equal(lexiconSentiment("不喜欢", "zh")!.score, norm(-0.74 * 2));
  assert.equal(lexiconSentiment("好吃，失望", "zh")!.score, norm(3 - 2));
  assert.equal(lexiconSentiment("今天下午三点到", "zh")!.label, "neutral");
});

function auc(scores: number[], positive: boolean[]): number {
  // Mann–Whitney: the share of (positive, negative) pairs ranked right, ties counting half.
  const pos = scores.filter((_, i) => positive[i]).sort((a, b) => a - b);
  const neg = scores.filter((_, i) => !positive[i]).sort((a, b) => a - b);
  let wins = 0, lo = 0, hi = 0;
  for (const p of pos) {
    while (lo < neg.length && neg[lo] < p) lo++;
    while (hi < neg.length && neg[hi] <= p) hi++;
    wins += lo + (hi - lo) / 2;
  }
  return wins / (pos.length * neg.length);
}

Deno.test("on 74,761 labelled Chinese reviews the Chinese lexicon ranks positives above negatives", async () => {
  const texts: string[] = [], positive: boolean[] = [];
  for (let part = 1; part <= 4; part++) {
    const df = pl.readCSV(
      await Deno.readTextFile(
        new URL(`chinese-reviews/online_shopping_10_cats.part${part}of4.csv`, SHARED),
      ),
      { inferSchemaLength: 0 },
    );
    for (const t of df.getColumn("review").toArray() as (string | null)[]) texts.push(t ?? "");
    for (const l of df.getColumn("label").toArray() as string[]) positive.push(l === "1");
  }
  const waimai = pl.readCSV(
    await Deno.readTextFile(new URL("chinese-reviews/waimai_10k.csv", SHARED)),
    { inferSchemaLength: 0 },
  );
  for (const t of waimai.getColumn("review").toArray() as string[]) texts.push(t);
  for (const l of waimai.getColumn("label").toArray() as string[]) positive.push(l === "1");
  assert.equal(texts.length, 74761);
  const scores = texts.map((t) => lexiconSentiment(t, "zh")!.score);
  const a = auc(scores, positive);
  const mean = (keep: boolean) => {
    const xs = scores.filter((_, i) => positive[i] === keep);
    return xs.reduce((s, x) => s + x, 0) / xs.length;
  };
  console.log(
    `Chinese lexicon on chinese-reviews: AUC ${a.toFixed(3)}, mean score positive ` +
      `${mean(true).toFixed(3)}, negative ${mean(false).toFixed(3)}`,
  );
  assert.ok(a > 0.84 && a < 0.87, `AUC ${a}`);
  assert.ok(mean(true) > 0.3 && mean(false) < 0.05);
});

Deno.test("twitter-airline end to end: lexicon sentiment orders negative < neutral < positive tweets", async () => {
  const config = await loadConfig(
    new URL("./datasets/twitter-airline.json", import.meta.url).pathname,
  );
  const { outputs: ingested } = await ingest(config);
  const texts = ingested.tables.texts!;
  const { outputs, warnings } = await fitText({ texts }, {
    models: noModels,
    fallback: "tfidf",
    embeddingDims: 4,
  });
  // The crowd labels, in ingest's order: the file's rows, repeated tweet ids dropped.
  const tweets = pl.readCSV(
    await Deno.readTextFile(new URL("twitter-airline-sentiment/Tweets.csv", SHARED)),
    { inferSchemaLength: 0 },
  ).unique({ subset: ["tweet_id"], keep: "first", maintainOrder: true });
  assert.equal(outputs.texts.height, tweets.height);
  assert.deepEqual(
    outputs.texts.getColumn("customer_id").toArray(),
    tweets.getColumn("name").toArray(),
  );
  const labels = tweets.getColumn("airline_sentiment").toArray() as string[];
  const scores = outputs.texts.getColumn("sentiment_score").toArray() as number[];
  const means = Object.fromEntries(["negative", "neutral", "positive"].map((l) => {
    const xs = scores.filter((_, i) => labels[i] === l);
    return [l, xs.reduce((a, b) => a + b, 0) / xs.length];
  }));
  console.log(
    `VADER on ${tweets.height} tweets, mean compound by crowd label: ` +
      Object.entries(means).map(([l, m]) => `${l} ${m.toFixed(3)}`).join(", "),
  );
  assert.ok(
    means.negative < means.neutral && means.neutral < means.positive,
    JSON.stringify(means),
  );
  // The oracle: VADER itself on the same (masked) texts.
  const final = outputs.texts.getColumn("text").toArray() as string[];
  for (const i of [0, 1, 100, 5000, 14000]) {
    assert.equal(scores[i], lexiconSentiment(final[i], "en")!.score);
  }
  // Labelled as lexicon sentiment everywhere it appears.
  assert.ok(
    (outputs.texts.getColumn("sentiment_source").toArray() as string[]).every((s) =>
      s === "lexicon"
    ),
  );
  assert.equal(outputs.model.sentimentSource, "lexicon");
  assert.equal(outputs.stats.sentimentSource, "lexicon");
  const meta = outputs.meta.find((m) => m.name === "text_sentiment_mean")!;
  assert.match(meta.description, /^Mean sentiment \(lexicon\).*VADER.*not a model's output$/);
  assert.equal(meta.unit, "lexicon score (−1..1)");
  const fallback = warnings.find((w) => w.message.includes("sentiment model"))!;
  assert.match(
    fallback.message,
    /^FALLBACK: .*Instead, sentiment is scored with word lists, not a model: sentiment \(lexicon\)/,
  );
  assert.ok(fallback.message.includes(LEXICONS.en));
});

const mixed = () =>
  pl.DataFrame({
    customer_id: ["a", "a", "b", "c"],
    text: ["Great service, love it", "物流很慢，很失望", "Terrible delay, awful", "Très bien"],
    // Without a language column every text without Han characters is read as English.
    language: ["en", "zh", "en", "fr"],
  });

Deno.test("without a sentiment model the stage scores by lexicon, says so, and skips languages it cannot read", async () => {
  const { outputs, warnings } = await fitText({ texts: mixed() }, {
    models: { ...noModels, sentiment: null },
    fallback: "tfidf",
    embeddingDims: 2,
  });
  const t = outputs.texts;
  assert.deepEqual(t.getColumn("sentiment_source").toArray(), [
    "lexicon",
    "lexicon",
    "lexicon",
    null,
  ]);
  assert.deepEqual(t.getColumn("sentiment_label").toArray(), [
    "positive",
    "negative",
    "negative",
    null,
  ]);
  assert.equal(t.getColumn("sentiment_score").toArray()[3], null);
  const f = outputs.features;
  const mean = f.getColumn("text_sentiment_mean").toArray() as (number | null)[];
  const scores = t.getColumn("sentiment_score").toArray() as number[];
  assert.equal(mean[0], (scores[0] + scores[1]) / 2);
  assert.equal(mean[2], null); // only a French text: no lexicon score
  assert.deepEqual(f.getColumn("text_negative_share").toArray(), [0.5, 1, null]);
  const messages = warnings.map((w) => w.message);
  assert.ok(
    messages.some((m) => /^Sentiment \(lexicon\): no sentiment model is configured/.test(m)),
  );
  assert.ok(warnings.some((w) => w.message.startsWith("Texts without sentiment") && w.count === 1));
  assert.ok(
    outputs.meta.find((m) => m.name === "text_sentiment_mean")!.description.includes(LEXICONS.zh),
  );
});

Deno.test("sentimentFallback 'none' and lexiconLanguages limit the lexicon", async () => {
  const none = await fitText({ texts: mixed() }, {
    models: { ...noModels, sentiment: null },
    fallback: "tfidf",
    sentimentFallback: "none",
    embeddingDims: 2,
  });
  assert.ok(none.outputs.texts.getColumn("sentiment_score").toArray().every((v) => v === null));
  assert.equal(none.outputs.model.sentimentSource, null);
  assert.ok(!none.outputs.features.columns.includes("text_sentiment_mean"));
  const en = await fitText({ texts: mixed() }, {
    models: { ...noModels, sentiment: null },
    fallback: "tfidf",
    lexiconLanguages: ["en"],
    embeddingDims: 2,
  });
  assert.deepEqual(en.outputs.texts.getColumn("sentiment_source").toArray(), [
    "lexicon",
    null,
    "lexicon",
    null,
  ]);
  assert.throws(
    () => fitText({ texts: mixed() }, { sentimentFallback: "vader" as never }),
    /The 'sentimentFallback' option of text must be "lexicon" or "none". Got "vader" instead/,
  );
});

Deno.test("a model fitted with lexicon sentiment applies it again, and one fitted with a model needs the model", async () => {
  const lexicon = await fitText({ texts: mixed() }, {
    models: { ...noModels, sentiment: null },
    fallback: "tfidf",
    embeddingDims: 2,
  });
  const tiny = {
    embedding: null,
    sentiment: TINY + "sentiment",
    entities: null,
    offline: true,
  };
  // A sentiment model is loadable now, yet the lexicon model keeps the lexicon: same scale.
  const applied = await applyText(lexicon.outputs.model, { texts: mixed() }, {
    models: tiny,
    fallback: "tfidf",
    cache: openTextCache(":memory:"),
  });
  assert.deepEqual(
    applied.outputs.texts.getColumn("sentiment_score").toArray(),
    lexicon.outputs.texts.getColumn("sentiment_score").toArray(),
  );
  assert.ok(applied.warnings.some((w) => w.message.includes("fitted with lexicon sentiment")));
  const model = await fitText({ texts: mixed() }, {
    models: tiny,
    fallback: "tfidf",
    embeddingDims: 2,
    cache: openTextCache(":memory:"),
  });
  assert.equal(model.outputs.model.sentimentSource, "model");
  assert.deepEqual(model.outputs.texts.getColumn("sentiment_source").toArray(), [
    "model",
    "model",
    "model",
    "model",
  ]);
  await assert.rejects(
    () =>
      applyText(model.outputs.model, { texts: mixed() }, {
        models: { ...tiny, sentiment: null },
        fallback: "tfidf",
      }),
    /fitted with sentiment from a sentiment model, but none is loaded/,
  );
});
