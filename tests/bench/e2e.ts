/**
 * End-to-end benchmark: the whole pipeline on generated data at several sizes (text stage on
 * the TF-IDF fallback, since no real model can be downloaded here), each size in its own
 * process so peak memory is that run's alone. Reports time and peak RSS per stage (from the
 * manifest, which measures each stage's own peak on Linux) and how each grows with n.
 *
 * ```sh
 * deno run -A tests/bench/e2e.ts --sizes 10000,100000,1000000 --out runs/bench-e2e.json
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import type { BenchRow } from "./_bench.ts";
import { exists, formatTable } from "./_bench.ts";
import { generate } from "../../data/generate.ts";
import type { Manifest } from "../../pipeline/runner/job.ts";
import { maxOf } from "../../pipeline/math/mod.ts";

const repo = new URL("../../", import.meta.url).pathname;

/** Generated data of `n` customers with the sample's config, made once per size in /tmp. */
async function dataset(n: number): Promise<string> {
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/personae-bench-e2e-${n}`;
  const config = join(dir, "config.json");
  if (!(await exists(config))) {
    await generate({ customers: n, seed: 11, out: dir });
    const sample = JSON.parse(await Deno.readTextFile(join(repo, "data/sample/config.json")));
    await Deno.writeTextFile(config, JSON.stringify({ ...sample, name: `bench-${n}` }, null, 1));
  }
  return config;
}

/** Runs the pipeline in a child process; returns its manifest and the child's peak RSS. */
async function runChild(config: string, runDir: string): Promise<{ m: Manifest; rss: number }> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "%M",
      Deno.execPath(),
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      join(repo, "pipeline/cli/main.ts"),
      "run",
      "--config",
      config,
      "--out",
      runDir,
      "--force",
      "--quiet",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) throw new Error(`Pipeline run failed on ${config}:\n${stderr}`);
  const rssKb = Number(stderr.split("\n").at(-1));
  const m = JSON.parse(await Deno.readTextFile(join(runDir, "manifest.json"))) as Manifest;
  // The runner resets the kernel's peak counter before each stage, and time(1) reads that same
  // counter: the run's peak is the largest of the stages' peaks and what time saw last.
  const stagePeaks = m.stages.map((s) => s.peakRssMb ?? 0);
  return { m, rss: maxOf(stagePeaks, rssKb / 1024) };
}

/** Rows of the table: one per stage and size, plus the whole run per size. */
export async function benchE2e(sizes = [10_000, 100_000, 1_000_000]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const bySize = new Map<number, Manifest>();
  for (const n of sizes) {
    const config = await dataset(n);
    const runDir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/personae-bench-e2e-run-${n}`;
    const { m, rss } = await runChild(config, runDir);
    bySize.set(n, m);
    rows.push({
      bench: "e2e",
      case: `whole run, n=${n}`,
      personae_s: m.seconds,
      personae_peak_rss_mb: rss,
      notes: rss > 8192 ? "over the 8 GiB goal" : "within the 8 GiB goal",
    });
    for (const s of m.stages) {
      if (s.status !== "ran") continue;
      const prev = sizes.indexOf(n) > 0 ? bySize.get(sizes[sizes.indexOf(n) - 1]) : undefined;
      const before = prev?.stages.find((p) => p.name === s.name);
      const growth = before?.seconds
        ? Math.log(s.seconds! / before.seconds) /
          Math.log(n / sizes[sizes.indexOf(n) - 1])
        : undefined;
      rows.push({
        bench: "e2e",
        case: `${s.name}, n=${n}`,
        personae_s: s.seconds!,
        personae_peak_rss_mb: s.peakRssMb,
        quality: growth === undefined ? undefined : { growth_exponent: Number(growth.toFixed(2)) },
      });
    }
  }
  return rows;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { sizes: { type: "string", default: "10000,100000" }, out: { type: "string" } },
  });
  const rows = await benchE2e(values.sizes!.split(",").map(Number));
  console.log(formatTable(rows));
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(rows, null, 1));
}
