/**
 * Run history: config diffs, label matching and transition tables worked by hand; recording and
 * comparing synthetic runs; and two real runs of the sample with k = 4 and k = 5.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { loadConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import {
  compareRuns,
  formatComparison,
  formatRunsTable,
  listRuns,
  recordRun,
  transitionRows,
} from "../pipeline/history/history.ts";
import { type Manifest, runJob } from "../pipeline/runner/job.ts";
import type { StageRecord } from "../pipeline/runner/run.ts";
import {
  jsonDiff,
  matchSegments,
  maxWeightMatching,
  transitionTable,
} from "../pipeline/history/_compare.ts";
import { rng } from "../pipeline/math/random.ts";
import { maxOf, minOf } from "../pipeline/math/mod.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;

Deno.test("jsonDiff() lists changed, added and removed leaves with their paths", () => {
  const a = {
    cluster: { k: 4, algorithm: "kmeans" },
    roles: { exclude: ["language", "x"] },
    "odd key": 1,
    seed: 42,
  };
  const b = {
    cluster: { k: 5, algorithm: "kmeans", nInit: 3 },
    roles: { exclude: ["language"] },
    "odd key": 2,
    seed: 42,
  };
  deepStrictEqual(jsonDiff(a, b), [
    { path: "cluster.k", a: 4, b: 5 },
    { path: "cluster.nInit", b: 3 },
    { path: '["odd key"]', a: 1, b: 2 },
    { path: "roles.exclude[1]", a: "x" },
  ]);
  deepStrictEqual(jsonDiff({ x: [1] }, { x: { 0: 1 } }), [{ path: "x", a: [1], b: { 0: 1 } }]);
  deepStrictEqual(jsonDiff(a, structuredClone(a)), []);
  deepStrictEqual(jsonDiff({ v: null }, { v: 0 }), [{ path: "v", a: null, b: 0 }]);
});

Deno.test("maxWeightMatching() beats the greedy choice on a hand-worked case", () => {
  // Greedy takes the 3 and ends with 3 + 0 + 1 = 4; the best pairing is 2 + 2 + 1 = 5.
  deepStrictEqual(maxWeightMatching([[3, 2, 0], [2, 0, 0], [0, 0, 1]]), [1, 0, 2]);
  deepStrictEqual(maxWeightMatching([[1, 5], [4, 1]]), [1, 0]);
  // More columns than rows: one column stays unmatched; more rows: one row gets -1.
  deepStrictEqual(maxWeightMatching([[0, 9, 1], [7, 8, 0]]), [1, 0]);
  deepStrictEqual(maxWeightMatching([[9, 0], [1, 2], [8, 1]]), [0, 1, -1]);
  deepStrictEqual(maxWeightMatching([]), []);
});

function bestByBruteForce(w: number[][]): number {
  const n = w.length;
  let best = -Infinity;
  const perm = (used: boolean[], i: number, sum: number) => {
    if (i === n) {
      best = Math.max(best, sum);
      return;
    }
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      used[j] = true;
      perm(used, i + 1, sum + w[i][j]);
      used[j] = false;
    }
  };
  perm(new Array(n).fill(false), 0, 0);
  return best;
}

Deno.test("maxWeightMatching() equals brute force on random 5 × 5 count tables", () => {
  const random = rng(7);
  for (let t = 0; t < 200; t++) {
    const w = Array.from(
      { length: 5 },
      () => Array.from({ length: 5 }, () => random.int(20)),
    );
    const match = maxWeightMatching(w);
    strictEqual(new Set(match).size, 5, "one column per row");
    strictEqual(match.reduce((s, j, i) => s + w[i][j], 0), bestByBruteForce(w));
  }
});

Deno.test("transitionTable() and matchSegments() on a split segment worked by hand", () => {
  // Run A has two segments; run B splits A's segment 0 into 0 and 2 and keeps 1 as 1.
  const a = [0, 0, 0, 0, 1, 1, 1];
  const b = [0, 0, 2, 2, 1, 1, 0];
  const t = transitionTable(a, b);
  deepStrictEqual(t, { a: [0, 1], b: [0, 1, 2], counts: [[2, 0, 2], [1, 2, 0]] });
  // Ties (A0 → B0 or B2, both 2) go to the first column.
  deepStrictEqual(matchSegments(t), [{ a: 0, b: 0, customers: 2 }, { a: 1, b: 1, customers: 2 }]);
  deepStrictEqual(transitionRows(t), [
    { "A \\ B": "A 0", "B 0": 2, "B 1": 0, "B 2": 2, total: 4 },
    { "A \\ B": "A 1", "B 0": 1, "B 1": 2, "B 2": 0, total: 3 },
  ]);
});

function stage(name: string, metrics: Record<string, unknown>): StageRecord {
  return { name, status: "ran", seconds: 0.5, warnings: [], metrics };
}

function manifest(name: string, k: number, extra: Partial<Manifest> = {}): Manifest {
  const value = { name, seed: 1, tables: { customers: { path: "c.csv" } }, cluster: { k } };
  return {
    name,
    config: {
      path: "config.json",
      // As runJob hashes it: the config file's text.
      sha256: createHash("sha256").update(JSON.stringify(value, null, 2)).digest("hex"),
      value,
    },
    seed: 1,
    inputs: [],
    versions: {},
    stages: [
      stage("ingest", { tables: { customers: { read: 6, kept: 6, quarantined: 0 } } }),
      stage("matrix", { rows: 6, columns: 3 }),
      stage("cluster", { segments: k, noise: 0, silhouette: k === 2 ? 0.5 : 0.25 }),
      stage("classify", {
        testMacroF1: k === 2 ? 0.9 : 0.8,
        testAccuracy: k === 2 ? 0.92 : 0.82,
        cvMacroF1: 0.7,
        perClass: [1, 2],
        trainSeconds: { forest: 0.25 * k },
      }),
    ],
    warnings: [],
    startedAt: `2026-01-0${k}T10:00:00.000Z`,
    finishedAt: `2026-01-0${k}T10:00:05.000Z`,
    seconds: 5,
    ...extra,
  };
}

/**
 * A run folder holding only what the history reads: assignments.csv (in the order given) and,
 * when names are given, personas.json naming the segments.
 */
function runFolder(
  root: string,
  folder: string,
  rows: [string, number][],
  names?: Record<number, string>,
): string {
  const dir = join(root, folder);
  Deno.mkdirSync(dir, { recursive: true });
  const csv = ["customer_id,segment", ...rows.map(([id, s]) => `${id},${s}`)].join("\n");
  Deno.writeTextFileSync(join(dir, "assignments.csv"), csv + "\n");
  if (names) {
    const personas = Object.entries(names).map(([s, name]) => ({
      id: `segment-${s}`,
      kind: "segment",
      segments: [Number(s)],
      name,
    }));
    Deno.writeTextFileSync(join(dir, "personas.json"), JSON.stringify(personas));
  }
  return dir;
}

/** The toy manifest with a personas stage, so the run's segment names are recorded. */
function withPersonas(m: Manifest): Manifest {
  return { ...m, stages: [...m.stages, stage("personas", { personas: 2 })] };
}

Deno.test("recordRun() stores key metrics and compareRuns() gives diff, deltas, ARI and moves", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "history", "runs.sqlite");
  // Same customers, listed in a different order in each file.
  const two = runFolder(root, "two", [
    ["c1", 0],
    ["c2", 0],
    ["c3", 0],
    ["c4", 1],
    ["c5", 1],
    ["c6", 1],
  ]);
  const three = runFolder(root, "three", [
    ["c6", 2],
    ["c5", 2],
    ["c4", 1],
    ["c3", 1],
    ["c2", 0],
    ["c1", 0],
  ]);
  const a = recordRun(db, two, manifest("toy", 2));
  const b = recordRun(db, three, manifest("toy", 3));
  strictEqual(a.id, 1);
  strictEqual(b.id, 2);
  deepStrictEqual(
    [a.folder, a.segments, a.silhouette, a.macroF1, a.rows, a.seconds, a.customers, a.seed],
    ["two", 2, 0.5, 0.9, 6, 5, 6, 1],
  );
  // The config hash is the manifest's, which the report prints: sha-256 of the config's text.
  strictEqual(a.configHash, manifest("toy", 2).config.sha256);
  ok(a.configHash !== b.configHash);
  strictEqual(a.recheckedAt, null);
  // Recording the same run again keeps one entry.
  deepStrictEqual(recordRun(db, two, manifest("toy", 2)), a);
  strictEqual(listRuns(db).length, 2);

  const c = compareRuns(db, "two", 2);
  deepStrictEqual(c.configDiff, [{ path: "cluster.k", a: 2, b: 3 }]);
  deepStrictEqual(c.quality.map((d) => [d.metric, d.a, d.b, d.delta]), [
    ["segments", 2, 3, 1],
    ["silhouette", 0.5, 0.25, -0.25],
    ["macroF1", 0.9, 0.8, 0.8 - 0.9],
    ["rows", 6, 6, 0],
    // Beyond the key metrics only stage metrics that differ, each once: cluster.segments,
    // cluster.silhouette and classify.testMacroF1 are the key metrics above; arrays are left out.
    ["classify.testAccuracy", 0.92, 0.82, 0.82 - 0.92],
  ]);
  // Timings apart: the whole run, each stage that ran, then the stages' own timing metrics.
  deepStrictEqual(c.timings.map((d) => [d.metric, d.a, d.b]), [
    ["seconds", 5, 5],
    ["stageSeconds.ingest", 0.5, 0.5],
    ["stageSeconds.matrix", 0.5, 0.5],
    ["stageSeconds.cluster", 0.5, 0.5],
    ["stageSeconds.classify", 0.5, 0.5],
    ["classify.trainSeconds.forest", 0.5, 0.75],
  ]);
  // A: {c1 c2 c3}{c4 c5 c6}; B: {c1 c2}{c3 c4}{c5 c6}. Pairs together: both 2 of 15, A 6,
  // B 3; expected 6 · 3 / 15 = 1.2, ARI = (2 − 1.2) / ((6 + 3) / 2 − 1.2) = 8 / 33.
  ok(Math.abs(c.ari! - 8 / 33) < 1e-12, `ARI ${c.ari}`);
  deepStrictEqual(c.transition, { a: [0, 1], b: [0, 1, 2], counts: [[2, 1, 0], [0, 1, 2]] });
  deepStrictEqual(c.matching, [{ a: 0, b: 0, customers: 2 }, { a: 1, b: 2, customers: 2 }]);
  strictEqual(c.moved, 2);
  deepStrictEqual([c.common, c.onlyA, c.onlyB], [6, 0, 0]);

  // Both runs cover the same customers: their id list is stored once.
  const raw = new DatabaseSync(db, { readOnly: true });
  strictEqual(
    (raw.prepare("SELECT count(*) AS n FROM customer_lists").get() as { n: number }).n,
    1,
  );
  raw.close();
});

Deno.test("compareRuns() over partly different customers, noise labels and a run without segments", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  const x = runFolder(root, "x", [["a", -1], ["b", 0], ["c", 0], ["d", 1]]);
  const y = runFolder(root, "y", [["b", 0], ["c", 0], ["d", 1], ["e", 1], ["f", 1]]);
  recordRun(db, x, manifest("toy", 2));
  recordRun(db, y, manifest("toy", 3));
  const c = compareRuns(db, "x", "y");
  deepStrictEqual([c.common, c.onlyA, c.onlyB, c.moved, c.ari], [3, 1, 2, 0, 1]);
  // A run that stopped before clustering stores no assignments even if an old file is there.
  const early = manifest("toy", 4);
  early.stages = early.stages.filter((s) => s.name === "ingest");
  const z = runFolder(root, "z", [["b", 5]]);
  const row = recordRun(db, z, early);
  deepStrictEqual([row.segments, row.silhouette, row.macroF1, row.rows, row.customers], [
    null,
    null,
    null,
    null,
    0,
  ]);
  const none = compareRuns(db, "x", row.id);
  deepStrictEqual([none.common, none.onlyA, none.onlyB, none.ari, none.moved], [0, 4, 0, null, 0]);
  ok(formatComparison(none).includes("no customers in common"));
  // A noise label (-1) survives the round trip: compare x with itself.
  const self = compareRuns(db, "x", "#1");
  deepStrictEqual(self.transition.a, [-1, 0, 1]);
  strictEqual(self.ari, 1);
});

Deno.test("runs are found by id, '#id', folder name or path, the latest run of a folder first", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  const dir = runFolder(root, "sample", [["a", 0], ["b", 1]]);
  recordRun(db, dir, manifest("toy", 2));
  recordRun(db, dir, manifest("toy", 3)); // a rerun into the same folder
  strictEqual(compareRuns(db, 1, "sample").b.id, 2);
  strictEqual(compareRuns(db, "#1", dir).b.id, 2);
  strictEqual(compareRuns(db, "2", "1").b.id, 1);
  throws(() => compareRuns(db, "sampel", 1), (e: Error) => {
    ok(e instanceof InputError);
    ok(e.message.includes("No run 'sampel'"), e.message);
    ok(e.message.includes("did you mean 'sample'"), e.message);
    ok(e.message.includes("ids 1–2"), e.message);
    return true;
  });
  throws(() => compareRuns(db, 9, 1), /No run '9'/);
});

Deno.test("listRuns() of a missing history is empty and creates nothing; compareRuns() says what is missing", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "none.sqlite");
  deepStrictEqual(listRuns(db), []);
  throws(() => Deno.statSync(db));
  throws(
    () => compareRuns(db, 1, 2),
    (e: Error) => e instanceof InputError && /No run history/.test(e.message),
  );
  strictEqual(formatRunsTable([]), "No runs recorded yet.");
});

Deno.test("formatRunsTable() and formatComparison() show the figures", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  recordRun(db, runFolder(root, "two", [["a", 0], ["b", 1]]), manifest("toy", 2));
  recordRun(db, runFolder(root, "three", [["a", 0], ["b", 1]]), manifest("toy", 3));
  const lines = formatRunsTable(listRuns(db)).split("\n");
  strictEqual(lines.length, 3);
  ok(/^id +folder +name/.test(lines[0]), lines[0]);
  ok(
    /^ 1 +two +toy +2026-01-02 10:00 +1 +[0-9a-f]{8} +2 +0\.500 +0\.900 +6 +5 +–$/.test(lines[1]),
    lines[1],
  );
  const text = formatComparison(compareRuns(db, "two", "three"));
  ok(text.includes("cluster.k  2  →  3"), text);
  ok(/silhouette +0\.500 +0\.250 +-0\.250/.test(text), text);
  ok(text.includes("adjusted Rand index 1; 0 customers (0.0%) changed segment"), text);
});

Deno.test("a rerun in which no stage ran marks the run re-checked instead of adding one", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  const dir = runFolder(root, "sample", [["a", 0], ["b", 1]]);
  const first = recordRun(db, dir, manifest("toy", 2));
  const cached = (m: Manifest, startedAt: string): Manifest => ({
    ...m,
    stages: m.stages.map((s) => ({ ...s, status: "cached" as const })),
    startedAt,
    finishedAt: startedAt.replace("10:00:00", "10:00:01"),
    seconds: 0.1,
  });
  const again = recordRun(db, dir, cached(manifest("toy", 2), "2026-02-01T10:00:00.000Z"));
  strictEqual(again.id, first.id);
  strictEqual(again.recheckedAt, "2026-02-01T10:00:01.000Z");
  // Everything else about the run is as it was recorded.
  deepStrictEqual({ ...again, recheckedAt: null }, first);
  strictEqual(listRuns(db).length, 1);
  // A cached rerun with another seed, or another config text, is a different run.
  const reseeded = { ...cached(manifest("toy", 2), "2026-02-02T10:00:00.000Z"), seed: 7 };
  strictEqual(recordRun(db, dir, reseeded).id, 2);
  const edited = cached(manifest("toy", 2), "2026-02-03T10:00:00.000Z");
  edited.config = { ...edited.config, sha256: "f".repeat(64) };
  strictEqual(recordRun(db, dir, edited).id, 3);
  // So is one into a folder whose latest run is another (here: #3, not #1's config).
  strictEqual(recordRun(db, dir, cached(manifest("toy", 2), "2026-02-04T10:00:00.000Z")).id, 4);
  // A rerun in which a stage ran is recorded even when nothing else changed.
  strictEqual(
    recordRun(db, dir, { ...manifest("toy", 2), startedAt: "2026-02-05T10:00:00.000Z" }).id,
    5,
  );
  strictEqual(listRuns(db).length, 5);
  ok(formatRunsTable(listRuns(db)).split("\n")[1].endsWith("2026-02-01 10:00"));
});

Deno.test("a comparison names the segments and puts each matched pair on the diagonal", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  // B renumbers A's segments (0 → 1, 1 → 0) and splits a new segment 2 off A's 1.
  const old = runFolder(root, "old", [["a", 0], ["b", 0], ["c", 1], ["d", 1], ["e", 1]], {
    0: "Deal seekers",
    1: "Window shoppers",
  });
  const neu = runFolder(root, "new", [["a", 1], ["b", 1], ["c", 0], ["d", 0], ["e", 2]], {
    0: "Window shoppers",
    1: "Deal seekers",
    2: "Night owls",
  });
  recordRun(db, old, withPersonas(manifest("toy", 2)));
  recordRun(db, neu, withPersonas(manifest("toy", 3)));
  const c = compareRuns(db, "old", "new");
  deepStrictEqual(c.names, {
    a: { 0: "Deal seekers", 1: "Window shoppers" },
    b: { 0: "Window shoppers", 1: "Deal seekers", 2: "Night owls" },
  });
  deepStrictEqual(c.matching, [{ a: 0, b: 1, customers: 2 }, { a: 1, b: 0, customers: 2 }]);
  deepStrictEqual(c.columns, [1, 0, 2]);
  const text = formatComparison(c);
  ok(/A 0 Deal seekers +→ +B 1 Deal seekers +2 of 2 stayed \(100\.0%\)/.test(text), text);
  ok(/A 1 Window shoppers +→ +B 0 Window shoppers +2 of 3 stayed \(66\.7%\)/.test(text), text);
  ok(/\(new\) +→ +B 2 Night owls +1 customers, most \(1\) from A 1/.test(text), text);
  // Matched columns first, in the rows' order, so the kept customers run down the diagonal.
  ok(
    /A \\ B +B 1 +B 0 +B 2 +total\n +A 0 Deal seekers +2 +0 +0 +2\n +A 1 Window shoppers +0 +2 +1 +3/
      .test(text),
    text,
  );
  // Timings are their own section, after the quality metrics, each metric listed once.
  const quality = text.slice(text.indexOf("Quality:"), text.indexOf("Timings"));
  ok(!/seconds|Seconds/.test(quality), quality);
  ok(!quality.includes("cluster.silhouette") && !quality.includes("classify.testMacroF1"), quality);
  ok(
    /Timings[^\n]*:\n +metric +A +B +change\n +whole run +5 +5 +0\n +ingest stage/.test(
      text,
    ),
    text,
  );
  deepStrictEqual(
    transitionRows(c.transition, { namesA: c.names.a, namesB: c.names.b, columns: c.columns })[0],
    {
      "A \\ B": "A 0 Deal seekers",
      "B 1 Deal seekers": 2,
      "B 0 Window shoppers": 0,
      "B 2 Night owls": 0,
      total: 2,
    },
  );
  throws(() => transitionRows(c.transition, { columns: [7] }), RangeError);
});

Deno.test("a version 1 history is brought up to date when opened, keeping its runs", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "h.sqlite");
  const raw = new DatabaseSync(db);
  raw.exec(`CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, folder TEXT NOT NULL,
    run_dir TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    config_hash TEXT NOT NULL, config_json TEXT NOT NULL, seed INTEGER NOT NULL,
    segments INTEGER, silhouette REAL, macro_f1 REAL, rows INTEGER, seconds REAL NOT NULL,
    customers INTEGER NOT NULL, UNIQUE (run_dir, started_at));
  CREATE TABLE metrics (run_id INTEGER NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (run_id, metric));
  CREATE TABLE customer_lists (hash TEXT PRIMARY KEY, count INTEGER NOT NULL, ids BLOB NOT NULL);
  CREATE TABLE assignments (run_id INTEGER PRIMARY KEY, list_hash TEXT NOT NULL,
    segments BLOB NOT NULL);
  INSERT INTO runs VALUES (1, 'toy', 'old', '/x/old', '2025-01-01T00:00:00Z',
    '2025-01-01T00:00:01Z', 'abc', '{}', 1, 2, 0.5, 0.9, 6, 1.5, 0);
  PRAGMA user_version = 1;`);
  raw.close();
  deepStrictEqual(listRuns(db).map((r) => [r.id, r.folder, r.recheckedAt, r.segments]), [
    [1, "old", null, 2],
  ]);
  const row = recordRun(
    db,
    runFolder(root, "two", [["a", 0]], { 0: "Solo" }),
    withPersonas(manifest("toy", 2)),
  );
  strictEqual(row.id, 2);
  deepStrictEqual(compareRuns(db, 1, 2).names, { a: {}, b: { 0: "Solo" } });
  const check = new DatabaseSync(db, { readOnly: true });
  strictEqual(
    (check.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
    2,
  );
  check.close();
});

Deno.test("two sample runs with k = 4 and k = 5: the transition table shows one segment split in two", async () => {
  const root = await Deno.makeTempDir();
  const db = join(root, "history.sqlite");
  const loaded = await loadConfig(SAMPLE);
  const base = loaded.config.cluster;
  loaded.config.cluster = { ...base, k: 4 };
  const four = join(root, "k4"), five = join(root, "k5");
  recordRun(db, four, await runJob(loaded, { runDir: four, until: "cluster" }));
  // Starting from a copy reuses the cached ingest, features and matrix stages.
  cpSync(four, five, { recursive: true });
  loaded.config.cluster = { ...base, k: 5 };
  recordRun(db, five, await runJob(loaded, { runDir: five, until: "cluster" }));

  const c = compareRuns(db, "k4", "k5");
  deepStrictEqual(c.configDiff, [{ path: "cluster.k", a: 4, b: 5 }]);
  deepStrictEqual([c.a.segments, c.b.segments], [4, 5]);
  strictEqual(c.common, 3000);
  deepStrictEqual(c.transition.counts.map((r) => r.length), [5, 5, 5, 5]);
  // Every segment of B comes mostly from one segment of A…
  const sources = c.transition.b.map((_, j) => {
    const col = c.transition.counts.map((r) => r[j]);
    const total = col.reduce((s, v) => s + v, 0);
    const top = maxOf(col);
    ok(top / total > 0.9, `B ${j}: ${col}`);
    return col.indexOf(top);
  });
  // …and exactly one segment of A feeds two of B's: the split.
  const fed = c.transition.a.map((_, i) => sources.filter((s) => s === i).length);
  deepStrictEqual([...fed].sort(), [1, 1, 1, 2]);
  const split = fed.indexOf(2);
  const smaller = minOf(c.transition.counts[split].filter((_, j) => sources[j] === split));
  // The smaller half of the split is unmatched, so its customers count as moved.
  ok(c.moved >= smaller && c.moved < smaller * 1.2, `moved ${c.moved}, smaller half ${smaller}`);
  ok(c.ari! > 0.6 && c.ari! < 1, `ARI ${c.ari}`);
});
