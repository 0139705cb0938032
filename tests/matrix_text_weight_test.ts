/**
 * The text block's weight in the matrix: `weights.text` multiplies every text column, and by
 * default `textShare` keeps the block's share of the matrix's variance within [0.1, 0.7]; both
 * reach the matrix from a config through the runner.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { buildMatrix } from "../pipeline/matrix/matrix.ts";
import type { FeatureMeta, Matrix } from "../pipeline/types.ts";
import { parseConfig } from "../pipeline/config.ts";
import { runJob } from "../pipeline/runner/job.ts";

/** 200 customers: three behavioural columns and `textCols` text columns. */
function data(textCols: number) {
  const n = 200;
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const columns: Record<string, number[] | string[]> = {
    customer_id: Array.from({ length: n }, (_, i) => `c${i}`),
  };
  const meta: FeatureMeta[] = [];
  for (const name of ["frequency", "monetary_total", "recency_days"]) {
    columns[name] = Array.from({ length: n }, rand);
    meta.push({ name, description: name, unit: "", group: "purchase", kind: "numeric" });
  }
  for (let j = 0; j < textCols; j++) {
    columns[`text_emb_${j}`] = Array.from({ length: n }, rand);
    meta.push({
      name: `text_emb_${j}`,
      description: "text",
      unit: "",
      group: "text",
      kind: "numeric",
    });
  }
  return { features: pl.DataFrame(columns), meta };
}

/** The text columns' share of the matrix's variance, computed from the matrix itself. */
function textShare(m: Matrix): number {
  let text = 0, all = 0;
  for (let j = 0; j < m.cols; j++) {
    let mean = 0;
    for (let i = 0; i < m.rows; i++) mean += m.data[i * m.cols + j];
    mean /= m.rows;
    let v = 0;
    for (let i = 0; i < m.rows; i++) v += (m.data[i * m.cols + j] - mean) ** 2;
    all += v;
    if (m.columns![j].startsWith("text_")) text += v;
  }
  return text / all;
}

const column = (m: Matrix, name: string) => {
  const j = m.columns!.indexOf(name);
  return Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
};

Deno.test("weights.text multiplies every text column and nothing else", () => {
  const { features, meta } = data(8);
  const one = buildMatrix(features, meta, { textShare: null }).outputs.matrix;
  const two = buildMatrix(features, meta, { weights: { text: 2 } }).outputs.matrix;
  assert.deepEqual(column(two, "text_emb_3"), column(one, "text_emb_3").map((v) => 2 * v));
  assert.deepEqual(column(two, "frequency"), column(one, "frequency"));
  // Standardised columns: 8 text of 11 at weight 1; weight 2 multiplies their variance by 4.
  assert.ok(Math.abs(textShare(one) - 8 / 11) < 1e-12);
  assert.ok(Math.abs(textShare(two) - 32 / 35) < 1e-12);
  // weights.text wins over textShare.
  assert.equal(
    buildMatrix(features, meta, { weights: { text: 2 } }).outputs.model.textWeight,
    undefined,
  );
});

Deno.test("textShare keeps the text block within [0.1, 0.7] of the variance by default, or pins it", () => {
  // 8 text columns against 3: 73% at weight 1, brought down to 70%.
  const wide = data(8);
  const capped = buildMatrix(wide.features, wide.meta).outputs;
  assert.ok(Math.abs(textShare(capped.matrix) - 0.7) < 1e-12, `${textShare(capped.matrix)}`);
  const w = capped.model.textWeight!;
  assert.ok(Math.abs(w.unweightedShare - 8 / 11) < 1e-12);
  assert.equal(w.share, 0.7);
  // w² · 8 / (w² · 8 + 3) = 0.7
  assert.ok(Math.abs(w.weight - Math.sqrt((0.7 * 3) / (0.3 * 8))) < 1e-12);
  // One text column against 3: 25%, inside the range, left at weight 1.
  const narrow = data(1);
  const kept = buildMatrix(narrow.features, narrow.meta).outputs;
  const k = kept.model.textWeight!;
  assert.ok(Math.abs(k.unweightedShare - 0.25) < 1e-12 && k.share === k.unweightedShare);
  assert.equal(k.weight, 1);
  // Pinned.
  const pinned = buildMatrix(wide.features, wide.meta, { textShare: 0.2 }).outputs.matrix;
  assert.ok(Math.abs(textShare(pinned) - 0.2) < 1e-12);
  // Applying the fitted model gives the same weighted columns.
  const again = buildMatrix(wide.features, wide.meta).outputs.matrix;
  assert.deepEqual(again.data, capped.matrix.data);
  // All text: nothing to balance against.
  const only = data(0);
  const textOnly = buildMatrix(
    pl.DataFrame({ customer_id: ["a", "b", "c"], text_emb_0: [1, 2, 4] }),
    [{ name: "text_emb_0", description: "", unit: "", group: "text", kind: "numeric" }],
  ).outputs.model;
  assert.equal(textOnly.textWeight, undefined);
  assert.equal(buildMatrix(only.features, only.meta).outputs.model.textWeight, undefined);
  assert.throws(
    () => buildMatrix(wide.features, wide.meta, { textShare: { min: 0.6, max: 0.3 } }),
    /The 'textShare' option of matrix must be null, a number in \(0, 1\) or \{ min, max \} with 0 ≤ min ≤ max < 1. Got \{"min":0.6,"max":0.3\} instead/,
  );
});

Deno.test("matrix.weights.text and matrix.textShare reach the matrix from a config", async () => {
  const dir = new URL("./fixtures/titled-reviews/", import.meta.url).pathname;
  const raw = JSON.parse(await Deno.readTextFile(`${dir}config.json`));
  const run = async (matrix: Record<string, unknown>) => {
    const value = { ...raw, matrix, text: { ...raw.text, embeddingDims: 2 } };
    const loaded = {
      config: parseConfig(value, "config.json"),
      path: `${dir}config.json`,
      dir,
      text: JSON.stringify(value),
    };
    const runDir = await Deno.makeTempDir();
    try {
      await runJob(loaded, { runDir, until: "matrix" });
      const model = JSON.parse(await Deno.readTextFile(`${runDir}/matrix_model.json`));
      const bytes = await Deno.readFile(`${runDir}/matrix.f64`);
      const data = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      const cols = model.columns.length;
      return { rows: data.length / cols, cols, data, columns: model.columns, model } as
        & Matrix
        & { model: { textWeight?: { share: number } } };
    } finally {
      await Deno.remove(runDir, { recursive: true });
    }
  };
  const one = await run({ textShare: null });
  const doubled = await run({ weights: { text: 2 } });
  const emb = (m: Matrix) => column(m, "text_emb_0");
  assert.deepEqual(emb(doubled), emb(one).map((v) => 2 * v));
  const pinned = await run({ textShare: 0.3 });
  assert.ok(Math.abs(textShare(pinned) - 0.3) < 1e-9, `${textShare(pinned)}`);
  assert.equal(pinned.model.textWeight!.share, 0.3);
});
