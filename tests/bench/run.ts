/**
 * What `deno task bench [names…]` (the CLI's bench command) runs: every benchmark (features vs pandas, cluster and classify vs
 * scikit-learn, text throughput, end to end), each in its own process so its peak memory is its
 * own, then prints one table of times, ratios to the baseline and peak RSS, and writes the
 * figures to a JSON file.
 *
 * ```sh
 * deno task bench                                   # all, end to end at 10k and 100k
 * deno task bench e2e --sizes 10000,100000,1000000  # the 1M run too
 * deno task bench cluster classify --out runs/bench.json
 * ```
 *
 * @module
 */

import type { BenchRow } from "./_bench.ts";

const BENCHES = ["features", "cluster", "classify", "text", "value", "cache", "e2e"] as const;
type Bench = typeof BENCHES[number];

function childArgs(name: Bench, values: { sizes?: string; customers?: string }): string[] {
  if (name === "e2e" && values.sizes) return ["--sizes", values.sizes];
  if (name === "features" && values.customers) return ["--customers", values.customers];
  return [];
}

/** Checks benchmark names (all of them when none is given). */
export function benchNames(names: string[]): Bench[] {
  const unknown = names.filter((p) => !BENCHES.includes(p as Bench));
  if (unknown.length) {
    throw new RangeError(
      `Unknown benchmark ${unknown.map((u) => `'${u}'`).join(", ")}; choose from ${
        BENCHES.join(", ")
      }`,
    );
  }
  return (names.length ? names : [...BENCHES]) as Bench[];
}

/** Runs the named benchmarks one after the other and returns their rows. */
export async function runBenches(
  names: Bench[],
  values: { sizes?: string; customers?: string } = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of names) {
    const out = await Deno.makeTempFile({ suffix: ".json" });
    console.error(`▸ bench ${name}…`);
    const script = new URL(`./${name}.ts`, import.meta.url).pathname;
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, ...childArgs(name, values), "--out", out],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!child.success) throw new Error(`Benchmark '${name}' failed (exit ${child.code})`);
    for (const r of JSON.parse(await Deno.readTextFile(out))) rows.push(r);
  }
  return rows;
}
