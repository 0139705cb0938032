/**
 * Tests of the experiment statistics (pipeline/uplift): hand-worked and published cases,
 * Hillstrom's e-mail test against SOURCE.md's figures (shared/datasets/hillstrom-email),
 * scipy as an oracle for the intervals, tests and adjustments, invariants and bad input.
 */

import { assertClose, assertThrows } from "./_assert.ts";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import { InputError } from "../pipeline/errors.ts";
import {
  benjaminiHochberg,
  cochranQ,
  holm,
  meanDifference,
  rateDifference,
  upliftBySegment,
  type UpliftResult,
} from "../pipeline/uplift/mod.ts";
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from "../pipeline/math/mod.ts";
import { findTools } from "./_tools.ts";

const HILLSTROM = fromFileUrl(
  new URL("../../shared/datasets/hillstrom-email/hillstrom.csv", import.meta.url),
);
const ZIPS = ["Surburban", "Urban", "Rural"];

/** Hillstrom with its treatment column renamed `arm` and zip_code as segments 0, 1, 2. */
function hillstrom(): pl.DataFrame {
  const raw = pl.readCSV(HILLSTROM, { inferSchemaLength: 0 });
  const zip = (raw.getColumn("zip_code").toArray() as string[]).map((z) => ZIPS.indexOf(z));
  return raw.select(
    pl.col("segment").alias("arm"),
    pl.col("visit").cast(pl.Int32),
    pl.col("conversion").cast(pl.Int32),
    pl.col("spend").cast(pl.Float64),
  ).withColumns(pl.Series("segment", zip, pl.Int32));
}

const data = hillstrom();
const OPTIONS = { control: "No E-Mail", outcomes: ["visit", "conversion", "spend"] };
const result = upliftBySegment(data, OPTIONS);
const find = (r: UpliftResult["overall"], arm: string, outcome: string) =>
  r.find((x) => x.arm === arm && x.outcome === outcome)!;

Deno.test("distribution functions hit textbook values (as scipy.stats prints them)", () => {
  assertClose(normalCdf(-1.959963984540054), 0.025, 1e-15, "Φ(−1.96)");
  assertClose(normalCdf(-8), 6.22096057427178e-16, 1e-28, "Φ(−8)");
  assertClose(normalQuantile(1e-10), -6.361340902404056, 1e-12, "Φ⁻¹(1e-10)");
  // t with 1 df is Cauchy: tan(0.475π).
  assertClose(studentTQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-11, "t(0.975; 1)");
  assertClose(studentTQuantile(0.975, 30), 2.0422724563012373, 1e-12, "t(0.975; 30)");
  assertClose(studentTQuantile(0.025, 4.5), -2.6589123472044043, 1e-10, "t(0.025; 4.5)");
  assertClose(studentTCdf(2, 5), 0.9490302605850709, 1e-14, "T₅(2)");
  assertClose(chiSquareSf(5.991464547107979, 2), 0.05, 1e-14, "χ²₂ 95%");
  assertClose(chiSquareSf(18.307038053275146, 10), 0.05, 1e-13, "χ²₁₀ 95%");
});

Deno.test("rateDifference() reproduces Newcombe's (1998) hybrid score intervals", () => {
  // Newcombe, Stat Med 17:873-890, Table II, method 10, examples (a)-(h).
  const cases: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.8090],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
    [10, 10, 0, 10, 0.6075, 1.0],
  ];
  for (const [e1, n1, e0, n0, lo, hi] of cases) {
    const e = rateDifference(
      { n: n1, mean: e1 / n1, variance: 0 },
      { n: n0, mean: e0 / n0, variance: 0 },
    );
    assertClose(e.ciLow, lo, 5e-5, `lower limit of ${e1}/${n1} − ${e0}/${n0}`);
    assertClose(e.ciHigh, hi, 5e-5, `upper limit of ${e1}/${n1} − ${e0}/${n0}`);
  }
  // No events anywhere: no evidence of a difference.
  const none = rateDifference({ n: 10, mean: 0, variance: 0 }, { n: 10, mean: 0, variance: 0 });
  if (none.pValue !== 1 || none.variance !== null) throw new Error(JSON.stringify(none));
});

Deno.test("meanDifference(), cochranQ(), holm() and benjaminiHochberg() by hand", () => {
  // Welch by hand: vt = 2.5/5, vc = (20/3)/4, df = v² / (vt²/4 + vc²/3).
  const e = meanDifference({ n: 5, mean: 3, variance: 2.5 }, { n: 4, mean: 6, variance: 20 / 3 });
  const vt = 0.5, vc = 5 / 3, v = vt + vc, df = v * v / (vt * vt / 4 + vc * vc / 3);
  const half = studentTQuantile(0.975, df) * Math.sqrt(v);
  assertClose(e.ciLow, -3 - half, 1e-12, "Welch lower");
  assertClose(e.ciHigh, -3 + half, 1e-12, "Welch upper");
  assertClose(e.pValue, 0.10008380903500755, 1e-12, "Welch p (scipy ttest_ind)");
  const small = meanDifference({ n: 1, mean: 3, variance: NaN }, { n: 4, mean: 2, variance: 1 });
  if (small.ciLow !== null || small.pValue !== null) throw new Error("n = 1 has no interval");
  // Q: effects 1, 2, 4 with variances 1, 1, 2 → d̄ = 2, Q = 3, I² = 1/3.
  const q = cochranQ([1, 2, 4, 9], [1, 1, 2, null]);
  assertClose(q.q, 3, 1e-12, "Q");
  assertClose(q.i2, 1 / 3, 1e-12, "I²");
  if (q.df !== 2) throw new Error(`df ${q.df}: a null variance is left out`);
  assertClose(cochranQ([1, 1.1], [1, 1]).i2, 0, 0, "I² floors at 0");
  const p = [0.01, 0.04, null, 0.03, 0.005];
  if (holm(p).join() !== "0.03,0.06,,0.06,0.02") throw new Error(`Holm ${holm(p)}`);
  const bh = benjaminiHochberg(p);
  if (bh.join() !== "0.02,0.04,,0.04,0.02") throw new Error(`BH ${bh}`);
  if (holm([0.9, 0.8]).join() !== "1,1") throw new Error("Holm caps at 1 and stays monotone");
});

Deno.test("upliftBySegment() reproduces Hillstrom's overall e-mail effects", () => {
  const arms = {
    "Mens E-Mail": { n: 21307, visit: 0.1828, conversion: 0.01253, spend: 1.4226 },
    "Womens E-Mail": { n: 21387, visit: 0.1514, conversion: 0.00884, spend: 1.0772 },
  };
  // SOURCE.md: differences and normal-approximation intervals (pp for rates); Newcombe and
  // Welch intervals differ from those by well under 0.0005 at these sizes.
  const lifts = {
    "Mens E-Mail": {
      visit: [0.0766, 0.0699, 0.0832],
      conversion: [0.0068, 0.0050, 0.0086],
      spend: [0.770, 0.485, 1.055],
    },
    "Womens E-Mail": {
      visit: [0.0452, 0.0389, 0.0516],
      conversion: [0.0031, 0.0015, 0.0047],
      spend: [0.424, 0.169, 0.680],
    },
  };
  for (const [arm, want] of Object.entries(arms)) {
    for (const outcome of OPTIONS.outcomes) {
      const r = find(result.overall, arm, outcome);
      if (r.n !== want.n || r.nControl !== 21306) throw new Error(`${arm}: n ${r.n}/${r.nControl}`);
      const w = want[outcome as "visit"], l = lifts[arm as "Mens E-Mail"][outcome as "visit"];
      const tol = outcome === "spend" ? 5e-4 : 5e-5;
      assertClose(r.mean, w, tol, `${arm} ${outcome} mean`);
      assertClose(r.difference, l[0], tol, `${arm} ${outcome} difference`);
      assertClose(r.ciLow, l[1], outcome === "spend" ? 1e-3 : 1e-4, `${arm} ${outcome} low`);
      assertClose(r.ciHigh, l[2], outcome === "spend" ? 1e-3 : 1e-4, `${arm} ${outcome} high`);
      if (!(r.pValue! < 0.01)) throw new Error(`${arm} ${outcome}: p ${r.pValue}`);
      const method = outcome === "spend" ? "welch" : "newcombe-wilson";
      if (r.method !== method) throw new Error(`${outcome} used ${r.method}`);
    }
  }
  assertClose(find(result.overall, "Mens E-Mail", "visit").meanControl, 0.1062, 5e-5, "control");
  assertClose(find(result.overall, "Mens E-Mail", "spend").meanControl, 0.6528, 5e-5, "control");
  if (result.warnings.length > 0) throw new Error(`Warnings: ${result.warnings}`);
});

Deno.test("upliftBySegment() reports zip-code segments, heterogeneity and recommendations", () => {
  const { bySegment, heterogeneity, recommendations } = result;
  if (bySegment.length !== 3 * 2 * 3) throw new Error(`${bySegment.length} segment rows`);
  const sizes = bySegment.filter((r) => r.arm === "Mens E-Mail" && r.outcome === "visit")
    .map((r) => r.n + r.nControl);
  if (sizes.join() !== "19126,17105,6382") throw new Error(`Segment sizes ${sizes}`);
  for (const r of bySegment) {
    if (!(r.ciLow! < r.difference && r.difference < r.ciHigh!)) throw new Error("CI misses d");
    if (!(r.pAdjusted! >= r.pValue!)) throw new Error("Adjusted p below raw p");
  }
  // Mens raises visits by about 7.5 pp in every zip code: no heterogeneity to speak of.
  const mensVisit = heterogeneity.find((h) => h.arm === "Mens E-Mail" && h.outcome === "visit")!;
  if (heterogeneity.length !== 6 || mensVisit.df !== 2 || !(mensVisit.pValue! > 0.5)) {
    throw new Error(`Heterogeneity ${JSON.stringify(mensVisit)}`);
  }
  if (recommendations.length !== 9) throw new Error(`${recommendations.length} recommendations`);
  for (const r of recommendations.filter((r) => r.outcome === "visit")) {
    if (r.arm !== "Mens E-Mail") throw new Error(`Segment ${r.segment}: ${r.reason}`);
  }
  // Rural spend: Mens' unadjusted interval excludes 0 but Holm's adjustment does not hold it.
  const rural = recommendations.find((r) => r.segment === 2 && r.outcome === "spend")!;
  if (rural.arm !== null || !/once p-values are adjusted/.test(rural.reason)) {
    throw new Error(rural.reason);
  }
  // Urban conversion: both e-mails beat control, neither beats the other.
  const urban = recommendations.find((r) => r.segment === 1 && r.outcome === "conversion")!;
  if (urban.arm !== null || !/No clear winner/.test(urban.reason)) throw new Error(urban.reason);
});

Deno.test("upliftBySegment() does not depend on row order and honours its options", () => {
  // A fixed permutation: i ↦ 7919·i mod n (7919 is prime, n = 64,000 = 2⁹·5³).
  const order = Array.from({ length: data.height }, (_, i) => (7919 * i) % data.height);
  const shuffled = data.withColumns(pl.Series("__order", order)).sort("__order").drop("__order");
  const again = upliftBySegment(shuffled, OPTIONS);
  const round = (r: UpliftResult) =>
    JSON.stringify(r, (_, v) => (typeof v === "number" ? Number(v.toPrecision(10)) : v));
  if (round(again) !== round(result)) throw new Error("Row order changed the result");
  const bh = upliftBySegment(data, { ...OPTIONS, adjust: "bh", confidence: 0.9 });
  const a = find(bh.overall, "Mens E-Mail", "visit"),
    b = find(result.overall, "Mens E-Mail", "visit");
  if (!(a.ciHigh! - a.ciLow! < b.ciHigh! - b.ciLow!)) throw new Error("90% is narrower than 95%");
  const spend = bh.bySegment.filter((r) => r.outcome === "spend");
  const byHand = benjaminiHochberg(spend.map((r) => r.pValue));
  spend.forEach((r, i) => assertClose(r.pAdjusted, byHand[i]!, 0, "BH within an outcome"));
  // Lower is better: a treatment that raises the outcome is never recommended.
  const lower = upliftBySegment(data, {
    ...OPTIONS,
    outcomes: ["visit"],
    lowerIsBetter: ["visit"],
  });
  if (lower.recommendations.some((r) => r.arm !== null)) throw new Error("Raised a 'bad' outcome");
});

Deno.test("upliftBySegment() refuses a missing arm column, absent control, text outcomes", () => {
  assertThrows(
    () => upliftBySegment(data, { ...OPTIONS, arm: "arms" }),
    InputError,
    /no arm column 'arms' \(did you mean 'arm'\?\)/,
  );
  assertThrows(
    () => upliftBySegment(data, { ...OPTIONS, control: "No Email" }),
    InputError,
    /Control arm 'No Email' does not occur in column 'arm' .*\(did you mean 'No E-Mail'\?\)/,
  );
  const text = data.withColumns(pl.col("spend").cast(pl.Utf8));
  assertThrows(
    () => upliftBySegment(text, OPTIONS),
    InputError,
    /Outcome column 'spend' must hold numbers. Got String \(first value "0.0"\)/,
  );
  assertThrows(
    () => upliftBySegment(data, { ...OPTIONS, outcomes: ["visits"] }),
    InputError,
    /no outcome 'visits' \(did you mean 'visit'\?\)/,
  );
  assertThrows(
    () => upliftBySegment(data.withColumns(pl.lit("x").alias("segment")), OPTIONS),
    InputError,
    /Segment column 'segment' must hold numbers/,
  );
  assertThrows(
    () => upliftBySegment(data, { ...OPTIONS, confidence: 95 }),
    RangeError,
    /'confidence' option of uplift must be in \(0, 1\). Got 95/,
  );
});

// scipy as the oracle for every per-segment row, Q and the adjustments, via the first python3
// on PATH that imports scipy (see _tools.ts).
const tools = await findTools("scipy");

/** Recomputes the per-segment rows from the raw CSV with scipy.stats and numpy. */
const ORACLE = `
import csv, json, sys
import numpy as np
from scipy import stats
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
zips = ["Surburban", "Urban", "Rural"]
z = stats.norm.ppf(0.975)
def wilson(p, n):
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z / d * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return c - h, c + h
out = []
for s, zc in enumerate(zips):
    for arm in ["Mens E-Mail", "Womens E-Mail"]:
        for o in ["visit", "conversion", "spend"]:
            pick = lambda a: np.array(
                [float(r[o]) for r in rows if r["zip_code"] == zc and r["segment"] == a])
            t, c = pick(arm), pick("No E-Mail")
            d = t.mean() - c.mean()
            if o == "spend":
                res = stats.ttest_ind(t, c, equal_var=False)
                vt, vc = t.var(ddof=1) / len(t), c.var(ddof=1) / len(c)
                df = (vt + vc) ** 2 / (vt ** 2 / (len(t) - 1) + vc ** 2 / (len(c) - 1))
                q = stats.t.ppf(0.975, df) * np.sqrt(vt + vc)
                lo, hi, p, var = d - q, d + q, res.pvalue, vt + vc
            else:
                p1, p0 = t.mean(), c.mean()
                l1, u1 = wilson(p1, len(t)); l0, u0 = wilson(p0, len(c))
                lo = d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
                hi = d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
                table = [[t.sum(), len(t) - t.sum()], [c.sum(), len(c) - c.sum()]]
                p = stats.chi2_contingency(table, correction=False)[1]
                var = p1 * (1 - p1) / len(t) + p0 * (1 - p0) / len(c)
            out.append(dict(segment=s, arm=arm, outcome=o, d=d, lo=lo, hi=hi, p=p, var=var))
def holm(ps):
    order = np.argsort(ps); m = len(ps); adj = np.empty(m); run = 0
    for k, i in enumerate(order):
        run = max(run, min(1, (m - k) * ps[i])); adj[i] = run
    return adj
def bh(ps):
    order = np.argsort(ps)[::-1]; m = len(ps); adj = np.empty(m); run = 1
    for k, i in enumerate(order):
        run = min(run, m * ps[i] / (m - k)); adj[i] = run
    return adj
for o in ["visit", "conversion", "spend"]:
    idx = [i for i, r in enumerate(out) if r["outcome"] == o]
    ps = np.array([out[i]["p"] for i in idx])
    for i, a, b in zip(idx, holm(ps), bh(ps)):
        out[i]["holm"], out[i]["bh"] = a, b
het = []
for arm in ["Mens E-Mail", "Womens E-Mail"]:
    for o in ["visit", "conversion", "spend"]:
        rs = [r for r in out if r["arm"] == arm and r["outcome"] == o]
        w = np.array([1 / r["var"] for r in rs]); d = np.array([r["d"] for r in rs])
        q = float(np.sum(w * (d - np.sum(w * d) / np.sum(w)) ** 2))
        het.append(dict(arm=arm, outcome=o, q=q, p=stats.chi2.sf(q, len(rs) - 1)))
print(json.dumps(dict(rows=out, het=het)))
`;

tools.test({
  name: "upliftBySegment() agrees with scipy on every Hillstrom zip-code comparison",
  fn: async () => {
    const out = await new Deno.Command(tools.path("scipy"), {
      args: ["-c", ORACLE, HILLSTROM],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const want = JSON.parse(new TextDecoder().decode(out.stdout));
    const bh = upliftBySegment(data, { ...OPTIONS, adjust: "bh" });
    for (const w of want.rows) {
      const at = (r: UpliftResult) =>
        r.bySegment.find((x) =>
          x.segment === w.segment && x.arm === w.arm && x.outcome === w.outcome
        )!;
      const r = at(result), what = `${w.arm} ${w.outcome} in segment ${w.segment}`;
      assertClose(r.difference, w.d, 1e-12, `${what}: difference`);
      assertClose(r.ciLow, w.lo, 1e-10, `${what}: low`);
      assertClose(r.ciHigh, w.hi, 1e-10, `${what}: high`);
      assertClose(r.pValue, w.p, 1e-9 * w.p + 1e-14, `${what}: p`);
      assertClose(r.pAdjusted, w.holm, 1e-9 * w.holm + 1e-14, `${what}: Holm`);
      assertClose(at(bh).pAdjusted, w.bh, 1e-9 * w.bh + 1e-14, `${what}: BH`);
    }
    for (const w of want.het) {
      const h = result.heterogeneity.find((x) => x.arm === w.arm && x.outcome === w.outcome)!;
      assertClose(h.q, w.q, 1e-9 * w.q, `Q of ${w.arm} ${w.outcome}`);
      assertClose(h.pValue, w.p, 1e-9, `Q's p of ${w.arm} ${w.outcome}`);
    }
  },
});
