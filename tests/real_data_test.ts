/**
 * The whole pipeline on every public data set in ../shared/datasets (nobody here wrote them):
 * no crash, every row accounted for, segments found, a classifier that can assign them, the
 * report written, and for the sets with an outcome, the external-validity table.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";

const dir = new URL("./datasets/", import.meta.url).pathname;
const configs = [...Deno.readDirSync(dir)].map((e) => e.name.replace(/\.json$/, "")).sort();

for (const name of configs) {
  Deno.test(`the pipeline runs end to end on ${name}`, async () => {
    const run = await Deno.makeTempDir();
    const m = await runJob(join(dir, `${name}.json`), { runDir: run });
    const stage = Object.fromEntries(m.stages.map((s) => [s.name, s]));
    for (const s of ["ingest", "features", "matrix", "cluster", "classify", "personas", "report"]) {
      strictEqual(stage[s].status, "ran", `${s}: ${stage[s].reason ?? ""}`);
    }
    const tables = stage.ingest.metrics!.tables as Record<
      string,
      { read: number; kept: number; quarantined: number }
    >;
    for (const [t, s] of Object.entries(tables)) strictEqual(s.read, s.kept + s.quarantined, t);
    const segments = stage.cluster.metrics!.segments as number;
    ok(segments >= 2, `${segments} segments`);
    ok((stage.classify.metrics!.testMacroF1 as number) > 0.8);
    const report = await Deno.readTextFile(join(run, "report.html"));
    ok(report.includes("<html") && !report.includes("<script"));
    const personas = JSON.parse(await Deno.readTextFile(join(run, "personas.json")));
    ok(personas.length >= 1);
    // Keywords distinguish segments: none is shared by every segment that has keywords.
    const lists = (personas as { voice: { keywords: string[] } | null }[])
      .map((p) => p.voice?.keywords ?? []).filter((k) => k.length > 0);
    if (lists.length >= 2) {
      const everywhere = lists[0].filter((k) => lists.every((l) => l.includes(k)));
      strictEqual(everywhere.length, 0, `keywords in every segment: ${everywhere.join(", ")}`);
    }
    if (stage.evaluate.status === "ran") {
      const e = JSON.parse(await Deno.readTextFile(join(run, "evaluation.json")));
      const methods = e.comparison.map((c: { method: string }) => c.method);
      ok(methods.includes("Personae") && methods.includes("RFM"), methods.join());
      for (const c of e.comparison) ok(c.cramersV >= 0 && c.cramersV <= 1);
      console.log(
        `${name} (${e.outcome}): ` +
          e.comparison.map((c: { method: string; cramersV: number; segments: number }) =>
            `${c.method} V=${c.cramersV.toFixed(3)} (${c.segments} segments)`
          ).join(", "),
      );
    }
  });
}
