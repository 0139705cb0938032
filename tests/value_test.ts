/**
 * Tests of the value maths (pipeline/value): the CDNOW sample's published BG/NBD and
 * Gamma-Gamma anchors (SOURCE.md in shared/datasets/cdnow-sample), summaries rebuilt from
 * the raw log, holdout checks, CLV invariants, special functions against scipy, and bad input.
 */

import { assertClose, assertThrows } from "./_assert.ts";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import { InputError } from "../pipeline/errors.ts";
import {
  applyGammaGamma,
  bgnbdConditionalExpected,
  bgnbdExpectedCumulative,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  customerValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  holdoutComparison,
  summarizeOrders,
  valueBySegment,
} from "../pipeline/value/mod.ts";
import { digamma, lgamma, lnHyp2f1 } from "../pipeline/math/mod.ts";
import { findTools } from "./_tools.ts";

const DIR = fromFileUrl(new URL("../../shared/datasets/cdnow-sample", import.meta.url));
const BTYD = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };

/** The raw log as an orders frame: sample id as customer id, the yyyymmdd date, dollars. */
function cdnowOrders(): pl.DataFrame {
  const lines = Deno.readTextFileSync(`${DIR}/CDNOW_sample.txt`).trim().split(/\r?\n/);
  const ids: string[] = [], ts: Date[] = [], amount: number[] = [];
  for (const line of lines) {
    const [, id, d, , dollars] = line.trim().split(/\s+/);
    ids.push(id);
    ts.push(new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T00:00:00Z`));
    amount.push(Number(dollars));
  }
  return pl.DataFrame({ customer_id: ids, ts, amount });
}

/** The published summary with transactions: ID, x, t_x, T, zbar (2-dp rounded). */
function cdnowCsv() {
  const rows = Deno.readTextFileSync(`${DIR}/cdnow_customers_summary_with_transactions.csv`)
    .trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map(Number));
  return {
    id: rows.map((r) => r[0]),
    frequency: rows.map((r) => r[1]),
    recency: rows.map((r) => r[2]),
    T: rows.map((r) => r[3]),
    monetary: rows.map((r) => r[4]),
  };
}

const orders = cdnowOrders();
const summary = summarizeOrders(orders, { holdoutStart: "1997-10-01" });
const csv = cdnowCsv();
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
/** Round half up at 2 dp, as the published CSVs do; 1e-9 absorbs float noise like 22.3449999. */
const round2 = (v: number) => Math.floor(v * 100 + 0.5 + 1e-9) / 100;

Deno.test("summarizeOrders() rebuilds the published CDNOW summary from the raw log", () => {
  if (summary.customerId.length !== 2357) throw new Error(`${summary.customerId.length} customers`);
  for (let i = 0; i < 2357; i++) {
    if (Number(summary.customerId[i]) !== csv.id[i]) throw new Error(`Row ${i + 1} out of order`);
    const got = [
      summary.frequency[i],
      round2(summary.recency[i]),
      round2(summary.T[i]),
      round2(summary.monetary[i]),
    ];
    const want = [csv.frequency[i], csv.recency[i], csv.T[i], csv.monetary[i]];
    if (got.join() !== want.join()) throw new Error(`Customer ${i + 1}: ${got} ≠ ${want}`);
  }
});

Deno.test("summarizeOrders() gives SOURCE.md's CDNOW totals and layout", () => {
  assertClose(sum(summary.frequency), 2457, 0, "calibration repeat transactions");
  assertClose(summary.frequency.filter((x) => x > 0).length, 946, 0, "repeat customers");
  assertClose(sum(summary.holdoutFrequency), 1882, 0, "holdout repeat transactions");
  assertClose(summary.holdoutFrequency.filter((x) => x > 0).length, 684, 0, "holdout buyers");
  assertClose(sum(summary.periodRepeats), 4339, 0, "cumulative at week 78");
  assertClose(summary.holdoutLength, 39, 1e-12, "holdout weeks");
  if (summary.start !== "1997-01-01" || summary.holdoutEnd !== "1998-06-30") {
    throw new Error(`Dates ${summary.start} … ${summary.holdoutEnd}`);
  }
  // Customer 1: 1997-01-01, 01-18, 08-02, then 12-12 in the holdout.
  assertClose(summary.recency[0], 213 / 7, 1e-12, "t_x of customer 1");
  assertClose(summary.monetary[0], (29.73 + 14.96) / 2, 1e-9, "zbar of customer 1");
  assertClose(summary.holdoutFrequency[0], 1, 0, "x* of customer 1");
});

Deno.test("fitBgNbd() lands on Fader, Hardie & Lee's CDNOW estimates", () => {
  const m = fitBgNbd(csv);
  const want = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
  for (const k of ["r", "alpha", "a", "b"] as const) {
    assertClose(m.params[k], want[k], 0.01 * want[k], `BG/NBD ${k}`);
    assertClose(m.params[k], want[k], 1e-4 * want[k] + 5e-5, `BG/NBD ${k} (SOURCE.md's scipy fit)`);
  }
  assertClose(m.logLikelihood, -9582.43, 0.5, "log-likelihood");
  assertClose(m.logLikelihood, -9582.426, 0.001, "log-likelihood (SOURCE.md's scipy fit)");
  if (!m.converged) throw new Error("BG/NBD fit did not converge");
  // An optimum: the log-likelihood is flat in every log-parameter direction.
  for (const k of ["r", "alpha", "a", "b"] as const) {
    const up = { ...m.params, [k]: m.params[k] * Math.exp(1e-5) };
    const down = { ...m.params, [k]: m.params[k] * Math.exp(-1e-5) };
    const slope = (bgnbdLogLikelihood(up, csv) - bgnbdLogLikelihood(down, csv)) / 2e-5;
    assertClose(slope, 0, 1e-3, `∂LL/∂ln ${k} at the optimum`);
  }
  // On the unrounded summary the fit is BTYD's (its LL −9582.429).
  const raw = fitBgNbd(summary);
  assertClose(raw.logLikelihood, -9582.429, 0.001, "log-likelihood on unrounded times");
  for (const k of ["r", "alpha", "a", "b"] as const) {
    assertClose(raw.params[k], BTYD[k], 2e-4 * BTYD[k], `BTYD's ${k}`);
  }
});

Deno.test("fitBgNbd() gives the same optimum from different starts", () => {
  const a = fitBgNbd(csv), b = fitBgNbd(csv, { start: { r: 3, alpha: 20, a: 0.2, b: 9 } });
  for (const k of ["r", "alpha", "a", "b"] as const) {
    assertClose(b.params[k], a.params[k], 1e-6 * a.params[k], `${k} from another start`);
  }
});

Deno.test("BG/NBD expectations match Hardie's spreadsheet and the BTYD walkthrough", () => {
  assertClose(bgnbdExpectedCumulative(BTYD, 52), 1.444004, 1e-5, "E[X(52)]");
  // lifetimes' Hardie-spreadsheet test quotes 1.8576 at 4 decimals for its own fit.
  assertClose(bgnbdExpectedCumulative(BTYD, 78), 1.8576, 5e-4, "E[X(78)]");
  assertClose(bgnbdConditionalExpected(BTYD, 39, 2, 30.43, 38.86), 1.226, 5e-4, "E[Y(39)]");
  const e1516 = bgnbdConditionalExpected(BTYD, 52, 26, 30.857143, 31);
  assertClose(e1516, 25.75659, 2e-3, "E[Y(52)] of customer 1516");
  // P(alive) falls as the last purchase recedes, and is 1 without repeat purchases.
  if (bgnbdPAlive(BTYD, 0, 0, 38) !== 1) throw new Error("x = 0 must be alive");
  if (!(bgnbdPAlive(BTYD, 4, 10, 38) < bgnbdPAlive(BTYD, 4, 35, 38))) {
    throw new Error("P(alive) must rise with recency");
  }
  // E[Y(t)] grows with t and is 0 at t = 0.
  assertClose(bgnbdConditionalExpected(BTYD, 0, 3, 20, 30), 0, 0, "E[Y(0)]");
  const ts = [1, 5, 20, 52, 104].map((t) => bgnbdConditionalExpected(BTYD, t, 3, 20, 30));
  if (!ts.every((v, i) => i === 0 || v > ts[i - 1])) throw new Error(`E[Y(t)] not rising: ${ts}`);
});

Deno.test("fitGammaGamma() lands on Fader & Hardie's CDNOW spend estimates", () => {
  const m = fitGammaGamma(csv);
  const want = { p: 6.2488, q: 3.7446, gamma: 15.4477 };
  for (const k of ["p", "q", "gamma"] as const) {
    assertClose(m.params[k], want[k], 0.01 * want[k], `Gamma-Gamma ${k}`);
    assertClose(m.params[k], want[k], 2e-4 * want[k], `Gamma-Gamma ${k} (SOURCE.md's fit)`);
  }
  assertClose(m.logLikelihood, -4055.923, 0.001, "Gamma-Gamma log-likelihood");
  assertClose(gammaGammaLogLikelihood(m.params, csv), m.logLikelihood, 1e-6, "reported LL");
  if (m.customers !== 946 || m.excluded.noRepeat !== 1411 || !m.converged) {
    throw new Error(`Fitted ${m.customers}, excluded ${JSON.stringify(m.excluded)}`);
  }
  // Hardie's spreadsheet (lifetimes' test): E[spend] of customers 1-10; SOURCE.md's own fit
  // gives 24.66 for the first.
  const hardie = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
  const e = applyGammaGamma(m, {
    frequency: csv.frequency.slice(0, 10),
    monetary: csv.monetary.slice(0, 10),
  });
  hardie.forEach((v, i) => assertClose(e[i], v, 0.015, `E[spend] of customer ${i + 1}`));
  // The independence the model assumes: a weak correlation on CDNOW.
  if (!(Math.abs(m.frequencySpendCorrelation) < 0.2)) {
    throw new Error(`ρ(x, z̄) = ${m.frequencySpendCorrelation}`);
  }
});

Deno.test("holdoutComparison() reproduces the BG/NBD paper's CDNOW holdout figures", () => {
  const model = fitBgNbd(summary);
  const cmp = holdoutComparison(model, summary);
  assertClose(cmp.total.actual, 1882, 0, "actual holdout transactions");
  assertClose(cmp.total.expected, 1653.4, 1, "expected holdout transactions");
  assertClose(cmp.total.expected / cmp.total.actual - 1, -0.121, 0.001, "BTYDplus 'sum' error");
  const bins = [1411, 439, 214, 100, 62, 38, 29, 64];
  const actual = [0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359];
  const expected = [0.225, 0.523, 1.044, 1.520, 2.164, 2.654, 3.504, 6.157];
  cmp.byFrequency.forEach((b, k) => {
    assertClose(b.customers, bins[k], 0, `customers with x = ${b.frequency}`);
    assertClose(b.actual, actual[k], 5e-4, `actual x* for x = ${b.frequency}`);
    assertClose(b.expected, expected[k], 1e-3, `expected x* for x = ${b.frequency}`);
  });
  const weeks = cmp.tracking.slice(19, 25);
  const tracked = [1359, 1414, 1484, 1517, 1573, 1672];
  const btyd = [1312.458, 1387.346, 1460.392, 1531.713, 1601.418, 1669.6];
  weeks.forEach((w, k) => {
    assertClose(w.period, 20 + k, 0, "week number");
    assertClose(w.actual, tracked[k], 0, `actual cumulative, week ${w.period}`);
    assertClose(w.expected, btyd[k], 0.01, `expected cumulative, week ${w.period}`);
  });
  assertClose(cmp.tracking[77].actual, 4339, 0, "cumulative at week 78");
  if (cmp.tracking.filter((t) => t.calibration).length !== 39) {
    throw new Error("39 calibration weeks");
  }
  // The model beats carrying each customer's calibration rate forward.
  if (!(cmp.mae.model < cmp.mae.naive)) throw new Error(`MAE ${JSON.stringify(cmp.mae)}`);
});

Deno.test("customerValue() discounts as documented and valueBySegment() adds up", () => {
  const bgnbd = fitBgNbd(summary), gg = fitGammaGamma(summary);
  const flat = customerValue(bgnbd, gg, summary, { annualDiscountRate: 0 });
  for (const i of [0, 1, 5, 1515]) {
    const want = flat.expectedPurchases[i] * flat.expectedSpend[i];
    assertClose(flat.clv[i], want, 1e-9 * want, `undiscounted CLV of customer ${i + 1}`);
  }
  // One step as long as the horizon: everything is discounted by (1 + r)^(−52 / 52).
  const oneStep = customerValue(bgnbd, gg, summary, { annualDiscountRate: 0.1, stepLength: 52 });
  assertClose(oneStep.clv[0], flat.clv[0] / 1.1, 1e-9, "one-step discounting");
  // Monthly steps by hand for customer 1.
  const v = customerValue(bgnbd, gg, summary);
  let byHand = 0, before = 0;
  for (let k = 1; k <= 12; k++) {
    const t = (52 / 12) * k;
    const cum = bgnbdConditionalExpected(bgnbd.params, t, 2, summary.recency[0], summary.T[0]);
    byHand += (cum - before) * 1.1 ** (-t / 52);
    before = cum;
  }
  assertClose(v.clv[0], byHand * v.expectedSpend[0], 1e-9, "monthly-discounted CLV");
  if (!(v.clv[0] < flat.clv[0] && v.clv[0] > oneStep.clv[0])) throw new Error("discount order");
  // Three segments by calibration frequency: shares add up to 1, totals to the sum.
  const seg = Array.from(summary.frequency, (x) => (x === 0 ? 0 : x < 3 ? 1 : 2));
  const bySeg = valueBySegment(v, seg);
  assertClose(sum(bySeg.map((s) => s.share)), 1, 1e-12, "shares");
  assertClose(sum(bySeg.map((s) => s.totalValue)), sum(v.clv), 1e-6, "totals");
  assertClose(sum(bySeg.map((s) => s.customers)), 2357, 0, "customers");
  if (!(bySeg[2].meanValue > bySeg[1].meanValue && bySeg[1].meanValue > bySeg[0].meanValue)) {
    throw new Error("frequent buyers should be worth more on average");
  }
});

Deno.test("summarizeOrders() refuses undated orders, bad amounts and bad holdout dates", () => {
  const base = {
    customer_id: ["a", "a", "b"],
    ts: [new Date("2020-01-01"), new Date("2020-02-01"), new Date("2020-03-01")],
    amount: [1, 2, 3],
  };
  const ok = { holdoutStart: "2020-02-15" };
  assertThrows(
    () => summarizeOrders(pl.DataFrame({ ...base, ts: [base.ts[0], null, base.ts[2]] }), ok),
    InputError,
    /1 orders have no date in column 'ts' \(first at row 2\)/,
  );
  assertThrows(
    () => summarizeOrders(pl.DataFrame({ ...base, ts: ["2020-01-01", "x", "y"] }), ok),
    InputError,
    /Column 'ts' of the orders must hold dates. Got String/,
  );
  const { ts: _ts, ...noTs } = base;
  assertThrows(
    () => summarizeOrders(pl.DataFrame({ ...noTs, tss: base.ts }), ok),
    InputError,
    /no 'ts' column \(did you mean 'tss'\?\)/,
  );
  assertThrows(
    () => summarizeOrders(pl.DataFrame({ ...base, amount: ["1", "12,5O", "3"] }), ok),
    InputError,
    /Column 'amount' of the orders must hold numbers: row 2 has "12,5O"/,
  );
  for (const day of ["2019-12-01", "2020-01-01", "2020-03-02"]) {
    assertThrows(
      () => summarizeOrders(pl.DataFrame(base), { holdoutStart: day }),
      InputError,
      new RegExp(
        `holdout start ${day} is outside the orders' dates \\(2020-01-01 to 2020-03-01\\)`,
      ),
    );
  }
  assertThrows(
    () => summarizeOrders(pl.DataFrame(base), { holdoutStart: "15/02/2020" }),
    RangeError,
    /'holdoutStart' option of summarizeOrders must be a date like "1997-10-01". Got "15\/02/,
  );
});

Deno.test("the fits refuse impossible summaries", () => {
  assertThrows(
    () => fitBgNbd({ frequency: [1, 2], recency: [5, 12], T: [10, 10] }),
    RangeError,
    /Customer 2 needs 0 ≤ recency ≤ T. Got recency 12 and T 10/,
  );
  assertThrows(
    () => fitBgNbd({ frequency: [1.5], recency: [1], T: [10] }),
    RangeError,
    /Frequency of customer 1 must be an integer ≥ 0. Got 1.5/,
  );
  assertThrows(
    () => fitGammaGamma({ frequency: [0, 0, 1], monetary: [0, 0, 5] }),
    RangeError,
    /at least 2 customers with a repeat purchase/,
  );
  assertThrows(
    () =>
      customerValue({ params: BTYD }, { params: { p: 6, q: 4, gamma: 15 } }, summary, {
        annualDiscountRate: -0.1,
      }),
    RangeError,
    /'annualDiscountRate' option of customerValue must be a number ≥ 0. Got -0.1/,
  );
});

// Special functions against scipy (an independent implementation), via the first python3
// on PATH that imports scipy (see _tools.ts).
const tools = await findTools("scipy");

tools.test({
  name: "lgamma(), digamma() and lnHyp2f1() agree with scipy.special",
  fn: async () => {
    const xs = [1e-3, 0.2426, 0.5, 1, 2.4258, 7.5, 10, 33.3, 1e3, 2.5e5];
    const hyp = [
      [0.24, 2.4, 2.2, 0.5],
      [2.24, 4.4, 3.2, 0.9],
      [29.2, 31.4, 31.2, 0.93],
      [
        1,
        1,
        2,
        0.2,
      ],
      [120.2, 122.4, 121.2, 0.6],
      [0.63, 1e-3, -0.37, 0.4],
      [0.63, 0.05, -0.32, 0.8],
      [
        2.5,
        0.7,
        -1.6,
        0.3,
      ],
    ];
    const script = `import json, sys\nfrom scipy.special import gammaln, psi, hyp2f1\n` +
      `import numpy as np\nd = json.load(sys.stdin)\n` +
      `print(json.dumps({"lg": [float(gammaln(x)) for x in d["xs"]],` +
      ` "psi": [float(psi(x)) for x in d["xs"]],` +
      ` "h": [float(np.log(hyp2f1(*h))) for h in d["hyp"]]}))`;
    const child = new Deno.Command(tools.path("scipy"), {
      args: ["-c", script],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify({ xs, hyp })));
    await w.close();
    const want = JSON.parse(new TextDecoder().decode((await child.output()).stdout));
    xs.forEach((x, i) => {
      assertClose(lgamma(x), want.lg[i], 1e-13 * Math.max(1, Math.abs(want.lg[i])), `lgamma(${x})`);
      assertClose(digamma(x), want.psi[i], 1e-13 * Math.max(1, Math.abs(want.psi[i])), `ψ(${x})`);
    });
    hyp.forEach((h, i) => {
      const got = lnHyp2f1(h[0], h[1], h[2], h[3]);
      assertClose(got, want.h[i], 1e-11 * Math.max(1, Math.abs(want.h[i])), `ln 2F1(${h})`);
    });
  },
});
