/**
 * What a segment says: class-based TF-IDF keywords that distinguish the segment (a hand-worked
 * case and real tweets and reviews), quotes from the segment's own customers near its centre
 * (checked against the text stage's own TF-IDF), and lexicon sentiment labelled as such.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  distinctiveWeights,
  type PersonaTextRow,
  segmentVoices,
  type VoiceSettings,
} from "../pipeline/personas/_text.ts";
import { buildPersonas } from "../pipeline/personas/personas.ts";
import { segmentWords } from "../pipeline/text/_segment.ts";
import { fitTfidf, transformTfidf } from "../pipeline/text/_tfidf.ts";
import { customers, drivers, META, SIZES, texts } from "./personas_data.ts";

const SHARED = new URL("../../shared/datasets/", import.meta.url);
const settings: VoiceSettings = {
  keywords: 8,
  entities: 6,
  quotes: 3,
  language: "en",
  maxQuoteLength: 10_000,
};

Deno.test("distinctiveWeights(): c-TF-IDF worked by hand, and a word both segments use alike is dropped", () => {
  const a = [["dress", "fit", "love"], ["dress", "love"]];
  const b = [["top", "fit", "love"], ["top", "size"]];
  const [wa, wb] = distinctiveWeights([a, b]);
  // 5 words per segment, so A = 5; counts over both: dress 2, fit 2, love 3, top 2, size 1.
  // fit: 1/5 in each, not more often in either: dropped. love: 2/5 in A vs 1/5 in B: A's only.
  const weights = (w: typeof wa) => Object.fromEntries(w.map((x) => [x.term, x.weight]));
  assert.deepEqual(weights(wa), {
    dress: (2 / 5) * Math.log(1 + 5 / 2),
    love: (2 / 5) * Math.log(1 + 5 / 3),
  });
  assert.deepEqual(weights(wb), {
    top: (2 / 5) * Math.log(1 + 5 / 2),
    size: (1 / 5) * Math.log(1 + 5 / 1),
  });
  assert.deepEqual(wa.map((x) => [x.term, x.docs]), [["dress", 2], ["love", 2]]);
  // One segment: nothing to set it against, plain c-TF-IDF.
  const [only] = distinctiveWeights([a]);
  assert.equal(only.length, 3);
});

function rows(ids: string[], textsOf: string[], languages: string[]): PersonaTextRow[] {
  return ids.map((id, i) => ({
    customer_id: id,
    text: textsOf[i],
    language: languages[i],
    words: segmentWords(textsOf[i], { language: languages[i] }),
  }));
}

/** Keywords per segment by plain c-TF-IDF (no distinctness rule), computed here from scratch. */
function plainCtfidf(docs: string[][], classes: number[], segments: number[], k: number) {
  const tf = new Map<number, Map<string, number>>(segments.map((s) => [s, new Map()]));
  const total = new Map<string, number>();
  docs.forEach((words, i) => {
    for (const t of words) {
      const m = tf.get(classes[i])!;
      m.set(t, (m.get(t) ?? 0) + 1);
      total.set(t, (total.get(t) ?? 0) + 1);
    }
  });
  const sizes = segments.map((s) => [...tf.get(s)!.values()].reduce((a, b) => a + b, 0));
  const avg = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  return segments.map((s, j) =>
    [...tf.get(s)!].filter(([t]) => !/^\p{Script=Han}$/u.test(t))
      .map(([t, c]) => [t, (c / sizes[j]) * Math.log(1 + avg / total.get(t)!)] as const)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, k).map(([t]) => t)
  );
}

const sharedByAll = (lists: string[][]) =>
  lists[0].filter((t) => lists.every((l) => l.includes(t)));

async function tweetsByAirline() {
  const df = pl.readCSV(
    await Deno.readTextFile(new URL("twitter-airline-sentiment/Tweets.csv", SHARED)),
    { inferSchemaLength: 0 },
  ).unique({ subset: ["tweet_id"], keep: "first", maintainOrder: true });
  const airlines = [...new Set(df.getColumn("airline").toArray() as string[])].sort();
  const ids = df.getColumn("tweet_id").toArray() as string[];
  const segment = (df.getColumn("airline").toArray() as string[]).map((a) => airlines.indexOf(a));
  const text = df.getColumn("text").toArray() as string[];
  return { ids, segment, text, segments: airlines.map((_, i) => i), airlines };
}

Deno.test("on real tweets grouped by airline, no keyword is shared by all six groups", async () => {
  const t = await tweetsByAirline();
  const r = rows(t.ids, t.text, t.text.map(() => "en"));
  const segmentOf = new Map(t.ids.map((id, i) => [id, t.segment[i]]));
  const v = segmentVoices(r, segmentOf, t.segments, settings);
  const lists = t.segments.map((s) => v.bySegment.get(s)!.keywords);
  const before = plainCtfidf(r.map((x) => [...x.words!]), t.segment, t.segments, 8);
  console.log(
    `tweets by airline, keywords shared by all 6: plain c-TF-IDF ${
      sharedByAll(before).join(", ") || "none"
    }; distinctive ${sharedByAll(lists).join(", ") || "none"}`,
  );
  t.segments.forEach((s) => console.log(`  ${t.airlines[s]}: ${lists[s].join(", ")}`));
  for (const l of lists) assert.equal(l.length, 8);
  assert.deepEqual(sharedByAll(lists), []);
  assert.ok(sharedByAll(before).length > 0, "the plain ranking does share words (flight…)");
});

async function chineseReviews() {
  const parts: pl.DataFrame[] = [];
  for (let k = 1; k <= 4; k++) {
    const csv = await Deno.readTextFile(
      new URL(`chinese-reviews/online_shopping_10_cats.part${k}of4.csv`, SHARED),
    );
    parts.push(pl.readCSV(csv, { inferSchemaLength: 0 }));
  }
  const df = pl.concat(parts).filter(pl.col("review").isNotNull());
  return {
    text: df.getColumn("review").toArray() as string[],
    cat: df.getColumn("cat").toArray() as string[],
    label: df.getColumn("label").toArray() as string[],
  };
}

Deno.test("on real Chinese reviews, two segments (positive, negative) share no keyword; ten categories none by all", async () => {
  const c = await chineseReviews();
  const ids = c.text.map((_, i) => String(i));
  const r = rows(ids, c.text, c.text.map(() => "zh"));
  const zh = { ...settings, language: "zh" };
  // Two segments, as on the review table of issue 14 (where 6 of 8 keywords were shared).
  const byLabel = new Map(ids.map((id, i) => [id, Number(c.label[i])]));
  const two = segmentVoices(r, byLabel, [0, 1], zh);
  const [neg, pos] = [0, 1].map((s) => two.bySegment.get(s)!.keywords);
  console.log(`reviews by label: negative ${neg.join(", ")}; positive ${pos.join(", ")}`);
  const before = plainCtfidf(
    r.map((x) => [...x.words!]),
    ids.map((id) => byLabel.get(id)!),
    [0, 1],
    8,
  );
  console.log(`  plain c-TF-IDF shares ${sharedByAll(before).length} of 8: ${sharedByAll(before)}`);
  assert.equal(neg.length, 8);
  assert.deepEqual(neg.filter((t) => pos.includes(t)), []);
  // Ten categories.
  const cats = [...new Set(c.cat)].sort();
  const byCat = new Map(ids.map((id, i) => [id, cats.indexOf(c.cat[i])]));
  const ten = segmentVoices(r, byCat, cats.map((_, i) => i), zh);
  const lists = cats.map((_, i) => ten.bySegment.get(i)!.keywords);
  cats.forEach((cat, i) => console.log(`  ${cat}: ${lists[i].join(", ")}`));
  assert.deepEqual(sharedByAll(lists), []);
  // Brand names stay whole in the keywords: 蒙牛 (a category and a brand) among its own.
  assert.ok(lists[cats.indexOf("蒙牛")].includes("蒙牛"), lists[cats.indexOf("蒙牛")].join());
});

Deno.test("quotes come from the segment's own customers, nearer its centre than its median text", async () => {
  const t = await tweetsByAirline();
  const r = rows(t.ids, t.text, t.text.map(() => "en"));
  const segmentOf = new Map(t.ids.map((id, i) => [id, t.segment[i]]));
  const v = segmentVoices(r, segmentOf, t.segments, settings);
  // The oracle: the text stage's TF-IDF (same smoothed idf, sublinear tf, unit rows) over all
  // texts, and each segment's centre as the mean of its rows.
  const words = r.map((x) => [...x.words!]);
  const model = fitTfidf(words, { maxFeatures: 1e9, minDf: 1, maxDfShare: 1 });
  const x = transformTfidf(model, words);
  const masked = r.map((x) => x.text.trim());
  for (const s of t.segments) {
    const members = t.segment.flatMap((g, i) => (g === s ? [i] : []));
    const centre = new Float64Array(x.cols);
    for (const i of members) {
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) centre[x.indices[p]] += x.values[p];
    }
    const norm = Math.sqrt(centre.reduce((a, v) => a + v * v, 0));
    const cosine = (i: number) => {
      let dot = 0;
      for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) dot += x.values[p] * centre[x.indices[p]];
      return dot / norm;
    };
    const sorted = members.map(cosine).sort((a, b) => a - b);
    const m = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    const quotes = v.bySegment.get(s)!.quotes;
    assert.equal(quotes.length, 3);
    for (const q of quotes) {
      const own = members.filter((i) => masked[i] === q);
      assert.ok(own.length > 0, `'${q}' is not a text of ${t.airlines[s]}'s customers`);
      assert.ok(cosine(own[0]) >= median - 1e-12, `${cosine(own[0])} < median ${median}`);
      // Consistent with the segment: it uses one of the segment's keywords.
      const kw = v.bySegment.get(s)!.keywords;
      assert.ok(kw.some((k) => words[own[0]].includes(k)), `'${q}' has none of ${kw}`);
    }
  }
});

Deno.test("quotes follow the segment's sentiment: a segment that complains is not quoted praising", () => {
  const who = { ids: [] as string[], segments: [] as number[] };
  const list: PersonaTextRow[] = [];
  const add = (seg: number, text: string, label: string, score: number) => {
    const id = `c${list.length}`;
    who.ids.push(id);
    who.segments.push(seg);
    list.push({
      customer_id: id,
      text,
      language: "en",
      sentiment_label: label,
      sentiment_score: score,
    });
  };
  // Segment 0 complains about delayed flights; one happy text is closest to its centre.
  add(0, "flight delayed again, flight delayed hours, awful", "negative", -0.8);
  add(0, "flight delayed, lost bag, terrible service", "negative", -0.7);
  add(0, "flight delayed, rude crew, never again", "negative", -0.6);
  add(0, "flight delayed flight delayed but great crew", "positive", 0.6);
  for (let i = 0; i < 4; i++) add(1, `lovely seats and friendly crew number ${i}`, "positive", 0.8);
  const segmentOf = new Map(who.ids.map((id, i) => [id, who.segments[i]]));
  const v = segmentVoices(list, segmentOf, [0, 1], { ...settings, quotes: 1 });
  const q = v.bySegment.get(0)!.quotes[0];
  assert.notEqual(q, "flight delayed flight delayed but great crew");
  assert.equal(v.bySegment.get(0)!.sentimentSource, "model");
});

Deno.test("lexicon sentiment reaches the persona labelled as lexicon, in English and Chinese", async () => {
  const who = customers();
  const scored = texts(who, () => ({ sentiment_score: 0.4, sentiment_source: "lexicon" }));
  const base = { drivers: drivers(), meta: META, sizes: SIZES, texts: scored, customers: who };
  const en = await buildPersonas(base);
  assert.equal(en.outputs.personas[0].voice!.sentimentSource, "lexicon");
  assert.ok(en.outputs.markdown.includes("Mean sentiment (lexicon): 0.4"));
  assert.ok(!/Mean sentiment:/.test(en.outputs.markdown));
  const zh = await buildPersonas(base, { language: "zh" });
  assert.ok(zh.outputs.markdown.includes("平均情感（词典）"), zh.outputs.markdown.slice(0, 2000));
  const model = await buildPersonas({
    ...base,
    texts: texts(who, () => ({ sentiment_score: 0.4, sentiment_source: "model" })),
  });
  assert.equal(model.outputs.personas[0].voice!.sentimentSource, "model");
  assert.ok(model.outputs.markdown.includes("Mean sentiment: 0.4"));
});
