/**
 * The evaluate stage on three public data sets with a real outcome: ingest → features → matrix
 * → cluster (k "auto") → evaluate, through the configs in tests/datasets. Asserts the tables
 * are sane and prints the comparison of Personae, RFM and raw K-Means.
 *
 * The evaluate options below are what each config's "evaluate" key should hold.
 */
import assert from "node:assert/strict";
import { near, oracleTest, python } from "./_oracle.ts";
import { loadConfig } from "../pipeline/config.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { buildFeatures } from "../pipeline/features/features.ts";
import { buildMatrix, type MatrixOptions } from "../pipeline/matrix/matrix.ts";
import { type ClusterOptions, clusterStage } from "../pipeline/cluster/cluster.ts";
import {
  type EvaluateOptions,
  type EvaluateOutputs,
  evaluateStage,
} from "../pipeline/evaluate/evaluate.ts";

const dir = new URL("./datasets/", import.meta.url).pathname;

const EVALUATE: Record<string, Partial<EvaluateOptions> & { outcome: string }> = {
  // A wide table: Recency in days, purchases per channel, spend per product family.
  "customer-personality": {
    outcome: "Response",
    rfm: {
      recency: "Recency",
      frequency: ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"],
      monetary: [
        "MntWines",
        "MntFruits",
        "MntMeatProducts",
        "MntFishProducts",
        "MntSweetProducts",
        "MntGoldProds",
      ],
    },
  },
  // Every customer was billed last month, so there is no recency: F = months billed,
  // M = monthly charge (TotalCharges ≈ tenure × MonthlyCharges would repeat F).
  "telco-churn": {
    outcome: "Churn",
    rfm: { frequency: "tenure", monetary: "MonthlyCharges", scheme: "score" },
  },
  // No purchases at all: the closest proxy is contact history (previous campaign contacts) and
  // balance; pdays is no recency (-1 means "never contacted" and would rank as most recent).
  "bank-marketing": {
    outcome: "y",
    rfm: { frequency: "previous", monetary: "balance", scheme: "score" },
  },
};

/** The counts every customer with a known outcome adds up to, from each SOURCE.md. */
const EVENTS: Record<string, { n: number; events: number }> = {
  "customer-personality": { n: 2240, events: 334 },
  "telco-churn": { n: 7043, events: 1869 },
  "bank-marketing": { n: 4521, events: 521 },
};

const evaluated = new Map<string, ReturnType<typeof evaluate>>();
/** Each data set is evaluated once; its tests share the result. */
function evaluateDataset(name: string) {
  if (!evaluated.has(name)) evaluated.set(name, evaluate(name));
  return evaluated.get(name)!;
}

async function evaluate(name: string) {
  const loaded = await loadConfig(`${dir}${name}.json`);
  const { config } = loaded;
  const ingested = (await ingest(loaded)).outputs;
  const { features, meta } = buildFeatures(ingested.tables, {
    ...config.features,
    referenceDate: config.referenceDate,
    attributes: ingested.attributes,
  }).outputs;
  const m = buildMatrix(features, meta, config.matrix as MatrixOptions).outputs;
  const clusters = clusterStage(m.matrix, {
    ...(config.cluster as Partial<ClusterOptions>),
    k: "auto",
    seed: config.seed,
    stability: false,
  }, m.ids).outputs;
  const result = evaluateStage({
    assignments: { customer_id: m.ids, segment: clusters.labels },
    outcomes: ingested.outcomes!,
    features,
    featureMeta: meta,
    segmentationFeatures: m.model.steps.map((s) => s.column),
  }, { ...EVALUATE[name], seed: config.seed });
  return { ...result, segments: clusters.segments };
}

function checkSane(name: string, o: EvaluateOutputs, segments: number): void {
  assert.deepEqual({ n: o.overall.n, events: o.overall.events }, EVENTS[name]);
  const methods = o.comparison.map((c) => c.method);
  const rfm = o.comparison.find((c) => c.method === "RFM")!;
  // RFM is also cut to Personae's k, unless its own scheme already has that many segments.
  const equalK = rfm.segments === segments ? [] : [`RFM (k = ${segments})`];
  assert.deepEqual(methods, ["Personae", "RFM", ...equalK, "Raw K-Means"]);
  assert.equal(o.comparison[0].segments, segments);
  for (const c of o.comparison.filter((c) => c.method !== "RFM")) {
    assert.equal(c.segments, segments, `${c.method} uses Personae's k`);
  }
  for (const r of [o.overall, ...o.rates]) {
    assert.ok(0 <= r.low && r.low <= r.rate && r.rate <= r.high && r.high <= 1, JSON.stringify(r));
  }
  for (const c of o.comparison) {
    const rows = o.rates.filter((r) => r.segmentation === c.method);
    assert.equal(rows.reduce((a, r) => a + r.n, 0), o.overall.n, `${c.method} customers`);
    assert.equal(rows.reduce((a, r) => a + r.events, 0), o.overall.events, `${c.method} events`);
    assert.equal(rows.length, c.segments);
    assert.equal(c.dof, c.segments - 1);
    for (const v of [c.cramersV, c.cramersVCorrected, c.p]) {
      assert.ok(v !== null && 0 <= v && v <= 1, `${c.method}: ${v}`);
    }
    if (c.vDiff !== null) assert.ok(c.vDiffLow! <= c.vDiff && c.vDiff <= c.vDiffHigh!);
  }
}

function printComparison(name: string, o: EvaluateOutputs): void {
  const f = (v: number | null, d = 3) => (v === null ? "—" : v.toFixed(d));
  const p = (v: number | null) => (v === null ? "—" : v < 1e-4 ? v.toExponential(1) : v.toFixed(4));
  const lines = o.comparison.map((c) =>
    [
      c.method.padEnd(12),
      String(c.segments).padStart(3),
      c.chi2.toFixed(1).padStart(8),
      String(c.dof).padStart(3),
      p(c.p).padStart(8),
      f(c.cramersV).padStart(6),
      f(c.cramersVCorrected).padStart(6),
      c.vDiff === null ? "" : `${f(c.vDiff)} [${f(c.vDiffLow)}, ${f(c.vDiffHigh)}]`,
    ].join("  ")
  );
  console.log(
    [
      `\n${name}: ${o.outcome} = ${o.positive}, ${o.overall.n} customers, rate ${
        f(o.overall.rate)
      }`,
      "method        seg      chi2  dof         p       V   V adj  Personae V − this [95%]",
      ...lines,
      o.verdict,
    ].join("\n"),
  );
}

/**
 * Every figure of the comparison and of the rate table, recomputed by scipy from the
 * per-customer labels the stage returns: chi-square, dof, p, Cramér's V, the difference in V,
 * and each segment's rate with its Wilson interval.
 */
const ORACLE = `
import json, sys
import numpy as np
from scipy.stats import chi2_contingency, norm
d = json.load(sys.stdin)
ev = np.array([-1 if e is None else e for e in d["event"]])
z = norm.ppf(0.975)
out = {}
for method, (column, prefix) in d["columns"].items():
    lab = np.array([prefix + str(v) for v in d[column]])
    keep = ev >= 0
    keys = sorted(set(lab[keep]))
    t = np.array([[np.sum((lab == k) & (ev == 1)), np.sum((lab == k) & (ev == 0))] for k in keys])
    chi2, p, dof, _ = chi2_contingency(t, correction=False)
    v = float(np.sqrt(chi2 / (t.sum() * (min(t.shape) - 1))))
    rates = {}
    for k, (e, ne) in zip(keys, t):
        n = e + ne; ph = e / n; den = 1 + z * z / n
        mid = (ph + z * z / (2 * n)) / den
        half = z * np.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
        rates[k] = [int(n), int(e), float(ph), float(mid - half), float(mid + half)]
    out[method] = {"chi2": float(chi2), "p": float(p), "dof": int(dof), "v": v, "rates": rates}
print(json.dumps(out))
`;

async function checkWithScipy(o: EvaluateOutputs): Promise<void> {
  const labels = o.labels;
  const col = (c: string) => labels.getColumn(c).toArray();
  // Method → its label column, and the prefix its rate rows name segments with.
  const columns: Record<string, [string, string]> = { Personae: ["segment", ""] };
  if (labels.columns.includes("rfm_segment")) columns.RFM = ["rfm_segment", ""];
  const equalK = o.comparison.find((c) => c.method.startsWith("RFM (k ="));
  if (equalK && labels.columns.includes("rfm_band")) columns[equalK.method] = ["rfm_band", ""];
  if (labels.columns.includes("raw_kmeans_segment")) {
    columns["Raw K-Means"] = ["raw_kmeans_segment", "Cluster "];
  }
  const input: Record<string, unknown> = { event: col("event"), columns };
  for (const [c] of Object.values(columns)) input[c] = col(c);
  const want = await python<
    Record<
      string,
      { chi2: number; p: number; dof: number; v: number; rates: Record<string, number[]> }
    >
  >(ORACLE, input);
  const personae = want.Personae.v;
  for (const c of o.comparison) {
    const w = want[c.method];
    assert.ok(w, `${c.method} recomputed`);
    near(c.chi2, w.chi2, 1e-9, `${c.method} chi2`);
    assert.equal(c.dof, w.dof);
    near(c.p!, w.p, 1e-9, `${c.method} p`);
    near(c.cramersV!, w.v, 1e-12, `${c.method} V`);
    if (c.vDiff !== null) near(c.vDiff, personae - w.v, 1e-12, `${c.method} V difference`);
    const rows = o.rates.filter((r) => r.segmentation === c.method);
    assert.equal(rows.length, Object.keys(w.rates).length, `${c.method} rate rows`);
    for (const r of rows) {
      const key = String(r.segment);
      assert.ok(w.rates[key], `${c.method} segment '${key}' among ${Object.keys(w.rates)}`);
      const [n, events, rate, low, high] = w.rates[key];
      assert.deepEqual([r.n, r.events], [n, events], `${c.method} ${key}`);
      near(r.rate, rate, 1e-12, `${c.method} ${key} rate`);
      near(r.low, low, 1e-12, `${c.method} ${key} low`);
      near(r.high, high, 1e-12, `${c.method} ${key} high`);
    }
  }
}

for (const name of Object.keys(EVALUATE)) {
  Deno.test(`evaluateStage() on ${name}: Personae vs RFM vs raw K-Means`, async () => {
    const { outputs, warnings, segments } = await evaluateDataset(name);
    checkSane(name, outputs, segments);
    printComparison(name, outputs);
    for (const w of warnings) assert.equal(w.stage, "evaluate");
  });
  oracleTest(
    `evaluateStage() on ${name}: every figure of the comparison agrees with scipy`,
    async () => {
      const { outputs } = await evaluateDataset(name);
      await checkWithScipy(outputs);
    },
  );
}
