/**
 * What the command line prints and checks around the stages: the run's summary, reading a
 * scoring model, and the writable check of an output folder.
 *
 * @module
 */

import { join } from "node:path";
import { describeFsError, InputError } from "../errors.ts";
import type { Manifest } from "../runner/mod.ts";
import type { ScoringModel } from "../score/mod.ts";

/** The run's summary: stages with status and why, rows per table, warnings. */
export function printSummary(m: Manifest) {
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
}

/** A scoring model from a file, or an {@link InputError} saying why it is not one. */
export async function readModel(path: string): Promise<ScoringModel> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new InputError(`Cannot read model ${path}: ${describeFsError(e)}`, { file: path }, e);
  }
  let model: ScoringModel;
  try {
    model = JSON.parse(text);
  } catch (e) {
    throw new InputError(`Cannot read model ${path}: not valid JSON`, { file: path }, e);
  }
  if (model?.kind !== "personae.scoring") {
    throw new InputError(
      `Cannot read model ${path}: not a Personae scoring model (a run's model.json)`,
      { file: path },
    );
  }
  return model;
}

/**
 * Refuses an output folder that cannot take a file, before any work: a read-only folder or one
 * outside the task's write permission (the score task may write only under runs/ and .cache/).
 */
export function checkWritable(dir: string): void {
  const probe = join(dir, `.write-check.${Deno.pid}.0.tmp`);
  try {
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
  } catch (e) {
    throw new InputError(
      `Cannot write to ${dir}: ${describeFsError(e)}; choose another --out${
        e instanceof Deno.errors.NotCapable
          ? " (the task may write only under runs/ and .cache/; elsewhere use " +
            "`deno run -A pipeline/cli/main.ts score …`)"
          : ""
      }`,
      { file: dir },
      e,
    );
  }
}
