/**
 * The snapshot helper the chart and report tests use: a missing snapshot fails in every mode,
 * a changed one fails unless UPDATE_SNAPSHOTS=1, a matching one passes.
 */
import { strictEqual, throws } from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assertSnapshot } from "./_snapshot.ts";

function withUpdate<T>(value: string | undefined, fn: () => T): T {
  const before = Deno.env.get("UPDATE_SNAPSHOTS");
  if (value === undefined) Deno.env.delete("UPDATE_SNAPSHOTS");
  else Deno.env.set("UPDATE_SNAPSHOTS", value);
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("UPDATE_SNAPSHOTS");
    else Deno.env.set("UPDATE_SNAPSHOTS", before);
  }
}

Deno.test("a missing snapshot fails, and with UPDATE_SNAPSHOTS=1 it is written but still fails once", () => {
  const dir = Deno.makeTempDirSync();
  const file = pathToFileURL(join(dir, "chart.svg"));
  withUpdate(undefined, () => throws(() => assertSnapshot(file, "<svg/>"), /is missing; run/));
  withUpdate("1", () => throws(() => assertSnapshot(file, "<svg/>"), /missing: written now/));
  strictEqual(Deno.readTextFileSync(file), "<svg/>");
  withUpdate(undefined, () => assertSnapshot(file, "<svg/>"));
});

Deno.test("a changed output fails against its snapshot unless UPDATE_SNAPSHOTS=1 rewrites it", () => {
  const dir = Deno.makeTempDirSync();
  const file = pathToFileURL(join(dir, "report.html"));
  Deno.writeTextFileSync(file, "<p>old</p>");
  withUpdate(undefined, () => throws(() => assertSnapshot(file, "<p>new</p>"), /differs/));
  withUpdate("1", () => assertSnapshot(file, "<p>new</p>"));
  strictEqual(Deno.readTextFileSync(file), "<p>new</p>");
});
