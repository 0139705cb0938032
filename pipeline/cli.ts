/**
 * The command line: `run` the pipeline, `generate` sample data, and the other subcommands.
 * Exit codes: 0 success, 1 unexpected failure, 2 bad input (file, config, columns), 64 usage.
 *
 * @module
 */

import { Command, CommanderError } from "commander";
import { InputError } from "./errors.ts";
import { type Manifest, runJob } from "./job.ts";
import { generate } from "../data/generate.ts";

export const EXIT = { ok: 0, failure: 1, input: 2, usage: 64 } as const;

interface Io {
  quiet: boolean;
  json: boolean;
}

function log(io: Io, line: string) {
  if (!io.quiet && !io.json) console.error(line);
}

function printSummary(m: Manifest) {
  console.log(`Run '${m.name}' finished in ${m.seconds.toFixed(1)} s (seed ${m.seed})`);
  for (const s of m.stages) {
    const time = s.seconds !== undefined && s.status === "ran" ? ` ${s.seconds.toFixed(2)} s` : "";
    const why = s.reason ? ` (${s.reason})` : "";
    console.log(`  ${s.name.padEnd(12)} ${s.status}${time}${why}`);
  }
  const ingest = m.stages.find((s) => s.name === "ingest")?.metrics?.tables as
    | Record<string, { read: number; kept: number; quarantined: number }>
    | undefined;
  if (ingest) {
    console.log("  rows read / kept / quarantined:");
    for (const [t, s] of Object.entries(ingest)) {
      console.log(`    ${t.padEnd(10)} ${s.read} / ${s.kept} / ${s.quarantined}`);
    }
  }
  for (const w of m.warnings) {
    console.log(
      `  warning [${w.stage}] ${w.message}${w.count && w.count > 1 ? ` (×${w.count})` : ""}`,
    );
  }
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
    .action(async (o) => {
      const io: Io = { quiet: o.quiet, json: o.json };
      const manifest = await runJob(o.config, {
        runDir: o.out,
        seed: o.seed,
        force: o.force,
        from: o.from,
        until: o.until,
        onStage: (e) => {
          if (e.status === "start") log(io, `▸ ${e.stage}…`);
        },
      });
      if (o.json) console.log(JSON.stringify(manifest, null, 1));
      else if (!o.quiet) printSummary(manifest);
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
      });
      if (!o.quiet) {
        const total = Object.values(s.rows).reduce((a, b) => a + b, 0);
        console.log(
          `Wrote ${total} rows to ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
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
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      return EXIT.input;
    }
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.failure;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
