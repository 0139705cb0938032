/**
 * Where a run may write: run names are plain names, --out is a folder of its own, one run at a
 * time holds a run folder (a second refuses naming the holder or waits; a dead holder's lock is
 * no obstacle), and a folder that cannot be written is refused before any work.
 */
import { ok, rejects, strictEqual, throws } from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { runFolder, runJob } from "../pipeline/runner/job.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SAMPLE = join(ROOT, "data/sample/config.json");
const CLI = join(ROOT, "pipeline/cli/main.ts");
const LOCK = join(ROOT, "pipeline/runner/_lock.ts");

Deno.test("a config name that is not a plain name is refused when the config loads", () => {
  for (const name of ["../.cache/evil", "../../x", "a/b", "..", ".hidden", "/abs", "a\\b", ""]) {
    throws(
      () => parseConfig({ name, tables: { customers: { path: "c.csv" } } }, "x.json"),
      (e: Error) => e instanceof InputError && e.message.includes("'name': must be a plain name"),
      name,
    );
  }
  for (const name of ["sample", "bank-marketing", "run 2", "顾客_v1.2"]) {
    parseConfig({ name, tables: { customers: { path: "c.csv" } } }, "x.json");
  }
});

Deno.test("--out cannot be runs/, a folder above it, or a folder holding other files", async () => {
  const cwd = Deno.cwd();
  const dir = await Deno.makeTempDir();
  Deno.chdir(dir);
  try {
    await Deno.mkdir("runs/old", { recursive: true });
    await Deno.writeTextFile("runs/history.sqlite", "");
    for (const out of ["runs", "runs/", ".", dir]) {
      throws(() => runFolder("sample", out), /where every run and the run history live/, out);
    }
    await Deno.mkdir("data");
    await Deno.writeTextFile("data/customers.csv", "customer_id\n");
    throws(() => runFolder("sample", "data"), /already holds other files \(customers\.csv\)/);
    strictEqual(runFolder("sample"), join(dir, "runs", "sample"));
    strictEqual(runFolder("sample", "runs/old"), join(dir, "runs", "old"));
    // What a run writes itself is no obstacle: the notebooks render into notebooks/ first.
    await Deno.mkdir("runs/fresh/notebooks", { recursive: true });
    strictEqual(runFolder("sample", "runs/fresh"), join(dir, "runs", "fresh"));
    await Deno.mkdir("runs/done/.state", { recursive: true });
    await Deno.writeTextFile("runs/done/report.html", "");
    strictEqual(runFolder("sample", "runs/done"), join(dir, "runs", "done"));
  } finally {
    Deno.chdir(cwd);
  }
});

/** A process holding the run folder's lock until it is killed or `seconds` pass. */
function holder(dir: string, seconds: number) {
  const code = `import { lockRunFolder } from ${JSON.stringify(LOCK)};
    await lockRunFolder(${JSON.stringify(dir)});
    console.log("locked");
    await new Promise((r) => setTimeout(r, ${seconds * 1000}));`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ready = (async () => {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    ok(new TextDecoder().decode(value).includes("locked"));
    reader.releaseLock();
  })();
  return { child, ready };
}

Deno.test("a second run into a busy folder refuses in one line naming the holder, exit 2", async () => {
  const dir = await Deno.makeTempDir();
  const h = holder(dir, 60);
  await h.ready;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "run", "--out", dir, "--seed", "43", "--no-history", "-q"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    strictEqual(out.code, 2, stderr);
    strictEqual(stderr.split("\n").length, 1, stderr);
    ok(stderr.startsWith(`error: The run folder ${dir} is in use by pid ${h.child.pid} (`), stderr);
    ok(!/\n\s+at /.test(stderr), "no stack trace");
  } finally {
    h.child.kill("SIGKILL");
    await h.child.status;
  }
  // The holder died without releasing anything: its lock is gone with it.
  const m = await runJob(SAMPLE, { runDir: dir, until: "ingest" });
  strictEqual(m.stages[0].status, "ran");
});

Deno.test("with wait, a second run queues behind the holder and then runs", async () => {
  const dir = await Deno.makeTempDir();
  const h = holder(dir, 2);
  await h.ready;
  let told = "";
  const t0 = performance.now();
  const m = await runJob(SAMPLE, {
    runDir: dir,
    until: "ingest",
    wait: true,
    onWait: (who) => (told = who),
  });
  strictEqual((await h.child.status).code, 0);
  ok(told.startsWith(`pid ${h.child.pid} (`), told);
  ok(performance.now() - t0 > 1000, "it waited for the holder");
  strictEqual(m.stages[0].status, "ran");
});

Deno.test("a run folder Deno may not write is refused before any work, exit 2", async () => {
  const dir = await Deno.makeTempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      `--allow-write=${join(ROOT, ".cache")}`,
      CLI,
      "run",
      "--out",
      join(dir, "run"),
      "--no-history",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  strictEqual(out.code, 2, stderr);
  ok(
    stderr.startsWith(`error: Cannot write to the run folder ${join(dir, "run")}: Deno's`),
    stderr,
  );
  ok(!stderr.includes("▸ ingest"), "no stage started");
});

const root = Deno.uid() === 0;

Deno.test({
  name: "a read-only run folder is refused before any work, with --force too, exit 2",
  ignore: !root,
  async fn() {
    const mnt = await Deno.makeTempDir();
    const mount = (...args: string[]) => new Deno.Command("mount", { args }).outputSync();
    if (mount("-t", "tmpfs", "-o", "size=20m", "tmpfs", mnt).code !== 0) {
      throw new Error("cannot mount a tmpfs although running as root");
    }
    try {
      await runJob(SAMPLE, { runDir: join(mnt, "run"), until: "features" });
      strictEqual(mount("-o", "remount,ro", mnt).code, 0);
      await rejects(
        runJob(SAMPLE, { runDir: join(mnt, "run"), force: true }),
        (e: Error) =>
          e instanceof InputError &&
          e.message.startsWith(
            `Cannot write to the run folder ${join(mnt, "run")}: the file system is read-only`,
          ),
      );
    } finally {
      mount("-o", "remount,rw", mnt);
      new Deno.Command("umount", { args: [mnt] }).outputSync();
    }
  },
});
