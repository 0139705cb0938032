/**
 * Shared plumbing for the benchmarks: timing, peak memory, and calling the Python baselines
 * (Debian's python3-sklearn and python3-pandas, always through /usr/bin/python3).
 *
 * @module
 */

import { maxOf } from "../../pipeline/math/mod.ts";

/** One line of the benchmark table. Times in seconds; ratio = personae / baseline. */
export interface BenchRow {
  bench: string;
  case: string;
  personae_s: number;
  baseline_s?: number;
  ratio?: number;
  personae_peak_rss_mb?: number;
  baseline_peak_rss_mb?: number;
  /** Quality figures measured alongside (inertia, ARI, accuracy…), ours and the baseline's. */
  quality?: Record<string, number | string>;
  notes?: string;
}

/** Peak resident memory of this process so far (VmHWM), in MiB. */
export function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = status.match(/VmHWM:\s+(\d+)\s+kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Runs `fn` and returns its result and wall time in seconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ result: T; seconds: number }> {
  const t0 = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Runs a Python baseline script with /usr/bin/python3 and parses the JSON object it prints as
 * its last line of stdout. The script should report its own timings (so interpreter start-up is
 * not counted) and its peak RSS (`_peak.py`: VmHWM, not ru_maxrss, which Linux carries over
 * exec from this large parent process).
 */
export async function runPython(
  script: string,
  args: string[] = [],
): Promise<Record<string, unknown>> {
  const cmd = new Deno.Command("/usr/bin/python3", {
    args: [script, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const out = await cmd.output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new Error(`Baseline ${script} failed (exit ${out.code}):\n${stderr}`);
  }
  const last = stdout.split("\n").at(-1) ?? "";
  return JSON.parse(last);
}

/** Formats rows as a fixed-width table for the console. */
export function formatTable(rows: BenchRow[]): string {
  const head = ["bench", "case", "personae s", "baseline s", "ratio", "peak RSS MB", "quality"];
  const body = rows.map((r) => [
    r.bench,
    r.case,
    r.personae_s.toFixed(3),
    r.baseline_s === undefined ? "-" : r.baseline_s.toFixed(3),
    r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}×`,
    r.personae_peak_rss_mb === undefined
      ? "-"
      : `${r.personae_peak_rss_mb.toFixed(0)}${
        r.baseline_peak_rss_mb === undefined ? "" : ` / ${r.baseline_peak_rss_mb.toFixed(0)}`
      }`,
    r.quality ? Object.entries(r.quality).map(([k, v]) => `${k}=${v}`).join(" ") : "",
  ]);
  const widths = head.map((h, i) => maxOf(body.map((b) => b[i].length), h.length));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
