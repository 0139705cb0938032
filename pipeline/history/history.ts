/**
 * Run history: every run's config, seed, key metrics, timings, assignments and segment names in
 * one SQLite file (default `runs/history.sqlite`), so two runs can be compared after their
 * folders were overwritten: what changed in the config, how the quality metrics and the timings
 * moved, and where customers went, segment by named segment. A rerun that found nothing to do
 * re-checks the run it repeats instead of adding one.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { adjustedRandIndex } from "../cluster/mod.ts";
import { didYouMean, InputError } from "../errors.ts";
import type { Manifest } from "../runner/mod.ts";
import type { StageRecord } from "../runner/mod.ts";
import { artifactExists, type ArtifactSpec, loadArtifact, STAGES } from "../runner/mod.ts";
import { POOLED_SEGMENT } from "../privacy.ts";
import {
  alignAssignments,
  columnOrder,
  type ConfigChange,
  flattenMetrics,
  isTiming,
  jsonDiff,
  KEY_METRICS,
  type KeyMetric,
  keyMetrics,
  matchSegments,
  type SegmentMatch,
  STAGE_SECONDS,
  type Transition,
  transitionTable,
} from "./_compare.ts";
import {
  openHistory,
  readAssignments,
  readSegmentNames,
  type StoredAssignments,
  transaction,
  writeAssignments,
  writeSegmentNames,
} from "./_db.ts";
import type pl from "nodejs-polars";

export type { ConfigChange, KeyMetric, SegmentMatch, Transition };
export { columnOrder, KEY_METRICS, matchSegments, transitionTable };
export {
  formatComparison,
  formatRunsTable,
  transitionRows,
  type TransitionRowsOptions,
} from "./_format.ts";

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
  /**
   * When a rerun last found nothing to do (every stage cached) and so confirmed this run instead
   * of adding one; null when none did.
   */
  recheckedAt: string | null;
  /** sha-256 of the config file's text: the hash the manifest and the report print. */
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
  /**
   * What the runs found: the key metrics ({@link KEY_METRICS}), then every other stage metric
   * whose value differs, each listed once (a key metric's own stage metric is not repeated).
   */
  quality: MetricDelta[];
  /**
   * How long each run took and how much it reused: the whole run (`seconds`), each stage that ran
   * (`stageSeconds.<stage>`), then the stages' own timing metrics, cache hits and model calls.
   */
  timings: MetricDelta[];
  /** Each run's segment names (segment → name), empty for a run that named none. */
  names: { a: Record<number, string>; b: Record<number, string> };
  /** Customers with a segment in both runs. */
  common: number;
  onlyA: number;
  onlyB: number;
  /** Adjusted Rand index over the common customers; null when either run has no segments. */
  ari: number | null;
  transition: Transition;
  /** The one-to-one pairing of A's segments with B's that keeps the most customers together. */
  matching: SegmentMatch[];
  /** B's segments as transition columns: matched ones in the order of A's rows, then the rest. */
  columns: number[];
  /** Common customers not in the segment matched to their old one (all of a new segment's). */
  moved: number;
}

function clustered(stages: readonly StageRecord[]): boolean {
  const s = stages.find((r) => r.name === "cluster");
  return s?.status === "ran" || s?.status === "cached";
}

function named(stages: readonly StageRecord[]): boolean {
  const s = stages.find((r) => r.name === "personas");
  return s?.status === "ran" || s?.status === "cached";
}

const ASSIGNMENTS: ArtifactSpec = { name: "assignments", kind: "csv" };
const PERSONAS: ArtifactSpec = { name: "personas", kind: "json" };

/**
 * Segment → name from the run's personas: each persona names its segment; the persona of the
 * pooled small segments names them all and the pooled label (-2) that outputs give them.
 */
function readSegmentNamesOf(runDir: string): Record<number, string> {
  const personas = loadArtifact(runDir, PERSONAS) as {
    kind: string;
    segments: number[];
    name: string;
  }[];
  const names: Record<number, string> = {};
  for (const p of personas) {
    for (const s of p.segments) names[s] = p.name;
    if (p.kind !== "segment") names[POOLED_SEGMENT] = p.name;
  }
  return names;
}

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
    recheckedAt: (r.rechecked_at as string | null) ?? null,
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

const COLUMNS = "id, name, folder, run_dir, started_at, finished_at, rechecked_at, config_hash, " +
  "seed, segments, silhouette, macro_f1, rows, seconds, customers";

/**
 * Records a run in the history: its config, seed, key metrics, every numeric stage metric, the
 * duration of each stage that ran, its assignments (when the cluster stage ran or was cached)
 * and its segment names (when the personas did). Recording the same run twice (same folder and
 * start time) keeps one entry. A rerun in which no stage ran (everything cached) adds no run:
 * it marks the folder's latest run, when that run has the same config text and seed, as
 * re-checked. Returns the run's row (the re-checked one in that case).
 *
 * @param dbPath The history database; created with its folder when missing.
 * @param runDir The run folder (assignments.csv and personas.json are read from it).
 * @param manifest The run's manifest. @default the folder's manifest.json
 */
export function recordRun(dbPath: string, runDir: string, manifest?: Manifest): RunRow {
  const dir = resolve(runDir);
  const m: Manifest = manifest ??
    JSON.parse(Deno.readTextFileSync(join(dir, "manifest.json")));
  const config = typeof m.config.value === "object" && m.config.value !== null
    ? { ...m.config.value, seed: m.seed }
    : { value: m.config.value, seed: m.seed };
  const flat = flattenMetrics(m.stages);
  const key = keyMetrics(flat);
  const nothingRan = m.stages.every((s) => s.status !== "ran");
  const db = openHistory(dbPath, true);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM runs WHERE id = ?`);
  try {
    return transaction(db, () => {
      if (nothingRan) {
        const last = db.prepare(
          `SELECT id, config_hash, seed, started_at FROM runs WHERE run_dir = ?
           ORDER BY id DESC LIMIT 1`,
        ).get(dir) as
          | { id: number; config_hash: string; seed: number; started_at: string }
          | undefined;
        if (
          last && last.config_hash === m.config.sha256 && Number(last.seed) === m.seed &&
          last.started_at !== m.startedAt
        ) {
          db.prepare("UPDATE runs SET rechecked_at = ? WHERE id = ?").run(m.finishedAt, last.id);
          return toRow(byId.get(last.id) as Record<string, unknown>);
        }
      }
      const assignments = clustered(m.stages) && artifactExists(dir, ASSIGNMENTS)
        ? readRunAssignments(dir)
        : undefined;
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
        m.config.sha256,
        JSON.stringify(config),
        m.seed,
        key.segments?.value ?? null,
        key.silhouette?.value ?? null,
        key.macroF1?.value ?? null,
        key.rows?.value ?? null,
        m.seconds,
        assignments?.ids.length ?? 0,
      );
      if (inserted.changes > 0) {
        const id = Number(inserted.lastInsertRowid);
        const put = db.prepare("INSERT INTO metrics (run_id, metric, value) VALUES (?, ?, ?)");
        for (const [k, v] of Object.entries(flat)) put.run(id, k, v);
        // Only stages that ran: a cached stage's record repeats the seconds of the run it
        // came from.
        for (const s of m.stages) {
          if (s.status === "ran" && s.seconds !== undefined) {
            put.run(id, STAGE_SECONDS + s.name, s.seconds);
          }
        }
        if (assignments) writeAssignments(db, id, assignments);
        if (named(m.stages) && artifactExists(dir, PERSONAS)) {
          writeSegmentNames(db, id, readSegmentNamesOf(dir));
        }
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

function delta(metric: string, x: number | null, y: number | null): MetricDelta {
  return { metric, a: x, b: y, delta: x === null || y === null ? null : y - x };
}

function storedMetrics(db: DatabaseSync, id: number): Map<string, number> {
  const rows = db.prepare("SELECT metric, value FROM metrics WHERE run_id = ?").all(id) as {
    metric: string;
    value: number;
  }[];
  return new Map(rows.map((r) => [r.metric, r.value]));
}

/** The key metrics, then every other non-timing metric that differs; each metric once. */
function qualityDeltas(a: RunRow, b: RunRow, ma: Map<string, number>, mb: Map<string, number>) {
  const shown = new Set<string>();
  for (const m of [ma, mb]) {
    for (const k of Object.values(keyMetrics(Object.fromEntries(m)))) shown.add(k.source);
  }
  const out = KEY_METRICS.map((k) => delta(k, a[k], b[k]));
  const names = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  for (const n of names) {
    if (shown.has(n) || isTiming(n)) continue;
    const x = ma.get(n) ?? null, y = mb.get(n) ?? null;
    if (x !== y) out.push(delta(n, x, y));
  }
  return out;
}

/**
 * The run's seconds, each stage's (in pipeline order), then the stages' own timing metrics. A
 * stage's timing metrics count only in a run where the stage ran: a cached stage's record
 * repeats the figures of the run that computed it.
 */
function timingDeltas(a: RunRow, b: RunRow, ma: Map<string, number>, mb: Map<string, number>) {
  const order = STAGES.map((s) => s.name);
  const ran = (m: Map<string, number>, metric: string) =>
    metric.startsWith(STAGE_SECONDS) || m.has(STAGE_SECONDS + metric.split(".")[0]);
  const value = (m: Map<string, number>, metric: string) =>
    ran(m, metric) ? m.get(metric) ?? null : null;
  const names = [...new Set([...ma.keys(), ...mb.keys()])].filter(isTiming);
  const stages = names.filter((n) => n.startsWith(STAGE_SECONDS)).sort((x, y) =>
    order.indexOf(x.slice(STAGE_SECONDS.length)) - order.indexOf(y.slice(STAGE_SECONDS.length))
  );
  const rest = names.filter((n) => !n.startsWith(STAGE_SECONDS)).sort();
  return [
    delta("seconds", a.seconds, b.seconds),
    ...[...stages, ...rest].map((n) => delta(n, value(ma, n), value(mb, n)))
      .filter((d) => d.a !== null || d.b !== null),
  ];
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
    const ma = storedMetrics(db, ra.id), mb = storedMetrics(db, rb.id);
    return {
      a: ra,
      b: rb,
      configDiff: jsonDiff(config(ra), config(rb)),
      quality: qualityDeltas(ra, rb, ma, mb),
      timings: timingDeltas(ra, rb, ma, mb),
      names: { a: readSegmentNames(db, ra.id), b: readSegmentNames(db, rb.id) },
      common: aligned.a.length,
      onlyA: aligned.onlyA,
      onlyB: aligned.onlyB,
      ari: aligned.a.length === 0 ? null : adjustedRandIndex(aligned.a, aligned.b),
      transition,
      matching,
      columns: columnOrder(transition, matching),
      moved: aligned.a.length - kept,
    };
  } finally {
    db.close();
  }
}
