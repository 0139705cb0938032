/**
 * The run-history database: its schema, opening it, and the compact storage of assignments
 * (customer ids and segments as deflated blobs, one row per run, the id list shared by every run
 * over the same customers).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { InputError } from "../errors.ts";

/**
 * Bumped when the tables change shape; an unknown newer version is refused, not guessed at.
 * Version 2 added `runs.rechecked_at` and the `segment_names` table; version 1 files are
 * migrated in place when opened.
 */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  folder TEXT NOT NULL,
  run_dir TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  segments INTEGER,
  silhouette REAL,
  macro_f1 REAL,
  rows INTEGER,
  seconds REAL NOT NULL,
  customers INTEGER NOT NULL,
  rechecked_at TEXT,
  UNIQUE (run_dir, started_at)
);
CREATE INDEX IF NOT EXISTS runs_folder ON runs (folder);
CREATE TABLE IF NOT EXISTS metrics (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, metric)
);
CREATE TABLE IF NOT EXISTS customer_lists (
  hash TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  ids BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS segment_names (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  segment INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (run_id, segment)
);
CREATE TABLE IF NOT EXISTS assignments (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  list_hash TEXT NOT NULL REFERENCES customer_lists (hash),
  segments BLOB NOT NULL
);
`;

/** Opens (creating when asked) the history database and checks its schema version. */
export function openHistory(path: string, create: boolean): DatabaseSync {
  if (!create) {
    try {
      Deno.statSync(path);
    } catch {
      throw new InputError(
        `No run history at ${path}: runs are recorded there when the pipeline runs`,
        { file: path },
      );
    }
  } else {
    Deno.mkdirSync(dirname(path), { recursive: true });
  }
  const db = new DatabaseSync(path);
  // Two runs finishing together may both write; wait for the lock instead of failing.
  db.exec("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new InputError(
      `The run history ${path} has schema version ${version}; this version of Personae reads up ` +
        `to ${SCHEMA_VERSION}`,
      { file: path },
    );
  }
  // An older file is brought up to date even when opened to read: the reads need the new shape.
  if (version < SCHEMA_VERSION) {
    const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runs'").get();
    transaction(db, () => {
      if (hasRuns && version === 1) db.exec("ALTER TABLE runs ADD COLUMN rechecked_at TEXT");
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }
  return db;
}

/** Runs `fn` inside one transaction, rolled back if it throws. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    db.exec("ROLLBACK");
    throw e;
  }
}

/** Customer ids joined by newlines and deflated; ids never hold a newline after ingest. */
function packIds(ids: readonly string[]): Uint8Array {
  return deflateSync(new TextEncoder().encode(ids.join("\n")));
}

function unpackIds(blob: Uint8Array, count: number): string[] {
  if (count === 0) return [];
  return new TextDecoder().decode(inflateSync(blob)).split("\n");
}

/** Segments as little-endian int32 (noise is -1), deflated. */
function packSegments(segments: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(segments.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < segments.length; i++) view.setInt32(i * 4, segments[i], true);
  return deflateSync(bytes);
}

function unpackSegments(blob: Uint8Array): Int32Array {
  const bytes = inflateSync(blob);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** A run's assignments, sorted by customer id. */
export interface StoredAssignments {
  ids: string[];
  segments: Int32Array;
}

/** Stores a run's assignments; the id list is written once per distinct list of customers. */
export function writeAssignments(db: DatabaseSync, runId: number, a: StoredAssignments): void {
  const ids = packIds(a.ids);
  const hash = createHash("sha256").update(a.ids.join("\n")).digest("hex");
  db.prepare("INSERT OR IGNORE INTO customer_lists (hash, count, ids) VALUES (?, ?, ?)")
    .run(hash, a.ids.length, ids);
  db.prepare("INSERT OR REPLACE INTO assignments (run_id, list_hash, segments) VALUES (?, ?, ?)")
    .run(runId, hash, packSegments(a.segments));
}

/** A run's stored assignments, or undefined when the run had none (it stopped before cluster). */
export function readAssignments(db: DatabaseSync, runId: number): StoredAssignments | undefined {
  const row = db.prepare(
    `SELECT l.ids AS ids, l.count AS count, a.segments AS segments
     FROM assignments a JOIN customer_lists l ON l.hash = a.list_hash WHERE a.run_id = ?`,
  ).get(runId) as { ids: Uint8Array; count: number; segments: Uint8Array } | undefined;
  if (!row) return undefined;
  return { ids: unpackIds(row.ids, row.count), segments: unpackSegments(row.segments) };
}

/** A run's segment names (segment → name), as the personas named them. */
export function writeSegmentNames(
  db: DatabaseSync,
  runId: number,
  names: Readonly<Record<number, string>>,
): void {
  const put = db.prepare(
    "INSERT OR REPLACE INTO segment_names (run_id, segment, name) VALUES (?, ?, ?)",
  );
  for (const [segment, name] of Object.entries(names)) put.run(runId, Number(segment), name);
}

/** A run's segment names; empty when the run named none (it stopped before the personas). */
export function readSegmentNames(db: DatabaseSync, runId: number): Record<number, string> {
  const rows = db.prepare("SELECT segment, name FROM segment_names WHERE run_id = ?")
    .all(runId) as { segment: number; name: string }[];
  return Object.fromEntries(rows.map((r) => [Number(r.segment), r.name]));
}
