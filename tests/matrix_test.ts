import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  applyMatrix,
  buildMatrix,
  fitMatrix,
  type MatrixModel,
  rawMatrix,
} from "../pipeline/matrix/matrix.ts";
import { fitPca } from "../pipeline/math/pca.ts";
import { symmetricEigen } from "../pipeline/math/_eigen.ts";
import { rng } from "../pipeline/math/random.ts";
import type { FeatureGroup, FeatureMeta, Matrix } from "../pipeline/types.ts";

const num = (name: string, group: FeatureGroup = "purchase", heavyTailed = false): FeatureMeta => ({
  name,
  description: name,
  unit: "",
  group,
  kind: "numeric",
  ...(heavyTailed ? { heavyTailed } : {}),
});
const cat = (name: string): FeatureMeta => ({ ...num(name, "attribute"), kind: "categorical" });

function col(m: Matrix, name: string): number[] {
  const j = m.columns!.indexOf(name);
  assert.ok(j >= 0, `no column ${name} in ${m.columns}`);
  return Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}

function assertClose(actual: number[], expected: number[], what: string) {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-12, `${what}[${i}]: ${v} vs ${expected[i]}`)
  );
}

Deno.test("fitMatrix() standardises by mean and population standard deviation", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b", "c", "d"], x: [1, 2, 3, 4] });
  const { matrix, ids } = applyMatrix(fitMatrix(f, [num("x")]), f);
  const sd = Math.sqrt(1.25);
  assertClose(col(matrix, "x"), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], "x");
  assert.deepEqual(ids, ["a", "b", "c", "d"]);
});

Deno.test("fitMatrix() imputes the median and adds an indicator when missingness is informative", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b", "c", "d"], x: [1, null, 3, 5] });
  const model = fitMatrix(f, [num("x")], { scaling: "none" });
  const { matrix } = applyMatrix(model, f);
  assert.deepEqual(matrix.columns, ["x", "x__missing"]);
  assertClose(col(matrix, "x"), [1, 3, 3, 5], "x");
  assertClose(col(matrix, "x__missing"), [0, 1, 0, 0], "indicator");
  // A quarter is missing: outside [0.5, 0.99] there is no indicator.
  const off = fitMatrix(f, [num("x")], {
    scaling: "none",
    missingIndicator: { min: 0.5, max: 0.99 },
  });
  assert.deepEqual(off.columns, ["x"]);
});

Deno.test("fitMatrix() shares one indicator between features missing for the same rows", () => {
  const f = pl.DataFrame({
    customer_id: ["a", "b", "c", "d"],
    x: [1, null, 3, 5],
    y: [2, null, 1, 0],
    z: [null, 1, 2, 3],
  });
  const model = fitMatrix(f, [num("x"), num("y"), num("z")], { scaling: "none" });
  assert.deepEqual(model.columns, ["x", "x__missing", "y", "z", "z__missing"]);
});

Deno.test("fitMatrix() applies signed log1p to heavy-tailed features only", () => {
  const e = Math.E;
  const f = pl.DataFrame({
    customer_id: ["a", "b", "c", "d"],
    money: [0, e - 1, e * e - 1, -(e - 1)],
    plain: [0, e - 1, e * e - 1, -(e - 1)],
  });
  const { matrix } = applyMatrix(
    fitMatrix(f, [num("money", "purchase", true), num("plain")], { scaling: "none" }),
    f,
  );
  assertClose(col(matrix, "money"), [0, 1, 2, -1], "money");
  assertClose(col(matrix, "plain"), [0, e - 1, e * e - 1, -(e - 1)], "plain");
  const off = fitMatrix(f, [num("money", "purchase", true)], { scaling: "none", log1p: false });
  assert.equal((off.steps[0] as { log1p: boolean }).log1p, false);
});

Deno.test("fitMatrix() scales robustly by median and interquartile range, after imputation", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b", "c", "d", "e"], x: [1, 2, null, 4, 100] });
  // Imputed column 1, 2, 3, 4, 100: median 3, quartiles 2 and 4.
  const model = fitMatrix(f, [num("x")], { scaling: "robust", missingIndicator: false });
  assertClose(col(applyMatrix(model, f).matrix, "x"), [-1, -0.5, 0, 0.5, 48.5], "x");
  const flat = pl.DataFrame({ customer_id: ["a", "b", "c", "d", "e"], x: [0, 0, 0, 0, 10] });
  const m2 = fitMatrix(flat, [num("x")], { scaling: "robust" });
  assert.equal((m2.steps[0] as { scale: number }).scale, 4); // population sd of 0,0,0,0,10
  assert.ok(m2.warnings.some((w) => w.message.includes("interquartile range of 0")));
});

Deno.test("fitMatrix() one-hot encodes the most frequent levels and folds the rest into other", () => {
  const levels = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "d", null];
  const f = pl.DataFrame({ customer_id: levels.map((_, i) => `id${i}`), x: levels });
  const model = fitMatrix(f, [cat("x")], { maxLevels: 2 });
  assert.deepEqual(model.columns, ["x=a", "x=b", "x=other"]);
  const m = applyMatrix(model, f).matrix;
  assert.deepEqual(col(m, "x=other"), [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(col(m, "x=a"), [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  const unseen = pl.DataFrame({ customer_id: ["n"], x: ["zzz"] });
  assert.deepEqual(Array.from(applyMatrix(model, unseen).matrix.data), [0, 0, 1]);
  const all = fitMatrix(f, [cat("x")], { maxLevels: 10 });
  assert.deepEqual(all.columns, ["x=a", "x=b", "x=c", "x=d", "x=(missing)"]);
});

Deno.test("fitMatrix() multiplies the columns of a weighted group", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b"], x: [1, 3], y: [1, 3] });
  const m = applyMatrix(
    fitMatrix(f, [num("x"), num("y", "price")], { weights: { price: 0.5 } }),
    f,
  ).matrix;
  assertClose(col(m, "x"), [-1, 1], "x");
  assertClose(col(m, "y"), [-0.5, 0.5], "y");
});

Deno.test("fitMatrix() segments on behaviour when there is behaviour, on attributes otherwise", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b"], x: [1, 2], age: [30, 40], k: ["u", "v"] });
  const behaviour = [num("x"), num("age", "attribute"), cat("k")];
  assert.deepEqual(fitMatrix(f, behaviour).columns, ["x"], "attributes describe, not define");
  const attributes = [num("age", "attribute"), cat("k")];
  assert.deepEqual(fitMatrix(f, attributes).columns, ["age", "k=u", "k=v"]);
  // Any choice of the user's wins over the rule.
  assert.deepEqual(fitMatrix(f, behaviour, { excludeGroups: [] }).columns, [
    "x",
    "age",
    "k=u",
    "k=v",
  ]);
  assert.deepEqual(fitMatrix(f, behaviour, { groups: ["attribute"] }).columns, [
    "age",
    "k=u",
    "k=v",
  ]);
});

Deno.test("fitMatrix() drops constant and empty columns with a warning", () => {
  const f = pl.DataFrame({
    customer_id: ["a", "b", "c"],
    x: [1, 2, 3],
    c: [7, 7, 7],
    e: [null, null, null],
    k: ["u", "u", "u"],
  }).withColumns(pl.col("e").cast(pl.Float64));
  const model = fitMatrix(f, [num("x"), num("c"), num("e"), cat("k")], { excludeGroups: [] });
  assert.deepEqual(model.columns, ["x"]);
  assert.deepEqual(model.warnings.map((w) => w.message), [
    "Column 'c' is constant; dropped",
    "Column 'e' has no values; dropped",
    "Column 'k' is constant; dropped",
  ]);
});

Deno.test("fitMatrix() selects features by name and group", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b"], x: [1, 3], y: [1, 2], z: [5, 1] });
  const meta = [num("x"), num("y", "price"), num("z", "social")];
  assert.deepEqual(fitMatrix(f, meta, { groups: ["purchase", "price"] }).columns, ["x", "y"]);
  assert.deepEqual(fitMatrix(f, meta, { excludeGroups: ["price"] }).columns, ["x", "z"]);
  assert.deepEqual(fitMatrix(f, meta, { columns: ["z", "y"], excludeColumns: ["y"] }).columns, [
    "z",
  ]);
  assert.throws(
    () => fitMatrix(f, meta, { columns: ["zz"] }),
    /Column 'zz' is missing from the feature meta \(did you mean 'z'\?\)/,
  );
  assert.throws(
    () => fitMatrix(f, meta, { scaling: "minmax" as "none" }),
    /The 'scaling' option of matrix must be "standard", "robust" or "none". Got "minmax" instead/,
  );
});

function randomFeatures(n: number, seed: number): { features: pl.DataFrame; meta: FeatureMeta[] } {
  const r = rng(seed);
  const features = pl.DataFrame({
    customer_id: Array.from({ length: n }, (_, i) => `c${seed}-${i}`),
    monetary_total: Array.from({ length: n }, () => Math.exp(3 * r.normal())),
    recency_days: Array.from({ length: n }, () => (r.next() < 0.2 ? null : 100 * r.next())),
    share: Array.from({ length: n }, () => r.next()),
    region: Array.from({ length: n }, () => ["n", "s", "e", "w", "c"][r.int(5)]),
  });
  const meta = [
    num("monetary_total", "purchase", true),
    num("recency_days"),
    num("share", "preference"),
    cat("region"),
  ];
  return { features, meta };
}

Deno.test("applyMatrix() gives the same matrix bit for bit after a JSON round trip of the model", () => {
  const train = randomFeatures(300, 1), test = randomFeatures(80, 2);
  for (const options of [{}, { scaling: "robust" as const, pca: { components: 3 } }]) {
    const model = fitMatrix(train.features, train.meta, { maxLevels: 3, ...options });
    const copy = JSON.parse(JSON.stringify(model)) as MatrixModel;
    const a = applyMatrix(model, test.features).matrix;
    const b = applyMatrix(copy, test.features).matrix;
    assert.deepEqual(new Uint8Array(a.data.buffer), new Uint8Array(b.data.buffer));
    assert.deepEqual(a.columns, b.columns);
    assert.ok(!a.data.some((v) => !Number.isFinite(v)));
    // Fitting twice equals fitting once.
    assert.deepEqual(fitMatrix(train.features, train.meta, { maxLevels: 3, ...options }), model);
  }
});

Deno.test("applyMatrix() names a missing or renamed column", () => {
  const { features, meta } = randomFeatures(20, 3);
  const model = fitMatrix(features, meta);
  assert.throws(
    () => applyMatrix(model, features.rename({ monetary_total: "monetary_totl" })),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Column 'monetary_total' is missing from the features (did you mean 'monetary_totl'?)",
  );
  assert.throws(
    () => applyMatrix(model, features.drop("share")),
    (e: Error) =>
      e instanceof TypeError && e.message === "Column 'share' is missing from the features",
  );
});

Deno.test("PCA finds the axes of a hand-checkable 2-D cloud", () => {
  const xs = [2, 0, -2, 0, 1, -1], ys = [0, 2, 0, -2, 1, -1];
  const f = pl.DataFrame({ customer_id: xs.map((_, i) => `p${i}`), x: xs, y: ys });
  // Covariance [[2, 0.4], [0.4, 2]]: eigenvalues 2.4 along (1, 1) and 1.6 along (1, -1).
  const model = fitMatrix(f, [num("x"), num("y")], { scaling: "none", pca: { components: 2 } });
  const h = Math.SQRT1_2;
  assertClose(model.pca!.explainedVariance, [2.4, 1.6], "variance");
  assertClose(model.pca!.explainedVarianceRatio, [0.6, 0.4], "ratio");
  assertClose(model.pca!.components[0], [h, h], "pc1");
  assertClose(model.pca!.components[1], [h, -h], "pc2");
  const m = applyMatrix(model, f).matrix;
  assert.deepEqual(m.columns, ["pc1", "pc2"]);
  assertClose(col(m, "pc1"), [2 * h, 2 * h, -2 * h, -2 * h, Math.SQRT2, -Math.SQRT2], "pc1");
  assertClose(col(m, "pc2"), [2 * h, -2 * h, -2 * h, 2 * h, 0, 0], "pc2");
  const half = fitMatrix(f, [num("x"), num("y")], { scaling: "none", pca: { variance: 0.5 } });
  assert.deepEqual(half.columns, ["pc1"]);
});

Deno.test("symmetricEigen() decomposes a symmetric matrix into orthonormal eigenvectors", () => {
  const a = Float64Array.from([4, 1, -2, 2, 1, 2, 0, 1, -2, 0, 3, -2, 2, 1, -2, -1]);
  const { values, vectors } = symmetricEigen(a, 4);
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < 4; i++) {
      let av = 0;
      for (let j = 0; j < 4; j++) av += a[i * 4 + j] * vectors[j * 4 + k];
      assert.ok(Math.abs(av - values[k] * vectors[i * 4 + k]) < 1e-10, "A v = λ v");
    }
    for (let l = 0; l < 4; l++) {
      let dot = 0;
      for (let i = 0; i < 4; i++) dot += vectors[i * 4 + k] * vectors[i * 4 + l];
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12, "orthonormal");
    }
  }
  const trace = 4 + 2 + 3 - 1;
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - trace) < 1e-10);
  const pca = fitPca({ rows: 3, cols: 2, data: Float64Array.from([0, 0, 1, 0, 2, 0]) }, {
    components: 2,
  });
  assertClose(pca.explainedVariance, [1, 0], "one-dimensional cloud");
});

Deno.test("rawMatrix() keeps raw values with NaN for nulls", () => {
  const { features, meta } = randomFeatures(10, 4);
  const raw = rawMatrix(features, meta);
  assert.deepEqual(raw.columns, ["monetary_total", "recency_days", "share"]);
  const recency = features.getColumn("recency_days").toArray() as (number | null)[];
  recency.forEach((v, i) => {
    const got = raw.data[i * 3 + 1];
    if (v === null) assert.ok(Number.isNaN(got));
    else assert.equal(got, v);
  });
  assert.throws(() => rawMatrix(features, meta, ["region"]), /'region' is categorical/);
});

Deno.test("buildMatrix() returns the matrix, ids, model and fit warnings", () => {
  const f = pl.DataFrame({ customer_id: ["a", "b"], x: [1, 3], c: [2, 2] });
  const { outputs, warnings } = buildMatrix(f, [num("x"), num("c")]);
  assert.deepEqual(outputs.ids, ["a", "b"]);
  assert.deepEqual(outputs.matrix.columns, ["x"]);
  assert.deepEqual(warnings, [{ stage: "matrix", message: "Column 'c' is constant; dropped" }]);
});
