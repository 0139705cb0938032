/**
 * How the runner persists stage outputs: frames as Parquet, matrices as raw float64 with a JSON
 * header, plain data as JSON, text (SVG, HTML, Markdown, CSV) as files. Every write goes to a
 * temporary file first and is renamed into place, so a crash never leaves half an artifact.
 *
 * @module
 */

import pl from "nodejs-polars";
import { dirname, join, resolve, sep } from "node:path";
import type { Matrix } from "../types.ts";

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

/** Writes bytes or text atomically: temp file in the same folder, then rename. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${Deno.pid}.${++tmpCounter}.tmp`;
  if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
  else Deno.writeFileSync(tmp, data);
  Deno.renameSync(tmp, path);
}

function writeFrame(path: string, df: pl.DataFrame): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${Deno.pid}.${++tmpCounter}.tmp`;
  df.writeParquet(tmp, { compression: "zstd" });
  Deno.renameSync(tmp, path);
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

/** Persists one artifact value under the run folder; returns the paths written. */
export function saveArtifact(dir: string, spec: ArtifactSpec, value: unknown): string[] {
  const path = pathIn(dir, spec);
  switch (spec.kind) {
    case "frame":
      writeFrame(path, value as pl.DataFrame);
      return [path];
    case "csv":
      writeAtomic(path, (value as pl.DataFrame).writeCSV().toString());
      return [path];
    case "frames": {
      const written: string[] = [];
      const frames = value as Record<string, pl.DataFrame>;
      for (const [name, df] of Object.entries(frames)) {
        const p = join(path, `${name}.parquet`);
        writeFrame(p, df);
        written.push(p);
      }
      writeAtomic(join(path, "index.json"), JSON.stringify(Object.keys(frames)));
      return [...written, join(path, "index.json")];
    }
    case "files": {
      const files = value as Record<string, string | Uint8Array>;
      const written = Object.entries(files).map(([name, data]) => {
        writeAtomic(join(path, name), data);
        return join(path, name);
      });
      writeAtomic(join(path, "index.json"), JSON.stringify(Object.keys(files)));
      return [...written, join(path, "index.json")];
    }
    case "matrix": {
      const m = value as Matrix;
      const bytes = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      writeAtomic(path, bytes);
      const header = `${path}.json`;
      writeAtomic(header, JSON.stringify({ rows: m.rows, cols: m.cols, columns: m.columns }));
      return [path, header];
    }
    case "json":
      writeAtomic(path, JSON.stringify(value, null, 1) + "\n");
      return [path];
    case "text":
      writeAtomic(path, value as string);
      return [path];
  }
}

/** Reads an artifact back. */
export function loadArtifact(dir: string, spec: ArtifactSpec): unknown {
  const path = pathIn(dir, spec);
  switch (spec.kind) {
    case "frame":
      return pl.readParquet(path);
    case "csv":
      return pl.readCSV(path, { inferSchemaLength: 0 });
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
