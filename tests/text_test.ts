import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { applyText, fitText } from "../pipeline/text/text.ts";
import type { TextOptions } from "../pipeline/text/text.ts";
import { openTextCache } from "../pipeline/text/_cache.ts";
import { guessLanguage, segmentWords, STOP_WORDS_ZH } from "../pipeline/text/_segment.ts";
import { pseudonymize } from "../pipeline/privacy.ts";

const TINY = decodeURIComponent(new URL("./fixtures/tiny-models/", import.meta.url).pathname);
const REVIEWS = new URL("../../shared/datasets/chinese-reviews/", import.meta.url);
const tinyModels = {
  embedding: TINY + "embedding",
  sentiment: TINY + "sentiment",
  entities: TINY + "ner",
  offline: true,
};

const day = (d: string) => new Date(`${d}T00:00:00Z`);

/** Four customers: a happy one, an unhappy one (with planted contact data), a Chinese one. */
function sampleTexts(): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("customer_id", ["c1", "c1", "c2", "c2", "c3", "c3", "c4"], pl.Utf8),
    pl.Series("ts", [
      day("2024-01-01"),
      day("2024-02-01"),
      day("2024-01-05"),
      null,
      day("2024-03-01"),
      day("2024-03-02"),
      day("2024-03-03"),
    ], pl.Datetime("ms")),
    pl.Series("source", ["review", "review", "support", "support", "review", "review", "post"]),
    pl.Series("text", [
      "Great phone from Acme Corp, thanks!",
      "I love my ZenPhone, excellent and amazing",
      "Terrible service, the delivery was bad. Alice Smith never answered, mail me at " +
      "jo.doe@example.com or call (555) 123-4567",
      "Worst airline, flight delayed and cancelled. Card 4111 1111 1111 1111 charged twice",
      "物流很差，北京的淘宝店太慢了，电话13812345678",
      "东西很好，很棒，包装也好",
      "the flight was ok",
    ], pl.Utf8),
  ]);
}

async function fitTiny(extra: TextOptions = {}) {
  return await fitText({ texts: sampleTexts() }, {
    models: tinyModels,
    cache: openTextCache(":memory:"),
    embeddingDims: 3,
    seed: 7,
    ...extra,
  });
}

const column = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];
const byCustomer = (df: pl.DataFrame, name: string) =>
  Object.fromEntries(
    column(df, "customer_id").map((id, i) => [id as string, column(df, name)[i]]),
  );

Deno.test("fitText() builds per-customer text features with metadata", async () => {
  const { outputs, warnings } = await fitTiny();
  const f = outputs.features;
  assert.deepEqual(f.columns, [
    "customer_id",
    "text_count",
    "text_sentiment_mean",
    "text_negative_share",
    "text_emb_0",
    "text_emb_1",
    "text_emb_2",
  ]);
  assert.deepEqual(column(f, "customer_id"), ["c1", "c2", "c3", "c4"]);
  assert.deepEqual(column(f, "text_count"), [2, 2, 2, 1]);
  assert.deepEqual(outputs.meta.map((m) => m.name), f.columns.slice(1));
  assert.ok(outputs.meta.every((m) => m.group === "text" && m.kind === "numeric"));
  assert.deepEqual(warnings, []);
  for (const v of column(f, "text_emb_0")) assert.ok(Number.isFinite(v as number));
});

Deno.test("fitText() reads the sentiment direction through the tiny classifier", async () => {
  const { outputs } = await fitTiny();
  const mean = byCustomer(outputs.features, "text_sentiment_mean") as Record<string, number>;
  const neg = byCustomer(outputs.features, "text_negative_share") as Record<string, number>;
  // c1 writes "great", "love", "excellent"; c2 "terrible", "bad", "worst"
  assert.ok(mean.c1 > 0.5, `c1 ${mean.c1}`);
  assert.ok(mean.c2 < -0.2, `c2 ${mean.c2}`);
  assert.equal(neg.c1, 0);
  assert.equal(neg.c2, 1);
  // c3: one text with "差" and "慢", one with "好" and "棒"
  assert.equal(neg.c3, 0.5);
  const labels = column(outputs.texts, "sentiment_label");
  assert.deepEqual(labels.slice(0, 6), [
    "positive",
    "positive",
    "negative",
    "negative",
    "negative",
    "positive",
  ]);
  for (const s of column(outputs.texts, "sentiment_score")) {
    assert.ok((s as number) >= -1 && (s as number) <= 1);
  }
});

Deno.test("fitText() groups entities from the tiny NER model into whole names", async () => {
  const { outputs } = await fitTiny();
  const entities = column(outputs.texts, "entities") as string[][];
  assert.deepEqual(entities[0], ["Acme Corp (ORG)"]);
  assert.deepEqual(entities[1], ["ZenPhone (PRODUCT)"]);
  assert.deepEqual(entities[4], ["北京 (LOC)", "淘宝 (ORG)"]);
  // the person name is masked, so it is not listed either
  assert.deepEqual(entities[2], []);
  const top = byCustomer(outputs.terms, "text_top_entities");
  assert.equal(top.c1, "Acme Corp (ORG); ZenPhone (PRODUCT)");
  assert.equal(top.c3, "北京 (LOC); 淘宝 (ORG)");
  assert.equal(top.c4, "");
});

Deno.test("fitText() masks planted personal data before any output", async () => {
  const { outputs } = await fitTiny();
  const texts = column(outputs.texts, "text") as string[];
  assert.equal(
    texts[2],
    "Terrible service, the delivery was bad. [PERSON] never answered, mail me at [EMAIL] or " +
      "call [PHONE]",
  );
  assert.equal(texts[3], "Worst airline, flight delayed and cancelled. Card [CARD] charged twice");
  assert.equal(texts[4], "物流很差，北京的淘宝店太慢了，电话[PHONE]");
  const everything = JSON.stringify([
    outputs.texts.toRecords(),
    outputs.terms.toRecords(),
    outputs.model,
  ]);
  for (
    const planted of ["jo.doe@example.com", "123-4567", "13812345678", "4111", "Alice", "Smith"]
  ) {
    assert.ok(!everything.includes(planted), `'${planted}' survived`);
    assert.ok(!everything.toLowerCase().includes(planted.toLowerCase()), `'${planted}' survived`);
  }
  assert.deepEqual(outputs.stats.masked, {
    url: 0,
    email: 1,
    card: 1,
    phone: 2,
    mention: 0,
    person: 1,
  });
});

Deno.test("fitText() gives keywords per text and per customer, without stop words", async () => {
  const { outputs } = await fitTiny();
  const keywords = column(outputs.texts, "keywords") as string[][];
  assert.equal(keywords[0].length, 3);
  for (const list of keywords) {
    for (const w of list) assert.ok(!STOP_WORDS_ZH.has(w) && !["the", "and", "was"].includes(w));
  }
  const top = byCustomer(outputs.terms, "text_top_keywords") as Record<string, string>;
  assert.ok(top.c4.split("; ").includes("flight"), top.c4);
  assert.ok(!top.c2.includes("email") && !top.c2.includes("phone"), top.c2);
});

Deno.test("a second run over the same texts does no inference: all results come cached", async () => {
  const cache = openTextCache(":memory:");
  const opts = { models: tinyModels, cache, embeddingDims: 3, seed: 7 };
  const first = await fitText({ texts: sampleTexts() }, opts);
  assert.deepEqual(first.outputs.stats.inferred, { embedding: 7, sentiment: 7, entities: 7 });
  assert.deepEqual(first.outputs.stats.cacheHits, { embedding: 0, sentiment: 0, entities: 0 });
  const second = await fitText({ texts: sampleTexts() }, opts);
  assert.deepEqual(second.outputs.stats.inferred, { embedding: 0, sentiment: 0, entities: 0 });
  assert.deepEqual(second.outputs.stats.cacheHits, { embedding: 7, sentiment: 7, entities: 7 });
  assert.deepEqual(second.outputs.features.toRecords(), first.outputs.features.toRecords());
  assert.deepEqual(second.outputs.texts.toRecords(), first.outputs.texts.toRecords());
  // the cache holds numbers and offsets only, never the texts
  assert.equal(cache.size(), 21);
});

Deno.test("the SQLite cache file carries results from one run to the next", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cachePath = `${dir}/text-cache.sqlite`;
    const opts = { models: tinyModels, cachePath, embeddingDims: 2 };
    const texts = sampleTexts().head(3);
    const first = await fitText({ texts }, opts);
    assert.equal(first.outputs.stats.inferred.sentiment, 3);
    const second = await fitText({ texts }, opts);
    assert.deepEqual(second.outputs.stats.inferred, { embedding: 0, sentiment: 0, entities: 0 });
    assert.equal(second.outputs.stats.cacheHits.embedding, 3);
    const bytes = await Deno.readFile(cachePath);
    assert.ok(!new TextDecoder().decode(bytes).includes("Acme"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fitText() is deterministic for a seed, and applyText() reuses the fitted model", async () => {
  const a = await fitTiny();
  const b = await fitTiny();
  assert.deepEqual(a.outputs.features.toRecords(), b.outputs.features.toRecords());
  const applied = await applyText(a.outputs.model, { texts: sampleTexts() }, {
    models: tinyModels,
    cache: openTextCache(":memory:"),
  });
  assert.deepEqual(applied.outputs.features.toRecords(), a.outputs.features.toRecords());
  const newcomer = pl.DataFrame({ customer_id: ["c9"], text: ["great great thanks"] });
  const one = await applyText(a.outputs.model, { texts: newcomer }, { models: tinyModels });
  assert.deepEqual(one.outputs.features.columns, a.outputs.features.columns);
  assert.equal(one.outputs.features.height, 1);
});

Deno.test("recency weighting changes the customer vector only for customers with several texts", async () => {
  const plain = await fitTiny();
  const recent = await applyText(
    { ...plain.outputs.model, recencyHalfLifeDays: 1 },
    { texts: sampleTexts() },
    { models: tinyModels },
  );
  const p = byCustomer(plain.outputs.features, "text_emb_0") as Record<string, number>;
  const r = byCustomer(recent.outputs.features, "text_emb_0") as Record<string, number>;
  assert.equal(r.c4, p.c4);
  assert.notEqual(r.c1, p.c1);
});

Deno.test("with fallback tfidf a missing model gives TF-IDF vectors, nulls and a loud warning", async () => {
  const { outputs, warnings } = await fitText({ texts: sampleTexts() }, {
    models: { ...tinyModels, embedding: "/nonexistent/embedding", sentiment: "/nonexistent/s" },
    fallback: "tfidf",
    sentimentFallback: "none",
    embeddingDims: 2,
  });
  assert.equal(outputs.stats.vectors, "tfidf");
  assert.equal(outputs.model.vectors, "tfidf");
  assert.deepEqual(outputs.features.columns, [
    "customer_id",
    "text_count",
    "text_emb_0",
    "text_emb_1",
  ]);
  assert.ok(column(outputs.texts, "sentiment_score").every((v) => v === null));
  assert.ok(column(outputs.texts, "sentiment_label").every((v) => v === null));
  assert.match(outputs.meta[1].description, /TF-IDF/);
  const fallbacks = warnings.filter((w) => w.message.startsWith("FALLBACK"));
  assert.equal(fallbacks.length, 2);
  assert.match(fallbacks[0].message, /'\/nonexistent\/s'.*sentiment is left empty \(null\)/s);
  assert.match(fallbacks[1].message, /\/nonexistent\/embedding.*TF-IDF \+ truncated SVD/s);
  assert.equal(fallbacks[0].count, 7);
  for (const v of column(outputs.features, "text_emb_0")) assert.ok(Number.isFinite(v as number));
});

Deno.test("with fallback tfidf and no entity model, entities are null and the warning says names stay", async () => {
  const { outputs, warnings } = await fitText({ texts: sampleTexts() }, {
    models: { ...tinyModels, entities: "/nonexistent/ner" },
    fallback: "tfidf",
    embeddingDims: 2,
  });
  assert.ok(column(outputs.texts, "entities").every((v) => v === null));
  assert.ok(column(outputs.terms, "text_top_entities").every((v) => v === null));
  assert.match(warnings[0].message, /person names are NOT masked/);
  assert.equal(outputs.stats.vectors, "model");
});

Deno.test("without fallback a missing model stops the stage with how to get it", async () => {
  const cacheDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () =>
        fitText({ texts: sampleTexts() }, {
          models: {
            ...tinyModels,
            sentiment: "Xenova/bert-base-multilingual-uncased-sentiment",
            cacheDir,
          },
        }),
      (e: Error) => {
        assert.match(
          e.message,
          /^Cannot load the sentiment model 'Xenova\/bert-base-multilingual-uncased-sentiment'/,
        );
        assert.match(e.message, /Run `deno task models pull` on a machine with internet/);
        assert.match(e.message, /Set fallback: "tfidf"/);
        return true;
      },
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("fitText() pseudonymizes customer ids when given a salt", async () => {
  const { outputs } = await fitTiny({ pseudonymizeSalt: "s3cret" });
  const ids = column(outputs.features, "customer_id") as string[];
  assert.deepEqual(ids, ["c1", "c2", "c3", "c4"].map((id) => pseudonymize(id, "s3cret")));
  assert.ok(column(outputs.texts, "customer_id").every((id) => ids.includes(id as string)));
});

Deno.test("fitText() caps texts per customer, keeping the most recent, and reports progress", async () => {
  const seen = new Map<string, [number, number]>();
  const { outputs, warnings } = await fitTiny({
    models: { ...tinyModels, maxTextsPerCustomer: 1 },
    onProgress: (done, total, label) => seen.set(label, [done, total]),
  });
  assert.deepEqual(column(outputs.features, "text_count"), [1, 1, 1, 1]);
  assert.deepEqual(warnings.map((w) => w.count), [3]);
  // c1 keeps its February text, c2 its dated one over the undated
  assert.match((column(outputs.texts, "text") as string[])[0], /ZenPhone/);
  assert.match((column(outputs.texts, "text") as string[])[1], /Terrible/);
  assert.deepEqual(Object.fromEntries(seen), {
    entities: [4, 4],
    sentiment: [4, 4],
    embedding: [4, 4],
  });
});

Deno.test("fitText() validates its options and its input table", async () => {
  await assert.rejects(() => fitTiny({ embeddingDims: 0 }), {
    name: "OptionError",
    message: "The 'embeddingDims' option of text must be an integer in [1, 512]. Got 0 instead",
  });
  await assert.rejects(() => fitTiny({ fallback: "bm25" as "tfidf" }), {
    message: `The 'fallback' option of text must be "tfidf" or "none". Got "bm25" instead`,
  });
  await assert.rejects(() => fitTiny({ models: { sentiment: { batchSize: 0 } } }), {
    message: "The 'models.sentiment.batchSize' option of text must be an integer in [1, 1024]. " +
      "Got 0 instead",
  });
  await assert.rejects(
    () =>
      fitText({ texts: pl.DataFrame({ customer_id: ["a"], body: ["x"] }) }, { models: tinyModels }),
    {
      name: "TypeError",
      message: "The texts table must have a 'text' column. Got columns: 'customer_id', 'body'",
    },
  );
});

Deno.test("fitText() skips empty texts with a counted warning", async () => {
  const texts = pl.DataFrame({ customer_id: ["a", "a", "b"], text: ["great", "  ", null] });
  const { outputs, warnings } = await fitText({ texts }, {
    models: tinyModels,
    embeddingDims: 1,
  });
  assert.equal(outputs.stats.texts, 1);
  assert.deepEqual(warnings[0], {
    stage: "text",
    message: "Texts skipped: empty text or no customer id",
    count: 2,
  });
});

Deno.test("fitText() on a table without texts returns empty features and says so", async () => {
  const texts = pl.DataFrame([
    pl.Series("customer_id", [], pl.Utf8),
    pl.Series("text", [], pl.Utf8),
  ]);
  const { outputs, warnings } = await fitText({ texts }, { models: tinyModels, embeddingDims: 2 });
  assert.equal(outputs.features.height, 0);
  assert.deepEqual(outputs.features.columns.slice(-2), ["text_emb_0", "text_emb_1"]);
  assert.deepEqual(warnings.map((w) => w.message), [
    "No texts to analyse: the text features are empty",
  ]);
});

async function readReviews(file: string, n: number): Promise<string[]> {
  const csv = await Deno.readTextFile(new URL(file, REVIEWS));
  return csv.split("\n").slice(1, n + 1).map((line) => line.slice(line.indexOf(",") + 1))
    .filter((t) => t.length > 0);
}

Deno.test("segmentWords() splits real Chinese reviews into words, dropping stop words", async () => {
  const reviews = await readReviews("waimai_10k.csv", 300);
  assert.equal(reviews.length, 300);
  // "很快，好吃，味道足，量大": words, not characters, and no punctuation
  const first = segmentWords(reviews[0], { language: "zh" });
  for (const w of ["很快", "好吃", "味道"]) assert.ok(first.includes(w), first.join("|"));
  assert.ok(!first.some((w) => /[，。！]/.test(w)));
  let multi = 0, total = 0;
  for (const r of reviews) {
    assert.equal(guessLanguage(r), "zh");
    const words = segmentWords(r, { language: "zh" });
    for (const w of words) {
      assert.ok(r.toLowerCase().includes(w), `'${w}' is not in '${r}'`);
      assert.ok(!STOP_WORDS_ZH.has(w));
      assert.ok(/[\p{L}]/u.test(w));
      total++;
      if ([...w].length > 1) multi++;
    }
  }
  // dictionary segmentation: most words have two or more characters, not one per character
  assert.ok(multi / total > 0.5, `${multi} of ${total}`);
});

Deno.test("segmentWords() handles mixed English and Chinese and drops placeholders", () => {
  const words = segmentWords("@united I can't believe it's delayed again! [EMAIL] 物流很慢", {
    language: "en",
  });
  assert.deepEqual(words.slice(0, 4), ["united", "believe", "delayed", "物流"]);
  for (const gone of ["i", "can't", "it's", "again", "email", "EMAIL", "@united", "!"]) {
    assert.ok(!words.includes(gone), gone);
  }
  assert.equal(guessLanguage("The ZenPhone 很好"), "en");
  assert.equal(guessLanguage("很好 很棒 ZenPhone"), "zh");
});
