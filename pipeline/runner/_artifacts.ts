/**
 * How the runner persists stage outputs: frames as Parquet, matrices as raw float64 with a JSON
 * header, plain data as JSON, text (SVG, HTML, Markdown, CSV) as files. Every write goes to a
 * temporary file first and is renamed into place, so a crash never leaves half an artifact; a
 * write that fails (a full disk) removes its temporary file and names the file it was writing.
 * Every write returns the sha-256 of what it wrote, which the runner records so it can tell
 * later whether an artifact is still what it wrote.
 *
 * All bytes go through Deno's file API, Parquet included (Polars encodes it into memory): Deno's
 * --allow-write then binds every artifact, and a failed write is an ordinary error rather than a
 * panic inside the native addon.
 *
 * @module
 */

import pl from "nodejs-polars";
import { createHash } from "node:crypto";
import { dirname, join, relative, resolve, sep } from "node:path";
import { OutputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import { csvSafe, csvUnsafe } from "./_csv.ts";

export type ArtifactKind = "frame" | "csv" | "frames" | "files" | "matrix" | "json" | "text";

/** An artifact a stage declares: its name, how it is stored, and its file name. */
export interface ArtifactSpec {
  name: string;
  kind: ArtifactKind;
  /** File (or folder, for "frames") in the run folder. Defaults from name and kind. */
  file?: string;
}

export function artifactFile(spec: ArtifactSpec): string {
  if (spec.file) return spec.file;
  switch (spec.kind) {
    case "frame":
      return `${spec.name}.parquet`;
    case "csv":
      return `${spec.name}.csv`;
    case "frames":
    case "files":
      return spec.name;
    case "matrix":
      return `${spec.name}.f64`;
    case "json":
      return `${spec.name}.json`;
    case "text":
      return `${spec.name}.txt`;
  }
}

let tmpCounter = 0;

/** Temporary files of atomic writes: `<file>.<pid>.<n>.tmp`. */
export const TMP_PATTERN = /\.\d+\.\d+\.tmp$/;

/** sha-256 of bytes or text, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Writes bytes or text atomically: temp file in the same folder, then rename. Returns the
 * sha-256 of what was written. On failure the temp file is removed and an {@link OutputError}
 * names the file.
 */
export function writeAtomic(path: string, data: string | Uint8Array): string {
  const tmp = `${path}.${Deno.pid}.${++tmpCounter}.tmp`;
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Never created, or already gone: nothing to tidy.
    }
    throw new OutputError(path, e);
  }
  return sha256(data);
}

function parquetBytes(df: pl.DataFrame): Uint8Array {
  return df.writeParquet({ compression: "zstd" });
}

/** Writes a frame as spreadsheet-safe CSV, atomically (for outputs outside a run, as scores). */
export function writeCsvFile(path: string, df: pl.DataFrame): string {
  return writeAtomic(path, csvSafe(df).writeCSV().toString());
}

/** Writes a frame as Parquet, atomically. */
export function writeParquetFile(path: string, df: pl.DataFrame): string {
  return writeAtomic(path, parquetBytes(df));
}

/**
 * The artifact's path, refused unless it lies inside the run folder. Deno's --allow-write does
 * not bind native addons (Polars writes Parquet itself once --allow-ffi is granted), so the
 * runner checks every path it hands them.
 */
function pathIn(dir: string, spec: ArtifactSpec): string {
  const root = resolve(dir), path = resolve(root, artifactFile(spec));
  if (path !== root && !path.startsWith(root + sep)) {
    throw new RangeError(
      `Artifact '${spec.name}' would be written outside the run folder: ${path}`,
    );
  }
  return path;
}

/** Files written for an artifact, by path relative to the run folder, with their sha-256. */
export type WrittenFiles = Record<string, string>;

/** Persists one artifact value under the run folder; returns the files written and hashes. */
export function saveArtifact(dir: string, spec: ArtifactSpec, value: unknown): WrittenFiles {
  const path = pathIn(dir, spec);
  const written: WrittenFiles = {};
  const put = (file: string, data: string | Uint8Array) => {
    written[relative(dir, file)] = writeAtomic(file, data);
  };
  switch (spec.kind) {
    case "frame":
      put(path, parquetBytes(value as pl.DataFrame));
      break;
    case "csv":
      // Spreadsheet-safe: no cell a spreadsheet would run as a formula (see _csv.ts).
      put(path, csvSafe(value as pl.DataFrame).writeCSV().toString());
      break;
    case "frames": {
      const frames = value as Record<string, pl.DataFrame>;
      for (const [name, df] of Object.entries(frames)) {
        put(join(path, `${name}.parquet`), parquetBytes(df));
      }
      put(join(path, "index.json"), JSON.stringify(Object.keys(frames)));
      break;
    }
    case "files": {
      const files = value as Record<string, string | Uint8Array>;
      for (const [name, data] of Object.entries(files)) put(join(path, name), data);
      put(join(path, "index.json"), JSON.stringify(Object.keys(files)));
      break;
    }
    case "matrix": {
      const m = value as Matrix;
      put(path, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      put(`${path}.json`, JSON.stringify({ rows: m.rows, cols: m.cols, columns: m.columns }));
      break;
    }
    case "json":
      put(path, JSON.stringify(value, null, 1) + "\n");
      break;
    case "text":
      put(path, value as string);
      break;
  }
  return written;
}

/** Reads an artifact back. */
export function loadArtifact(dir: string, spec: ArtifactSpec): unknown {
  const path = pathIn(dir, spec);
  switch (spec.kind) {
    case "frame":
      return pl.readParquet(path);
    case "csv":
      return csvUnsafe(pl.readCSV(path, { inferSchemaLength: 0 }));
    case "frames": {
      const names: string[] = JSON.parse(Deno.readTextFileSync(join(path, "index.json")));
      return Object.fromEntries(names.map((n) => [n, pl.readParquet(join(path, `${n}.parquet`))]));
    }
    case "files": {
      const names: string[] = JSON.parse(Deno.readTextFileSync(join(path, "index.json")));
      return Object.fromEntries(names.map((n) => {
        const text = /\.(svg|html|md|json|csv|txt)$/.test(n);
        const file = join(path, n);
        return [n, text ? Deno.readTextFileSync(file) : Deno.readFileSync(file)];
      }));
    }
    case "matrix": {
      const header = JSON.parse(Deno.readTextFileSync(`${path}.json`));
      const bytes = Deno.readFileSync(path);
      const data = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      return { rows: header.rows, cols: header.cols, columns: header.columns, data } as Matrix;
    }
    case "json":
      return JSON.parse(Deno.readTextFileSync(path));
    case "text":
      return Deno.readTextFileSync(path);
  }
}

/** Whether every file of an artifact exists. */
export function artifactExists(dir: string, spec: ArtifactSpec): boolean {
  const path = join(dir, artifactFile(spec));
  const probe = spec.kind === "frames" || spec.kind === "files"
    ? join(path, "index.json")
    : spec.kind === "matrix"
    ? `${path}.json`
    : path;
  try {
    Deno.statSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** sha-256 of a file, streamed in 16 MiB chunks. */
export function fileSha256(path: string): string {
  const h = createHash("sha256");
  using f = Deno.openSync(path);
  const buffer = new Uint8Array(1 << 24);
  for (;;) {
    const n = f.readSync(buffer);
    if (n === null) break;
    h.update(buffer.subarray(0, n));
  }
  return h.digest("hex");
}

/**
 * Why a stage's outputs cannot be reused, or undefined when every file it wrote is there with
 * the sha-256 recorded when it was written (`recorded`, by path relative to the run folder). A
 * truncated Parquet file, a flipped byte in a matrix, a deleted chart or text appended to the
 * report all give a reason, and the stage reruns.
 */
export function staleReason(
  dir: string,
  specs: readonly ArtifactSpec[],
  recorded: WrittenFiles | undefined,
): string | undefined {
  if (!recorded) return "no hashes of its outputs were recorded";
  for (const spec of specs) {
    const prefix = artifactFile(spec);
    const own = Object.keys(recorded).filter((f) =>
      f === prefix || f === `${prefix}.json` || f.startsWith(`${prefix}/`)
    );
    if (own.length === 0) return `${prefix} was never recorded`;
  }
  for (const [file, sha] of Object.entries(recorded).sort()) {
    let actual: string;
    try {
      actual = fileSha256(join(dir, file));
    } catch {
      return `${file} is missing`;
    }
    if (actual !== sha) return `${file} changed since it was written`;
  }
  return undefined;
}

/**
 * Removes the temporary files of atomic writes that a killed run left in the run folder. Only
 * the holder of the run folder's lock calls it, so no other run is writing them.
 */
export function sweepTemporaryFiles(dir: string): string[] {
  const removed: string[] = [];
  const visit = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory) visit(p);
      else if (e.isFile && TMP_PATTERN.test(e.name)) {
        Deno.removeSync(p);
        removed.push(relative(dir, p));
      }
    }
  };
  visit(dir);
  return removed;
}
