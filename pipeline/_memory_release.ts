/**
 * Polars frames live in native memory that nodejs-polars frees only when V8 collects their small
 * JavaScript wrappers and the event loop then runs their finalizers. V8 does not know the
 * wrappers hold gigabytes, so on big data dropped frames pile up (measured: eight dropped
 * 3 M-row frames kept 2.1 GB resident; with a collection and a turn of the event loop after
 * each, 0.5 GB). The runner calls this between stages; the collection itself needs the
 * runtime flag `--v8-flags=--expose-gc`, which the tasks pass.
 *
 * @module
 */

/** Collects garbage (when the runtime allows it) and lets finalizers run. */
export async function releaseMemory(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
