/**
 * Value benchmark: BG/NBD and Gamma-Gamma fits on a million customers' summaries against a
 * scipy.optimize reference on the same likelihoods (value.py). The customers are simulated
 * from the CDNOW fit with a seed: ages T resampled from the CDNOW sample, purchase rates,
 * dropout probabilities and spend drawn from the models themselves, so the fits should land
 * near the CDNOW parameters. Both sides read one float64 file; each side runs in its own
 * process, times only the fits and reports its peak RSS.
 *
 *   deno run -A tests/bench/value.ts [--customers 1000000] [--quick] [--out results.json]
 *
 * @module
 */

import { fileURLToPath as fromFileUrl } from "node:url";
import { maxOf, type Rng, rng } from "../../pipeline/math/mod.ts";
import { fitBgNbd, fitGammaGamma } from "../../pipeline/value/mod.ts";
import { type BenchRow, formatTable, peakRssMb, runPython } from "./_bench.ts";

const PY = new URL("./value.py", import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const CDNOW = fromFileUrl(
  new URL("../../../shared/datasets/cdnow-sample/cdnow_customers_summary.csv", import.meta.url),
);
/** The CDNOW fits (Fader, Hardie & Lee 2005; Fader & Hardie 2013). */
const TRUTH = {
  r: 0.2426,
  alpha: 4.4135,
  a: 0.7929,
  b: 2.4258,
  p: 6.2488,
  q: 3.7446,
  gamma: 15.4477,
};
/** Ceiling for both fits together at a million customers. */
const BUDGET_S = 10;

/** Gamma(shape, rate) by Marsaglia & Tsang, boosted for shape < 1. */
function gammaDraw(shape: number, rate: number, r: Rng): number {
  if (shape < 1) return gammaDraw(shape + 1, rate, r) * (1 - r.next()) ** (1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = r.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - r.next();
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/**
 * n customers' (x, t_x, T, z̄) rows, row-major in one array: BG/NBD's story (Poisson purchases
 * at rate λ, dropout with probability p after each repeat purchase) up to age T, and each repeat
 * purchase's value drawn from Gamma(p, ν), ν ~ Gamma(q, γ).
 */
export function simulate(n: number, seed: number): Float64Array {
  const ages = Deno.readTextFileSync(CDNOW).trim().split("\n").slice(1)
    .map((l) => Number(l.split(",")[3]));
  const r = rng(seed), out = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const T = ages[r.int(ages.length)];
    const lambda = gammaDraw(TRUTH.r, TRUTH.alpha, r);
    const ga = gammaDraw(TRUTH.a, 1, r), gb = gammaDraw(TRUTH.b, 1, r);
    const dropout = ga / (ga + gb);
    const nu = gammaDraw(TRUTH.q, TRUTH.gamma, r);
    let t = 0, x = 0, tx = 0, spend = 0;
    while (lambda > 0) {
      t += -Math.log(1 - r.next()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      spend += gammaDraw(TRUTH.p, nu, r);
      if (r.next() < dropout) break;
    }
    out.set([x, tx, T, x > 0 ? spend / x : 0], i * 4);
  }
  return out;
}

/** Our side, in a child process: reads the rows, fits both models, reports times and params. */
function worker(path: string): Record<string, unknown> {
  const bytes = Deno.readFileSync(path);
  const rows = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const n = rows.length / 4;
  const col = (j: number) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = rows[i * 4 + j];
    return c;
  };
  const data = { frequency: col(0), recency: col(1), T: col(2), monetary: col(3) };
  let t0 = performance.now();
  const bg = fitBgNbd(data);
  const bgSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const gg = fitGammaGamma(data);
  const ggSeconds = (performance.now() - t0) / 1000;
  return {
    bgnbd: {
      seconds: bgSeconds,
      params: bg.params,
      ll: bg.logLikelihood,
      iterations: bg.iterations,
      converged: bg.converged,
    },
    gg: {
      seconds: ggSeconds,
      params: gg.params,
      ll: gg.logLikelihood,
      iterations: gg.iterations,
      converged: gg.converged,
      customers: gg.customers,
    },
    peak_rss_mb: peakRssMb(),
  };
}

async function ours(path: string): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "--worker", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

type Fit = { seconds: number; params: Record<string, number>; ll: number; iterations: number };

/** Largest relative difference between the two sides' parameters. */
const maxRelDiff = (a: Record<string, number>, b: Record<string, number>) =>
  maxOf(Object.keys(a).map((k) => Math.abs(a[k] - b[k]) / Math.abs(b[k])));
const sig = (v: number) => Number(v.toPrecision(6));

/** Simulates, fits on both sides and returns the table rows. */
export async function benchValue(
  opts: { customers?: number; quick?: boolean } = {},
): Promise<BenchRow[]> {
  const n = opts.customers ?? (opts.quick ? 100_000 : 1_000_000);
  const dir = await Deno.makeTempDir({ prefix: "personae-bench-value-" });
  try {
    const path = `${dir}/summary.f64`;
    const rows = simulate(n, 17);
    Deno.writeFileSync(path, new Uint8Array(rows.buffer));
    const a = await ours(path);
    const b = await runPython(PY, [path]);
    const out: BenchRow[] = [];
    for (const model of ["bgnbd", "gg"] as const) {
      const x = a[model] as Fit, y = b[model] as Fit;
      const diff = maxRelDiff(x.params, y.params);
      const quality: Record<string, number | string> = {};
      for (const [k, v] of Object.entries(x.params)) {
        quality[k] = sig(v);
        quality[`scipy_${k}`] = sig(y.params[k]);
      }
      Object.assign(quality, {
        ll: sig(x.ll),
        scipy_ll: sig(y.ll),
        max_rel_diff: Number(diff.toPrecision(2)),
        same_4_digits: diff < 5e-5 ? "yes" : "NO",
        iter: x.iterations,
        scipy_iter: y.iterations,
      });
      out.push({
        bench: "value",
        case: `${model === "bgnbd" ? "BG/NBD" : "Gamma-Gamma"} fit, ${n} customers`,
        personae_s: x.seconds,
        baseline_s: y.seconds,
        ratio: x.seconds / y.seconds,
        personae_peak_rss_mb: a.peak_rss_mb as number,
        baseline_peak_rss_mb: b.peak_rss_mb as number,
        quality,
        notes: `baseline: ${b.method}`,
      });
    }
    const total = out.reduce((s, r) => s + r.personae_s, 0);
    if (n >= 1_000_000 && total > BUDGET_S) {
      throw new Error(
        `Both fits took ${total.toFixed(2)} s at ${n} customers; budget ${BUDGET_S} s`,
      );
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--worker") {
    console.log(JSON.stringify(worker(args[1])));
  } else {
    const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
    const customers = at("--customers");
    const rows = await benchValue({
      quick: args.includes("--quick"),
      customers: customers ? Number(customers) : undefined,
    });
    console.log(formatTable(rows));
    const outPath = at("--out");
    if (outPath) await Deno.writeTextFile(outPath, JSON.stringify(rows, null, 2) + "\n");
  }
}
