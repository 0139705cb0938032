import { deepStrictEqual, ok } from "node:assert/strict";
import { configJsonSchema, loadConfig } from "../pipeline/config.ts";

Deno.test("pipeline/config.schema.json is the published form of the config schema", async () => {
  const published = JSON.parse(
    await Deno.readTextFile(new URL("../pipeline/config.schema.json", import.meta.url)),
  );
  // Regenerate with: deno task schema
  deepStrictEqual(published, configJsonSchema());
});

Deno.test("the bundled sample config and every dataset config validate", async () => {
  const dir = new URL("./datasets/", import.meta.url).pathname;
  const paths = ["data/sample/config.json", ...[...Deno.readDirSync(dir)].map((e) => dir + e.name)];
  for (const p of paths) ok((await loadConfig(p)).config.name, p);
});
