/**
 * Snapshot comparison for the chart and report tests. A snapshot that is missing fails the
 * test, whatever the mode: a chart added without its snapshot must not pass by writing one.
 * With UPDATE_SNAPSHOTS=1 the existing snapshots are rewritten from the current output (review
 * the diff, then commit), and missing ones are written too, but their test still fails once so
 * that nobody mistakes a first write for a comparison.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

/** Compares `actual` with the snapshot file; see the module for UPDATE_SNAPSHOTS. */
export function assertSnapshot(file: URL, actual: string): void {
  const path = fromFileUrl(file);
  let expected: string | undefined;
  try {
    expected = Deno.readTextFileSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const update = Deno.env.get("UPDATE_SNAPSHOTS") === "1";
  if (update) {
    Deno.mkdirSync(dirname(path), { recursive: true });
    Deno.writeTextFileSync(path, actual);
  }
  if (expected === undefined) {
    throw new Error(
      `Snapshot ${path} is missing` +
        (update
          ? ": written now from the current output; review it, commit it and run again"
          : "; run the test with UPDATE_SNAPSHOTS=1 to write it, review it and commit it"),
    );
  }
  if (!update) {
    assert.equal(
      actual,
      expected,
      `${path} differs from the output; if the change is intended, rerun with ` +
        "UPDATE_SNAPSHOTS=1 and review the diff",
    );
  }
}
