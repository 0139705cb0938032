/**
 * The evaluate stage on small hand-made customers: rates, counts and the chi-square worked by
 * hand, positive-value detection, the RFM and raw K-Means baselines, options and input errors.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  type EvaluateOptions,
  evaluateStage,
  normalQuantile,
  wilson,
} from "../pipeline/evaluate/evaluate.ts";
import { outcomeRateChart } from "../pipeline/charts/charts.ts";
import { rng } from "../pipeline/math/random.ts";
import type { FeatureMeta } from "../pipeline/types.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);
const noBaselines = { rfm: false, rawKMeans: false } as const;

/**
 * Twelve customers: segment 0 has 3 of 4 known "Yes", segment 1 has 1 of 4, noise 1 of 2;
 * c11's outcome is null and c12 is absent from the outcomes.
 */
function handMade() {
  const assignments = { customer_id: ids(12), segment: [0, 0, 0, 0, 1, 1, 1, 1, -1, -1, 0, 1] };
  const outcomes = pl.DataFrame({
    customer_id: ids(11),
    Responded: ["Yes", "Yes", "Yes", "No", "Yes", "No", "No", "No", "Yes", "No", null],
  });
  return { assignments, outcomes };
}

Deno.test("evaluateStage() counts events per segment, noise last, unknown outcomes left out", () => {
  const { outputs, warnings } = evaluateStage(handMade(), {
    outcome: "Responded",
    ...noBaselines,
  });
  assert.equal(outputs.positive, "Yes");
  const z = normalQuantile(0.975);
  assert.deepEqual(
    outputs.rates.map((r) => [r.segment, r.label, r.n, r.events]),
    [[0, "Segment 0", 4, 3], [1, "Segment 1", 4, 1], [-1, "Noise", 2, 1]],
  );
  const first = outputs.rates[0];
  assert.deepEqual([first.rate, first.low, first.high], Object.values(wilson(3, 4, z)));
  assert.deepEqual(outputs.overall, { n: 10, events: 5, ...wilson(5, 10, z) });
  // Table [[3, 1], [1, 3], [1, 1]]: expected [[2, 2], [2, 2], [1, 1]], so
  // χ² = 4 × (1/2) + 0 = 2 with 2 dof: p = e^(−1), V = √(2 / 10).
  const [own] = outputs.comparison;
  assert.equal(outputs.comparison.length, 1);
  assert.equal(own.segments, 3);
  assert.ok(Math.abs(own.chi2 - 2) < 1e-12);
  assert.equal(own.dof, 2);
  assert.ok(Math.abs(own.p! - Math.exp(-1)) < 1e-12);
  assert.ok(Math.abs(own.cramersV! - Math.sqrt(0.2)) < 1e-12);
  assert.deepEqual(
    outputs.labels.getColumn("event").toArray(),
    [1, 1, 1, 0, 1, 0, 0, 0, 1, 0, null, null],
  );
  assert.deepEqual(warnings, [
    {
      stage: "evaluate",
      message: "Segmented customers without a known 'Responded' are left out of every rate",
      count: 2,
    },
    {
      stage: "evaluate",
      message: "Personae: 6 cells expect fewer than 5 customers; the chi-square p-value is rough",
    },
  ]);
  assert.match(outputs.verdict, /^50\.0% of 10 customers have Responded = Yes\./);
  assert.match(outputs.verdict, /not clearly associated with Responded/);
});

Deno.test("evaluateStage() detects the event value of yes/no, 0/1 and true/false outcomes", () => {
  const assignments = { customer_id: ids(4), segment: [0, 0, 1, 1] };
  const cases: [unknown[], unknown][] = [
    [["yes", "yes", "no", "no"], "yes"],
    [["No", "Yes", "No", "No"], "Yes"],
    [[1, 1, 0, 0], 1],
    [[true, false, false, false], true],
  ];
  for (const [values, positive] of cases) {
    const outcomes = pl.DataFrame({ customer_id: ids(4), y: values });
    const { outputs } = evaluateStage({ assignments, outcomes }, { outcome: "y", ...noBaselines });
    assert.equal(outputs.positive, positive, JSON.stringify(values));
  }
});

Deno.test("evaluateStage() needs 'positive' for other outcomes and checks that it occurs", () => {
  const assignments = { customer_id: ids(4), segment: [0, 0, 1, 1] };
  const outcomes = pl.DataFrame({
    customer_id: ids(4),
    sentiment: ["negative", "neutral", "positive", "negative"],
  });
  assert.throws(
    () => evaluateStage({ assignments, outcomes }, { outcome: "sentiment", ...noBaselines }),
    /Cannot tell which value of the outcome 'sentiment' is the event: its values are "negative", "neutral", "positive"\. Set the 'positive' option of evaluate/,
  );
  assert.throws(
    () =>
      evaluateStage({ assignments, outcomes }, {
        outcome: "sentiment",
        positive: "Negative",
        ...noBaselines,
      }),
    /The 'positive' option of evaluate is "Negative", which the outcome 'sentiment' never takes/,
  );
  const { outputs } = evaluateStage({ assignments, outcomes }, {
    outcome: "sentiment",
    positive: "negative",
    ...noBaselines,
  });
  assert.deepEqual(outputs.rates.map((r) => r.events), [1, 1]);
});

Deno.test("evaluateStage() validates its options with one message per rule", () => {
  const inputs = handMade();
  const run = (o: Partial<EvaluateOptions>) =>
    evaluateStage(inputs, { outcome: "Responded", ...o } as EvaluateOptions);
  assert.throws(() => run({ confidence: 1.5 }), {
    name: "OptionError",
    message: "The 'confidence' option of evaluate must be a number in (0.5, 1). Got 1.5 instead",
  });
  assert.throws(
    () => run({ bootstrap: -1 }),
    /The 'bootstrap' option of evaluate must be an integer ≥ 0\. Got -1 instead/,
  );
  assert.throws(
    () => run({ bootstrapp: 10 } as Partial<EvaluateOptions>),
    /Unknown option 'bootstrapp' of evaluate \(did you mean 'bootstrap'\?\)/,
  );
  assert.throws(
    () => run({ rfm: { frequency: "f", monetary: "m" } }),
    /The 'rfm\.scheme' option of evaluate is "named", which needs a recency column/,
  );
  assert.throws(
    () => run({ rfm: { frequency: "f", monetary: [], scheme: "score" } }),
    /The 'rfm\.monetary' option of evaluate must be a column name or a list of them\. Got \[\] instead/,
  );
  assert.throws(
    () => evaluateStage(inputs, { outcome: "Respnded", ...noBaselines }),
    /Column 'Respnded' is missing from the outcomes given to evaluate \(did you mean 'Responded'\?\)/,
  );
});

Deno.test("evaluateStage() rejects inconsistent assignments", () => {
  const { outcomes } = handMade();
  const run = (customer_id: string[], segment: number[]) =>
    evaluateStage({ assignments: { customer_id, segment }, outcomes }, {
      outcome: "Responded",
      ...noBaselines,
    });
  assert.throws(
    () => run(["c1", "c1"], [0, 1]),
    /The assignments given to evaluate repeat a customer id/,
  );
  assert.throws(() => run(["c1", "c2"], [0]), /have 2 customer ids and 1 segments/);
  assert.throws(
    () => run(["c1", "c2"], [0, 0.5]),
    /Segment 2 of the assignments must be an integer ≥ -1\. Got 0\.5 instead/,
  );
});

const numeric = (name: string): FeatureMeta => ({
  name,
  description: name,
  unit: "",
  group: "purchase",
  kind: "numeric",
});

/**
 * 400 customers: `visits` (0..9) drives the outcome, `income` (tens of thousands, no link to
 * the outcome) dominates raw distances. Personae's segments split on visits.
 */
function scaled() {
  const r = rng(11);
  const n = 400;
  const visits = Array.from({ length: n }, () => r.int(10));
  const income = Array.from({ length: n }, () => 20000 + 60000 * r.next());
  const outcome = visits.map((v) => (r.next() < (v >= 5 ? 0.6 : 0.1) ? "yes" : "no"));
  const customer_id = ids(n);
  return {
    assignments: { customer_id, segment: visits.map((v) => (v >= 5 ? 0 : 1)) },
    outcomes: pl.DataFrame({ customer_id, y: outcome }),
    features: pl.DataFrame({ customer_id, visits, income }),
    featureMeta: [numeric("visits"), numeric("income")],
  };
}

Deno.test("evaluateStage() shows raw K-Means on unscaled columns missing what scaled segments find", () => {
  const inputs = scaled();
  const { outputs, warnings } = evaluateStage(inputs, { outcome: "y", rfm: false, seed: 3 });
  const [own, raw] = outputs.comparison;
  assert.equal(raw.method, "Raw K-Means");
  assert.equal(raw.segments, 2);
  assert.ok(own.cramersV! > 0.4, `Personae V ${own.cramersV}`);
  assert.ok(raw.cramersV! < 0.15, `raw V ${raw.cramersV}`);
  assert.ok(raw.vDiffLow! > 0 && raw.vDiffLow! <= raw.vDiff! && raw.vDiff! <= raw.vDiffHigh!);
  assert.match(outputs.verdict, /Personae separates y more strongly than Raw K-Means/);
  assert.deepEqual(warnings, []);
  const labels = outputs.labels.getColumn("raw_kmeans_segment").toArray() as number[];
  assert.deepEqual(new Set(labels), new Set([0, 1]));
  // The same inputs and seed give the same outputs, bit for bit.
  const again = evaluateStage(inputs, { outcome: "y", rfm: false, seed: 3 }).outputs;
  assert.deepEqual(again.comparison, outputs.comparison);
  assert.deepEqual(again.labels.toRecords(), outputs.labels.toRecords());
});

Deno.test("evaluateStage() runs RFM from the features stage's purchase columns", () => {
  const r = rng(5);
  const n = 300;
  const customer_id = ids(n);
  const frequency = Array.from({ length: n }, () => r.int(20));
  const recency_days = frequency.map((f) => (f === 0 ? null : 1 + r.int(365)));
  const monetary_total = frequency.map((f) => f * (10 + 40 * r.next()));
  const y = frequency.map((f) => (r.next() < f / 25 ? "Yes" : "No"));
  const features = pl.DataFrame({ customer_id, recency_days, frequency, monetary_total });
  const { outputs, warnings } = evaluateStage({
    assignments: { customer_id, segment: frequency.map((f) => (f < 10 ? 0 : 1)) },
    outcomes: pl.DataFrame({ customer_id, y }),
    features,
    featureMeta: ["recency_days", "frequency", "monetary_total"].map(numeric),
  }, { outcome: "y", rawKMeans: false });
  const missingR = recency_days.filter((v) => v === null).length;
  assert.deepEqual(warnings.map((w) => [w.message, w.count]), [
    ["RFM: customers without a recency value were scored 1", missingR],
  ]);
  assert.deepEqual(outputs.comparison.map((c) => c.method), ["Personae", "RFM", "RFM (k = 2)"]);
  assert.equal(outputs.comparison[2].segments, outputs.comparison[0].segments, "equal k");
  assert.ok(outputs.rfm !== null && outputs.rfm.recency !== null);
  const rfmRates = outputs.rates.filter((x) => x.segmentation === "RFM");
  assert.equal(rfmRates.reduce((a, x) => a + x.n, 0), n);
  assert.equal(rfmRates.reduce((a, x) => a + x.events, 0), outputs.overall.events);
  const labels = outputs.labels;
  for (const c of ["rfm_r", "rfm_f", "rfm_m", "rfm_segment"]) assert.ok(labels.columns.includes(c));
  // Customers without orders have the lowest recency score.
  const rScores = labels.getColumn("rfm_r").toArray() as number[];
  recency_days.forEach((v, i) => v === null && assert.equal(rScores[i], 1));
});

Deno.test("evaluateStage() skips RFM with a warning when the features have no purchase columns", () => {
  const inputs = scaled();
  const { outputs, warnings } = evaluateStage(inputs, { outcome: "y", rawKMeans: false });
  const message = "RFM baseline skipped: the features have no 'recency_days', 'frequency', " +
    "'monetary_total' (no order history); name the columns in the evaluate option 'rfm', or set it to false";
  assert.deepEqual(warnings.map((w) => w.message), [message]);
  assert.equal(outputs.rfm, null);
  assert.ok(outputs.verdict.endsWith(`${message}.`));
  assert.throws(
    () =>
      evaluateStage(inputs, {
        outcome: "y",
        rawKMeans: false,
        rfm: { frequency: "visit", monetary: "income", scheme: "score" },
      }),
    /The 'rfm' option of evaluate names column 'visit', which the features do not have \(did you mean 'visits'\?\)/,
  );
});

Deno.test("evaluateStage() with one segment has no association and skips raw K-Means", () => {
  const inputs = scaled();
  inputs.assignments.segment = inputs.assignments.segment.map(() => 0);
  const { outputs, warnings } = evaluateStage(inputs, { outcome: "y", rfm: false });
  assert.deepEqual(
    [outputs.comparison[0].dof, outputs.comparison[0].p, outputs.comparison[0].cramersV],
    [0, null, null],
  );
  assert.deepEqual(warnings.map((w) => w.message), [
    "Raw K-Means baseline skipped: Personae has 1 segment(s), K-Means needs k ≥ 2",
  ]);
  assert.match(outputs.verdict, /single group/);
});

Deno.test("evaluateStage() rates feed outcomeRateChart with one panel per segmentation", () => {
  const { outputs } = evaluateStage(scaled(), { outcome: "y", rfm: false, bootstrap: 0 });
  assert.equal(outputs.comparison[1].vDiffLow, null);
  const svg = outcomeRateChart(outputs.rates, { overall: outputs.overall.rate });
  assert.match(svg, /^<svg/);
  assert.match(svg, />Personae</);
  assert.match(svg, />Raw K-Means</);
  assert.match(svg, />Cluster 1</);
});

Deno.test("evaluateStage() takes the cluster stage's assignments frame as well as arrays", () => {
  const { assignments, outcomes } = handMade();
  const frame = pl.DataFrame([
    pl.Series("customer_id", assignments.customer_id),
    pl.Series("segment", assignments.segment, pl.Int32),
  ]);
  const a = evaluateStage({ assignments: frame, outcomes }, {
    outcome: "Responded",
    ...noBaselines,
  });
  const b = evaluateStage({ assignments, outcomes }, { outcome: "Responded", ...noBaselines });
  assert.deepEqual(a.outputs.rates, b.outputs.rates);
  // The runner reads a CSV artifact back as text.
  const text = pl.DataFrame({
    customer_id: assignments.customer_id,
    segment: assignments.segment.map(String),
  });
  const c = evaluateStage({ assignments: text, outcomes }, {
    outcome: "Responded",
    ...noBaselines,
  });
  assert.deepEqual(c.outputs.rates, b.outputs.rates);
  const bad = pl.DataFrame({ customer_id: ["c1"], segment: ["one"] });
  assert.throws(
    () => evaluateStage({ assignments: bad, outcomes }, { outcome: "Responded", ...noBaselines }),
    /The 'segment' column of the assignments must hold integers/,
  );
});
