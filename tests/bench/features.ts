/**
 * Benchmark of the features stage against pandas: both read the generated customers, orders and
 * events CSVs and compute the same per-customer features (tests/bench/features.py mirrors
 * pipeline/features.ts). Times include reading the CSVs. Quality: per feature, the relative
 * difference of the column sums and whether the null counts agree.
 *
 * ```sh
 * deno run -A tests/bench/features.ts --customers 1000000 --out runs/bench-features.json
 * deno run -A tests/bench/features.ts --dir /tmp/data   # an existing generated folder
 * ```
 *
 * @module
 */

import pl from "nodejs-polars";
import { parseArgs } from "node:util";
import { buildFeatures } from "../../pipeline/features/features.ts";
import { type BenchRow, exists, formatTable, peakRssMb, runPython, timed } from "./_bench.ts";
import { generate } from "../../data/generate.ts";

const TS_FORMAT = "%Y-%m-%d %H:%M:%S";

/** A generated data set of `customers` customers, made once per size and kept in /tmp. */
async function dataDir(customers: number): Promise<string> {
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/personae-bench-features-${customers}`;
  if (!(await exists(`${dir}/events.csv`))) await generate({ customers, seed: 7, out: dir });
  return dir;
}

function readTables(dir: string) {
  const ts = pl.col("ts").str.strptime(pl.Datetime("ms"), TS_FORMAT).cast(pl.Datetime("ms"));
  const customers = pl.readCSV(`${dir}/customers.csv`, { columns: ["customer_id", "signup_date"] })
    .withColumns(pl.col("signup_date").str.strptime(pl.Date, "%Y-%m-%d"));
  const orders = pl.readCSV(`${dir}/orders.csv`, {
    dtypes: { order_id: pl.Utf8, customer_id: pl.Utf8 },
  }).withColumns(ts);
  const events = pl.readCSV(`${dir}/events.csv`, { dtypes: { customer_id: pl.Utf8 } })
    .withColumns(ts);
  return { customers, orders, events };
}

function checks(df: pl.DataFrame, names: string[]): Record<string, [number, number]> {
  const row = df.select(
    ...names.flatMap((
      c,
    ) => [pl.col(c).sum().alias(`s:${c}`), pl.col(c).nullCount().alias(`n:${c}`)]),
  ).row(0) as number[];
  return Object.fromEntries(names.map((c, i) => [c, [Number(row[2 * i]), Number(row[2 * i + 1])]]));
}

/** Runs the features benchmark once: Personae, then pandas, on the same CSVs. */
export async function benchFeatures(
  opts: { customers?: number; dir?: string } = {},
): Promise<BenchRow[]> {
  const customers = opts.customers ?? 100_000;
  const dir = opts.dir ?? await dataDir(customers);
  const read = await timed(() => readTables(dir));
  const built = await timed(() => buildFeatures(read.result, {}));
  const personaeRss = peakRssMb();
  const { features } = built.result.outputs;
  const { orders, events } = read.result;

  const py = await runPython(new URL("./features.py", import.meta.url).pathname, [dir]) as {
    read_s: number;
    features_s: number;
    total_s: number;
    peak_rss_mb: number;
    checks: Record<string, [number, number]>;
  };
  const shared = Object.keys(py.checks).filter((c) => features.columns.includes(c));
  const ours = checks(features, shared);
  let maxRel = 0;
  const nullMismatch: string[] = [];
  for (const c of shared) {
    const [a, na] = ours[c], [b, nb] = py.checks[c];
    maxRel = Math.max(maxRel, Math.abs(a - b) / Math.max(Math.abs(b), 1e-12));
    if (na !== nb) nullMismatch.push(c);
  }
  const personae = read.seconds + built.seconds;
  return [{
    bench: "features",
    case: `${features.height} customers, ${orders.height} order lines, ${events.height} events`,
    personae_s: personae,
    baseline_s: py.total_s,
    ratio: personae / py.total_s,
    personae_peak_rss_mb: personaeRss,
    baseline_peak_rss_mb: py.peak_rss_mb,
    quality: {
      read_s: `${read.seconds.toFixed(2)}/${py.read_s.toFixed(2)}`,
      features_s: `${built.seconds.toFixed(2)}/${py.features_s.toFixed(2)}`,
      features_compared: shared.length,
      max_rel_diff_of_sums: Number(maxRel.toExponential(2)),
      null_count_mismatches: nullMismatch.length,
    },
    notes: nullMismatch.length > 0 ? `null counts differ: ${nullMismatch.join(", ")}` : undefined,
  }];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { customers: { type: "string" }, dir: { type: "string" }, out: { type: "string" } },
  });
  const rows = await benchFeatures({
    customers: values.customers ? Number(values.customers) : undefined,
    dir: values.dir,
  });
  console.log(formatTable(rows));
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(rows, null, 2) + "\n");
}
