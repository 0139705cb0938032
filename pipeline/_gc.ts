/**
 * Polars frames live in native memory that V8 does not count, so a frame that is no longer
 * referenced is freed only when V8 happens to collect its small JavaScript wrapper: on big data,
 * dropped frames pile up. Where the runtime exposes the collector (`--v8-flags=--expose-gc`, as
 * the tasks run), stages call this after letting a large frame go.
 *
 * @module
 */

/** Runs a full garbage collection when the runtime allows it; otherwise does nothing. */
export function releaseMemory(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
