/**
 * No planted e-mail address or phone number survives into any artifact of a run: every file in
 * the run folder is read (Parquet decoded, so compression hides nothing) and searched.
 */
import { ok } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { generate } from "../data/generate.ts";
import { runJob } from "../pipeline/runner/job.ts";

function filesUnder(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]
  );
}

function readable(file: string): string {
  if (file.endsWith(".parquet")) {
    const df = pl.readParquet(file);
    return df.columns.map((c) => JSON.stringify(df.getColumn(c).toArray())).join("\n");
  }
  return new TextDecoder().decode(Deno.readFileSync(file));
}

Deno.test("planted PII is absent from every artifact of the run", async () => {
  const data = await Deno.makeTempDir();
  const { planted } = await generate({ customers: 600, seed: 5, out: data, piiRate: 0.2 });
  const sample = JSON.parse(
    await Deno.readTextFile(new URL("../data/sample/config.json", import.meta.url)),
  );
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify({ ...sample, name: "pii" }));
  ok(planted.length > 50, `${planted.length} values planted`);
  const run = await Deno.makeTempDir();
  await runJob(join(data, "config.json"), { runDir: run });
  const texts = readable(join(data, "texts.csv"));
  ok(planted.every((p) => texts.includes(p.value)), "the input does carry the PII");
  const files = filesUnder(run);
  ok(files.some((f) => f.endsWith("report.html")) && files.length > 20);
  for (const file of files) {
    if (file.endsWith(".png") || file.endsWith(".f64")) continue;
    const body = readable(file);
    for (const p of planted) ok(!body.includes(p.value), `${p.kind} '${p.value}' found in ${file}`);
  }
});

Deno.test("no segment under privacy.minSegmentSize appears on its own in any output", async () => {
  const data = await Deno.makeTempDir();
  await generate({ customers: 600, seed: 7, out: data });
  const sample = JSON.parse(
    await Deno.readTextFile(new URL("../data/sample/config.json", import.meta.url)),
  );
  const config = (min: number) => ({
    ...sample,
    name: "small",
    cluster: { ...sample.cluster, k: 8 },
    privacy: { minSegmentSize: min },
  });
  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify(config(1)));
  const run = await Deno.makeTempDir();
  await runJob(join(data, "config.json"), { runDir: run, until: "cluster" });
  const labels = pl.readParquet(join(run, "segments.parquet")).getColumn("segment").toArray();
  const sizes = new Map<number, number>();
  for (const l of labels as number[]) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const sorted = [...sizes.values()].sort((a, b) => a - b);
  // Half the segments fall under the minimum.
  const min = sorted[Math.floor(sorted.length / 2)];
  const small = [...sizes].filter(([, n]) => n < min).map(([s]) => s);
  ok(small.length >= 2 && small.length < sizes.size, `sizes ${sorted}, minimum ${min}`);

  await Deno.writeTextFile(join(data, "config.json"), JSON.stringify(config(min)));
  await runJob(join(data, "config.json"), { runDir: run });
  const personas = JSON.parse(await Deno.readTextFile(join(run, "personas.json"))) as {
    kind: string;
    segments: number[];
  }[];
  for (const p of personas.filter((p) => p.kind === "segment")) {
    ok(!p.segments.some((s) => small.includes(s)), `persona of small segment ${p.segments}`);
  }
  const texts = [
    join(run, "report.html"),
    join(run, "personas.md"),
    ...filesUnder(join(run, "charts")).filter((f) => f.endsWith(".svg")),
  ];
  for (const file of texts) {
    const body = await Deno.readTextFile(file);
    for (const s of small) {
      ok(!new RegExp(`Segment ${s}\\b`).test(body), `'Segment ${s}' shown in ${file}`);
    }
  }
  const sizesSvg = await Deno.readTextFile(join(run, "charts", "sizes.svg"));
  ok(sizesSvg.includes("Smaller segments (pooled"), "the sizes chart shows the pooled segments");
  // The value stage's tables: value by segment and the per-customer value.
  const value = JSON.parse(await Deno.readTextFile(join(run, "value.json")));
  const valued = new Set(value.bySegment.map((r: { segment: number }) => r.segment));
  const perCustomer = new Set(
    pl.readParquet(join(run, "value.parquet")).getColumn("segment").toArray() as number[],
  );
  for (const s of small) ok(!valued.has(s) && !perCustomer.has(s), `segment ${s} valued alone`);
  ok(valued.has(-2) && perCustomer.has(-2), "value pools the small segments as -2");
  for (const csv of ["scores.csv", "assignments.csv"]) {
    const df = pl.readCSV(join(run, csv));
    for (const column of ["segment", "predicted"].filter((c) => df.columns.includes(c))) {
      const seen = new Set(df.getColumn(column).toArray() as number[]);
      for (const s of small) ok(!seen.has(s), `segment ${s} in ${csv} column ${column}`);
      if (column === "segment") ok(seen.has(-2), `${csv} pools the small segments as -2`);
    }
  }
});
