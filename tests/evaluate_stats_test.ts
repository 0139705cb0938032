/**
 * Statistics of the evaluate stage worked by hand: Wilson intervals, chi-square tests and
 * Cramér's V, p-values against closed forms and tables, RFM quintile scores.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { chiSquareTest, quantileSorted, wilson } from "../pipeline/evaluate/_stats.ts";
import { chiSquareSf, lgamma as lnGamma, normalQuantile } from "../pipeline/math/mod.ts";
import {
  applyRfm,
  fitRfm,
  namedSegment,
  RFM_SEGMENTS,
  rfmSegmentOrder,
  scoreBand,
} from "../pipeline/evaluate/_rfm.ts";

const close = (actual: number | null, expected: number, tol: number, what = "") =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= tol,
    `${what} expected ${expected} ± ${tol}, got ${actual}`,
  );

Deno.test("wilson() gives the textbook interval for 3 events in 10 trials", () => {
  // z = 1.96, z² = 3.8416: centre = (0.3 + 0.19208) / 1.38416 = 0.355508;
  // half = 1.96 √(0.021 + 0.009604) / 1.38416 = 0.247718.
  const w = wilson(3, 10, 1.96);
  assert.equal(w.rate, 0.3);
  close(w.low, 0.355508 - 0.247718, 1e-6, "low");
  close(w.high, 0.355508 + 0.247718, 1e-6, "high");
});

Deno.test("wilson() at 0 and n events ends exactly at 0 and 1, the other end at z²/(n+z²)", () => {
  const z = 1.96, n = 10, z2 = z * z;
  const none = wilson(0, n, z), all = wilson(n, n, z);
  assert.equal(none.low, 0);
  close(none.high, z2 / (n + z2), 1e-12, "high at 0 events");
  assert.equal(all.high, 1);
  close(all.low, n / (n + z2), 1e-12, "low at n events");
});

Deno.test("wilson() intervals contain the rate and narrow as n grows", () => {
  for (const n of [1, 2, 7, 50, 1000]) {
    for (let e = 0; e <= n; e += Math.max(1, Math.floor(n / 7))) {
      const w = wilson(e, n, 1.96);
      assert.ok(0 <= w.low && w.low <= w.rate && w.rate <= w.high && w.high <= 1, `${e}/${n}`);
    }
  }
  const width = (n: number) => wilson(n / 5, n, 1.96).high - wilson(n / 5, n, 1.96).low;
  assert.ok(width(1000) < width(100) && width(100) < width(10));
  assert.throws(() => wilson(0, 0, 1.96), /wilson needs n > 0\. Got 0 instead/);
});

Deno.test("normalQuantile() matches the normal table", () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-12, "97.5%");
  close(normalQuantile(0.995), 2.5758293035489004, 1e-12, "99.5%");
  close(normalQuantile(0.95), 1.6448536269514722, 1e-12, "95%");
  close(normalQuantile(0.025), -1.959963984540054, 1e-12, "2.5%");
  assert.throws(() => normalQuantile(1), /normalQuantile needs 0 < p < 1\. Got 1/);
});

Deno.test("lnGamma() gives ln √π at 1/2 and ln 9! at 10", () => {
  close(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  close(lnGamma(10), Math.log(362880), 1e-13);
  close(lnGamma(1), 0, 1e-14);
  close(lnGamma(30.5) - lnGamma(29.5), Math.log(29.5), 1e-12, "recurrence");
});

Deno.test("chiSquareSf() matches closed forms for even dof and table values for odd dof", () => {
  // dof 2: P(X > x) = e^(−x/2); dof 4: e^(−x/2)(1 + x/2).
  for (const x of [0.5, 3, 20, 90]) {
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    assert.ok(rel(chiSquareSf(x, 2), Math.exp(-x / 2)) < 1e-13, `dof 2 at ${x}`);
    assert.ok(rel(chiSquareSf(x, 4), Math.exp(-x / 2) * (1 + x / 2)) < 1e-13, `dof 4 at ${x}`);
  }
  // The 5% and 1% critical values of one degree of freedom.
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-14);
  close(chiSquareSf(6.634896601021214, 1), 0.01, 1e-14);
  // scipy.stats.chi2.sf values.
  close(chiSquareSf(7.5, 5), 0.186029833602867, 1e-13);
  close(chiSquareSf(31, 30), 0.4154071101477918, 1e-13);
  assert.ok(Math.abs(chiSquareSf(200, 9) / 3.312992393909567e-38 - 1) < 1e-12);
  assert.equal(chiSquareSf(0, 3), 1);
});

Deno.test("chiSquareTest() on a 2×2 table worked by hand", () => {
  // Rows 30, 70; columns 40, 60; N = 100. Expected 12, 18, 28, 42, every cell off by 2:
  // χ² = 4 (1/12 + 1/18 + 1/28 + 1/42) = 50/63. V = √(χ² / 100) = √(1/126).
  const a = chiSquareTest([[10, 20], [30, 40]]);
  close(a.chi2, 50 / 63, 1e-14, "chi2");
  assert.equal(a.dof, 1);
  close(a.p, 0.37299848361348686, 1e-13, "p (scipy)");
  close(a.cramersV, Math.sqrt(1 / 126), 1e-14, "V");
  // Bias correction: φ² = 1/126 is below its expected bias 1/99, so the corrected V is 0.
  assert.equal(a.cramersVCorrected, 0);
  assert.equal(a.sparseCells, 0);
  assert.equal(a.n, 100);
});

Deno.test("chiSquareTest() on a 3×2 table worked by hand", () => {
  // Rows 10 each, columns 15 each, N = 30: every expected count is 5.
  // χ² = (25 + 25 + 0 + 0 + 25 + 25) / 5 = 20 with 2 dof, so p = e^(−10).
  // V = √(20 / 30) = √(2/3). Corrected: φ² − 2/29 = 52/87 over min(r̃, c̃) − 1 = 28/29: V = √(13/21).
  const a = chiSquareTest([[10, 0], [5, 5], [0, 10]]);
  close(a.chi2, 20, 1e-12);
  assert.equal(a.dof, 2);
  close(a.p, Math.exp(-10), 1e-17);
  close(a.cramersV, Math.sqrt(2 / 3), 1e-14);
  close(a.cramersVCorrected, Math.sqrt(13 / 21), 1e-14);
  assert.equal(a.sparseCells, 0);
});

Deno.test("chiSquareTest() ignores empty rows and has no p-value for a constant outcome", () => {
  const withEmpty = chiSquareTest([[0, 0], [10, 20], [30, 40]]);
  assert.equal(withEmpty.dof, 1);
  close(withEmpty.chi2, 50 / 63, 1e-14);
  const constant = chiSquareTest([[5, 0], [3, 0]]);
  assert.deepEqual(
    [constant.dof, constant.p, constant.cramersV, constant.chi2],
    [0, null, null, 0],
  );
  assert.equal(chiSquareTest([[1, 2], [3, 1]]).sparseCells, 4);
  const perfect = chiSquareTest([[50, 0], [0, 50]]);
  assert.equal(perfect.cramersV, 1);
});

Deno.test("quantileSorted() interpolates linearly as numpy does", () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // h = 9 × 0.2 = 1.8 → 2 + 0.8 × (3 − 2).
  assert.deepEqual([1, 2, 3, 4].map((j) => quantileSorted(v, j, 5)), [2.8, 4.6, 6.4, 8.2]);
  assert.equal(quantileSorted([1, 2, 3, 4], 1, 2), 2.5);
  close(quantileSorted(v, 0.025), 1.225, 1e-12);
  assert.equal(quantileSorted([7], 0.5), 7);
});

Deno.test("fitRfm() scores a tiny table by quintiles, recency reversed", () => {
  // Values 1..10 cut at 2.8, 4.6, 6.4, 8.2: two customers per score.
  const df = pl.DataFrame({
    days: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    orders: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    spend: [3, 4, 5, 6, 7, 8, 9, 10, 1, 2],
  });
  const model = fitRfm(df, { recency: "days", frequency: "orders", monetary: "spend" });
  assert.deepEqual(model.recency!.cuts, [2.8, 4.6, 6.4, 8.2]);
  const s = applyRfm(model, df);
  assert.deepEqual([...s.r!], [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  assert.deepEqual([...s.f], [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  assert.deepEqual([...s.m], [2, 2, 3, 3, 4, 4, 5, 5, 1, 1]);
  // FM = ⌊(F + M + 1) / 2⌋: customer 1 has R 5, FM ⌊8/2⌋ = 4; customer 5 R 3, F 3, M 4, FM 4;
  // customer 7 R 2, F 2, M 5, FM 4; customer 9 R 1, F 1, M 1.
  assert.deepEqual(s.segment, [
    ...Array(4).fill("Champions"),
    ...Array(2).fill("Loyal"),
    ...Array(2).fill("At risk"),
    ...Array(2).fill("Hibernating"),
  ]);
  assert.deepEqual(s.missing, { recency: 0, frequency: 0, monetary: 0 });
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model, "the model is plain JSON");
});

Deno.test("fitRfm() gives tied values one score and reports the scores left empty", () => {
  // Six customers bought once: cuts at 1, 1, 1.4, 3.2. Ones score 1; 2 and 3 are above three
  // cuts (score 4); 4 and 5 above all four (score 5). Scores 2 and 3 stay empty.
  const df = pl.DataFrame({
    orders: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5],
    spend: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  });
  const model = fitRfm(df, { frequency: "orders", monetary: "spend", scheme: "score" });
  assert.deepEqual(model.frequency.cuts, [1, 1, 1.4, 3.2]);
  assert.deepEqual(model.frequency.emptyScores, [2, 3]);
  assert.equal(model.recency, null);
  const s = applyRfm(model, df);
  assert.deepEqual([...s.f], [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
  // Row order does not change a score: the same values reversed score the same.
  const reversed = applyRfm(
    fitRfm(df.reverse(), { frequency: "orders", monetary: "spend", scheme: "score" }),
    df,
  );
  assert.deepEqual([...reversed.f], [...s.f]);
  assert.equal(s.r, null);
  assert.ok(s.segment.every((x) => /^FM score [1-5]$/.test(x)));
});

Deno.test("fitRfm() scores missing values 1 and sums several columns, missing parts as 0", () => {
  const df = pl.DataFrame({
    days: [1, null, 3, 4, 5],
    web: [1, 2, null, 4, null],
    store: [1, 2, 3, null, null],
    spend: [5, 4, 3, 2, 1],
  });
  const model = fitRfm(df, { recency: "days", frequency: ["web", "store"], monetary: "spend" });
  // F values: 2, 4, 3, 4, missing → fitted on 2, 3, 4, 4: cuts 2.6, 3.2, 3.8, 4.
  assert.deepEqual(model.frequency.cuts.map((c) => Math.round(c * 10) / 10), [2.6, 3.2, 3.8, 4]);
  const s = applyRfm(model, df);
  assert.equal(s.r![1], 1);
  assert.equal(s.f[4], 1);
  assert.deepEqual(s.missing, { recency: 1, frequency: 1, monetary: 0 });
});

Deno.test("fitRfm() names the missing column and refuses named segments without recency", () => {
  const df = pl.DataFrame({ orders: [1, 2], spend: [3, 4] });
  assert.throws(
    () => fitRfm(df, { recency: "days", frequency: "orders", monetary: "spend" }),
    /Column 'days' of the RFM columns is missing from the features/,
  );
  assert.throws(
    () => fitRfm(df, { frequency: "orders", monetary: "spend" }),
    /The "named" RFM scheme needs a recency column/,
  );
});

Deno.test("namedSegment() maps all 25 cells of R × FM onto the seven named segments", () => {
  const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((fm) => namedSegment(r, fm)));
  const [NC, PL, CH, NA, LO, HI, AR] = [
    "New customers",
    "Potential loyalists",
    "Champions",
    "Need attention",
    "Loyal",
    "Hibernating",
    "At risk",
  ];
  assert.deepEqual(grid, [
    [NC, PL, PL, CH, CH],
    [NC, PL, PL, CH, CH],
    [NA, NA, NA, LO, LO],
    [HI, HI, AR, AR, AR],
    [HI, HI, AR, AR, AR],
  ]);
  assert.deepEqual(new Set(grid.flat()), new Set(RFM_SEGMENTS));
});

Deno.test("scoreBand() cuts the mean score into five symmetric bands", () => {
  const bands = (c: number) => {
    const out: Record<string, number[]> = {};
    for (let sum = c; sum <= 5 * c; sum++) {
      const parts = Array(c).fill(Math.floor(sum / c));
      for (let i = 0; i < sum % c; i++) parts[i]++;
      (out[scoreBand(parts)] ??= []).push(sum);
    }
    return out;
  };
  assert.deepEqual(bands(3), {
    "RFM score 1": [3, 4, 5],
    "RFM score 2": [6, 7],
    "RFM score 3": [8, 9, 10],
    "RFM score 4": [11, 12],
    "RFM score 5": [13, 14, 15],
  });
  assert.deepEqual(bands(2), {
    "FM score 1": [2, 3],
    "FM score 2": [4, 5],
    "FM score 3": [6],
    "FM score 4": [7, 8],
    "FM score 5": [9, 10],
  });
  const model = fitRfm(pl.DataFrame({ f: [1, 2], m: [1, 2] }), {
    frequency: "f",
    monetary: "m",
    scheme: "score",
  });
  assert.deepEqual(rfmSegmentOrder(model), [5, 4, 3, 2, 1].map((b) => `FM score ${b}`));
});
