/**
 * Progress reporting for long steps (text models over thousands of texts). Stages only call an
 * `onProgress(done, total, label)` callback; the runner makes the reporter here and owns where it
 * prints: a live bar on a terminal, occasional plain lines in a log, nothing when quiet.
 *
 * @module
 */

import cliProgress from "cli-progress";
import process from "node:process";

/** What a stage calls as work advances: `done` of `total` items of the step named `label`. */
export type OnProgress = (done: number, total: number, label: string) => void;

/** A reporter: pass `onProgress` to stages, call `stop()` when the run ends. */
export interface ProgressReporter {
  onProgress: OnProgress;
  stop(): void;
}

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Print nothing. @default false */
  quiet?: boolean;
  /** Draw a live bar; when false, print plain lines. @default whether stderr is a terminal */
  isTTY?: boolean;
  /** Where plain lines go. @default a line on stderr */
  write?: (line: string) => void;
  /** Clock in milliseconds (tests pass a fake one). @default performance.now */
  now?: () => number;
  /** In plain mode, print at least this often while work advances. @default 10000 */
  everyMs?: number;
  /** In plain mode, print each time this share of the total is passed. @default 0.1 */
  everyShare?: number;
}

const encoder = new TextEncoder();

/** "1m 05s", "12s" or "?" for an unknown duration. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  const r = Math.round(s);
  return r >= 60 ? `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, "0")}s` : `${r}s`;
}

/** One plain progress line: "sentiment 1200/5000 (24%), 310 items/s, ETA 12s". */
export function progressLine(
  label: string,
  done: number,
  total: number,
  seconds: number,
  startedAt = 0,
): string {
  // Items already done when the step started (cache hits) do not count towards the speed.
  const rate = seconds > 0 ? (done - startedAt) / seconds : NaN;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = done >= total ? "done" : `ETA ${formatSeconds((total - done) / rate)}`;
  const speed = Number.isFinite(rate) ? `${rate.toFixed(rate < 10 ? 1 : 0)} items/s` : "? items/s";
  return `${label} ${done}/${total} (${pct}%), ${speed}, ${eta}`;
}

/**
 * Makes a progress reporter. A new label starts a new bar (or a new series of lines).
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const lines: string[] = [];
 * let t = 0;
 * const p = createProgress({ isTTY: false, write: (l) => lines.push(l), now: () => t });
 * for (let i = 1; i <= 10; i++) { t += 100; p.onProgress(i, 10, "sentiment"); }
 * p.stop();
 * if (lines.at(-1) !== "sentiment 10/10 (100%), 10 items/s, done") throw new Error(lines.at(-1));
 * ```
 */
export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  const {
    quiet = false,
    isTTY = Deno.stderr.isTerminal(),
    write = (line: string) => Deno.stderr.writeSync(encoder.encode(line + "\n")),
    now = () => performance.now(),
    everyMs = 10_000,
    everyShare = 0.1,
  } = options;
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  return isTTY ? barReporter(now) : lineReporter(write, now, everyMs, everyShare);
}

function lineReporter(
  write: (line: string) => void,
  now: () => number,
  everyMs: number,
  everyShare: number,
): ProgressReporter {
  let label: string | null = null, start = 0, lastAt = 0, nextShare = 0, last = 0, first = 0;
  let finished = false;
  return {
    onProgress(done, total, name) {
      const t = now();
      // A new label, or a count going back, is a new series of lines.
      if (name !== label || done < last) {
        label = name;
        start = t;
        lastAt = t;
        first = done;
        last = done;
        finished = false;
        const share0 = total > 0 ? done / total : 1;
        nextShare = (Math.floor(share0 / everyShare + 1e-9) + 1) * everyShare;
        write(`${name} ${done}/${total} started`);
        if (done >= total) {
          write(progressLine(name, done, total, 0, first));
          finished = true;
        }
        return;
      }
      last = done;
      if (finished) return;
      const share = total > 0 ? done / total : 1;
      if (share >= nextShare - 1e-9 || t - lastAt >= everyMs || done >= total) {
        write(progressLine(name, done, total, (t - start) / 1000, first));
        lastAt = t;
        while (nextShare <= share + 1e-9) nextShare += everyShare;
        finished = done >= total;
      }
    },
    stop() {
      label = null;
    },
  };
}

function barReporter(now: () => number): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null, label: string | null = null, start = 0, first = 0;
  const finish = () => {
    bar?.stop();
    bar = null;
    label = null;
  };
  return {
    onProgress(done, total, name) {
      const t = now();
      if (name !== label) {
        finish();
        label = name;
        start = t;
        first = done;
        bar = new cliProgress.SingleBar({
          format: "{label} [{bar}] {value}/{total} | {speed} items/s | ETA {eta_formatted}",
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
          noTTYOutput: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, { label: name, speed: "?" });
      }
      const secs = (t - start) / 1000;
      const speed = secs > 0 ? ((done - first) / secs).toFixed(1) : "?";
      bar!.setTotal(total);
      bar!.update(done, { label: name, speed });
      if (done >= total) finish();
    },
    stop: finish,
  };
}
