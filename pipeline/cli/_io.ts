/**
 * What the command line prints and checks around the stages: the run's summary, reading a
 * scoring model, and the writable check of an output folder.
 *
 * @module
 */

import { join } from "node:path";
import { describeFsError, InputError } from "../errors.ts";
import type { ScoringModel } from "../score/mod.ts";

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
