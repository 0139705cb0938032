/**
 * Reads the files of one configured table into a frame of raw values, with the file and record
 * number of every row kept so ingest can report quarantined rows by file and line. Everything
 * that makes a file unreadable is fatal here, with the file (and line and column) named.
 *
 * @module
 */

import pl from "nodejs-polars";
import { basename, dirname, join, relative } from "node:path";
import { checkUtf8, type CsvShape, scanCsv, scanCsvFile } from "./_csv_scan.ts";
import type { TableConfig } from "./config.ts";
import { resolveIn } from "./config.ts";
import { InputError } from "./errors.ts";

/**
 * A table as read: raw columns plus `__seq` (position over all files), `__file` (index into
 * `files`) and `__row` (record index within its file).
 */
export interface RawTable {
  frame: pl.DataFrame;
  files: string[];
  /** Display names of the files (relative to the config folder). */
  names: string[];
  /** Physical line of record `row` of file `file` (1-based), or the row number + 1 for formats
   * without lines (Parquet). */
  lineOf(file: number, row: number): number;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll(
    "?",
    "[^/]",
  );
  return new RegExp(`^${body}$`);
}

/** Files matched by a path or glob (only the last path segment may hold wildcards). */
export function expandPath(dir: string, path: string): string[] {
  const full = resolveIn(dir, path);
  if (!/[*?]/.test(basename(full))) return [full];
  const folder = dirname(full);
  const re = globToRegExp(basename(full));
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(folder)].filter((e) => e.isFile && re.test(e.name)).map((e) =>
      e.name
    );
  } catch (e) {
    throw new InputError(`Cannot read ${folder}: ${(e as Error).message}`, { file: folder });
  }
  if (entries.length === 0) {
    throw new InputError(`Cannot read ${full}: no file matches the pattern`, { file: full });
  }
  return entries.sort().map((n) => join(folder, n));
}

function readBytes(file: string, name: string): Uint8Array {
  try {
    return Deno.readFileSync(file);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new InputError(`Cannot read ${name}: ${reason}`, { file: name });
  }
}

/** Turns whitespace-separated columns (fixed-width logs) into comma-separated text. */
function whitespaceToCsv(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim().split(/\s+/).join(",")).join("\n");
}

function allString(df: pl.DataFrame): pl.DataFrame {
  return df.select(...df.columns.map((c) => pl.col(c).cast(pl.Utf8)));
}

function readOne(
  file: string,
  name: string,
  t: TableConfig,
): { df: pl.DataFrame; shape?: CsvShape } {
  if (t.format === "parquet") {
    try {
      return { df: allString(pl.readParquet(file)) };
    } catch (e) {
      throw new InputError(
        `Cannot read ${name}: not a readable Parquet file (${(e as Error).message})`,
        {
          file: name,
        },
      );
    }
  }
  let text: string | undefined;
  let shape: CsvShape;
  const delimiter = t.format === "whitespace" ? "," : t.delimiter;
  if (t.format === "csv") {
    // Large files are scanned in chunks and never held whole in memory; Polars reads them
    // itself and reports bad UTF-8, which is then located for the message.
    try {
      shape = scanCsvFile(file, name, delimiter, t.quote);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new InputError(`Cannot read ${name}: no such file`, { file: name });
      }
      if (e instanceof InputError) throw e;
      throw new InputError(`Cannot read ${name}: ${(e as Error).message}`, { file: name });
    }
  } else {
    const bytes = readBytes(file, name);
    checkUtf8(bytes, name);
    if (t.format === "jsonl") return { df: readJsonLines(bytes, name) };
    text = whitespaceToCsv(new TextDecoder().decode(bytes));
    shape = scanCsv(new TextEncoder().encode(text), name, delimiter, t.quote);
  }
  if (shape.records === 0) {
    throw new InputError(`Cannot read ${name}: the table is empty (a header and no rows)`, {
      file: name,
    });
  }
  let df: pl.DataFrame;
  try {
    df = pl.readCSV(text ?? file, {
      sep: delimiter,
      quoteChar: t.quote,
      inferSchemaLength: 0,
      hasHeader: true,
    });
  } catch (e) {
    if (/utf-?8/i.test((e as Error).message)) checkUtf8(readBytes(file, name), name);
    throw new InputError(`Cannot read ${name}: ${(e as Error).message.split("\n")[0]}`, {
      file: name,
    });
  }
  if (df.height !== shape.records) {
    throw new InputError(
      `Cannot read ${name}: found ${shape.records} records but the CSV reader returned ${df.height}`,
      { file: name },
    );
  }
  // A stray byte-order mark sticks to the first header name.
  const first = df.columns[0];
  if (first?.startsWith("\uFEFF")) df = df.rename({ [first]: first.slice(1) });
  return { df, shape };
}

/**
 * JSON lines parsed here rather than by Polars, whose reader in this binding does not take a
 * path; a bad line is fatal with its number. Values are kept as text, like CSV cells.
 */
function readJsonLines(bytes: Uint8Array, name: string): pl.DataFrame {
  const rows: Record<string, string | null>[] = [];
  const columns = new Set<string>();
  new TextDecoder().decode(bytes).split("\n").forEach((line, k) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new InputError(`Cannot read ${name}: line ${k + 1}: ${(e as Error).message}`, {
        file: name,
        line: k + 1,
      });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(`Cannot read ${name}: line ${k + 1}: expected a JSON object`, {
        file: name,
        line: k + 1,
      });
    }
    const row: Record<string, string | null> = {};
    for (const [key, v] of Object.entries(value)) {
      columns.add(key);
      row[key] = v === null ? null : typeof v === "string" ? v : JSON.stringify(v);
    }
    rows.push(row);
  });
  const schema = Object.fromEntries([...columns].map((c) => [c, pl.Utf8]));
  return pl.DataFrame(rows, { schema });
}

/** Reads every file of a table (a glob may match several, concatenated in name order). */
export function readTable(dir: string, t: TableConfig): RawTable {
  const files = expandPath(dir, t.path);
  const names = files.map((f) => relative(dir, f) || f);
  const frames: pl.DataFrame[] = [];
  const shapes: (CsvShape | undefined)[] = [];
  let header: string[] | undefined;
  files.forEach((file, k) => {
    const { df, shape } = readOne(file, names[k], t);
    if (df.height === 0) {
      throw new InputError(`Cannot read ${names[k]}: the table is empty`, { file: names[k] });
    }
    if (header && header.join("\u0000") !== df.columns.join("\u0000")) {
      throw new InputError(
        `Cannot read ${names[k]}: its columns differ from ${names[0]}'s (${df.columns.join(", ")})`,
        { file: names[k] },
      );
    }
    header = df.columns;
    frames.push(
      df.withRowIndex("__row").withColumns(pl.lit(k).cast(pl.Int32).alias("__file")),
    );
    shapes.push(shape);
  });
  const frame = (frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" }))
    .withRowIndex("__seq");
  return {
    frame,
    files,
    names,
    lineOf: (file, row) => shapes[file]?.lineOf(row) ?? row + 1,
  };
}
