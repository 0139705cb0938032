/**
 * Reads the files of one configured table into a frame of raw values, with the file and record
 * number of every row kept so ingest can report quarantined rows by file and line. Everything
 * that makes a file unreadable is fatal here, with the file (and line and column) named.
 *
 * @module
 */

import pl from "nodejs-polars";
import { Buffer } from "node:buffer";
import { basename, dirname, join, relative } from "node:path";
import { checkUtf8, type CsvShape, scanCsv, scanCsvFile } from "./_csv_scan.ts";
import { checkHeader, delimiterHint, splitLine } from "./_header.ts";
import type { TableConfig } from "../config.ts";
import { resolveIn } from "../config.ts";
import { describeFsError, InputError } from "../errors.ts";
import { readJsonLines } from "./_jsonl.ts";

/**
 * A table ready to be read in parts: its columns, its row count, and `batches()`, frames of raw
 * text with `__seq` (position over all files), `__file` (index into `files`) and `__row` (record
 * index within its file). Big files are parsed a part at a time, so a table's raw text is never
 * all in memory at once.
 */
export interface RawTable {
  columns: string[];
  rows: number;
  batches(): Generator<pl.DataFrame>;
  files: string[];
  /** Display names of the files (relative to the config folder). */
  names: string[];
  /** Physical line of record `row` of file `file` (1-based), or the row number + 1 for formats
   * without lines (Parquet). */
  lineOf(file: number, row: number): number;
  /** When the header looks like another delimiter's: a hint for messages about its columns. */
  hint: string;
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
    throw new InputError(`Cannot read ${folder}: ${describeFsError(e)}`, { file: folder }, e);
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
    throw new InputError(`Cannot read ${name}: ${describeFsError(e)}`, { file: name }, e);
  }
}

/** Turns whitespace-separated columns (fixed-width logs) into comma-separated text. */
function whitespaceToCsv(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim().split(/\s+/).join(",")).join("\n");
}

function allString(df: pl.DataFrame): pl.DataFrame {
  return df.select(...df.columns.map((c) => pl.col(c).cast(pl.Utf8)));
}

/** Rows per part when a big CSV file is parsed in parts. */
export const BATCH_ROWS = 1_000_000;

/** One file, opened: its columns, rows and parts (each a frame of raw text). */
interface OpenFile {
  columns: string[];
  rows: number;
  shape?: CsvShape;
  /** See {@link RawTable.hint}. */
  hint: string;
  parts(): Generator<pl.DataFrame>;
}

/**
 * Parses CSV bytes with Polars. Always bytes: given a string, nodejs-polars reads it as a path
 * only when it ends in .csv or .tsv, and otherwise parses the path itself as CSV text (a
 * customers.txt file came out as one column named after its own path). The scan before has
 * checked the file's shape, so a failure here is reported by its lines, without Polars' words.
 */
function parseCsv(
  body: Uint8Array,
  name: string,
  file: string,
  t: TableConfig,
  delimiter: string,
  lines: string,
) {
  try {
    const source = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return pl.readCSV(source as unknown as string, {
      sep: delimiter,
      quoteChar: t.quote,
      inferSchemaLength: 0,
      hasHeader: true,
    });
  } catch (e) {
    // Bad UTF-8 is located in the whole file, for its line and column.
    if (/utf-?8/i.test((e as Error).message)) checkUtf8(readBytes(file, name), name);
    throw new InputError(
      `Cannot read ${name}${lines}: the CSV reader could not parse it with delimiter ` +
        `${JSON.stringify(delimiter)} and quote ${JSON.stringify(t.quote)}; check both settings ` +
        `of the table`,
      { file: name },
      e,
    );
  }
}

function readRange(file: string, start: number, end: number): Uint8Array {
  using f = Deno.openSync(file);
  f.seekSync(start, Deno.SeekMode.Start);
  const out = new Uint8Array(end - start);
  let at = 0;
  while (at < out.length) {
    const n = f.readSync(out.subarray(at));
    if (n === null) break;
    at += n;
  }
  return out.subarray(0, at);
}

/** The file's first line (at most 64 KiB of it), for hints. */
function firstLine(file: string): string {
  const head = new TextDecoder().decode(readRange(file, 0, 1 << 16));
  return head.split("\n")[0].replace(/^\uFEFF/, "");
}

function openCsv(
  file: string,
  name: string,
  t: TableConfig,
  batchRows: number,
  table: string,
): OpenFile {
  // The file is scanned in chunks and never held whole in memory; Polars then parses it a
  // part at a time. Structural errors carry the delimiter hint when the header suggests one.
  let shape: CsvShape;
  try {
    shape = scanCsvFile(file, name, t.delimiter, t.quote, batchRows);
  } catch (e) {
    if (e instanceof InputError) {
      const hint = delimiterHint(firstLine(file), t.delimiter, t.quote, table);
      if (!hint) throw e;
      throw new InputError(e.message + hint, { file: e.file, line: e.line, column: e.column });
    }
    throw new InputError(`Cannot read ${name}: ${describeFsError(e)}`, { file: name }, e);
  }
  const size = Deno.statSync(file).size;
  const header = readRange(file, 0, shape.headerEnd);
  const headerText = new TextDecoder().decode(header).replace(/^\uFEFF/, "");
  const columns = splitLine(headerText, t.delimiter, t.quote);
  checkHeader(columns, name);
  const hint = delimiterHint(headerText, t.delimiter, t.quote, table);
  const starts = [shape.headerEnd, ...shape.batchStarts, size];
  const named = (df: pl.DataFrame) =>
    df.rename(Object.fromEntries(df.columns.map((c, j) => [c, columns[j]])));
  return {
    columns,
    rows: shape.records,
    shape,
    hint,
    *parts() {
      for (let k = 0; k + 1 < starts.length; k++) {
        const body = readRange(file, starts[k], starts[k + 1]);
        const bytes = new Uint8Array(header.length + body.length);
        bytes.set(header);
        bytes.set(body, header.length);
        const from = shape.lineOf(k * batchRows);
        const lines = starts.length > 2
          ? ` (lines ${from}–${shape.lineOf(Math.min((k + 1) * batchRows, shape.records) - 1)})`
          : "";
        yield named(parseCsv(bytes, name, file, t, t.delimiter, lines));
      }
    },
  };
}

function openOne(
  file: string,
  name: string,
  t: TableConfig,
  batchRows: number,
  table: string,
): OpenFile {
  const whole = (df: pl.DataFrame, shape?: CsvShape, hint = ""): OpenFile => ({
    columns: df.columns,
    rows: df.height,
    shape,
    hint,
    *parts() {
      yield df;
    },
  });
  if (t.format === "parquet") {
    readBytes(file, name); // a missing or unreadable file is named as such
    try {
      return whole(allString(pl.readParquet(file)));
    } catch (e) {
      throw new InputError(`Cannot read ${name}: not a readable Parquet file`, { file: name }, e);
    }
  }
  if (t.format === "csv") return openCsv(file, name, t, batchRows, table);
  const bytes = readBytes(file, name);
  checkUtf8(bytes, name);
  if (t.format === "jsonl") return whole(readJsonLines(bytes, name));
  const body = whitespaceToCsv(new TextDecoder().decode(bytes));
  // A file without a header line gets the configured names as one; its records then start a
  // line later in the text than in the file.
  const text = t.names ? `${t.names.join(",")}\n${body}` : body;
  const encoded = new TextEncoder().encode(text);
  const scanned = scanCsv(encoded, name, ",", t.quote);
  const shape = t.names ? { ...scanned, lineOf: (i: number) => scanned.lineOf(i) - 1 } : scanned;
  const columns = splitLine(text.split("\n")[0].replace(/^\uFEFF/, ""), ",", t.quote);
  checkHeader(columns, name);
  const df = parseCsv(encoded, name, file, t, ",", "");
  return whole(df.rename(Object.fromEntries(df.columns.map((c, j) => [c, columns[j]]))), shape);
}

/** Opens every file of a table (a glob may match several, read in name order). */
export function readTable(
  dir: string,
  t: TableConfig,
  batchRows = BATCH_ROWS,
  table = "table",
): RawTable {
  const files = expandPath(dir, t.path);
  const names = files.map((f) => relative(dir, f) || f);
  const opened = files.map((file, k) => openOne(file, names[k], t, batchRows, table));
  opened.forEach((o, k) => {
    if (o.rows === 0) {
      throw new InputError(`Cannot read ${names[k]}: the table is empty (a header and no rows)`, {
        file: names[k],
      });
    }
    if (o.columns.join("\u0000") !== opened[0].columns.join("\u0000")) {
      throw new InputError(
        `Cannot read ${names[k]}: its columns differ from ${names[0]}'s (${o.columns.join(", ")})`,
        { file: names[k] },
      );
    }
  });
  return {
    columns: opened[0].columns,
    rows: opened.reduce((n, o) => n + o.rows, 0),
    files,
    names,
    lineOf: (file, row) => opened[file].shape?.lineOf(row) ?? row + 1,
    hint: opened[0].hint,
    *batches() {
      let seq = 0;
      // These numbers ride along with every row until the checks are done: 4 bytes each, not 8,
      // whenever the table is small enough (370 MB less on 46 M events).
      const total = opened.reduce((n, o) => n + o.rows, 0);
      const int = total < 2 ** 32 ? pl.UInt32 : pl.Int64;
      for (const [k, o] of opened.entries()) {
        let row = 0;
        for (const part of o.parts()) {
          const i = pl.col("__i").cast(pl.Int64);
          yield part.withRowIndex("__i").withColumns(
            i.add(seq).cast(int).alias("__seq"),
            i.add(row).cast(int).alias("__row"),
            pl.lit(k).cast(pl.Int32).alias("__file"),
          ).drop("__i");
          seq += part.height;
          row += part.height;
        }
        if (row !== o.rows) {
          throw new InputError(
            `Cannot read ${names[k]}: found ${o.rows} records but the CSV reader returned ${row}`,
            { file: names[k] },
          );
        }
      }
    },
  };
}
