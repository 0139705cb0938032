/**
 * Benchmark of the classifiers against scikit-learn on the same data and split: a seeded
 * make_classification-like problem (default 50,000 rows × 20 standardised features: 6
 * informative, 4 redundant, 10 noise; 5 classes of 2 clusters each; 1% flipped labels), split
 * 80/20 stratified, written as raw float64 / int32 / uint32 files that tests/bench/classify.py
 * reads. Each side fits, on the training rows:
 * - logistic regression, C = 1, tol 1e-4, maxIter 100 (sklearn: lbfgs, multinomial);
 * - a decision tree of max depth 10, min samples per leaf 1 (sklearn: DecisionTreeClassifier,
 *   exact splits; ours: 255 quantile bins);
 * - a random forest of 100 trees of max depth 10, √d features per node, bootstrap
 *   (sklearn: RandomForestClassifier, n_jobs=1).
 * Times are fit only (median of `repeats` fits; the forest once); accuracy is on the test rows.
 *
 * ```sh
 * deno run -A tests/bench/classify.ts --rows 50000 --out runs/bench-classify.json
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  fitClassifier,
  type FitOptionsInput,
  predict,
  stratifiedSplit,
} from "../../pipeline/classify/mod.ts";
import type { Matrix } from "../../pipeline/types.ts";
import { makeClassification } from "../classify_data.ts";
import { type BenchRow, formatTable, peakRssMb, runPython } from "./_bench.ts";

/** Benchmark settings. */
export interface ClassifyBenchOptions {
  rows: number;
  repeats: number;
  nTrees: number;
  treeDepth: number;
  forestDepth: number;
  seed: number;
}

const DEFAULTS: ClassifyBenchOptions = {
  rows: 50_000,
  repeats: 3,
  nTrees: 100,
  treeDepth: 10,
  forestDepth: 10,
  seed: 42,
};

function take(m: Matrix, rows: Uint32Array): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data, columns: m.columns };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function write(path: string, a: Float64Array | Int32Array | Uint32Array): Promise<void> {
  return Deno.writeFile(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Runs the classify benchmark once: Personae, then scikit-learn, on the same files. */
export async function benchClassify(opts: Partial<ClassifyBenchOptions> = {}): Promise<BenchRow[]> {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const o: ClassifyBenchOptions = { ...DEFAULTS, ...given };
  const { matrix, labels } = makeClassification({
    rows: o.rows,
    informative: 6,
    redundant: 4,
    noise: 10,
    classes: 5,
    clustersPerClass: 2,
    classSep: 1,
    flipY: 0.01,
    seed: o.seed,
  });
  const split = stratifiedSplit(labels, 0.2, o.seed);
  const dir = await Deno.makeTempDir({ prefix: "personae-bench-classify-" });
  await Promise.all([
    write(`${dir}/x.f64`, matrix.data),
    write(`${dir}/y.i32`, labels),
    write(`${dir}/train.u32`, split.train),
    write(`${dir}/test.u32`, split.test),
  ]);
  const xTrain = take(matrix, split.train), xTest = take(matrix, split.test);
  const yTrain = Int32Array.from(split.train, (i) => labels[i]);
  const yTest = Int32Array.from(split.test, (i) => labels[i]);

  const cases: [string, string, FitOptionsInput, number][] = [
    ["logistic", "logistic regression, C=1", { model: "logistic" }, o.repeats],
    [
      "tree",
      `decision tree, depth ${o.treeDepth}`,
      { model: "tree", tree: { maxDepth: o.treeDepth, minSamplesLeaf: 1 } },
      o.repeats,
    ],
    [
      "forest",
      `random forest, ${o.nTrees} trees, depth ${o.forestDepth}`,
      {
        model: "forest",
        seed: o.seed,
        forest: { nTrees: o.nTrees, maxDepth: o.forestDepth, minSamplesLeaf: 1 },
      },
      1,
    ],
  ];
  const ours = cases.map(([kind, , fit, repeats]) => {
    const times: number[] = [];
    let model = null;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      model = fitClassifier(xTrain, yTrain, fit);
      times.push((performance.now() - t0) / 1000);
    }
    const pred = predict(model!, xTest);
    const acc = pred.filter((p, i) => p === yTest[i]).length / yTest.length;
    const extra = model!.kind === "logistic" ? { iterations: model!.iterations } : {};
    return { kind, seconds: median(times), acc, extra };
  });
  const rss = peakRssMb();
  const py = await runPython(new URL("./classify.py", import.meta.url).pathname, [
    dir,
    String(matrix.cols),
    String(o.repeats),
    String(o.treeDepth),
    String(o.nTrees),
    String(o.forestDepth),
  ]) as Record<string, { seconds: number; accuracy: number; iterations?: number }> & {
    peak_rss_mb: number;
    versions: string;
  };
  await Deno.remove(dir, { recursive: true });
  const shape = `${xTrain.rows.toLocaleString("en")}×${matrix.cols}, 5 classes`;
  return ours.map((r, i): BenchRow => {
    const base = py[r.kind];
    return {
      bench: "classify",
      case: `${cases[i][1]} (${shape})`,
      personae_s: r.seconds,
      baseline_s: base.seconds,
      ratio: r.seconds / base.seconds,
      personae_peak_rss_mb: rss,
      baseline_peak_rss_mb: py.peak_rss_mb,
      quality: {
        acc: `${r.acc.toFixed(4)}/${base.accuracy.toFixed(4)}`,
        acc_diff_points: Number(((r.acc - base.accuracy) * 100).toFixed(2)),
        ...("iterations" in r.extra ? { iters: `${r.extra.iterations}/${base.iterations}` } : {}),
      },
      notes: i === 0 ? py.versions : undefined,
    };
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string" },
      repeats: { type: "string" },
      trees: { type: "string" },
      out: { type: "string" },
    },
  });
  const rows = await benchClassify({
    rows: values.rows ? Number(values.rows) : undefined,
    repeats: values.repeats ? Number(values.repeats) : undefined,
    nTrees: values.trees ? Number(values.trees) : undefined,
  });
  console.log(formatTable(rows));
  if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(rows, null, 2) + "\n");
}
