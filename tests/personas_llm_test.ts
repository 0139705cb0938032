import assert from "node:assert/strict";
import { buildPersonas } from "../pipeline/personas/personas.ts";
import { drivers, META, SIZES } from "./personas_data.ts";

/** Built by tests/personas_tiny_generator.py: greedy decoding always writes this sentence. */
const TINY = decodeURIComponent(
  new URL("./personas_fixtures/tiny-generator", import.meta.url).pathname,
);
const PLANTED = "A tiny model wrote this persona summary for the test.";
const inputs = (sizes = SIZES) => ({ drivers: drivers(undefined, sizes), meta: META, sizes });
const llm = (extra = {}) => ({ model: TINY, dtype: "fp32" as const, cache: null, ...extra });

Deno.test("the llm writer rewrites each summary with a local model and keeps the numbers", async () => {
  const sizes = [...SIZES, { segment: 5, rows: 4 }];
  const template = await buildPersonas(inputs(sizes));
  const { outputs, warnings } = await buildPersonas(inputs(sizes), {
    writer: "llm",
    llm: llm(),
  });
  assert.deepEqual(warnings.filter((w) => /FALLBACK|usable/.test(w.message)), []);
  for (const [i, p] of outputs.personas.entries()) {
    const before = template.outputs.personas[i];
    if (p.kind === "other") {
      assert.equal(p.summary, before.summary, "the merged small segments keep the template");
      assert.equal(p.writer, "template");
      continue;
    }
    assert.equal(p.summary, PLANTED);
    assert.equal(p.writer, "llm");
    assert.deepEqual({ ...p, summary: "", writer: "" }, { ...before, summary: "", writer: "" });
  }
  assert.ok(outputs.markdown.includes(PLANTED));
});

Deno.test("the llm writer reads its cache before the model, keyed by model, prompt and seed", async () => {
  const cache = new Map<string, string>();
  await buildPersonas(inputs(), { writer: "llm", llm: llm({ cache }) });
  assert.equal(cache.size, 5);
  for (const k of cache.keys()) cache.set(k, `From the cache ${k.slice(0, 6)}, as it was stored.`);
  const again = await buildPersonas(inputs(), { writer: "llm", llm: llm({ cache }) });
  assert.ok(again.outputs.personas.every((p) => p.summary.startsWith("From the cache")));
  const seeded = await buildPersonas(inputs(), { writer: "llm", llm: llm({ cache, seed: 1 }) });
  assert.ok(seeded.outputs.personas.every((p) => p.summary === PLANTED), "another seed, new keys");
  assert.equal(cache.size, 10);
});

Deno.test("without its model the llm writer keeps the template, with a FALLBACK warning", async () => {
  const template = await buildPersonas(inputs());
  const missing = await buildPersonas(inputs(), {
    writer: "llm",
    llm: llm({ model: "/nonexistent/persona-writer" }),
  });
  assert.deepEqual(missing.outputs, template.outputs);
  assert.equal(missing.warnings.length, 1);
  assert.match(
    missing.warnings[0].message,
    /^FALLBACK: Cannot load the persona writer model from the folder '\/nonexistent\/persona-writer'.*template summaries$/,
  );
  assert.equal(missing.warnings[0].count, 5);

  const cacheDir = await Deno.makeTempDir();
  try {
    const offline = await buildPersonas(inputs(), {
      writer: "llm",
      llm: { model: "onnx-community/no-such-model", offline: true, cacheDir, cache: null },
    });
    assert.deepEqual(offline.outputs, template.outputs);
    assert.match(
      offline.warnings[0].message,
      /^FALLBACK: .*'onnx-community\/no-such-model'.*\(offline\)/,
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("an unusable answer keeps the template summary, with a warning", async () => {
  const template = await buildPersonas(inputs());
  const short = await buildPersonas(inputs(), { writer: "llm", llm: llm({ maxNewTokens: 2 }) });
  assert.deepEqual(
    short.outputs.personas.map((p) => p.summary),
    template.outputs.personas.map((p) => p.summary),
  );
  assert.equal(short.warnings.length, 1);
  assert.match(short.warnings[0].message, /returned no usable summary/);
  assert.equal(short.warnings[0].count, 5);
});

Deno.test("the llm writer's options are validated", async () => {
  await assert.rejects(
    () => buildPersonas(inputs(), { writer: "llm", llm: { maxNewTokens: 0 } }),
    {
      name: "OptionError",
      message: "The 'llm.maxNewTokens' option of personas must be an integer in [1, 2048]. " +
        "Got 0 instead",
    },
  );
});
