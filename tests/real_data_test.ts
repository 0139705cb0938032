/**
 * The whole pipeline on every public data set in ../shared/datasets (nobody here wrote them):
 * no crash, every row accounted for, segments found, a classifier that can assign them, the
 * report written, and for the sets with an outcome, the external-validity table. And personas
 * a marketer can use on tables the product was not built around: at least three segments on a
 * thousand customers or more, distinct specific names, a specific action for every segment,
 * categorical columns among the traits, and no raw column identifier anywhere a reader looks.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";
import type { Persona } from "../pipeline/personas/mod.ts";
import type { FeatureMeta } from "../pipeline/types.ts";

const MAINSTREAM = /mainstream|no segment-specific action|无明显|主流/i;
const BARE = /^(segment \d+|customers|客户|分群 ?\d+)$|\((segment|分群) ?\d+\)/i;

/** Names in code style (snake_case, CamelCase, digits): what a reader must never see. */
function identifiers(meta: FeatureMeta[]): string[] {
  return meta.map((m) => m.name).filter((n) => /[_A-Z0-9]/.test(n.slice(1)));
}

const visibleText = (html: string) =>
  html.replace(/<style[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " ");

async function checkPersonas(name: string, run: string, personas: Persona[], k: number) {
  const read = async (f: string) => JSON.parse(await Deno.readTextFile(join(run, f)));
  const meta: FeatureMeta[] = [
    ...await read("feature_meta.json"),
    ...await read("text_meta.json").catch(() => []),
  ];
  const customers = (await read("cluster_summary.json")).sizes
    .reduce((a: number, s: { rows: number }) => a + s.rows, 0);
  if (customers >= 1000) ok(k >= 3, `${name}: ${k} segments for ${customers} customers`);
  const segments = personas.filter((p) => p.kind === "segment");
  const names = segments.map((p) => p.name);
  strictEqual(new Set(names).size, names.length, `${name}: names repeat: ${names.join(" | ")}`);
  for (const p of segments) {
    ok(!MAINSTREAM.test(p.name) && !BARE.test(p.name), `${name}: name '${p.name}'`);
    ok(p.actions.some((a) => !MAINSTREAM.test(a)), `${name}: '${p.name}' has no specific action`);
  }
  if (meta.some((m) => m.kind === "categorical")) {
    ok(
      segments.some((p) => p.traits.some((t) => t.level !== undefined)),
      `${name}: no categorical level among the traits`,
    );
  }
  if (name === "telco-churn") {
    const levels = segments.flatMap((p) => p.traits.map((t) => t.feature));
    ok(
      levels.some((f) => /^(Contract|InternetService|PaymentMethod)=/.test(f)),
      `telco-churn: no contract, internet service or payment method level in ${levels.join(", ")}`,
    );
  }
  const ids = identifiers(meta);
  const texts = {
    "personas.md": await Deno.readTextFile(join(run, "personas.md")),
    "report.html": visibleText(await Deno.readTextFile(join(run, "report.html"))),
  };
  for (const [file, text] of Object.entries(texts)) {
    const raw = ids.filter((id) => new RegExp(`(^|[^\\w])${id}([^\\w]|$)`).test(text));
    ok(raw.length === 0, `${name}: ${file} shows raw column names ${raw.join(", ")}`);
  }
  console.log(
    `${name}: k = ${k}; ` +
      segments.map((p) =>
        `${p.name} (${p.traits[0]?.text ?? "—"}${p.outcomes?.[0] ? `; ${p.outcomes[0].text}` : ""})`
      ).join(" | "),
  );
}

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
    const personas = JSON.parse(await Deno.readTextFile(join(run, "personas.json"))) as Persona[];
    ok(personas.length >= 1);
    await checkPersonas(name, run, personas, segments);
    // Keywords distinguish segments: none is shared by every segment that has keywords.
    const lists = personas.map((p) => p.voice?.keywords ?? []).filter((k) => k.length > 0);
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
