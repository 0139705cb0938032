/**
 * Run history: every run's config, seed, key metrics and assignments in one SQLite file
 * (default `runs/history.sqlite`), so two runs can be compared after their folders were
 * overwritten: what changed in the config, how the metrics moved, and where customers went.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { adjustedRandIndex } from "../cluster/mod.ts";
import { didYouMean, InputError } from "../errors.ts";
import type { Manifest } from "../runner/mod.ts";
import type { StageRecord } from "../runner/mod.ts";
import { artifactExists, type ArtifactSpec, loadArtifact } from "../runner/mod.ts";
import {
  alignAssignments,
  type ConfigChange,
  flattenMetrics,
  jsonDiff,
  matchSegments,
  type SegmentMatch,
  type Transition,
  transitionTable,
} from "./_compare.ts";
import {
  openHistory,
  readAssignments,
  type StoredAssignments,
  transaction,
  writeAssignments,
} from "./_db.ts";
import type pl from "nodejs-polars";

export type { ConfigChange, SegmentMatch, Transition };
export { matchSegments, transitionTable };
export { formatComparison, formatRunsTable, transitionRows } from "./_format.ts";

/** Where the CLI keeps the history unless told otherwise. */
export const DEFAULT_HISTORY = "runs/history.sqlite";

/** One recorded run: a row of `personae runs`. */
export interface RunRow {
  id: number;
  /** The config's name. */
  name: string;
  /** The run folder's base name, by which a run can be referenced. */
  folder: string;
  /** The run folder as an absolute path. */
  runDir: string;
  startedAt: string;
  finishedAt: string;
  /** sha-256 of the effective config (the config with the run's seed), keys sorted. */
  configHash: string;
  seed: number;
  segments: number | null;
  silhouette: number | null;
  /** Classifier macro-F1 (held-out test set when reported, else cross-validated). */
  macroF1: number | null;
  /** Customers clustered (rows of the matrix). */
  rows: number | null;
  seconds: number;
  /** Customers whose segment is stored (0 when the run stopped before clustering). */
  customers: number;
}

/** Key metrics of a comparison, always listed first, in this order. */
export const KEY_METRICS = ["segments", "silhouette", "macroF1", "rows", "seconds"] as const;

/** How one metric moved from run A to run B (delta is b − a when both are known). */
export interface MetricDelta {
  metric: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

/** What {@link compareRuns} returns. */
export interface RunComparison {
  a: RunRow;
  b: RunRow;
  /** Every config leaf that differs (the seed included: it is part of the effective config). */
  configDiff: ConfigChange[];
  /** The key metrics, then every other stage metric whose value differs. */
  metricDeltas: MetricDelta[];
  /** Customers with a segment in both runs. */
  common: number;
  onlyA: number;
  onlyB: number;
  /** Adjusted Rand index over the common customers; null when either run has no segments. */
  ari: number | null;
  transition: Transition;
  /** The one-to-one pairing of A's segments with B's that keeps the most customers together. */
  matching: SegmentMatch[];
  /** Common customers not in the segment matched to their old one (all of a new segment's). */
  moved: number;
}

/** JSON with object keys sorted at every level, so equal configs hash equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}

/** A stage's metric: the first of `keys` that is a number, else the first key matching `like`. */
function metric(
  stages: readonly StageRecord[],
  stage: string,
  keys: string[],
  like?: RegExp,
): number | null {
  const m = stages.find((s) => s.name === stage)?.metrics;
  if (!m) return null;
  const isNumber = (k: string) => typeof m[k] === "number" && Number.isFinite(m[k]);
  const key = keys.find(isNumber) ??
    (like && Object.keys(m).find((k) => like.test(k) && isNumber(k)));
  return key === undefined ? null : m[key] as number;
}

function clustered(stages: readonly StageRecord[]): boolean {
  const s = stages.find((r) => r.name === "cluster");
  return s?.status === "ran" || s?.status === "cached";
}

const ASSIGNMENTS: ArtifactSpec = { name: "assignments", kind: "csv" };

/** Reads assignments.csv, sorted by customer id. */
function readRunAssignments(runDir: string): StoredAssignments {
  const df = loadArtifact(runDir, ASSIGNMENTS) as pl.DataFrame;
  const ids = df.getColumn("customer_id").toArray() as string[];
  const raw = df.getColumn("segment").toArray() as string[];
  const order = ids.map((_, i) => i).sort((i, j) => ids[i] < ids[j] ? -1 : ids[i] > ids[j] ? 1 : 0);
  const segments = new Int32Array(ids.length);
  order.forEach((i, r) => {
    const s = Number(raw[i]);
    if (!Number.isInteger(s)) {
      throw new TypeError(
        `Cannot read ${join(runDir, "assignments.csv")}: line ${i + 2}, column 'segment': ` +
          `expected an integer, got ${JSON.stringify(raw[i])}`,
      );
    }
    segments[r] = s;
  });
  return { ids: order.map((i) => ids[i]), segments };
}

function toRow(r: Record<string, unknown>): RunRow {
  return {
    id: Number(r.id),
    name: r.name as string,
    folder: r.folder as string,
    runDir: r.run_dir as string,
    startedAt: r.started_at as string,
    finishedAt: r.finished_at as string,
    configHash: r.config_hash as string,
    seed: Number(r.seed),
    segments: r.segments === null ? null : Number(r.segments),
    silhouette: r.silhouette as number | null,
    macroF1: r.macro_f1 as number | null,
    rows: r.rows === null ? null : Number(r.rows),
    seconds: r.seconds as number,
    customers: Number(r.customers),
  };
}

const COLUMNS = "id, name, folder, run_dir, started_at, finished_at, config_hash, seed, " +
  "segments, silhouette, macro_f1, rows, seconds, customers";

/**
 * Records a run in the history: its config, seed, key metrics, every numeric stage metric, and
 * its assignments (when the cluster stage ran or was cached). Recording the same run twice (same
 * folder and start time) keeps one entry. Returns the run's row.
 *
 * @param dbPath The history database; created with its folder when missing.
 * @param runDir The run folder (assignments.csv is read from it).
 * @param manifest The run's manifest. @default the folder's manifest.json
 */
export function recordRun(dbPath: string, runDir: string, manifest?: Manifest): RunRow {
  const dir = resolve(runDir);
  const m: Manifest = manifest ??
    JSON.parse(Deno.readTextFileSync(join(dir, "manifest.json")));
  const config = typeof m.config.value === "object" && m.config.value !== null
    ? { ...m.config.value, seed: m.seed }
    : { value: m.config.value, seed: m.seed };
  const configJson = canonicalJson(config);
  const assignments = clustered(m.stages) && artifactExists(dir, ASSIGNMENTS)
    ? readRunAssignments(dir)
    : undefined;
  const db = openHistory(dbPath, true);
  try {
    return transaction(db, () => {
      const inserted = db.prepare(
        `INSERT INTO runs (name, folder, run_dir, started_at, finished_at, config_hash,
           config_json, seed, segments, silhouette, macro_f1, rows, seconds, customers)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_dir, started_at) DO NOTHING`,
      ).run(
        m.name,
        basename(dir),
        dir,
        m.startedAt,
        m.finishedAt,
        createHash("sha256").update(configJson).digest("hex"),
        configJson,
        m.seed,
        metric(m.stages, "cluster", ["segments"]),
        metric(m.stages, "cluster", ["silhouette"]),
        metric(m.stages, "classify", ["testMacroF1", "macroF1", "cvMacroF1"], /macro_?f1/i),
        metric(m.stages, "matrix", ["rows"]),
        m.seconds,
        assignments?.ids.length ?? 0,
      );
      if (inserted.changes > 0) {
        const id = Number(inserted.lastInsertRowid);
        const put = db.prepare("INSERT INTO metrics (run_id, metric, value) VALUES (?, ?, ?)");
        for (const [k, v] of Object.entries(flattenMetrics(m.stages))) put.run(id, k, v);
        if (assignments) writeAssignments(db, id, assignments);
      }
      return toRow(
        db.prepare(`SELECT ${COLUMNS} FROM runs WHERE run_dir = ? AND started_at = ?`)
          .get(dir, m.startedAt) as Record<string, unknown>,
      );
    });
  } finally {
    db.close();
  }
}

/**
 * Every recorded run, oldest first; none when the history file does not exist yet.
 *
 * @param dbPath The history database. @default "runs/history.sqlite"
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { listRuns, recordRun } from "./history.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   const db = join(dir, "history.sqlite");
 *   if (listRuns(db).length !== 0) throw new Error("no history file yet: no runs");
 *   const csv = ["customer_id,spend,visits"];
 *   for (let i = 0; i < 30; i++) csv.push(i % 2 ? `c${i},10,1` : `c${i},200,9`);
 *   await Deno.writeTextFile(join(dir, "customers.csv"), csv.join("\n"));
 *   await Deno.writeTextFile(join(dir, "shop.json"), JSON.stringify({
 *     name: "shop",
 *     tables: { customers: { path: "customers.csv" } },
 *     cluster: { k: 2 },
 *     privacy: { minSegmentSize: 5 },
 *   }));
 *   const runDir = join(dir, "run");
 *   recordRun(db, runDir, await runJob(join(dir, "shop.json"), { runDir }));
 *   const runs = listRuns(db);
 *   if (runs.length !== 1 || runs[0].name !== "shop" || runs[0].folder !== "run") {
 *     throw new Error(JSON.stringify(runs));
 *   }
 *   if (runs[0].segments !== 2 || runs[0].customers !== 30) throw new Error("metrics missing");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function listRuns(dbPath: string = DEFAULT_HISTORY): RunRow[] {
  try {
    Deno.statSync(dbPath);
  } catch {
    return [];
  }
  const db = openHistory(dbPath, false);
  try {
    return (db.prepare(`SELECT ${COLUMNS} FROM runs ORDER BY id`).all() as Record<
      string,
      unknown
    >[]).map(toRow);
  } finally {
    db.close();
  }
}

/**
 * A run by id (`3`, `"3"`, `"#3"`) or by run folder (its base name or its path; the latest run
 * recorded from that folder). Throws an {@link InputError} naming the known runs otherwise.
 */
export function findRun(db: DatabaseSync, ref: string | number, dbPath = "the history"): RunRow {
  const text = String(ref).trim();
  const byId = /^#?\d+$/.test(text);
  const row = byId
    ? db.prepare(`SELECT ${COLUMNS} FROM runs WHERE id = ?`).get(Number(text.replace("#", "")))
    : db.prepare(
      `SELECT ${COLUMNS} FROM runs WHERE folder = ? OR run_dir = ? ORDER BY id DESC LIMIT 1`,
    ).get(text, resolve(text));
  if (row) return toRow(row as Record<string, unknown>);
  const folders = (db.prepare("SELECT DISTINCT folder FROM runs").all() as { folder: string }[])
    .map((r) => r.folder);
  const ids = db.prepare("SELECT min(id) AS lo, max(id) AS hi FROM runs").get() as {
    lo: number | null;
    hi: number | null;
  };
  const known = ids.lo === null
    ? "no runs are recorded yet"
    : `ids ${ids.lo}–${ids.hi}; folders: ${folders.join(", ")}`;
  throw new InputError(
    `No run '${text}' in ${dbPath}${byId ? "" : didYouMean(text, folders)} (${known})`,
    { file: dbPath },
  );
}

function metricDeltas(db: DatabaseSync, a: RunRow, b: RunRow): MetricDelta[] {
  const delta = (metric: string, x: number | null, y: number | null): MetricDelta => ({
    metric,
    a: x,
    b: y,
    delta: x === null || y === null ? null : y - x,
  });
  const out = KEY_METRICS.map((k) => delta(k, a[k], b[k]));
  const read = (id: number) =>
    new Map(
      (db.prepare("SELECT metric, value FROM metrics WHERE run_id = ?").all(id) as {
        metric: string;
        value: number;
      }[]).map((r) => [r.metric, r.value]),
    );
  const ma = read(a.id), mb = read(b.id);
  const names = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  for (const n of names) {
    const x = ma.get(n) ?? null, y = mb.get(n) ?? null;
    if (x !== y) out.push(delta(n, x, y));
  }
  return out;
}

/**
 * Compares two recorded runs (by id or run folder): the config diff, the metric deltas, and how
 * customers moved between segments: adjusted Rand index, the A × B transition table, the best
 * one-to-one matching of labels, and how many customers changed segment under that matching.
 *
 * @param dbPath The history database.
 * @param a Run A (rows of the transition table).
 * @param b Run B (columns).
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { runJob } from "../runner/job.ts";
 * import { compareRuns, recordRun } from "./history.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // Three groups of 10 customers; run A asks for 2 segments, run B for 3.
 *   const csv = ["customer_id,spend,visits"];
 *   const groups = ["10,1", "20,1", "200,9"];
 *   for (let i = 0; i < 30; i++) csv.push(`c${i},${groups[i % 3]}`);
 *   await Deno.writeTextFile(join(dir, "customers.csv"), csv.join("\n"));
 *   const db = join(dir, "history.sqlite");
 *   for (const k of [2, 3]) {
 *     await Deno.writeTextFile(join(dir, `k${k}.json`), JSON.stringify({
 *       name: "shop",
 *       tables: { customers: { path: "customers.csv" } },
 *       cluster: { k },
 *       privacy: { minSegmentSize: 5 },
 *     }));
 *     const runDir = join(dir, `k${k}`);
 *     recordRun(db, runDir, await runJob(join(dir, `k${k}.json`), { runDir }));
 *   }
 *   const c = compareRuns(db, "k2", "k3");
 *   if (c.configDiff.map((d) => `${d.path}: ${d.a} → ${d.b}`).join() !== "cluster.k: 2 → 3") {
 *     throw new Error(JSON.stringify(c.configDiff));
 *   }
 *   if (c.transition.a.length !== 2 || c.transition.b.length !== 3) throw new Error("table");
 *   // One of A's segments splits in two: the 10 customers of the smaller half move.
 *   if (c.common !== 30 || c.moved !== 10 || !(c.ari! < 1)) throw new Error(`moved ${c.moved}`);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function compareRuns(
  dbPath: string,
  a: string | number,
  b: string | number,
): RunComparison {
  const db = openHistory(dbPath, false);
  try {
    const ra = findRun(db, a, dbPath), rb = findRun(db, b, dbPath);
    const config = (r: RunRow) =>
      JSON.parse(
        (db.prepare("SELECT config_json FROM runs WHERE id = ?").get(r.id) as {
          config_json: string;
        }).config_json,
      );
    const sa = readAssignments(db, ra.id), sb = readAssignments(db, rb.id);
    const aligned = sa && sb ? alignAssignments(sa.ids, sa.segments, sb.ids, sb.segments) : {
      a: new Int32Array(0),
      b: new Int32Array(0),
      onlyA: sa?.ids.length ?? 0,
      onlyB: sb?.ids.length ?? 0,
    };
    const transition = transitionTable(aligned.a, aligned.b);
    const matching = matchSegments(transition);
    const kept = matching.reduce((s, m) => s + m.customers, 0);
    return {
      a: ra,
      b: rb,
      configDiff: jsonDiff(config(ra), config(rb)),
      metricDeltas: metricDeltas(db, ra, rb),
      common: aligned.a.length,
      onlyA: aligned.onlyA,
      onlyB: aligned.onlyB,
      ari: aligned.a.length === 0 ? null : adjustedRandIndex(aligned.a, aligned.b),
      transition,
      matching,
      moved: aligned.a.length - kept,
    };
  } finally {
    db.close();
  }
}
