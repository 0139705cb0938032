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
