/**
 * The experiment stage through the whole pipeline on Hillstrom's e-mail test
 * (tests/datasets/hillstrom-email.json): uplift.json gives SOURCE.md's overall arm effects
 * (shared/datasets/hillstrom-email), per-segment effects that a plain recomputation from the raw
 * file confirms, a heterogeneity test and a recommendation table; the arm and the outcomes never
 * reach the features; the report shows it all; the stage function gives the run's uplift.json.
 */

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import { loadConfig } from "../pipeline/config.ts";
import {
  type ExperimentOptionsInput,
  type ExperimentOutputs,
  experimentStage,
} from "../pipeline/evaluate/mod.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { chiSquareSf } from "../pipeline/math/mod.ts";

const CONFIG = fromFileUrl(new URL("./datasets/hillstrom-email.json", import.meta.url));
const CSV = fromFileUrl(
  new URL("../../shared/datasets/hillstrom-email/hillstrom.csv", import.meta.url),
);
const dir = await Deno.makeTempDir({ prefix: "personae-hillstrom-" });
await runJob(CONFIG, { runDir: dir });
const uplift: ExperimentOutputs = JSON.parse(await Deno.readTextFile(join(dir, "uplift.json")));
const OUTCOMES = ["visit", "conversion", "spend"];
const ARMS = ["Mens E-Mail", "Womens E-Mail"];

function close(actual: number | null, expected: number, tol: number, what: string): void {
  ok(
    actual !== null && Math.abs(actual - expected) <= tol,
    `${what}: expected ${expected} ± ${tol}, got ${actual}`,
  );
}

/** The raw file read with plain string splitting: arm and outcomes per row (customer "1"…). */
function rawRows() {
  const lines = Deno.readTextFileSync(CSV).split(/\r?\n/).filter((l) => l !== "");
  const head = lines[0].split(",");
  const at = (name: string) => head.indexOf(name);
  return lines.slice(1).map((l, i) => {
    // history_segment is quoted where it holds a comma ("7) $1,000 +"); no other field is.
    const f = l.replace(/"[^"]*"/g, "quoted").split(",");
    return {
      id: String(i + 1),
      arm: f[at("segment")],
      visit: Number(f[at("visit")]),
      conversion: Number(f[at("conversion")]),
      spend: Number(f[at("spend")]),
    };
  });
}

Deno.test("the Hillstrom run gives SOURCE.md's overall e-mail effects in the outcomes' units", () => {
  deepStrictEqual(uplift.arms, [
    { arm: "Mens E-Mail", customers: 21307 },
    { arm: "No E-Mail", customers: 21306 },
    { arm: "Womens E-Mail", customers: 21387 },
  ]);
  // SOURCE.md: differences in means with normal-approximation intervals (rates in percentage
  // points there, fractions here). Newcombe's and Welch's intervals agree to ±0.0002 at n = 21k.
  const want: Record<string, Record<string, [number, number, number]>> = {
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
  strictEqual(uplift.overall.length, 6);
  for (const r of uplift.overall) {
    const [d, lo, hi] = want[r.arm][r.outcome];
    const tol = r.outcome === "spend" ? 5e-3 : 5e-5;
    close(r.difference, d, tol, `${r.arm} ${r.outcome}`);
    close(r.ciLow, lo, r.outcome === "spend" ? 2e-3 : 2e-4, `${r.arm} ${r.outcome} low`);
    close(r.ciHigh, hi, r.outcome === "spend" ? 2e-3 : 2e-4, `${r.arm} ${r.outcome} high`);
    strictEqual(r.method, r.outcome === "spend" ? "welch" : "newcombe-wilson");
    strictEqual(r.control, "No E-Mail");
  }
  const control = uplift.overall.find((r) => r.outcome === "visit")!.meanControl;
  close(control, 0.1062, 5e-5, "control visit rate");
  close(uplift.overall.find((r) => r.outcome === "spend")!.meanControl, 0.6528, 5e-5, "spend");
});

Deno.test("every segment has its effects with intervals, as a plain recomputation gives them", () => {
  const rows = rawRows();
  const segments = pl.readParquet(join(dir, "segments.parquet"));
  const segOf = new Map<string, number>();
  (segments.getColumn("customer_id").toArray() as string[]).forEach((id, i) =>
    segOf.set(id, Number(segments.getColumn("segment").get(i)))
  );
  const labels = [...new Set(segOf.values())].sort((a, b) => a - b);
  ok(labels.length >= 2, `${labels.length} segments`);
  strictEqual(uplift.bySegment.length, labels.length * ARMS.length * OUTCOMES.length);
  // Sums per segment and arm, by hand.
  const acc = new Map<string, { n: number; sum: number; sq: number }>();
  for (const r of rows) {
    for (const o of OUTCOMES) {
      const key = `${segOf.get(r.id)}|${r.arm}|${o}`;
      const a = acc.get(key) ?? { n: 0, sum: 0, sq: 0 };
      const v = r[o as "visit"];
      a.n++;
      a.sum += v;
      a.sq += v * v;
      acc.set(key, a);
    }
  }
  const stat = (s: number, arm: string, o: string) => {
    const a = acc.get(`${s}|${arm}|${o}`)!;
    const mean = a.sum / a.n;
    return { n: a.n, mean, variance: (a.sq - a.n * mean * mean) / (a.n - 1) };
  };
  for (const r of uplift.bySegment) {
    const t = stat(r.segment, r.arm, r.outcome), c = stat(r.segment, "No E-Mail", r.outcome);
    deepStrictEqual([r.n, r.nControl], [t.n, c.n], `n of ${r.arm} in segment ${r.segment}`);
    close(r.difference, t.mean - c.mean, 1e-12, `${r.arm} ${r.outcome} in ${r.segment}`);
    ok(r.ciLow !== null && r.ciHigh !== null && r.ciLow < r.difference && r.difference < r.ciHigh);
    ok(r.pAdjusted !== null && r.pAdjusted >= r.pValue!, "adjusted p-values are no smaller");
  }
  // Cochran's Q recomputed from the same sums: Σ w (d − d̄)², w = 1 / Var(d), unpooled.
  strictEqual(uplift.heterogeneity.length, ARMS.length * OUTCOMES.length);
  for (const h of uplift.heterogeneity) {
    const parts = labels.map((s) => {
      const t = stat(s, h.arm, h.outcome), c = stat(s, "No E-Mail", h.outcome);
      const variance = h.outcome === "spend"
        ? t.variance / t.n + c.variance / c.n
        : t.mean * (1 - t.mean) / t.n + c.mean * (1 - c.mean) / c.n;
      return { d: t.mean - c.mean, w: 1 / variance };
    });
    const W = parts.reduce((a, p) => a + p.w, 0);
    const mean = parts.reduce((a, p) => a + p.w * p.d, 0) / W;
    const q = parts.reduce((a, p) => a + p.w * (p.d - mean) ** 2, 0);
    close(h.q, q, 1e-9 * Math.max(1, q), `Q of ${h.arm} on ${h.outcome}`);
    strictEqual(h.df, labels.length - 1);
    close(h.pValue, chiSquareSf(q, labels.length - 1), 1e-12, `p of Q, ${h.arm} ${h.outcome}`);
  }
});

Deno.test("a recommendation per segment and outcome; 'no clear winner' when none stands out", async () => {
  const segments = new Set(uplift.bySegment.map((r) => r.segment));
  strictEqual(uplift.recommendations.length, segments.size * OUTCOMES.length);
  for (const rec of uplift.recommendations) {
    if (rec.arm === null) {
      ok(/^No (clear winner|arm beats)/.test(rec.reason), rec.reason);
      continue;
    }
    const row = uplift.bySegment.find((r) =>
      r.segment === rec.segment && r.outcome === rec.outcome && r.arm === rec.arm
    )!;
    ok(row.ciLow! > 0 && row.pAdjusted! < 0.05, `${rec.arm} in ${rec.segment}: ${rec.reason}`);
  }
  // The Mens e-mail wins visits over all customers by more than the Womens e-mail's interval.
  ok(uplift.recommendations.some((r) => r.arm === "Mens E-Mail"));
  const html = await Deno.readTextFile(join(dir, "report.html"));
  for (
    const text of [
      "Campaign results by segment",
      "Campaign effect by segment",
      "Which arm to send each segment",
      "Cochran",
      "+7.66 pp",
    ]
  ) ok(html.includes(text), `report.html lacks "${text}"`);
  if (uplift.recommendations.some((r) => r.arm === null)) ok(html.includes("no clear winner"));
});

Deno.test("the arm and the outcomes never reach the features; the stage function gives uplift.json", async () => {
  const meta: { name: string }[] = JSON.parse(
    await Deno.readTextFile(join(dir, "feature_meta.json")),
  );
  const features = meta.map((m) => m.name).sort();
  deepStrictEqual(
    features,
    ["channel", "history", "mens", "newbie", "recency", "womens", "zip_code"],
  );
  const outcomes = pl.readParquet(join(dir, "outcomes.parquet"));
  deepStrictEqual(outcomes.columns.sort(), [
    "conversion",
    "customer_id",
    "segment",
    "spend",
    "visit",
  ]);
  const loaded = await loadConfig(CONFIG);
  const { outputs } = experimentStage({
    outcomes,
    segments: pl.readParquet(join(dir, "segments.parquet")),
  }, {
    ...(loaded.config.experiment as ExperimentOptionsInput),
    minSegmentSize: loaded.config.privacy.minSegmentSize,
  });
  strictEqual(
    JSON.stringify(outputs, null, 1) + "\n",
    await Deno.readTextFile(join(dir, "uplift.json")),
  );
});
