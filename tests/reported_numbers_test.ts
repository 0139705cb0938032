/**
 * The numbers a run of the sample reports (manifest, summaries, report), each recomputed by an
 * independent oracle from the run's own artifacts: scikit-learn for the cluster scores and the
 * classifier's metrics, a plain count of the input files for ingest's row counts.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import pl from "nodejs-polars";
import { adjustedRandIndex } from "../pipeline/cluster/cluster.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { near, oracleTest, python } from "./_oracle.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const DATA = new URL("../data/sample/", import.meta.url).pathname;

const ORACLE = `
import csv, json, sys
import numpy as np
from sklearn import metrics
d = json.load(sys.stdin)
x = np.fromfile(d["matrix"], dtype="<f8").reshape(d["rows"], d["cols"])
labels = np.array(d["labels"])
sil = metrics.silhouette_samples(x, labels)
centers = {k: x[labels == k].mean(axis=0) for k in set(labels.tolist())}
inertia = float(sum(((x[labels == k] - c) ** 2).sum() for k, c in centers.items()))
cm = d["confusion"]
t, p = [], []
for i, row in enumerate(cm["matrix"]):
    for j, n in enumerate(row):
        t += [cm["classes"][i]] * n; p += [cm["classes"][j]] * n
pr, rc, f1, sup = metrics.precision_recall_fscore_support(t, p, labels=cm["classes"], zero_division=0)
rows = {}
for name in ["customers", "orders", "events", "social", "texts"]:
    with open(d["data"] + name + ".csv", newline="") as f:
        rows[name] = sum(1 for _ in csv.reader(f)) - 1
print(json.dumps({
  "ari": metrics.adjusted_rand_score(d["truth"], d["assigned"]),
  "silhouette": float(sil.mean()),
  "perSegment": {str(k): float(sil[labels == k].mean()) for k in sorted(set(labels.tolist()))},
  "db": metrics.davies_bouldin_score(x, labels),
  "ch": metrics.calinski_harabasz_score(x, labels),
  "inertia": inertia,
  "accuracy": metrics.accuracy_score(t, p),
  "macroF1": metrics.f1_score(t, p, average="macro"),
  "precision": pr.tolist(), "recall": rc.tolist(), "f1": f1.tolist(), "support": sup.tolist(),
  "rows": rows,
}))
`;

oracleTest(
  "the sample run's reported numbers agree with scikit-learn and a count of the files",
  async () => {
    const dir = await Deno.makeTempDir();
    const m = await runJob(SAMPLE, { runDir: dir });
    const read = (f: string) => JSON.parse(Deno.readTextFileSync(join(dir, f)));
    const header = read("matrix.f64.json");
    const labels = pl.readParquet(join(dir, "segments.parquet")).getColumn("segment").toArray();
    const truth = pl.readCSV(join(DATA, "truth.csv"), { inferSchemaLength: 0 });
    const joined = pl.readCSV(join(dir, "assignments.csv"), { inferSchemaLength: 0 }).join(truth, {
      on: "customer_id",
    });
    const assigned = joined.getColumn("segment").toArray().map(Number);
    const groups = joined.getColumn("group").toArray().map(Number);
    const classify = read("classify_summary.json");
    const want = await python<{
      ari: number;
      silhouette: number;
      perSegment: Record<string, number>;
      db: number;
      ch: number;
      inertia: number;
      accuracy: number;
      macroF1: number;
      precision: number[];
      recall: number[];
      f1: number[];
      support: number[];
      rows: Record<string, number>;
    }>(ORACLE, {
      matrix: join(dir, "matrix.f64"),
      rows: header.rows,
      cols: header.cols,
      labels,
      truth: groups,
      assigned,
      confusion: classify.test.confusion,
      data: DATA,
    });

    near(
      adjustedRandIndex(Int32Array.from(groups), Int32Array.from(assigned)),
      want.ari,
      1e-12,
      "ARI",
    );
    const cluster = read("cluster_summary.json");
    strictEqual(cluster.silhouetteRows, header.rows, "the silhouette is exact at this size");
    near(cluster.silhouette, want.silhouette, 1e-9, "silhouette");
    for (const s of cluster.silhouettePerSegment) {
      near(s.silhouette, want.perSegment[String(s.segment)], 1e-9, `silhouette of ${s.segment}`);
    }
    const chosen = cluster.kSelection.find((r: { chosen: boolean }) => r.chosen);
    near(chosen.daviesBouldin, want.db, 1e-9, "Davies–Bouldin");
    near(chosen.calinskiHarabasz, want.ch, 1e-9, "Calinski–Harabasz");
    near(chosen.inertia, want.inertia, 1e-9, "inertia");
    near(classify.test.accuracy, want.accuracy, 1e-12, "accuracy");
    near(classify.test.macroF1, want.macroF1, 1e-12, "macro-F1");
    classify.test.perClass.forEach((c: Record<string, number>, i: number) => {
      near(c.precision, want.precision[i], 1e-12, `precision of ${c.class}`);
      near(c.recall, want.recall[i], 1e-12, `recall of ${c.class}`);
      near(c.f1, want.f1[i], 1e-12, `F1 of ${c.class}`);
      strictEqual(c.support, want.support[i]);
    });
    const metrics = m.stages.find((s) => s.name === "classify")!.metrics!;
    strictEqual(metrics.testMacroF1, classify.test.macroF1);
    const tables = read("ingest_summary.json").tables as Record<string, { read: number }>;
    deepStrictEqual(
      Object.fromEntries(Object.entries(tables).map(([t, s]) => [t, s.read])),
      want.rows,
    );
  },
);
