/**
 * A write that fails mid-run (a full disk, a file-size limit) ends the run with one clear line
 * naming the file, exit 1, and no temporary file; the stages completed before it are kept, so a
 * rerun once the space is there resumes and ends with the same bytes as an uninterrupted run.
 *
 * Two real failures of the operating system: a small tmpfs that fills up (needs root to mount,
 * as this machine allows; 2.6 MB holds ingest's, features' and text's outputs but not the
 * matrix) and a file-size limit (`ulimit -f`, anywhere), under which a write past the limit
 * fails with EFBIG.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";
import { hashTree, temporaryFiles } from "./_tree.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const CLI = new URL("../pipeline/cli/main.ts", import.meta.url).pathname;

let reference: Record<string, string> | undefined;
async function cleanRun(): Promise<Record<string, string>> {
  if (!reference) {
    const dir = await Deno.makeTempDir();
    await runJob(SAMPLE, { runDir: dir });
    reference = hashTree(dir);
  }
  return reference;
}

/** Runs the CLI in a shell (so a limit can be set first); returns exit code and stderr. */
async function runIn(shellPrefix: string, dir: string) {
  const command = `${shellPrefix} exec "${Deno.execPath()}" run -A "${CLI}" run --config ` +
    `"${SAMPLE}" --out "${dir}" --quiet --no-history`;
  const out = await new Deno.Command("/bin/bash", {
    args: ["-c", command],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}

async function resumesToTheSameBytes(dir: string) {
  const m = await runJob(SAMPLE, { runDir: dir });
  ok(m.stages.some((s) => s.status === "cached"), "the stages completed before were kept");
  deepStrictEqual(temporaryFiles(dir), []);
  deepStrictEqual(hashTree(dir), await cleanRun());
}

Deno.test("a file-size limit hit mid-run: one line naming the file, exit 1, no .tmp, and a resumable run", async () => {
  const dir = await Deno.makeTempDir();
  // bash counts ulimit -f in 1024-byte blocks; SIGXFSZ ignored, the write fails with EFBIG.
  const { code, stderr } = await runIn("trap '' XFSZ; ulimit -f 1000;", dir);
  strictEqual(code, 1, stderr);
  strictEqual(stderr.split("\n").length, 1, stderr);
  ok(
    new RegExp(
      `^error: Cannot write ${dir}/\\S+: the file is too large for this file system or limit; ` +
        "completed stages are kept and a rerun resumes$",
    ).test(stderr),
    stderr,
  );
  deepStrictEqual(temporaryFiles(dir), []);
  await resumesToTheSameBytes(dir);
});

const mount = (...args: string[]) => new Deno.Command("mount", { args }).outputSync();

Deno.test({
  name: "a full disk mid-run: one line naming the file, exit 1, no .tmp, and a resumable run",
  ignore: Deno.uid() !== 0,
  async fn() {
    const mnt = await Deno.makeTempDir();
    strictEqual(mount("-t", "tmpfs", "-o", "size=2600k", "tmpfs", mnt).code, 0, "mount a tmpfs");
    try {
      const dir = join(mnt, "run");
      const { code, stderr } = await runIn("", dir);
      strictEqual(code, 1, stderr);
      strictEqual(stderr.split("\n").length, 1, stderr);
      ok(
        new RegExp(
          `^error: Cannot write ${dir}/\\S+: no space left on device; completed stages are kept ` +
            "and a rerun resumes$",
        ).test(stderr),
        stderr,
      );
      deepStrictEqual(temporaryFiles(dir), []);
      strictEqual(mount("-o", "remount,size=64m", mnt).code, 0, "grow the tmpfs");
      await resumesToTheSameBytes(dir);
    } finally {
      new Deno.Command("umount", { args: [mnt] }).outputSync();
    }
  },
});
