/**
 * The command line: `run` the pipeline, `generate` sample data, and the other subcommands.
 * Exit codes: 0 success, 1 unexpected failure, 2 bad input (file, config, columns), 64 usage.
 *
 * @module
 */

import { Command, CommanderError } from "commander";
import pl from "nodejs-polars";
import { dirname, join, resolve } from "node:path";
import { loadConfig } from "../config.ts";
import { describeFsError, InputError, OutputError } from "../errors.ts";
import { checkWritable, printSummary, readModel } from "./_io.ts";
import { ingest } from "../ingest/mod.ts";
import { peakProcessRssMb } from "../memory.ts";
import { type Manifest, runFolder, runJob, writeCsvFile, writeParquetFile } from "../runner/mod.ts";
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

/** Builds the CLI program (exported so tests can drive it without a subprocess). */
export function program(): Command {
  const cli = new Command("personae")
    .description("Customer segments and personas from raw customer data")
    .exitOverride();

  cli.command("run")
    .description("Run the pipeline on a dataset config and write a run folder")
    .option("-c, --config <file>", "dataset config", "data/sample/config.json")
    .option("-o, --out <dir>", "run folder (default runs/<config name>)")
    .option("--seed <n>", "override the config's seed", (v) => Number(v))
    .option("--force", "rerun every stage, even unchanged ones", false)
    .option("--from <stage>", "start at this stage (earlier ones must be cached)")
    .option("--until <stage>", "stop after this stage")
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
        if (o.history) recordRun(DEFAULT_HISTORY, runFolder(manifest.name, o.out), manifest);
        if (o.json) console.log(JSON.stringify(manifest, null, 1));
        else if (!o.quiet) printSummary(manifest);
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
      const keep = out.select("customer_id", "segment", "segment_name", "probability");
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
      const file = join(o.run, "manifest.json");
      let manifest: Manifest;
      try {
        manifest = JSON.parse(await Deno.readTextFile(file));
      } catch (e) {
        throw new InputError(
          `Cannot read ${file}: ${
            e instanceof SyntaxError ? "not valid JSON" : describeFsError(e)
          } (is ${o.run} a finished run's folder?)`,
          { file },
          e,
        );
      }
      await runJob(manifest.config.path, { runDir: o.run, seed: manifest.seed });
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
    .option("-n, --customers <n>", "number of customers", (v) => Number(v), 3000)
    .option("--seed <n>", "random seed", (v) => Number(v), 42)
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

/** Runs the CLI with arguments and returns the exit code (errors printed, never thrown). */
export async function main(args: string[]): Promise<number> {
  try {
    await program().parseAsync(args, { from: "user" });
    return EXIT.ok;
  } catch (e) {
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
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      cause(e);
      return EXIT.input;
    }
    if (e instanceof OutputError) {
      // Stages already written stay committed: a rerun resumes after the problem is fixed.
      console.error(`error: ${e.message}; completed stages are kept and a rerun resumes`);
      cause(e);
      return EXIT.failure;
    }
    console.error(e instanceof Error ? (debug ? e.stack : `error: ${e.message}`) : String(e));
    return EXIT.failure;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
