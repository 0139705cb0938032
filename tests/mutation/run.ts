/**
 * A mutation check of the test suite, run by hand (not part of `deno task test`): each of the
 * plausible one-line bugs below is applied, one at a time, to a scratch copy of the repository,
 * and the tests that guard that code run against it. A mutation the tests fail on is caught; one
 * they pass is a hole in the suite. The script first runs every guarding test file on the
 * unmutated copy, so a failure can only come from the mutation.
 *
 * ```sh
 * deno run -A tests/mutation/run.ts            # every mutation
 * deno run -A tests/mutation/run.ts luhn wasm  # those whose id contains a word given
 * ```
 *
 * Exits 1 when a mutation survives.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { type Mutation, MUTATIONS } from "./mutations.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** Copies the tracked files of the repository into a new folder; node_modules is linked. */
async function scratchCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "personae-mutation-" });
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: REPO,
    stdout: "piped",
  }).output();
  const files = new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean);
  for (const f of files) {
    try {
      await Deno.mkdir(dirname(join(dir, f)), { recursive: true });
      await Deno.copyFile(join(REPO, f), join(dir, f));
    } catch (e) {
      // A file deleted in the working tree but still in the index: not part of this copy.
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  await Deno.symlink(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Runs test files in the copy; whether they all pass, and the tail of what they printed. */
async function testsPass(
  dir: string,
  tests: string[],
): Promise<{ ok: boolean; seconds: number; output: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    // No type check: a mutation must be caught by what the code does, not by the compiler.
    args: ["test", "-A", "--no-check", ...tests],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return {
    ok: out.success,
    seconds: (performance.now() - t0) / 1000,
    output: text.split("\n").slice(-40).join("\n"),
  };
}

async function apply(dir: string, m: Mutation): Promise<() => Promise<void>> {
  const path = join(dir, m.file);
  const original = await Deno.readTextFile(path);
  const at = original.indexOf(m.find);
  if (at < 0 || original.indexOf(m.find, at + 1) >= 0) {
    throw new Error(`Mutation '${m.id}': the text to replace must occur once in ${m.file}`);
  }
  await Deno.writeTextFile(path, original.replace(m.find, m.replace));
  return () => Deno.writeTextFile(path, original);
}

if (import.meta.main) {
  const words = Deno.args;
  const chosen = MUTATIONS.filter((m) => !words.length || words.some((w) => m.id.includes(w)));
  const dir = await scratchCopy();
  console.log(`Scratch copy: ${dir}; ${chosen.length} mutations`);
  const baseline = [...new Set(chosen.flatMap((m) => m.tests))].sort();
  const base = await testsPass(dir, baseline);
  if (!base.ok) {
    console.error(`The guarding tests fail without any mutation: ${baseline.join(" ")}`);
    console.error(base.output);
    Deno.exit(1);
  }
  console.log(
    `Baseline: the ${baseline.length} guarding test files pass (${base.seconds.toFixed(0)} s)\n`,
  );
  const rows: string[] = [];
  let survived = 0;
  for (const [i, m] of chosen.entries()) {
    const restore = await apply(dir, m);
    let result: { ok: boolean; seconds: number; output: string };
    try {
      result = await testsPass(dir, m.tests);
    } finally {
      await restore();
    }
    if (result.ok) survived++;
    const line = `${String(i + 1).padStart(2)}. ${result.ok ? "SURVIVED" : "caught  "} ` +
      `${m.id.padEnd(34)} ${m.file} (${result.seconds.toFixed(0)} s; ${m.tests.join(", ")})`;
    rows.push(line);
    console.log(line);
  }
  console.log(`\n${chosen.length - survived} of ${chosen.length} mutations caught`);
  if (!Deno.env.get("KEEP_SCRATCH")) await Deno.remove(dir, { recursive: true });
  Deno.exit(survived ? 1 : 0);
}
