/**
 * One run at a time per run folder. Two runs into one folder (seeds 42 and 43, say) would both
 * report success over artifacts the other overwrote; the second run therefore refuses, naming
 * the holder, or waits for it when asked to.
 *
 * The lock is an advisory lock of the operating system (flock) on `.state/lock`, held while the
 * run works. The system releases it when the holding process ends, however it ends, so a run
 * killed with SIGKILL leaves no stale lock to clean up; the file stays (removing it would let a
 * waiting run lock a file nobody else sees) and says who held it last.
 *
 * Taking the lock is also the check that the run folder is writable, before any work.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { describeFsError, InputError } from "../errors.ts";

/** Who holds (or last held) a run folder. */
export interface LockHolder {
  pid: number;
  startedAt: string;
  command: string;
}

/** A held run-folder lock; release it when the run ends. */
export interface RunLock {
  dir: string;
  release(): void;
}

/** Options of {@link lockRunFolder}. */
export interface LockOptions {
  /** Wait for a busy folder instead of refusing. @default false */
  wait?: boolean;
  /** Told once, when the run starts waiting. */
  onWait?: (holder: string) => void;
}

const held = new Map<string, { count: number; file: Deno.FsFile }>();

function describeHolder(file: Deno.FsFile): string {
  try {
    file.seekSync(0, Deno.SeekMode.Start);
    const bytes = new Uint8Array(4096);
    const n = file.readSync(bytes) ?? 0;
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(0, n))) as LockHolder;
    return `pid ${h.pid} (${h.command}), started ${h.startedAt}`;
  } catch {
    // The holder has the lock but has not written its name yet.
    return "another run (starting)";
  }
}

function notWritable(dir: string, e: unknown): InputError {
  return new InputError(
    `Cannot write to the run folder ${dir}: ${describeFsError(e)}; choose another folder ` +
      `with --out${
        e instanceof Deno.errors.NotCapable
          ? " (the tasks may write only under runs/ and .cache/; elsewhere use " +
            "`deno run -A pipeline/cli/main.ts run …`)"
          : ""
      }`,
    { file: dir },
    e,
  );
}

/**
 * Checks that the run folder is writable (creating it), then takes its lock. Throws an
 * {@link InputError} when the folder cannot be written, or when another run holds it and
 * `wait` is off. A process that already holds the lock takes it again (the job and its runner
 * both take it); each take needs its own release.
 */
export async function lockRunFolder(dir: string, options: LockOptions = {}): Promise<RunLock> {
  const root = resolve(dir);
  const mine = held.get(root);
  if (mine) {
    mine.count++;
    return handle(root);
  }
  const path = join(root, ".state", "lock");
  let file: Deno.FsFile;
  try {
    Deno.mkdirSync(join(root, ".state"), { recursive: true });
    // The artifacts go into the folder itself: prove it takes a file, not just .state/.
    const probe = join(root, `.write-check.${Deno.pid}.0.tmp`);
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
    file = Deno.openSync(path, { read: true, write: true, create: true });
  } catch (e) {
    throw notWritable(root, e);
  }
  if (!file.tryLockSync(true)) {
    const holder = describeHolder(file);
    if (!options.wait) {
      file.close();
      throw new InputError(
        `The run folder ${root} is in use by ${holder}; wait for that run to finish, ` +
          `pass --wait to queue behind it, or choose another folder with --out`,
        { file: root },
      );
    }
    options.onWait?.(holder);
    await file.lock(true);
  }
  try {
    const me: LockHolder = {
      pid: Deno.pid,
      startedAt: new Date().toISOString(),
      // The command line as the user typed it after the task or script name.
      command: ["personae", ...Deno.args].join(" ").slice(0, 300),
    };
    file.truncateSync(0);
    file.seekSync(0, Deno.SeekMode.Start);
    file.writeSync(new TextEncoder().encode(JSON.stringify(me) + "\n"));
  } catch (e) {
    file.close();
    throw notWritable(root, e);
  }
  held.set(root, { count: 1, file });
  return handle(root);
}

/** A handle whose release counts once, however often it is called. */
function handle(root: string): RunLock {
  let released = false;
  return {
    dir: root,
    release() {
      if (released) return;
      released = true;
      const h = held.get(root);
      if (!h || --h.count > 0) return;
      held.delete(root);
      // Closing the file releases the lock (the system would on exit anyway).
      h.file.close();
    },
  };
}
