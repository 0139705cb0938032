/**
 * Benchmark of the text stage on real texts:
 * - the Twitter airline tweets (14,640 tweets; customer_id = the user `name`, ts =
 *   `tweet_created`) through the tiny test models (entities, sentiment, embeddings, all through
 *   the real `pipeline()` code, nothing cached), then the same run again from the cache;
 * - the same tweets with every model missing and `fallback: "tfidf"` (TF-IDF + SVD vectors);
 * - `Intl.Segmenter` and jieba word segmentation of all Chinese reviews (online_shopping_10_cats and
 *   waimai_10k, 74,761 reviews).
 *
 * There is no baseline for text: the tiny models measure our plumbing (masking, batching,
 * caching, grouping, aggregation), not a model's speed, so rows carry texts/s or words/s and no
 * ratio. Real models run far slower per text (a MiniLM-L12 is ~1,000× the tiny model's work).
 *
 * ```sh
 * deno run -A tests/bench/text.ts
 * ```
 *
 * @module
 */

import pl from "nodejs-polars";
import { fitText } from "../../pipeline/text/text.ts";
import { openTextCache } from "../../pipeline/text/_cache.ts";
import { countWords } from "../../pipeline/text/_segment.ts";
import { type BenchRow, formatTable, peakRssMb, timed } from "./_bench.ts";

const DATA = new URL("../../../shared/datasets/", import.meta.url);
const TINY = decodeURIComponent(new URL("../fixtures/tiny-models/", import.meta.url).pathname);
const path = (rel: string) => decodeURIComponent(new URL(rel, DATA).pathname);

/** The tweets as a canonical texts table. */
export function readTweets(): pl.DataFrame {
  const raw = pl.readCSV(path("twitter-airline-sentiment/Tweets.csv"));
  return raw.select(
    pl.col("name").cast(pl.Utf8).alias("customer_id"),
    pl.col("tweet_created").str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S %z")
      .cast(pl.Datetime("ms")).alias("ts"),
    pl.lit("post").alias("source"),
    pl.col("text"),
  );
}

/** All Chinese review texts. */
export function readChineseReviews(): string[] {
  const files = [1, 2, 3, 4].map((i) => `chinese-reviews/online_shopping_10_cats.part${i}of4.csv`)
    .concat(["chinese-reviews/waimai_10k.csv"]);
  return files.flatMap((f) =>
    (pl.readCSV(path(f)).getColumn("review").toArray() as (string | null)[])
      .filter((t): t is string => typeof t === "string")
  );
}

/** Runs the text benchmarks and returns one row per case. */
export async function benchText(): Promise<BenchRow[]> {
  const texts = readTweets();
  const n = texts.height;
  const customers = texts.getColumn("customer_id").nUnique();
  const rows: BenchRow[] = [];
  const note = "no baseline for text (no ratio): texts/s of our own pipeline";
  const tiny = {
    embedding: TINY + "embedding",
    sentiment: TINY + "sentiment",
    entities: TINY + "ner",
    offline: true,
  };
  const cache = openTextCache(":memory:");
  // Load once outside the timing, as a notebook or a run does before its first batch.
  await fitText({ texts: texts.head(2) }, { models: tiny, embeddingDims: 1 });
  const cold = await timed(() =>
    fitText({ texts }, { models: tiny, cache, embeddingDims: 8, seed: 1 })
  );
  const s = cold.result.outputs.stats;
  rows.push({
    bench: "text",
    case: `tiny models, ${n} tweets / ${customers} customers`,
    personae_s: cold.seconds,
    personae_peak_rss_mb: peakRssMb(),
    quality: {
      texts_per_s: Math.round(n / cold.seconds),
      inferred: s.inferred.sentiment,
      masked: Object.values(s.masked).reduce((a, b) => a + b, 0),
      ...Object.fromEntries(
        Object.entries(s.modelSeconds).map(([task, sec]) => [`${task}_s`, sec.toFixed(1)]),
      ),
    },
    notes: note,
  });
  const warm = await timed(() =>
    fitText({ texts }, { models: tiny, cache, embeddingDims: 8, seed: 1 })
  );
  rows.push({
    bench: "text",
    case: "tiny models, same tweets again (all cached)",
    personae_s: warm.seconds,
    personae_peak_rss_mb: peakRssMb(),
    quality: {
      texts_per_s: Math.round(n / warm.seconds),
      cache_hits: warm.result.outputs.stats.cacheHits.sentiment,
      inferred: warm.result.outputs.stats.inferred.sentiment,
    },
    notes: note,
  });
  cache.close();
  const missing = "/nonexistent/model";
  const fallback = await timed(() =>
    fitText({ texts }, {
      models: { embedding: missing, sentiment: missing, entities: missing, offline: true },
      fallback: "tfidf",
      embeddingDims: 8,
      seed: 1,
    })
  );
  rows.push({
    bench: "text",
    case: `TF-IDF fallback, ${n} tweets`,
    personae_s: fallback.seconds,
    personae_peak_rss_mb: peakRssMb(),
    quality: {
      texts_per_s: Math.round(n / fallback.seconds),
      vocabulary: fallback.result.outputs.model.tfidf.vocabulary.length,
    },
    notes: note,
  });
  const reviews = readChineseReviews();
  for (const chinese of ["intl", "jieba"] as const) {
    // Warm up: jieba loads its dictionary on first use.
    countWords("热身", "zh", chinese);
    const seg = await timed(() =>
      reviews.reduce((acc, r) => acc + countWords(r, "zh", chinese), 0)
    );
    rows.push({
      bench: "text",
      case: `${chinese === "intl" ? "Intl.Segmenter" : "jieba"}, ${reviews.length} Chinese reviews`,
      personae_s: seg.seconds,
      personae_peak_rss_mb: peakRssMb(),
      quality: {
        words: seg.result,
        words_per_s: Math.round(seg.result / seg.seconds),
      },
      notes: "no baseline (no ratio)",
    });
  }
  return rows;
}

if (import.meta.main) {
  const rows = await benchText();
  console.log(formatTable(rows));
  const at = Deno.args.indexOf("--out");
  if (at >= 0 && Deno.args[at + 1]) {
    await Deno.writeTextFile(Deno.args[at + 1], JSON.stringify(rows, null, 2) + "\n");
  }
}
