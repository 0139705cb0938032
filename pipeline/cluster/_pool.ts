/**
 * A synchronous parallel-for over shared memory, for the hot loops of clustering. Work is cut
 * into fixed chunks that depend only on the data size; each chunk writes its own outputs and
 * the caller combines per-chunk partial sums in chunk order, so results are bit-identical
 * whatever the number of threads (none included). The calling thread works on chunks too and
 * blocks with Atomics.wait until every chunk is done; a worker that is slow to start simply
 * finds no chunk left.
 *
 * @module
 */

/** Slots of the control array. */
const EPOCH = 0, OP = 1, CHUNKS = 2, NEXT = 3, DONE = 4, FAILED = 5, SLOTS = 8;
/** Bytes after the slots that carry a failing worker's error message. */
const MESSAGE = 512;
/** Operation code that tells workers to stop. */
export const EXIT = -1;

/** Runs chunk `c` of operation `op` on the shared state. */
export type ChunkRunner = (op: number, c: number) => void;

/** A pool of workers sharing the caller's buffers. */
export interface Pool {
  /** Worker threads besides the caller (0 runs everything on the caller). */
  workers: number;
  /** Runs chunks 0..chunks-1 of `op` on every thread; returns when all are done. */
  run(op: number, chunks: number): void;
  close(): void;
}

/** The worker module every pool starts. */
export const WORKER_URL = new URL("./_worker.ts", import.meta.url);

/**
 * Extra threads worth starting now: the cores left idle by the 1-minute load average (which
 * counts this process's own thread), at most 3; 0 when the process may not read the worker
 * module. On a busy machine a worker that gets preempted mid-chunk stalls every job, so a pool
 * is only worth it when a core is really free. The thread count never changes results.
 */
export function spareThreads(): number {
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  if (cores < 2 || typeof Deno === "undefined") return 0;
  const read = Deno.permissions.querySync({ name: "read", path: WORKER_URL });
  if (read.state !== "granted") return 0;
  let idle = cores - 1;
  if (Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state === "granted") {
    idle = Math.floor(cores - Deno.loadavg()[0] + 0.5);
  }
  return Math.max(0, Math.min(3, cores - 1, idle));
}

/**
 * Starts `threads` workers from `workerUrl`, hands them `init` (which must hold the shared
 * buffers) and returns the pool. `local` runs a chunk on the calling thread.
 */
export function createPool(
  workerUrl: URL,
  init: Record<string, unknown>,
  threads: number,
  local: ChunkRunner,
): Pool {
  const bytes = SLOTS * 4 + MESSAGE;
  const ctl = new Int32Array(threads > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const workers: Worker[] = [];
  for (let t = 0; t < threads; t++) {
    const w = new Worker(workerUrl.href, { type: "module" });
    // A worker that fails to start takes no chunk; the caller does them all, same result.
    w.onerror = (e) => e.preventDefault();
    w.postMessage({ ...init, ctl: ctl.buffer });
    workers.push(w);
  }
  let epoch = 0;
  return {
    workers: threads,
    run(op, chunks) {
      epoch = (epoch + 1) & 0x7fff;
      ctl[OP] = op;
      ctl[CHUNKS] = chunks;
      ctl[DONE] = 0;
      // Tickets carry the epoch in their high bits so a late worker cannot take a chunk of a
      // job that has already been replaced.
      Atomics.store(ctl, NEXT, epoch << 16);
      Atomics.store(ctl, EPOCH, epoch);
      if (threads > 0) Atomics.notify(ctl, EPOCH);
      for (;;) {
        const c = take(ctl, epoch, chunks);
        if (c < 0) break;
        local(op, c);
        Atomics.add(ctl, DONE, 1);
      }
      for (;;) {
        const done = Atomics.load(ctl, DONE);
        if (done >= chunks) break;
        Atomics.wait(ctl, DONE, done, 100);
      }
      if (Atomics.load(ctl, FAILED)) {
        const text = new Uint8Array(ctl.buffer, SLOTS * 4, MESSAGE).slice();
        const message = new TextDecoder().decode(text.subarray(0, text.indexOf(0) >>> 0));
        throw new Error(`A clustering worker failed: ${message}`);
      }
    },
    close() {
      if (threads > 0) {
        Atomics.store(ctl, OP, EXIT);
        Atomics.store(ctl, EPOCH, (epoch + 1) & 0x7fff);
        Atomics.notify(ctl, EPOCH);
      }
      for (const w of workers) w.terminate();
    },
  };
}

/** Takes the next chunk of job `epoch`, or -1 when none is left (or the job has changed). */
function take(ctl: Int32Array, epoch: number, chunks: number): number {
  for (;;) {
    const t = Atomics.load(ctl, NEXT);
    if (t >>> 16 !== epoch || (t & 0xffff) >= chunks) return -1;
    if (Atomics.compareExchange(ctl, NEXT, t, t + 1) === t) return t & 0xffff;
  }
}

/** The worker side: waits for jobs and runs chunks until told to exit. */
export function serveChunks(ctlBuffer: SharedArrayBuffer, run: ChunkRunner): void {
  const ctl = new Int32Array(ctlBuffer);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, EPOCH, seen);
    const epoch = Atomics.load(ctl, EPOCH);
    seen = epoch;
    const op = Atomics.load(ctl, OP);
    if (op === EXIT) return;
    const chunks = Atomics.load(ctl, CHUNKS);
    for (;;) {
      const c = take(ctl, epoch, chunks);
      if (c < 0) break;
      try {
        run(op, c);
      } catch (e) {
        const text = new TextEncoder().encode(String(e)).subarray(0, MESSAGE - 1);
        new Uint8Array(ctl.buffer, SLOTS * 4, MESSAGE).set(text);
        Atomics.store(ctl, FAILED, 1);
      }
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  }
}
