/**
 * What the cache saves: the sample run from scratch against a rerun with nothing changed (every
 * stage reused after its output files are verified against their recorded hashes) and a rerun
 * after one artifact was damaged (only its stage rebuilt). Timings live here, not in the tests:
 * they depend on the machine and its load.
 *
 * ```sh
 * deno run -A tests/bench/cache.ts --out runs/bench-cache.json
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { type BenchRow, formatTable, timed } from "./_bench.ts";
import { runJob } from "../../pipeline/runner/job.ts";

const SAMPLE = new URL("../../data/sample/config.json", import.meta.url).pathname;

/** Rows: the first run, then each rerun with its time as a ratio of the first. */
export async function benchCache(): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir();
  const first = await timed(() => runJob(SAMPLE, { runDir: dir }));
  const cached = await timed(() => runJob(SAMPLE, { runDir: dir }));
  await Deno.truncate(join(dir, "features.parquet"), 1000);
  const repaired = await timed(() => runJob(SAMPLE, { runDir: dir }));
  const row = (c: string, s: number, ran: number): BenchRow => ({
    bench: "cache",
    case: c,
    personae_s: s,
    baseline_s: first.seconds,
    ratio: s / first.seconds,
    notes: `${ran} stages ran; baseline = the first run`,
  });
  const ran = (m: { stages: { status: string }[] }) =>
    m.stages.filter((s) => s.status === "ran").length;
  return [
    row("sample, first run", first.seconds, ran(first.result)),
    row("sample, rerun with nothing changed", cached.seconds, ran(cached.result)),
    row(
      "sample, rerun after features.parquet was truncated",
      repaired.seconds,
      ran(repaired.result),
    ),
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
  const rows = await benchCache();
  console.log(formatTable(rows));
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(rows, null, 1));
}
