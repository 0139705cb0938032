import assert from "node:assert/strict";
import { groupEntities, parseTag } from "../pipeline/text/_entities.ts";
import type { TokenPrediction } from "../pipeline/text/_entities.ts";
import { fitTfidf, rowEntries, topTerms, transformTfidf } from "../pipeline/text/_tfidf.ts";
import { applyPca, fitPca } from "../pipeline/math/pca.ts";
import { openTextCache } from "../pipeline/text/_cache.ts";
import {
  customerEntities,
  groupByCustomer,
  labelPolarity,
  recencyWeights,
  sentimentOf,
} from "../pipeline/text/_aggregate.ts";
import { createProgress, progressLine } from "../pipeline/progress.ts";
import { fromRows } from "../pipeline/types.ts";
import { rng } from "../pipeline/math/random.ts";

const tok = (index: number, word: string, entity: string, score = 0.9): TokenPrediction => ({
  index,
  word,
  entity,
  score,
});

Deno.test("groupEntities() joins B- and I- words into one entity with its text and offsets", () => {
  const text = "Alice Smith bought from ACME Corp in Paris";
  const es = groupEntities(text, [
    tok(1, "alice", "B-PER", 0.8),
    tok(2, "smith", "I-PER", 0.6),
    tok(3, "bought", "O"),
    tok(4, "from", "O"),
    tok(5, "acme", "B-ORG"),
    tok(6, "corp", "I-ORG"),
    tok(7, "in", "O"),
    tok(8, "paris", "B-LOC", 0.5),
  ]);
  assert.deepEqual(es.map((e) => [e.type, e.text, e.start, e.end]), [
    ["PER", "Alice Smith", 0, 11],
    ["ORG", "ACME Corp", 24, 33],
    ["LOC", "Paris", 37, 42],
  ]);
  assert.ok(Math.abs(es[0].score - 0.7) < 1e-12);
});

Deno.test("groupEntities() joins word pieces and lets the first piece's tag decide", () => {
  const text = "my ZenPhone broke";
  const es = groupEntities(text, [
    tok(1, "my", "O"),
    tok(2, "zen", "B-PRODUCT", 1),
    tok(3, "##phone", "O", 0.5), // a piece tagged O still belongs to its word
    tok(4, "broke", "O"),
  ]);
  assert.deepEqual(es, [{ type: "PRODUCT", text: "ZenPhone", score: 0.75, start: 3, end: 11 }]);
});

Deno.test("groupEntities() starts a new entity at I- after O, another type or a gap", () => {
  const text = "a b c d e";
  const es = groupEntities(text, [
    tok(1, "a", "I-ORG"),
    tok(2, "b", "O"),
    tok(3, "c", "I-ORG"),
    tok(4, "d", "I-LOC"),
    // index 5 is missing (an unknown token the pipeline dropped): no joining across it
    tok(6, "e", "I-LOC"),
  ]);
  assert.deepEqual(es.map((e) => `${e.type}:${e.text}`), ["ORG:a", "ORG:c", "LOC:d", "LOC:e"]);
});

Deno.test("groupEntities() reads B/I/E/S schemes and bare labels", () => {
  assert.deepEqual(parseTag("B-PER"), ["B", "PER"]);
  assert.deepEqual(parseTag("E_LOC"), ["E", "LOC"]);
  assert.deepEqual(parseTag("MISC"), ["I", "MISC"]);
  const es = groupEntities("x y z w", [
    tok(1, "x", "B-ORG"),
    tok(2, "y", "E-ORG"),
    tok(3, "z", "I-ORG"), // after E- the entity is closed
    tok(4, "w", "S-LOC"),
  ]);
  assert.deepEqual(es.map((e) => `${e.type}:${e.text}`), ["ORG:x y", "ORG:z", "LOC:w"]);
  const bare = groupEntities("big acme corp", [
    tok(1, "big", "O"),
    tok(2, "acme", "ORG"),
    tok(3, "corp", "ORG"),
  ]);
  assert.deepEqual(bare.map((e) => e.text), ["acme corp"]);
});

Deno.test("groupEntities() groups Chinese characters and keeps the text's spelling", () => {
  const es = groupEntities("我在北京买了淘宝的东西", [
    tok(1, "我", "O"),
    tok(2, "在", "O"),
    tok(3, "北", "B-LOC"),
    tok(4, "京", "I-LOC"),
    tok(5, "买", "O"),
    tok(6, "了", "O"),
    tok(7, "淘", "B-ORG"),
    tok(8, "宝", "I-ORG"),
  ]);
  assert.deepEqual(es.map((e) => [e.text, e.start, e.end]), [["北京", 2, 4], ["淘宝", 6, 8]]);
});

Deno.test("groupEntities() uses ▁ word starts of SentencePiece vocabularies", () => {
  const raw = ["<s>", "▁Visit", "▁Sch", "wei", "z", "▁now", "</s>"];
  const es = groupEntities("Visit Schweiz now", [
    tok(1, "Visit", "O"),
    tok(2, "Sch", "B-LOC"),
    tok(3, "wei", "I-LOC"),
    tok(4, "z", "B-LOC"), // a continuation piece: part of the word, whatever its tag
    tok(5, "now", "O"),
  ], raw);
  assert.deepEqual(es.map((e) => [e.text, e.start, e.end]), [["Schweiz", 6, 13]]);
});

Deno.test("groupEntities() falls back to the pieces' words when they are not in the text", () => {
  const es = groupEntities("(text changed)", [tok(1, "acme", "B-ORG"), tok(2, "##co", "I-ORG")]);
  assert.deepEqual(es, [{ type: "ORG", text: "acmeco", score: 0.9, start: null, end: null }]);
});

Deno.test("fitTfidf() and transformTfidf() give smoothed idf and unit-length rows", () => {
  const docs = [["late", "late", "bag"], ["late"], ["crew"]];
  const m = fitTfidf(docs, { maxDfShare: 1 });
  assert.deepEqual(m.vocabulary, ["bag", "crew", "late"]);
  // idf = ln((1 + n) / (1 + df)) + 1 with n = 3
  assert.ok(Math.abs(m.idf[0] - (Math.log(4 / 2) + 1)) < 1e-12);
  assert.ok(Math.abs(m.idf[2] - (Math.log(4 / 3) + 1)) < 1e-12);
  const rows = transformTfidf(m, docs);
  const r0 = rowEntries(rows, 0);
  const wBag = m.idf[0], wLate = (1 + Math.log(2)) * m.idf[2];
  const norm = Math.hypot(wBag, wLate);
  assert.deepEqual(r0.map(([j]) => j), [0, 2]);
  assert.ok(Math.abs(r0[0][1] - wBag / norm) < 1e-12);
  assert.ok(Math.abs(r0[1][1] - wLate / norm) < 1e-12);
  assert.deepEqual(topTerms(r0, m.vocabulary, 1), ["late"]);
  assert.deepEqual(rowEntries(transformTfidf(m, [["unseen"]]), 0), []);
});

Deno.test("fitTfidf() keeps the most widespread terms and breaks ties by the term", () => {
  const m = fitTfidf([["b", "a", "c"], ["b", "c"], ["z"]], { maxFeatures: 2, maxDfShare: 1 });
  assert.deepEqual(m.vocabulary, ["b", "c"]);
  const once = fitTfidf([["b", "a"], ["z", "y"]], { maxFeatures: 3, maxDfShare: 1 });
  assert.deepEqual(once.vocabulary, ["a", "b", "y"]);
});

Deno.test("fitPca() randomized finds the direction of a line and projects onto it", () => {
  const x = fromRows([[1, 2], [2, 4], [3, 6], [4, 8]]);
  const m = fitPca(x, { components: 2 }, { method: "randomized", seed: 3 });
  const u = [1 / Math.sqrt(5), 2 / Math.sqrt(5)];
  assert.ok(Math.abs(m.components[0][0] - u[0]) < 1e-9);
  assert.ok(Math.abs(m.components[0][1] - u[1]) < 1e-9);
  // rank 1: the second direction carries nothing and is left at zero
  assert.deepEqual(m.components[1], [0, 0]);
  assert.deepEqual(m.mean, [2.5, 5]);
  const p = applyPca(m, x);
  const expected = [-1.5, -0.5, 0.5, 1.5].map((t) => t * Math.sqrt(5));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(p.data[i * 2] - expected[i]) < 1e-9);
  // variance along the line: sum of squared projections / (n - 1)
  assert.ok(Math.abs(m.explainedVariance[0] - (5 * 5) / 3) < 1e-9);
});

Deno.test("fitPca() randomized gives the same result for sparse and dense input, bit for bit per seed", () => {
  const r = rng(11);
  const rows = Array.from(
    { length: 30 },
    () => Array.from({ length: 12 }, () => (r.next() < 0.3 ? r.next() : 0)),
  );
  const dense = fromRows(rows);
  const indptr = new Uint32Array(31), indices: number[] = [], values: number[] = [];
  rows.forEach((row, i) => {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr[i + 1] = indices.length;
  });
  const sparse = {
    rows: 30,
    cols: 12,
    indptr,
    indices: Uint32Array.from(indices),
    values: Float64Array.from(values),
  };
  const a = fitPca(dense, { components: 3 }, { method: "randomized", seed: 5 });
  const b = fitPca(sparse, { components: 3 }, { method: "randomized", seed: 5 });
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < 12; j++) {
      assert.ok(Math.abs(a.components[c][j] - b.components[c][j]) < 1e-9);
    }
  }
  assert.deepEqual(fitPca(dense, { components: 3 }, { method: "randomized", seed: 5 }), a);
  // orthonormal components
  for (let c = 0; c < 3; c++) {
    for (let d = 0; d < 3; d++) {
      const dot = a.components[c].reduce((s, v, j) => s + v * a.components[d][j], 0);
      assert.ok(Math.abs(dot - (c === d ? 1 : 0)) < 1e-9);
    }
  }
  // decreasing variance
  assert.ok(a.explainedVariance[0] >= a.explainedVariance[1]);
  assert.ok(a.explainedVariance[1] >= a.explainedVariance[2]);
});

Deno.test("openTextCache() stores values per namespace and keeps them across openings", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/cache.sqlite`;
  try {
    const cache = openTextCache(path);
    cache.putMany("sentiment|m|main|q8", [["h1", new Uint8Array([1])], [
      "h2",
      new Uint8Array([2]),
    ]]);
    cache.putMany("embedding|m|main|q8", [["h1", new Uint8Array([9, 9])]]);
    cache.close();
    const again = openTextCache(path);
    const got = again.getMany("sentiment|m|main|q8", ["h1", "h2", "h3", "h1"]);
    assert.deepEqual([...got.keys()].sort(), ["h1", "h2"]);
    assert.deepEqual(got.get("h2"), new Uint8Array([2]));
    assert.deepEqual(
      again.getMany("embedding|m|main|q8", ["h1"]).get("h1"),
      new Uint8Array([9, 9]),
    );
    assert.equal(again.getMany("sentiment|m|rev2|q8", ["h1"]).size, 0);
    assert.equal(again.size(), 3);
    again.close();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(path);
    const mode = db.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
    assert.equal(mode.journal_mode, "wal");
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sentimentOf() is P(positive) − P(negative) and labels by the top class", () => {
  const s = sentimentOf({ negative: 0.2, neutral: 0.3, positive: 0.5 });
  assert.ok(Math.abs(s.score - 0.3) < 1e-12);
  assert.equal(s.label, "positive");
  const stars = sentimentOf({
    "1 star": 0.1,
    "2 stars": 0.5,
    "3 stars": 0.2,
    "4 stars": 0.1,
    "5 stars": 0.1,
  });
  // (-1)(0.1) + (-0.5)(0.5) + 0 + 0.5(0.1) + 1(0.1)
  assert.ok(Math.abs(stars.score - -0.2) < 1e-12);
  assert.equal(stars.label, "negative");
  assert.equal(labelPolarity("LABEL_1", 3), 0);
  assert.equal(labelPolarity("LABEL_1", 2), 1);
  assert.throws(
    () => sentimentOf({ joy: 0.7, anger: 0.3 }),
    /Cannot read the sentiment label 'joy'/,
  );
});

Deno.test("recencyWeights() halves a text's weight every half-life before the latest text", () => {
  const day = 86_400_000;
  const w = recencyWeights([10 * day, 0, 5 * day, null], 10);
  assert.deepEqual(Array.from(w), [1, 0.5, Math.SQRT1_2, 0.5]);
  assert.deepEqual(Array.from(recencyWeights([0, day], null)), [1, 1]);
});

Deno.test("customerEntities() ranks by mentions and leaves masked types out", () => {
  const groups = groupByCustomer(["b", "a", "a"]);
  assert.deepEqual(groups, { ids: ["a", "b"], members: [[1, 2], [0]] });
  const e = (text: string, type: string) => ({ text, type, score: 0.9, start: 0, end: 1 });
  const top = customerEntities(
    groups,
    [
      [e("Paris", "LOC")],
      [e("Acme", "ORG"), e("Bob", "PER")],
      [e("ACME", "ORG"), e("Paris", "LOC")],
    ],
    new Set(["PER"]),
    5,
  );
  assert.deepEqual(top, [["Acme (ORG)", "Paris (LOC)"], ["Paris (LOC)"]]);
});

Deno.test("progress in plain mode prints a start, every tenth and the end", () => {
  const lines: string[] = [];
  let t = 0;
  const p = createProgress({ isTTY: false, write: (l) => lines.push(l), now: () => t });
  p.onProgress(0, 100, "sentiment");
  for (let i = 1; i <= 100; i++) {
    t += 50;
    p.onProgress(i, 100, "sentiment");
  }
  p.stop();
  assert.equal(lines.length, 11);
  assert.equal(lines[0], "sentiment 0/100 started");
  assert.equal(lines[1], "sentiment 10/100 (10%), 20 items/s, ETA 5s");
  assert.equal(lines.at(-1), "sentiment 100/100 (100%), 20 items/s, done");
  assert.equal(progressLine("x", 30, 100, 60), "x 30/100 (30%), 0.5 items/s, ETA 2m 20s");
});

Deno.test("progress in plain mode also prints every 10 s of slow work, and quiet prints nothing", () => {
  const lines: string[] = [];
  let t = 0;
  const p = createProgress({ isTTY: false, write: (l) => lines.push(l), now: () => t });
  p.onProgress(500, 1000, "embedding"); // half came from the cache
  for (let i = 1; i <= 3; i++) {
    t += 6000;
    p.onProgress(500 + i, 1000, "embedding");
  }
  // at 12 s: 2 texts in 12 s is 1/6 per second, 498 left take 2988 s
  assert.deepEqual(lines, [
    "embedding 500/1000 started",
    "embedding 502/1000 (50%), 0.2 items/s, ETA 49m 48s",
  ]);
  const quiet: string[] = [];
  const q = createProgress({ quiet: true, write: (l) => quiet.push(l) });
  q.onProgress(1, 1, "x");
  assert.deepEqual(quiet, []);
});
