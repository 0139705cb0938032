import assert from "node:assert/strict";
import {
  DEFAULT_MODELS,
  isLocalModel,
  loadTextModels,
  MODELS_GUIDE,
  pullModels,
  resolveModelsConfig,
} from "../pipeline/text/models.ts";

const TINY = decodeURIComponent(new URL("./fixtures/tiny-models/", import.meta.url).pathname);
const tinyConfig = (extra = {}) =>
  resolveModelsConfig({
    embedding: TINY + "embedding",
    sentiment: TINY + "sentiment",
    entities: TINY + "ner",
    offline: true,
    ...extra,
  });

Deno.test("resolveModelsConfig() fills every task from the defaults", () => {
  const c = resolveModelsConfig();
  assert.deepEqual(c, { ...DEFAULT_MODELS });
  assert.equal(c.embedding?.model, "Xenova/paraphrase-multilingual-MiniLM-L12-v2");
  for (const task of ["embedding", "sentiment", "entities"] as const) {
    assert.equal(c[task]?.dtype, "q8");
    assert.match(MODELS_GUIDE, new RegExp(c[task]!.model.replace("/", "\\/")));
  }
});

Deno.test("resolveModelsConfig() takes a bare model id, partial settings and null", () => {
  const c = resolveModelsConfig({
    sentiment: "./my-model",
    embedding: { dtype: "fp32", batchSize: 8 },
    entities: null,
    offline: true,
  });
  assert.equal(c.sentiment?.model, "./my-model");
  assert.equal(c.sentiment?.revision, "main");
  assert.equal(c.embedding?.model, DEFAULT_MODELS.embedding?.model);
  assert.equal(c.embedding?.dtype, "fp32");
  assert.equal(c.embedding?.batchSize, 8);
  assert.equal(c.entities, null);
  assert.equal(c.offline, true);
});

Deno.test("resolveModelsConfig() names the bad option, what it expects and what it got", () => {
  assert.throws(() => resolveModelsConfig({ sentiment: { batchSize: 0 } }), {
    name: "OptionError",
    message: "The 'sentiment.batchSize' option of models must be an integer in [1, 1024]. " +
      "Got 0 instead",
  });
  assert.throws(
    () => resolveModelsConfig({ embedding: { dtype: "int4" as "q8" } }),
    {
      message: `The 'embedding.dtype' option of models must be "fp32" or "q8". Got "int4" instead`,
    },
  );
  assert.throws(() => resolveModelsConfig({ maxTextsPerCustomer: -1 }), {
    message: "The 'maxTextsPerCustomer' option of models must be an integer ≥ 1. Got -1 instead",
  });
  assert.throws(
    () => resolveModelsConfig({ sentiment: { modle: "x" } as never }),
    {
      message: "Unknown option 'sentiment.modle' of models (did you mean 'model'?). " +
        "Valid options: model, revision, dtype, batchSize",
    },
  );
});

Deno.test("isLocalModel() tells folders from hub ids", () => {
  assert.equal(isLocalModel("Xenova/bert-base-multilingual-cased-ner-hrl"), false);
  assert.equal(isLocalModel("/models/ner"), true);
  assert.equal(isLocalModel("./models/ner"), true);
  assert.equal(isLocalModel("../models/ner"), true);
  assert.equal(isLocalModel(TINY + "ner"), true);
});

Deno.test("loadTextModels() loads the three tiny models offline through pipeline()", async () => {
  const loaded = await loadTextModels(tinyConfig());
  assert.deepEqual(loaded.failures, []);
  assert.equal(loaded.embedding?.task, "embedding");
  const vec = await loaded.embedding!.pipe(["great"], { pooling: "mean", normalize: true });
  assert.deepEqual(vec.dims, [1, 32]);
  const [top] = await loaded.sentiment!.pipe("great", { top_k: 1 }) as { label: string }[];
  assert.equal(top.label, "positive");
  // a local folder is identified by the hash of its ONNX file, so a rebuilt model is not
  // mistaken for the old one in the text cache
  assert.match(loaded.entities!.revision, /^sha256:[0-9a-f]{16}$/);
  const again = await loadTextModels(tinyConfig());
  assert.equal(again.entities!.pipe, loaded.entities!.pipe);
});

Deno.test("loadTextModels() loads the 8-bit ONNX file for dtype q8", async () => {
  const q8 = await loadTextModels(tinyConfig({
    embedding: null,
    entities: null,
    sentiment: { model: TINY + "sentiment", dtype: "q8" },
  }));
  const fp32 = await loadTextModels(tinyConfig({
    embedding: null,
    entities: null,
    sentiment: { model: TINY + "sentiment", dtype: "fp32" },
  }));
  assert.notEqual(q8.sentiment!.revision, fp32.sentiment!.revision);
  const [a] = await q8.sentiment!.pipe("bad", { top_k: 1 }) as { label: string }[];
  assert.equal(a.label, "negative");
});

Deno.test("loadTextModels() reports a hub model missing from the cache with how to get it", async () => {
  const cacheDir = await Deno.makeTempDir();
  try {
    const loaded = await loadTextModels(resolveModelsConfig({
      embedding: null,
      entities: null,
      sentiment: "Xenova/distilbert-base-multilingual-cased-sentiments-student",
      cacheDir,
      offline: true,
    }));
    assert.equal(loaded.sentiment, undefined);
    assert.equal(loaded.failures.length, 1);
    assert.equal(
      loaded.failures[0].message,
      "Cannot load the sentiment model 'Xenova/distilbert-base-multilingual-cased-sentiments-" +
        "student' (revision 'main', dtype 'q8'): it is not in the model cache " +
        `'${cacheDir}' and downloads are off (offline). Run \`deno task models pull\` on a ` +
        "machine with internet and copy the cache folder here, or set models.sentiment.model " +
        "to a local folder",
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("loadTextModels() names the file a local model folder lacks", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.copyFile(TINY + "ner/config.json", folder + "/config.json");
    const loaded = await loadTextModels(resolveModelsConfig({
      embedding: null,
      sentiment: null,
      entities: folder,
      offline: true,
    }));
    assert.equal(
      loaded.failures[0]?.message,
      `Cannot load the entities model from the folder '${folder}': 'tokenizer.json' is ` +
        "missing. The folder needs config.json, tokenizer.json, tokenizer_config.json and " +
        "onnx/model_quantized.onnx (dtype 'q8')",
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("pullModels() fails with a clear message where the hub cannot be reached", async () => {
  // A loopback port nobody listens on: the download is refused at once, no network is used.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const cacheDir = await Deno.makeTempDir();
  try {
    const config = resolveModelsConfig({
      embedding: null,
      entities: null,
      cacheDir,
      remoteHost: `http://127.0.0.1:${port}/`,
    });
    await assert.rejects(() => pullModels(config), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          "^Cannot download the sentiment model 'Xenova/distilbert-base-multilingual-cased-" +
            `sentiments-student' \\(revision 'main', dtype 'q8'\\) from http://127\\.0\\.0\\.1:${port}/`,
        ),
      );
      assert.match(e.message, /This machine cannot reach the hub \(no internet\?\)/);
      assert.match(e.message, /deno task models pull/);
      return true;
    });
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("pullModels() checks that local folders load", async () => {
  const pulled = await pullModels(tinyConfig());
  assert.deepEqual(pulled.map((p) => [p.task, p.source]), [
    ["entities", "local"],
    ["sentiment", "local"],
    ["embedding", "local"],
  ]);
});
