/**
 * The command line: `run` the pipeline, `generate` sample data, and the other subcommands.
 * Exit codes: 0 success, 1 unexpected failure, 2 bad input (file, config, columns), 64 usage.
 *
 * @module
 */

import { Command, CommanderError, InvalidArgumentError } from "commander";
import pl from "nodejs-polars";
import { dirname, join, relative, resolve } from "node:path";
import { loadConfig } from "../config.ts";
import { didYouMean, InputError, OutputError } from "../errors.ts";
import { checkWritable, readModel } from "./_io.ts";
import { ingest } from "../ingest/mod.ts";
import { peakProcessRssMb } from "../memory.ts";
import {
  configFile,
  type Manifest,
  runFolder,
  runJob,
  STAGES,
  writeCsvFile,
  writeParquetFile,
} from "../runner/mod.ts";
import { pullModels, resolveModelsConfig } from "../text/mod.ts";
import { createProgress } from "../progress.ts";
import { pseudonymize } from "../privacy.ts";
import {
  compareRuns,
  DEFAULT_HISTORY,
  formatComparison,
  formatRunsTable,
  listRuns,
  recordRun,
  type RunRow,
} from "../history/mod.ts";
import { runNotebooks } from "../notebook/mod.ts";
import { score } from "../score/mod.ts";
import { generate } from "../../data/generate.ts";

export const EXIT = { ok: 0, failure: 1, input: 2, usage: 64 } as const;

interface Io {
  quiet: boolean;
  json: boolean;
}

function log(io: Io, line: string) {
  if (!io.quiet && !io.json) console.error(line);
}

/** Parses an option value as an integer, or says in one line what was expected. */
function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n)) {
    throw new InvalidArgumentError(`Expected an integer. Got ${JSON.stringify(value)} instead`);
  }
  return n;
}

/** Checks an option value names a stage before anything runs. */
function stageName(value: string): string {
  const names = STAGES.map((s) => s.name);
  if (!names.includes(value)) {
    throw new InvalidArgumentError(
      `Unknown stage '${value}'${didYouMean(value, names)}; stages: ${names.join(", ")}`,
    );
  }
  return value;
}

/**
 * Reads a run folder's manifest, or says in one line that the folder holds no run and how to
 * make one (a raw "No such file or directory" names neither).
 */
function readManifest(runDir: string): Manifest {
  const file = join(runDir, "manifest.json");
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    const what = exists(runDir) ? "it has no manifest.json" : "the folder does not exist";
    throw new InputError(
      `No run in ${runDir}: ${what} (make one with \`deno task run --out ${runDir}\`)`,
      { file },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`Cannot read ${file}: ${(e as Error).message}`, { file });
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The run's summary: stages, rows, warnings, whether the history gained a run, and last the
 * report's path, the file most people open next.
 */
function printSummary(m: Manifest, runDir: string, recorded?: RunRow) {
  console.log(`Run '${m.name}' finished in ${m.seconds.toFixed(1)} s (seed ${m.seed})`);
  for (const s of m.stages) {
    const time = s.seconds !== undefined && s.status === "ran" ? ` ${s.seconds.toFixed(2)} s` : "";
    const why = s.reason ? ` (${s.reason})` : "";
    console.log(`  ${s.name.padEnd(12)} ${s.status}${time}${why}`);
  }
  const ingest = m.stages.find((s) => s.name === "ingest")?.metrics?.tables as
    | Record<string, { read: number; kept: number; quarantined: number; customerRejected?: number }>
    | undefined;
  if (ingest) {
    console.log("  rows read / kept / quarantined:");
    for (const [t, s] of Object.entries(ingest)) {
      const cascade = s.customerRejected
        ? ` (${s.customerRejected} of them because their customer was rejected)`
        : "";
      console.log(`    ${t.padEnd(10)} ${s.read} / ${s.kept} / ${s.quarantined}${cascade}`);
    }
  }
  for (const w of m.warnings) {
    console.log(
      `  warning [${w.stage}] ${w.message}${w.count && w.count > 1 ? ` (×${w.count})` : ""}`,
    );
  }
  if (recorded && recorded.startedAt !== m.startedAt) {
    console.log(
      `Nothing changed since run #${recorded.id} (every stage cached): marked it re-checked ` +
        "in the history instead of adding a run",
    );
  } else if (recorded) {
    console.log(`Recorded as run #${recorded.id} in ${DEFAULT_HISTORY}`);
  }
  const report = m.stages.find((s) => s.name === "report");
  const path = relative(Deno.cwd(), join(runDir, "report.html")) || "report.html";
  if (report?.status === "ran" || report?.status === "cached") console.log(`Report: ${path}`);
  else console.log(`Report: not written (report stage ${report?.reason ?? report?.status})`);
}

/** Builds the CLI program (exported so tests can drive it without a subprocess). */
export function program(): Command {
  const cli = new Command("personae")
    .description("Customer segments and personas from raw customer data")
    .exitOverride();

  cli.command("run")
    .description("Run the pipeline on a dataset config and write a run folder")
    .option("-c, --config <file>", "dataset config", "data/sample/config.json")
    .option("-o, --out <dir>", "run folder (default runs/<config name>)")
    .option("--seed <n>", "override the config's seed", integer)
    .option("--force", "rerun every stage, even unchanged ones", false)
    .option("--from <stage>", "start at this stage (earlier ones must be cached)", stageName)
    .option("--until <stage>", "stop after this stage", stageName)
    .option("-q, --quiet", "print nothing but errors", false)
    .option("--json", "print the manifest as JSON", false)
    .option("--no-history", "do not record the run in runs/history.sqlite")
    .option("--wait", "wait for a run folder another run is using instead of refusing", false)
    .action(async (o) => {
      const io: Io = { quiet: o.quiet, json: o.json };
      const progress = createProgress({ quiet: o.quiet || o.json });
      try {
        const manifest = await runJob(o.config, {
          runDir: o.out,
          seed: o.seed,
          force: o.force,
          from: o.from,
          until: o.until,
          wait: o.wait,
          onWait: (holder) => log(io, `Waiting for the run folder: it is in use by ${holder}`),
          progress: (stage, label) => (done, total) =>
            progress.onProgress(done, total, label === stage ? stage : `${stage} ${label}`),
          onStage: (e) => {
            if (e.status === "start") log(io, `▸ ${e.stage}…${e.reason ? ` (${e.reason})` : ""}`);
          },
        });
        progress.stop();
        const runDir = runFolder(manifest.name, o.out);
        const recorded = o.history ? recordRun(DEFAULT_HISTORY, runDir, manifest) : undefined;
        if (o.json) console.log(JSON.stringify(manifest, null, 1));
        else if (!o.quiet) printSummary(manifest, runDir, recorded);
      } finally {
        progress.stop();
      }
    });

  const score_ = cli.command("score")
    .description("Assign new customers to the segments of a finished run (no re-clustering)")
    .requiredOption("-m, --model <file>", "the run's model.json")
    .requiredOption("-c, --config <file>", "dataset config of the customers to score")
    .requiredOption(
      "-o, --out <file.csv>",
      "CSV to write; a Parquet file of the same name (.parquet) is written beside it",
    )
    .option("-q, --quiet", "print nothing but errors", false)
    .action(async (o) => {
      if (!/\.csv$/i.test(o.out)) {
        score_.error(`error: --out must name a .csv file (got '${o.out}')`, { exitCode: 64 });
      }
      const parquet = o.out.replace(/\.csv$/i, "") + ".parquet";
      const model = await readModel(o.model);
      const loaded = await loadConfig(o.config);
      checkWritable(dirname(resolve(o.out)));
      const { outputs: ingested, warnings: read } = await ingest(loaded);
      const { outputs, warnings } = await score(model, ingested.tables, {
        referenceDate: loaded.config.referenceDate,
        text: loaded.config.text,
      });
      const { pseudonymize: hide, salt } = loaded.config.privacy;
      const ids = outputs.getColumn("customer_id").toArray() as string[];
      const out = hide
        ? outputs.withColumns(pl.Series("customer_id", ids.map((id) => pseudonymize(id, salt))))
        : outputs;
      const valueColumns = ["expected_purchases", "p_alive", "expected_spend", "clv"]
        .filter((c) => out.columns.includes(c));
      const keep = out.select(
        "customer_id",
        "segment",
        "segment_name",
        "probability",
        ...valueColumns,
      );
      writeCsvFile(o.out, keep);
      writeParquetFile(parquet, out);
      if (!o.quiet) {
        console.log(`Scored ${out.height} customers → ${o.out} and ${parquet}`);
        const counts = keep.groupBy(["segment", "segment_name"]).len().sort("segment");
        for (const r of counts.toRecords()) {
          console.log(`  ${String(r.segment).padStart(3)} ${r.segment_name}: ${r.len}`);
        }
        for (const w of [...read, ...warnings]) {
          console.log(
            `  warning [${w.stage}] ${w.message}${w.count && w.count > 1 ? ` (×${w.count})` : ""}`,
          );
        }
      }
    });

  cli.command("report")
    .description("Bring a run's personas, charts and report.html up to date and print its path")
    .option("-r, --run <dir>", "run folder", "runs/sample")
    .action(async (o) => {
      const manifest = readManifest(o.run);
      await runJob(configFile(manifest, o.run), { runDir: o.run, seed: manifest.seed });
      console.log(join(o.run, "report.html"));
    });

  cli.command("bench")
    .description("Run the benchmarks against pandas and scikit-learn and print one table")
    .argument("[names...]", "features, cluster, classify, text, value, cache, e2e (default: all)")
    .option("--sizes <list>", "end-to-end sizes, e.g. 10000,100000,1000000")
    .option("--customers <n>", "customers for the features benchmark")
    .option("-o, --out <file>", "JSON file for the figures", "runs/bench.json")
    .action(async (names: string[], o) => {
      // The benchmarks live with the tests (they need the Python baselines); loaded on demand.
      const bench = await import("../../tests/bench/run.ts");
      const rows = await bench.runBenches(bench.benchNames(names), o);
      const { formatTable } = await import("../../tests/bench/_bench.ts");
      console.log("\n" + formatTable(rows));
      await Deno.mkdir(dirname(o.out), { recursive: true });
      await Deno.writeTextFile(o.out, JSON.stringify(rows, null, 2) + "\n");
      console.log(`\nFigures written to ${o.out}`);
    });

  const runs = cli.command("runs")
    .description("List recorded runs with their key metrics")
    .option("--db <file>", "history database", DEFAULT_HISTORY)
    .option("--json", "print JSON", false)
    .action((o) => {
      const rows = listRuns(o.db);
      console.log(o.json ? JSON.stringify(rows, null, 1) : formatRunsTable(rows));
    });
  runs.command("compare")
    .description("What changed between two runs: config, metrics, and how customers moved")
    .argument("<a>", "run id (3, #3), run folder name or path")
    .argument("<b>", "run id, run folder name or path")
    .option("--db <file>", "history database", DEFAULT_HISTORY)
    .option("--json", "print JSON", false)
    .action((a: string, b: string, o) => {
      const c = compareRuns(o.db ?? runs.opts().db, a, b);
      console.log(o.json ? JSON.stringify(c, null, 1) : formatComparison(c));
    });

  cli.command("notebooks")
    .description("Execute every notebook headless on a run and render each to HTML")
    .option("-c, --config <file>", "dataset config", "data/sample/config.json")
    .option("-o, --out <dir>", "run folder the notebooks use", "runs/sample")
    .option("--in-place", "write executed notebooks back to notebooks/ (to commit)", false)
    .action(async (o) => {
      const results = await runNotebooks({
        params: { config: o.config, runDir: o.out },
        inPlace: o.inPlace,
        onNotebook: (nb, i, total) => console.error(`▸ notebook ${i + 1}/${total}: ${nb}`),
      });
      console.log(`Executed ${results.length} notebooks; HTML in ${join(o.out, "notebooks")}`);
    });

  const models = cli.command("models").description("Language models of the text stage");
  models.command("pull")
    .description("Download the models a config names (or the defaults) into the model cache")
    .option("-c, --config <file>", "dataset config whose text.models to pull")
    .action(async (o) => {
      const input = o.config ? (await loadConfig(o.config)).config.text.models ?? {} : {};
      const config = resolveModelsConfig(input as never);
      const progress = createProgress();
      try {
        for (const m of await pullModels(config, progress.onProgress)) {
          console.log(
            `${m.task}: ${m.model} ready (${m.source === "hub" ? config.cacheDir : "folder"})`,
          );
        }
      } finally {
        progress.stop();
      }
    });

  cli.command("generate")
    .description("Write synthetic e-commerce data with five planted customer groups")
    .option("-n, --customers <n>", "number of customers", integer, 3000)
    .option("--seed <n>", "random seed", integer, 42)
    .option("-o, --out <dir>", "output folder", "data/sample")
    .option("--dirty", "inject every kind of row-level defect (listed in defects.csv)", false)
    .option("-q, --quiet", "print nothing but errors", false)
    .action(async (o) => {
      const t0 = performance.now();
      const s = await generate({
        customers: o.customers,
        seed: o.seed,
        out: o.out,
        dirty: o.dirty,
        onProgress: (done, total) => {
          if (!o.quiet && done % Math.max(1, Math.floor(total / 10)) === 0) {
            console.error(
              `  ${done.toLocaleString("en")} / ${total.toLocaleString("en")} customers`,
            );
          }
        },
      });
      if (!o.quiet) {
        const total = Object.values(s.rows).reduce((a, b) => a + b, 0);
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        const rss = `${peakProcessRssMb().toFixed(0)} MiB`;
        console.log(
          `Wrote ${total.toLocaleString("en")} rows to ${o.out} in ${secs} s (peak RSS ${rss})`,
        );
        for (const [name, count] of Object.entries(s.rows)) {
          console.log(`  ${name.padEnd(10)} ${count.toLocaleString("en")}`);
        }
        if (o.dirty) console.log(`  defects    ${s.defects.length} (listed in defects.csv)`);
      }
    });

  return cli;
}

/**
 * An error message as one line: its first line, and when there are more (a tool's output, say)
 * the last of them, which usually names the cause, with where to see them all.
 *
 * @example
 * ```ts
 * import { oneLine } from "./main.ts";
 * const m = oneLine("Executing 03.ipynb failed (exit code 1):\nTraceback…\nKeyError: 'x'");
 * if (m !== "Executing 03.ipynb failed (exit code 1): KeyError: 'x' (PERSONAE_DEBUG=1 " +
 *     "shows all 3 lines)") throw new Error(m);
 * ```
 */
export function oneLine(message: string): string {
  const lines = message.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  if (lines.length <= 1) return lines[0] ?? "";
  return `${lines[0].replace(/:$/, "")}: ${lines.at(-1)} ` +
    `(PERSONAE_DEBUG=1 shows all ${lines.length} lines)`;
}

/** Runs the CLI with arguments and returns the exit code (errors printed, never thrown). */
export async function main(args: string[]): Promise<number> {
  try {
    await program().parseAsync(args, { from: "user" });
    return EXIT.ok;
  } catch (e) {
    // Commander has printed its one-line message already.
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Stack traces and the library errors behind a message are for developers:
    // PERSONAE_DEBUG=1 shows them.
    const debug = Deno.env.get("PERSONAE_DEBUG") === "1";
    const cause = (err: unknown) => {
      const c = (err as Error).cause;
      if (debug && c) console.error("caused by:", c instanceof Error ? c.stack : c);
    };
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof InputError || e instanceof Deno.errors.NotFound) {
      // A file that is not there is bad input, whichever command found it missing.
      console.error(`error: ${oneLine(message)}`);
      cause(e);
      return EXIT.input;
    }
    if (e instanceof OutputError) {
      // Stages already written stay committed: a rerun resumes after the problem is fixed.
      console.error(`error: ${oneLine(message)}; completed stages are kept and a rerun resumes`);
      cause(e);
      return EXIT.failure;
    }
    console.error(debug && e instanceof Error ? e.stack : `error: ${oneLine(message)}`);
    return EXIT.failure;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
