/**
 * Several text columns per row: a config maps texts.text to a list of columns (a title and a
 * body), which ingest joins into one text per row before any check, model or output sees it.
 */
import assert from "node:assert/strict";
import { loadConfig, parseConfig } from "../pipeline/config.ts";
import { ingest } from "../pipeline/ingest/ingest.ts";
import { fitText } from "../pipeline/text/text.ts";
import { InputError } from "../pipeline/errors.ts";

const FIXTURE = new URL("./fixtures/titled-reviews/", import.meta.url);
const configPath = new URL("config.json", FIXTURE).pathname;

Deno.test("a title and a body are joined into one text per row; a row with neither is quarantined", async () => {
  const { outputs, warnings } = await ingest(await loadConfig(configPath));
  const texts = outputs.tables.texts!;
  assert.deepEqual(texts.columns, ["customer_id", "text", "rating"]);
  const byId = Object.fromEntries(
    texts.toRecords().map((r) => [String(r.customer_id), String(r.text)]),
  );
  // Title without final punctuation: ". "; with one: a space; Chinese: "。"; one part alone.
  assert.equal(
    byId["2"],
    "Some major design flaws. I had such high hopes for this dress. The zipper broke on the first wear.",
  );
  assert.equal(
    byId["1"],
    "Love this dress! Fits perfectly, the fabric is soft and the colour is lovely.",
  );
  assert.equal(byId["9"], "质量很好。面料舒服，颜色也好看");
  assert.equal(byId["4"], "This shirt is very flattering to all due to the adjustable front tie.");
  assert.equal(byId["5"], "Runs small");
  assert.equal(byId["7"], undefined);
  assert.equal(texts.height, 9);
  // Every row accounted for; the empty one names both columns.
  const s = outputs.summary.texts;
  assert.deepEqual([s.read, s.kept, s.quarantined], [10, 9, 1]);
  const q = outputs.quarantine.toRecords().find((r) => r.table === "texts")!;
  assert.equal(q.reason, "empty text");
  assert.equal(q.column, "Title + Review Text");
  assert.equal(q.line, 8);
  assert.ok(warnings.some((w) => w.message.startsWith("texts: 1 of 10 rows quarantined (")));
  // The parts are not attributes of the customers (they were dropped there).
  assert.ok(!outputs.attributes.some((a) => a.name === "Title" || a.name === "Review Text"));
  assert.equal(outputs.tables.customers.height, 10);
});

Deno.test("the joined texts go through the text stage as one document each", async () => {
  const { outputs } = await ingest(await loadConfig(configPath));
  const { outputs: text } = await fitText({ texts: outputs.tables.texts! }, {
    models: { embedding: null, sentiment: null, entities: null },
    embeddingDims: 2,
  });
  assert.equal(text.stats.texts, 9);
  const words = text.texts.toRecords().find((r) => r.customer_id === "6")!
    .words as unknown as string[];
  // Words of the title ("petite") and of the body ("tracy", "reese") in one text.
  for (const w of ["petite", "tracy", "reese", "dresses"]) assert.ok(words.includes(w), w);
  const zh = text.texts.toRecords().find((r) => r.customer_id === "9")!;
  assert.equal(zh.language, "zh");
  assert.ok((zh.words as unknown as string[]).includes("质量"));
});

Deno.test("only texts.text may list several columns, and every listed column must exist", async () => {
  const base = {
    name: "x",
    tables: {
      customers: { path: "c.csv", columns: { customer_id: ["a", "b"] } },
    },
  };
  assert.throws(
    () => parseConfig(base, "x.json"),
    (e: Error) =>
      e instanceof InputError &&
      /'tables\.customers\.columns\.customer_id': only tables\.texts\.columns\.text can list several columns/
        .test(e.message),
  );
  assert.throws(
    () =>
      parseConfig({
        name: "x",
        tables: { customers: { path: "c.csv" }, texts: { path: "t.csv", columns: { text: [] } } },
      }, "x.json"),
    /'tables\.texts\.columns\.text'/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.csv`, "id,Title,Body\n1,Hi,There\n");
    await Deno.writeTextFile(
      `${dir}/config.json`,
      JSON.stringify({
        name: "x",
        tables: {
          customers: { path: "t.csv", derive: "texts" },
          texts: { path: "t.csv", columns: { customer_id: "id", text: ["Title", "Text"] } },
        },
      }),
    );
    await assert.rejects(
      async () => await ingest(await loadConfig(`${dir}/config.json`)),
      /Cannot read t\.csv: column 'Text' \(mapped to texts\.text\) is missing.*the file has id, Title, Body$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
