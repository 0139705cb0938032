/**
 * A notebook that calls the stage functions in order, with the config's sections, gets the
 * run's artifacts bit for bit: behaviour lives in the stages, not in the runner's wiring.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import {
  buildFeatures,
  buildMatrix,
  buildPersonas,
  classifyStage,
  clusterStage,
  fitText,
  importanceStage,
  ingest,
  loadConfig,
  type Matrix,
  rawLevels,
  rawMatrix,
  runJob,
  valueStage,
  withTextFeatures,
} from "personae";

const SAMPLE = fromFileUrl(new URL("../data/sample/config.json", import.meta.url));

/** The JSON text of a value as the runner writes it. */
const json = (v: unknown) => JSON.stringify(v, null, 1) + "\n";
const bytes = (m: Matrix) => new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
/** A frame as the Parquet bytes the runner writes. */
const parquet = (df: pl.DataFrame) => new Uint8Array(df.writeParquet({ compression: "zstd" }));

Deno.test("calling the stage functions as a notebook does gives the run's artifacts", async () => {
  const run = await Deno.makeTempDir();
  await runJob(SAMPLE, { runDir: run, until: "personas" });
  const loaded = await loadConfig(SAMPLE);
  const { config } = loaded;
  const seed = config.seed;

  const ingested = (await ingest(loaded)).outputs;
  const features = buildFeatures(ingested.tables, {
    ...config.features,
    referenceDate: config.referenceDate,
    attributes: ingested.attributes,
  }).outputs;
  assert.deepEqual(parquet(features.features), await Deno.readFile(join(run, "features.parquet")));
  assert.equal(json(features.meta), await Deno.readTextFile(join(run, "feature_meta.json")));

  const text = (await fitText({ texts: ingested.tables.texts! }, { seed, ...config.text }))
    .outputs;
  assert.deepEqual(parquet(text.features), await Deno.readFile(join(run, "text_features.parquet")));

  const all = withTextFeatures(
    { features: features.features, meta: features.meta },
    { features: text.features, meta: text.meta },
  );
  const matrix = buildMatrix(all.features, all.meta, config.matrix).outputs;
  assert.deepEqual(bytes(matrix.matrix), await Deno.readFile(join(run, "matrix.f64")), "matrix");
  assert.equal(json(matrix.model), await Deno.readTextFile(join(run, "matrix_model.json")));

  const cluster = clusterStage(matrix.matrix, { seed, ...config.cluster }, matrix.ids).outputs;
  assert.equal(json(cluster.model), await Deno.readTextFile(join(run, "cluster_model.json")));
  const segments = pl.readParquet(join(run, "segments.parquet"));
  assert.deepEqual(Array.from(cluster.labels), segments.getColumn("segment").toArray());

  const classify = classifyStage(matrix.matrix, cluster.labels, { seed, ...config.classify })
    .outputs;
  assert.equal(json(classify.model), await Deno.readTextFile(join(run, "classifier.json")));

  const importance = importanceStage({
    model: classify.model,
    matrix: matrix.matrix,
    labels: cluster.labels,
    rows: classify.split.test,
    values: rawMatrix(features.features, features.meta),
    levels: rawLevels(features.features, features.meta),
    segments: cluster.labels,
    matrixModel: matrix.model,
  }, { seed, ...config.importance }).outputs;
  assert.equal(json(importance), await Deno.readTextFile(join(run, "importance.json")));

  const value = valueStage({ orders: ingested.tables.orders!, segments }, {
    ...config.value,
    referenceDate: config.referenceDate,
    minSegmentSize: config.privacy.minSegmentSize,
  }).outputs;
  assert.equal(json(value.summary), await Deno.readTextFile(join(run, "value.json")));

  const personas = (await buildPersonas({
    drivers: importance.drivers,
    meta: all.meta,
    sizes: cluster.sizes,
    customers: { ids: matrix.ids, segments: cluster.labels },
    stability: cluster.stability?.segments,
    f1: classify.test.perClass,
    texts: pl.readParquet(join(run, "texts.parquet")).toRecords() as never,
    value: value.summary,
  }, { minSegmentSize: config.privacy.minSegmentSize, ...config.personas })).outputs;
  assert.equal(json(personas.personas), await Deno.readTextFile(join(run, "personas.json")));
});
