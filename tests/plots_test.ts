import { assertSnapshot } from "./_snapshot.ts";
import assert from "node:assert/strict";
import { Resvg } from "@resvg/resvg-js";
import {
  categoryMixChart,
  confusionChart,
  countSegments,
  heatmapChart,
  importanceChart,
  kSelectionChart,
  meanIntervals,
  NOISE_COLOR,
  outcomeRateChart,
  pca2d,
  segmentColor,
  segmentMapChart,
  segmentOrder,
  segmentSizesChart,
  segmentValueChart,
  sentimentChart,
  silhouetteChart,
  snapshotNormalize,
  toPng,
  trackingChart,
  upliftChart,
} from "../pipeline/charts/charts.ts";
import { segmentLabels } from "../pipeline/charts/_common.ts";
import { renameIds } from "../pipeline/charts/_svg.ts";
import { rng } from "../pipeline/math/random.ts";
import { fromRows } from "../pipeline/types.ts";
import { fitPca } from "../pipeline/math/pca.ts";
import { findTools } from "./_tools.ts";

const NAMES = { 0: "Bargain hunters", 1: "Loyal families", 2: "Weekend browsers" };

/** Small deterministic inputs for every chart. */
function fixtures() {
  const r = rng(42);
  const segment: number[] = [], x: number[] = [], y: number[] = [], sil: number[] = [];
  for (let i = 0; i < 240; i++) {
    const s = i % 10 === 9 ? -1 : i % 3;
    segment.push(s);
    x.push(r.normal() + 3 * Math.max(s, 0));
    y.push(r.normal() + (s === 1 ? 3 : 0));
    sil.push(Math.round((0.5 - 0.1 * s + 0.2 * r.normal()) * 1000) / 1000);
  }
  const features = ["orders_per_month", "mean_basket_value", "days_since_last_order"];
  const cells = [0, 1, 2].flatMap((s) =>
    features.map((feature, j) => ({ segment: s, feature, z: (s - 1) * (j + 1) * 1.1 }))
  );
  const categories = ["Electronics", "Home", "Fashion", "Books"];
  const mix = [0, 1, 2].flatMap((s) =>
    categories.map((category, j) => ({ segment: s, category, value: 10 * (j + 1) + 5 * s }))
  );
  const importance = features.map((feature, i) => ({
    feature,
    mean: 0.3 / (i + 1),
    sd: 0.02,
    group: ["purchase", "price", "browsing"][i],
  }));
  const kScores = [2, 3, 4, 5, 6].map((k) => ({
    k,
    silhouette: 0.5 - 0.05 * Math.abs(k - 3),
    daviesBouldin: 1 + 0.2 * Math.abs(k - 3),
    calinskiHarabasz: 900 - 100 * Math.abs(k - 3),
    inertia: 60000 / k,
  }));
  const confusion = { labels: [0, 1, 2], counts: [[40, 3, 1], [2, 50, 4], [0, 5, 30]] };
  const sentiment = meanIntervals(segment, segment.map((s, i) => 0.3 * s - 0.2 + (i % 7) / 20));
  const rates = [
    ...[0, 1, 2].map((s) => ({
      segment: s,
      rate: 0.2 + 0.1 * s,
      low: 0.15 + 0.1 * s,
      high: 0.25 + 0.1 * s,
      n: 80,
      segmentation: "Personae",
    })),
    ...["Champions", "At risk"].map((s, i) => ({
      segment: s,
      rate: 0.4 - 0.2 * i,
      low: 0.33 - 0.2 * i,
      high: 0.47 - 0.2 * i,
      n: 120,
      segmentation: "RFM",
    })),
  ];
  const value = [0, 1, 2].map((s) => ({
    segment: s,
    customers: 100 - 20 * s,
    meanValue: 30 + 25 * s,
    share: [0.25, 0.35, 0.4][s],
  }));
  const tracking = Array.from({ length: 20 }, (_, i) => ({
    period: i + 1,
    actual: 12 * (i + 1) + (i % 3),
    expected: 11.5 * (i + 1),
    calibration: i < 10,
  }));
  const uplift = ["visit", "spend"].flatMap((outcome) =>
    [null, 0, 1, 2].flatMap((segment) =>
      ["Mens", "Womens"].map((arm, a) => {
        const d = outcome === "visit" ? 0.05 + 0.02 * a : 0.6 - 0.2 * a;
        const half = outcome === "visit" ? 0.01 : 0.3;
        return {
          segment,
          arm,
          outcome,
          difference: d + (segment ?? 0) * 0.01,
          ciLow: d - half,
          ciHigh: d + half,
          method: outcome === "visit" ? "newcombe-wilson" : "welch",
        };
      })
    )
  );
  return {
    segment,
    x,
    y,
    sil,
    cells,
    mix,
    importance,
    kScores,
    confusion,
    sentiment,
    rates,
    value,
    tracking,
    uplift,
  };
}

function allCharts(): Record<string, string> {
  const f = fixtures();
  const opts = { segmentNames: NAMES };
  return {
    segment_sizes: segmentSizesChart(countSegments(f.segment), opts),
    segment_map: segmentMapChart({ x: f.x, y: f.y, segment: f.segment }, opts),
    heatmap: heatmapChart(f.cells, opts),
    importance: importanceChart(f.importance),
    k_selection: kSelectionChart(f.kScores, { chosenK: 3 }),
    silhouette: silhouetteChart({ segment: f.segment, silhouette: f.sil }, opts),
    confusion: confusionChart(f.confusion, opts),
    sentiment: sentimentChart(f.sentiment, opts),
    category_mix: categoryMixChart(f.mix, opts),
    outcome_rate: outcomeRateChart(f.rates, { ...opts, overall: 0.3 }),
    segment_value: segmentValueChart(f.value, opts),
    tracking: trackingChart(f.tracking),
    uplift: upliftChart(f.uplift, opts),
  };
}

const SNAPSHOTS = new URL("./snapshots/", import.meta.url);

function assertChartSnapshot(name: string, svg: string) {
  assertSnapshot(new URL(`${name}.svg`, SNAPSHOTS), snapshotNormalize(svg));
}

/** The SVG's text content, without markup (entities decoded for the few we emit). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))).replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  );
}

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

Deno.test("every chart matches its snapshot after normalization", () => {
  for (const [name, svg] of Object.entries(allCharts())) assertChartSnapshot(name, svg);
});

Deno.test("every chart is standalone XML with xmlns, a <title>, the named font", () => {
  for (const [name, svg] of Object.entries(allCharts())) {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, name);
    assert.match(svg, /^<svg[^>]*><title>[^<]+<\/title>/, `${name} starts with a <title>`);
    assert.match(svg, /font-family="DejaVu Sans, sans-serif"/, name);
    assert.ok(!svg.includes("system-ui"), `${name} names no other font`);
    assert.ok(!svg.includes("<figure") && !svg.includes("<div"), `${name} holds no HTML`);
    // resvg parses with a strict XML parser and rejects an SVG without the SVG namespace.
    const tree = new Resvg(svg);
    assert.ok(tree.width > 0 && tree.height > 0, name);
  }
  assert.throws(() => new Resvg("<svg><g></svg>"), "the parser used above is strict");
});

Deno.test("charts are deterministic: the same data gives the same bytes", () => {
  const a = allCharts(), b = allCharts();
  for (const name of Object.keys(a)) assert.equal(a[name], b[name], name);
});

Deno.test("segmentSizesChart() labels each bar with its count and share", () => {
  const svg = segmentSizesChart([{ segment: 1, count: 10 }, { segment: 0, count: 30 }], {
    segmentNames: { 0: "Bargain hunters" },
  });
  const t = texts(svg);
  assert.ok(t.includes("30 · 75.0%"));
  assert.ok(t.includes("10 · 25.0%"));
  assert.ok(t.includes("Bargain hunters") && t.includes("Segment 1"));
  assert.ok(t.includes("40 customers in 2 groups"));
  // Segment 0 is listed (and drawn) first whatever the input order.
  assert.ok(t.indexOf("Bargain hunters") < t.indexOf("Segment 1"));
});

Deno.test("segmentSizesChart() never rounds a non-empty segment to 0.0%", () => {
  const t = texts(segmentSizesChart([{ segment: 0, count: 99999 }, { segment: 1, count: 1 }]));
  assert.ok(t.includes("1 · <0.1%") && t.includes("99,999 · 100.0%"));
});

Deno.test("countSegments() counts labels in display order, noise last", () => {
  assert.deepEqual(countSegments([2, -1, 0, 2, 2, -1]), [
    { segment: 0, count: 1 },
    { segment: 2, count: 3 },
    { segment: -1, count: 2 },
  ]);
  assert.deepEqual(segmentOrder([3, -1, 0, 10]), [0, 3, 10, -1]);
});

Deno.test("a segment has the same colour in every chart, and noise is grey", () => {
  const f = fixtures();
  const sizes = segmentSizesChart(countSegments(f.segment));
  const map = segmentMapChart({ x: f.x, y: f.y, segment: f.segment });
  const sentiment = sentimentChart(f.sentiment);
  for (const svg of [sizes, map, sentiment]) {
    for (const s of [0, 1, 2]) assert.ok(svg.includes(`fill="${segmentColor(s)}"`));
    assert.ok(svg.includes(`fill="${NOISE_COLOR}"`));
  }
  assert.equal(segmentColor(-1), NOISE_COLOR);
  assert.notEqual(segmentColor(0), segmentColor(1));
});

Deno.test("segment labels stay unique when two segments share a name", () => {
  const labels = segmentLabels([1, 0, -1], { 0: "Savers", 1: "Savers" });
  assert.deepEqual([...labels], [[0, "Savers (0)"], [1, "Savers (1)"], [-1, "Noise"]]);
});

Deno.test("names with markup are escaped and the SVG still parses", () => {
  const svg = segmentSizesChart([{ segment: 0, count: 1 }], {
    title: "Sizes <draft> & more",
    segmentNames: { 0: "A&B <x>" },
  });
  assert.ok(!svg.includes("<x>") && !svg.includes("<draft>"));
  assert.ok(texts(svg).includes("A&B <x>"));
  assert.ok(svg.includes("<title>Sizes &#60;draft&#62; &#38; more</title>"));
  new Resvg(svg);
});

Deno.test("segmentMapChart() draws a seeded sample past maxPoints and says so", () => {
  const f = fixtures();
  const data = { x: f.x, y: f.y, segment: f.segment };
  const full = segmentMapChart(data);
  assert.equal(full.match(/<circle/g)?.length, 240);
  const sampled = segmentMapChart(data, { maxPoints: 50, seed: 3 });
  assert.equal(sampled.match(/<circle/g)?.length, 50);
  assert.ok(texts(sampled).includes("Showing a random sample of 50 of 240 customers (seed 3)"));
  assert.equal(segmentMapChart(data, { maxPoints: 50, seed: 3 }), sampled);
  assert.notEqual(segmentMapChart(data, { maxPoints: 50, seed: 4 }), sampled);
  assert.throws(
    () => segmentMapChart({ x: [1, 2], y: [1], segment: [0, 0] }),
    {
      name: "TypeError",
      message: "The 'y' input of segmentMapChart must have as many values " +
        "as 'x' (2). Got 1 instead",
    },
  );
});

Deno.test("heatmapChart() clamps colours at ±clamp but prints the real value", () => {
  const svg = heatmapChart([
    { segment: 0, feature: "a", z: 3 },
    { segment: 1, feature: "a", z: 5 },
    { segment: 0, feature: "b", z: -0.02 },
    { segment: 1, feature: "b", z: -3 },
  ]);
  const fills = [...svg.matchAll(/<rect[^>]*fill="(#[0-9a-f]{6}|rgb\([^)]*\))"/g)].map((m) => m[1]);
  const t = texts(svg);
  assert.ok(t.includes("+3.0") && t.includes("+5.0") && t.includes("-3.0"));
  assert.ok(t.includes("0.0"), "a value that rounds to zero shows no sign");
  // Cells are drawn in input order: z = 3 and z = 5 share the darkest red.
  const cellFills = fills.slice(-4);
  assert.equal(cellFills[0], cellFills[1]);
  assert.notEqual(cellFills[0], cellFills[3]);
  assert.equal(
    texts(heatmapChart([{ segment: 0, feature: "a", z: 1 }], { showValues: false }))
      .includes("+1.0"),
    false,
  );
});

Deno.test("categoryMixChart() merges small categories into Other and stacks to 100%", () => {
  const values = ["a", "b", "c", "d"].map((category, i) => ({
    segment: 0,
    category,
    value: 40 - 10 * i,
  }));
  const svg = categoryMixChart(values, { maxCategories: 3 });
  const t = texts(svg);
  // a 40%, b 30%, and c + d = 30% as Other.
  assert.ok(t.includes("40%") && t.filter((x) => x === "30%").length === 2);
  assert.ok(t.includes("Other"));
  assert.ok(t.includes('2 smaller categories are merged into "Other"'));
});

Deno.test("meanIntervals() computes mean ± 1.96·sd/√n per segment", () => {
  const rows = meanIntervals([0, 0, 0, 1, -1], [1, 2, 3, 5, NaN]);
  assert.equal(rows.length, 2, "noise had only a NaN value and is dropped");
  assert.deepEqual(rows[0], {
    segment: 0,
    mean: 2,
    low: 2 - 1.96 / Math.sqrt(3),
    high: 2 + 1.96 / Math.sqrt(3),
    n: 3,
  });
  assert.deepEqual(rows[1], { segment: 1, mean: 5, low: 5, high: 5, n: 1 });
});

Deno.test("kSelectionChart() draws one panel per measure given and marks the chosen k", () => {
  const svg = kSelectionChart([{ k: 2, silhouette: 0.4 }, { k: 3, silhouette: 0.6 }], {
    chosenK: 3,
  });
  const t = texts(svg);
  assert.ok(t.includes("Silhouette") && !t.includes("Inertia"));
  assert.ok(t.includes("Chosen: k = 3 (dashed line)"));
  assert.equal(svg.match(/stroke-dasharray="4,3"/g)?.length, 1);
});

Deno.test("confusionChart() reports accuracy and rejects a non-square matrix", () => {
  const svg = confusionChart({ labels: ["yes", "no"], counts: [[3, 1], [0, 4]] });
  const t = texts(svg);
  assert.ok(t.includes("Accuracy 87.5% on 8 customers"));
  for (const c of ["3", "1", "0", "4"]) assert.ok(t.includes(c));
  assert.throws(() => confusionChart({ labels: [0, 1], counts: [[1, 2]] }), TypeError);
});

Deno.test("importanceChart() keeps the top N by mean, largest first", () => {
  const rows = Array.from({ length: 8 }, (_, i) => ({ feature: `f${i}`, mean: i / 10, sd: 0.01 }));
  const t = texts(importanceChart(rows, { top: 3 }));
  const shown = t.filter((x) => /^f\d$/.test(x));
  assert.deepEqual(shown, ["f7", "f6", "f5"]);
  assert.ok(t.includes("Top 3 of 8 features"));
  assert.throws(() => importanceChart(rows, { top: 0 }), {
    name: "RangeError",
    message: "The 'top' option of importanceChart must be an integer >= 1. Got 0 instead",
  });
});

Deno.test("outcomeRateChart() draws one panel per segmentation on a shared rate axis", () => {
  const f = fixtures();
  for (const layout of ["rows", "columns"] as const) {
    const svg = outcomeRateChart(f.rates, { overall: 0.3, layout });
    const t = texts(svg);
    assert.ok(t.includes("Personae") && t.includes("RFM") && t.includes("Champions"));
    assert.ok(t.includes("Dashed line: all customers (30.0%)"));
  }
  assert.throws(
    () => outcomeRateChart(f.rates, { layout: "grid" as "rows" }),
    /The 'layout' option of outcomeRateChart must be "columns" or "rows"\. Got "grid" instead/,
  );
});

Deno.test("silhouetteChart() leaves noise out with a note and marks the mean", () => {
  const svg = silhouetteChart({ segment: [0, 0, 1, -1], silhouette: [0.5, 0.3, 0.7, 0] });
  const t = texts(svg);
  assert.ok(t.includes("1 noise customers are not shown"));
  assert.ok(t.includes("mean 0.5"));
  assert.ok(t.includes("Segment 0 (0.4)") && t.includes("Segment 1 (0.7)"));
});

Deno.test("charts validate the width option", () => {
  assert.throws(() => segmentSizesChart([], { width: 100 }), {
    name: "RangeError",
    message: "The 'width' option of segmentSizesChart must be a number >= 200. Got 100 instead",
  });
});

Deno.test("pca2d() finds the direction of a line and explains all its variance", () => {
  const p = pca2d(fromRows([[0, 0], [1, 2], [2, 4], [3, 6]]));
  const [v1] = p.components;
  assert.ok(Math.abs(v1[0] - 1 / Math.sqrt(5)) < 1e-9 && Math.abs(v1[1] - 2 / Math.sqrt(5)) < 1e-9);
  assert.ok(Math.abs(p.explained[0] - 1) < 1e-12 && Math.abs(p.explained[1]) < 1e-12);
  // Centred scores are the projections on (1, 2)/√5: ±1.5·√5 and ±0.5·√5.
  const expected = [-1.5, -0.5, 0.5, 1.5].map((t) => t * Math.sqrt(5));
  p.x.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-9));
  p.y.forEach((v) => assert.ok(Math.abs(v) < 1e-9));
});

Deno.test("pca2d() orders axis-aligned variance and fixes signs", () => {
  // Variance 4 along column 2, 1 along column 1, uncorrelated.
  const m = fromRows([[1, 0], [-1, 0], [0, 2], [0, -2]]);
  const a = pca2d(m);
  const near = (u: ArrayLike<number>, v: number[]) =>
    Array.from(u).every((x, i) => Math.abs(x - v[i]) < 1e-9);
  assert.ok(near(a.components[0], [0, 1]) && near(a.components[1], [1, 0]), "signs fixed");
  assert.ok(Math.abs(a.explained[0] - 0.8) < 1e-12 && Math.abs(a.explained[1] - 0.2) < 1e-12);
  assert.ok(near(a.x, [0, 0, 2, -2]) && near(a.y, [1, -1, 0, 0]));
  assert.deepEqual(pca2d(m), a, "same data, same bits");
  // Mirroring the data mirrors the scores, not the components.
  const mirrored = pca2d(fromRows([[-1, 0], [1, 0], [0, -2], [0, 2]]));
  assert.ok(near(mirrored.components[0], [0, 1]) && near(mirrored.x, [0, 0, -2, 2]));
  assert.throws(() => pca2d(fromRows([[1], [2]])), RangeError);
});

Deno.test("fitPca(): the randomized variant agrees with the exact one on random data", () => {
  const r = rng(5);
  const rows = Array.from({ length: 300 }, () => {
    const a = r.normal(), b = r.normal();
    return [3 * a + 0.1 * r.normal(), a - 2 * b, 0.5 * r.normal(), b + r.normal(), r.normal()];
  });
  const m = fromRows(rows);
  const ours = fitPca(m, { components: 2 }, { method: "randomized", seed: 3 });
  const ref = fitPca(m, { components: 2 });
  const map = pca2d(m);
  for (let c = 0; c < 2; c++) {
    ours.components[c].forEach((v, j) => assert.ok(Math.abs(v - ref.components[c][j]) < 1e-7));
    assert.ok(Math.abs(ours.explainedVarianceRatio[c] - ref.explainedVarianceRatio[c]) < 1e-9);
    assert.deepEqual(map.components[c], ref.components[c], "the map uses the exact PCA");
  }
});

const fonts = await findTools("dejavu", "cjk-font");

fonts.test({
  name: "toPng() renders a PNG at the chosen scale, with its text drawn",
  fn() {
    const svg = segmentSizesChart([{ segment: 0, count: 3 }, { segment: 1, count: 5 }]);
    const { png, warnings } = toPng(svg);
    assert.deepEqual(warnings, []);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = Number(svg.match(/width="(\d+)"/)![1]);
    const height = Number(svg.match(/height="(\d+)"/)![1]);
    assert.deepEqual(pngSize(png), [2 * width, 2 * height]);
    assert.deepEqual(pngSize(toPng(svg, { scale: 1 }).png), [width, height]);
    // Text is drawn: stripping every label changes the image (resvg drops text it has no font
    // for without a word, so equality here would mean no glyphs were rendered).
    const noText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, "");
    assert.notDeepEqual(toPng(noText, { scale: 1 }).png, toPng(svg, { scale: 1 }).png);
    const pixels = new Resvg(svg, {
      font: { fontDirs: ["/usr/share/fonts/truetype/dejavu"], loadSystemFonts: false },
    }).render().pixels;
    const bare = new Resvg(noText, {
      font: { fontDirs: ["/usr/share/fonts/truetype/dejavu"], loadSystemFonts: false },
    }).render().pixels;
    let changed = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] !== bare[i]) changed++;
    assert.ok(changed > 200, `only ${changed} pixels of text`);
  },
});

/** One character, large, in the charts' font, as a standalone SVG. */
function glyph(ch: string): string {
  return '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60">' +
    `<text x="6" y="48" font-size="44" font-family="DejaVu Sans, sans-serif">${ch}</text></svg>`;
}

/** Pixels darker than mid-grey in a PNG as resvg decodes it. */
function ink(png: Uint8Array): number {
  const pixels = new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `width="60" height="60"><image width="60" height="60" xlink:href="data:image/png;base64,${
        btoa(Array.from(png, (b) => String.fromCharCode(b)).join(""))
      }"/></svg>`,
  ).render().pixels;
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) n++;
  return n;
}

fonts.test({
  name: "toPng() draws Chinese with the CJK font: distinct glyphs, not the same empty box",
  fn() {
    const drawn = ["国", "中", "数"].map((ch) => toPng(glyph(ch), { scale: 1 }));
    const tofu = ["国", "中", "数"].map((ch) => toPng(glyph(ch), { scale: 1, cjkFonts: [] }));
    for (const r of drawn) assert.deepEqual(r.warnings, []);
    // Without a CJK font every character is the same "missing glyph" box, so the images are
    // equal; with it each character has its own shape.
    assert.deepEqual(tofu[0].png, tofu[1].png);
    assert.deepEqual(tofu[1].png, tofu[2].png);
    assert.notDeepEqual(drawn[0].png, drawn[1].png);
    assert.notDeepEqual(drawn[1].png, drawn[2].png);
    assert.notDeepEqual(drawn[0].png, tofu[0].png);
    // And each glyph has more ink than the box's outline (国 is a box with strokes inside).
    const box = ink(tofu[0].png);
    assert.ok(box > 100, `the empty box has ${box} dark pixels`);
    for (const r of drawn) assert.ok(ink(r.png) > 1.3 * box, `${ink(r.png)} vs ${box} dark pixels`);
    // A whole chart with Chinese names and title differs from its tofu rendering too.
    const chart = segmentSizesChart([{ segment: 0, count: 3 }, { segment: 1, count: 5 }], {
      title: "细分市场规模",
      segmentNames: { 0: "数码爱好者", 1: "价格敏感的顾客" },
    });
    assert.notDeepEqual(toPng(chart).png, toPng(chart, { cjkFonts: [] }).png);
  },
});

Deno.test("toPng() warns when a chart has CJK text and no CJK font is found, and only then", () => {
  const zh = toPng(glyph("国"), { scale: 1, cjkFonts: [] });
  assert.equal(zh.warnings.length, 1);
  assert.equal(zh.warnings[0].stage, "charts");
  assert.match(zh.warnings[0].message, /Chinese, Japanese or Korean text as empty boxes/);
  assert.match(zh.warnings[0].message, /Install Debian's fonts-noto-cjk$/);
  assert.ok(zh.png.length > 0, "the rest of the chart is still drawn");
  assert.deepEqual(toPng(glyph("A"), { scale: 1, cjkFonts: [] }).warnings, []);
});

Deno.test("snapshotNormalize() rounds decimals and renumbers ids in order", () => {
  const svg = '<svg><clipPath id="plot-clip-9"/><clipPath id="plot-clip-3"/>' +
    '<g clip-path="url(#plot-clip-3)" transform="translate(1.23456,-0.001)"/>' +
    '<use href="#plot-clip-9"/><text>0.125</text></svg>';
  assert.equal(
    snapshotNormalize(svg),
    '<svg>\n<clipPath id="id-1"/>\n<clipPath id="id-2"/>\n' +
      '<g clip-path="url(#id-2)" transform="translate(1.23,0)"/>\n' +
      '<use href="#id-1"/>\n<text>0.13</text>\n</svg>',
  );
});

Deno.test("ids are derived from the content: equal charts share them, others differ", () => {
  const a = '<svg><clipPath id="x7"/><g clip-path="url(#x7)"/></svg>';
  const b = '<svg><clipPath id="x8"/><g clip-path="url(#x8)"/></svg>';
  const c = '<svg><clipPath id="x7"/><g clip-path="url(#x7)" opacity="0.5"/></svg>';
  assert.equal(renameIds(a), renameIds(b));
  assert.notEqual(renameIds(a), renameIds(c));
  assert.match(renameIds(a), /^<svg><clipPath id="(c[0-9a-z]+-1)"\/><g clip-path="url\(#\1\)"\/>/);
});

Deno.test("segmentValueChart() writes each segment's share of future value beside its bar", () => {
  const svg = segmentValueChart(fixtures().value, { segmentNames: NAMES });
  const t = texts(svg);
  assert.ok(t.includes("35.0% of future value · 80 customers"), t.join(" | "));
  assert.ok(t.includes("Loyal families"));
});

Deno.test("trackingChart() marks where the holdout starts and names both totals", () => {
  const t = texts(trackingChart(fixtures().tracking));
  assert.ok(t.includes("Fitted on weeks 1–10; the weeks after are the holdout"), t.join(" | "));
  assert.ok(
    t.includes("Actual (241 by week 20)") && t.includes("Expected (BG/NBD, 230 by week 20)"),
  );
  assert.throws(() => trackingChart([]), RangeError);
});

Deno.test("upliftChart() draws a panel per outcome, rates in percentage points", () => {
  const t = texts(upliftChart(fixtures().uplift, { segmentNames: NAMES }));
  for (const text of ["visit", "spend", "All customers", "Weekend browsers", "Mens", "Womens"]) {
    assert.ok(t.includes(text), `${text} missing: ${t.join(" | ")}`);
  }
  assert.ok(t.some((x) => /^\d+ pp$/.test(x)), "rate ticks in percentage points");
  assert.ok(t.includes("Difference in visit rate, percentage points (95% interval)"));
  assert.ok(t.includes("Difference in mean spend (95% interval)"));
  assert.throws(() => upliftChart([]), RangeError);
});
