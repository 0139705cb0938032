/**
 * A Chinese run speaks Chinese in its charts: every word of chart text is Chinese, a number, or
 * a name that stays as it is (a brand, the app, an index named after its authors).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { runJob } from "../pipeline/runner/job.ts";
import { loadConfig } from "../pipeline/config.ts";
import { BRANDS } from "../data/_texts.ts";

const SAMPLE = fromFileUrl(new URL("../data/sample/config.json", import.meta.url));

/** Names kept as they are: brands, the channel the cards call "App", indices' authors, CLV. */
const KEPT = new Set([
  ...Object.values(BRANDS).flat().flatMap((b) => b.split(/\s+/)),
  "App",
  "Davies",
  "Bouldin",
  "Calinski",
  "Harabasz",
  "CLV",
  "ARI",
  "Personae",
]);

Deno.test("the charts of a Chinese run hold no English words but names", async () => {
  const loaded = await loadConfig(SAMPLE);
  const config = { ...loaded.config, personas: { language: "zh" } };
  const run = await Deno.makeTempDir();
  await runJob({ ...loaded, config }, { runDir: run, until: "charts" });
  const english = new Map<string, string>();
  for (const e of Deno.readDirSync(join(run, "charts"))) {
    if (!e.name.endsWith(".svg")) continue;
    const svg = await Deno.readTextFile(join(run, "charts", e.name));
    for (const [, text] of svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)) {
      for (const word of text.replace(/<[^>]+>/g, "").match(/[A-Za-z][A-Za-z'’-]+/g) ?? []) {
        if (!KEPT.has(word)) english.set(word, e.name);
      }
    }
  }
  assert.deepEqual([...english], [], "English words in Chinese charts");
});
