/**
 * The persistent cache of text-model results (embeddings, sentiment, entities) in SQLite
 * (node:sqlite), shared by pipeline runs and notebooks.
 *
 * A result is keyed by a namespace (task, model, revision, dtype) and the sha-256 of the text the
 * model read (already masked, so no personal data is stored in the clear: values hold numbers
 * and character offsets, never text). The file is opened in WAL mode so a notebook can read
 * while a run writes, and every batch is written in one transaction, so a crash loses at most the
 * batch in flight and never leaves a half-written row.
 *
 * Opening this file is the one I/O the text stage does itself; it stays behind the small
 * {@linkcode TextCache} interface so tests pass an in-memory cache.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";

/** What the text stage needs from a cache. */
export interface TextCache {
  /** The stored values of the given hashes in a namespace (missing hashes are absent). */
  getMany(namespace: string, hashes: readonly string[]): Map<string, Uint8Array>;
  /** Stores values, replacing any with the same key, in one transaction. */
  putMany(namespace: string, entries: ReadonlyArray<readonly [string, Uint8Array]>): void;
  /** Number of stored values (all namespaces). */
  size(): number;
  close(): void;
}

/** The parts of a cache namespace: one per model output that can be reused. */
export interface CacheNamespace {
  task: string;
  model: string;
  revision: string;
  dtype: string;
}

/** Joins the parts of a namespace into its key. */
export function cacheNamespace(ns: CacheNamespace): string {
  return [ns.task, ns.model, ns.revision, ns.dtype].join("|");
}

// SQLite allows 32,766 bound parameters; stay well below it.
const CHUNK = 500;

/**
 * Opens (creating if needed) a cache file, or an in-memory cache with ":memory:".
 *
 * @example
 * ```ts
 * import { openTextCache } from "./_cache.ts";
 * const cache = openTextCache(":memory:");
 * cache.putMany("embedding|m|main|q8", [["ab12", new Uint8Array([1, 2])]]);
 * if (cache.getMany("embedding|m|main|q8", ["ab12", "cd34"]).size !== 1) throw new Error();
 * cache.close();
 * ```
 */
export function openTextCache(path: string): TextCache {
  const db = new DatabaseSync(path);
  // WAL lets readers (a notebook) and one writer (a run) share the file; NORMAL sync is crash
  // safe in WAL mode (a power cut may lose the last transactions, never corrupt the file).
  db.exec("PRAGMA busy_timeout = 10000");
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec(
    `CREATE TABLE IF NOT EXISTS results (
      namespace TEXT NOT NULL,
      hash TEXT NOT NULL,
      value BLOB NOT NULL,
      PRIMARY KEY (namespace, hash)
    ) WITHOUT ROWID`,
  );
  const insert = db.prepare(
    "INSERT OR REPLACE INTO results (namespace, hash, value) VALUES (?, ?, ?)",
  );
  const selects = new Map<number, ReturnType<DatabaseSync["prepare"]>>();
  const select = (n: number) => {
    let s = selects.get(n);
    if (!s) {
      const marks = new Array(n).fill("?").join(",");
      s = db.prepare(`SELECT hash, value FROM results WHERE namespace = ? AND hash IN (${marks})`);
      selects.set(n, s);
    }
    return s;
  };
  return {
    getMany(namespace, hashes) {
      const out = new Map<string, Uint8Array>();
      const unique = [...new Set(hashes)];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const part = unique.slice(i, i + CHUNK);
        for (const row of select(part.length).all(namespace, ...part)) {
          const r = row as { hash: string; value: Uint8Array };
          out.set(r.hash, new Uint8Array(r.value));
        }
      }
      return out;
    },
    putMany(namespace, entries) {
      if (entries.length === 0) return;
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const [hash, value] of entries) insert.run(namespace, hash, value);
        db.exec("COMMIT");
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      }
    },
    size() {
      const row = db.prepare("SELECT count(*) AS n FROM results").get() as { n: number };
      return Number(row.n);
    },
    close() {
      db.close();
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a JSON value for the cache. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes a JSON value from the cache. */
export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** Encodes a vector as little-endian float32 bytes (embeddings are float32 in the model). */
export function encodeVector(v: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(v);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

/** Decodes float32 bytes written by {@linkcode encodeVector}. */
export function decodeVector(bytes: Uint8Array): Float32Array {
  const copy = bytes.slice();
  return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}
