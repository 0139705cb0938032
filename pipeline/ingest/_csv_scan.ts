/**
 * One pass over a delimited file's bytes before Polars reads it: checks that it is UTF-8, that
 * every record has as many fields as the header and that quotes close, and learns on which
 * physical line each record starts (quoted fields may hold newlines), so quarantined rows can be
 * reported by line. A blank line counts as a record, as it does for Polars (a row of nulls).
 * Polars alone would not do: it silently drops extra fields of a ragged row, and a quote inside
 * an unquoted field throws its record splitting off by whole chunks.
 *
 * @module
 */

import { InputError } from "../errors.ts";

const LF = 10, CR = 13;

/** The shape of a delimited file, and a way to find the line each record starts on. */
export interface CsvShape {
  /** Data records, header excluded. */
  records: number;
  /** Byte offset where the first data record starts (just past the header line). */
  headerEnd: number;
  /** Byte offsets where data records batch, 2·batch, 3·batch… start, for reading in parts. */
  batchStarts: number[];
  /** Fields in the header. */
  fields: number;
  /** The 1-based physical line where data record `i` (0-based) starts. */
  lineOf(i: number): number;
}

/** Throws an {@link InputError} with line and column when `bytes` is not valid UTF-8. */
export function checkUtf8(bytes: Uint8Array, file: string): void {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const CHUNK = 1 << 24;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    try {
      decoder.decode(bytes.subarray(start, end), { stream: end < bytes.length });
    } catch {
      const at = firstInvalid(bytes, Math.max(0, start - 4));
      const { line, column } = position(bytes, at);
      throw new InputError(
        `Cannot read ${file}: line ${line}, column ${column}: not UTF-8 (byte 0x${
          bytes[at].toString(16).padStart(2, "0")
        } at offset ${at}); save the file as UTF-8`,
        { file, line, column },
      );
    }
  }
}

function firstInvalid(b: Uint8Array, from: number): number {
  let i = from;
  // Step back to a character boundary.
  while (i > 0 && (b[i] & 0xc0) === 0x80) i--;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80
      ? 1
      : (c & 0xe0) === 0xc0
      ? 2
      : (c & 0xf0) === 0xe0
      ? 3
      : (c & 0xf8) === 0xf0
      ? 4
      : 0;
    if (n === 0 || (n === 2 && c < 0xc2) || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return b.length - 1;
}

function position(b: Uint8Array, at: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (b[i] === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * A byte-at-a-time scanner fed in chunks, so a file of any size is checked in constant memory.
 * LF ends a record (a CR before it is ignored); a blank line counts as a record, as it does for
 * Polars (a row of nulls).
 */
class CsvScanner {
  readonly #delim: number;
  readonly #quote: number;
  readonly #file: string;
  #pos = 0;
  #line = 1;
  #lineStart = 0;
  #record = -1; // -1 = header
  #header = -1;
  #fields = 1;
  #started = false;
  #atFieldStart = true;
  #inQuote = false;
  #quotePending = false;
  #openLine = 0;
  #openCol = 0;
  #startLine = 1;
  #extra = 0;
  // Records after a multi-line record start later than record + 2: keep the breakpoints.
  readonly breakRecord: number[] = [];
  readonly breakExtra: number[] = [];
  readonly #batch: number;
  #headerEnd = 0;
  readonly batchStarts: number[] = [];

  constructor(file: string, delimiter: string, quote: string, batch = Infinity) {
    this.#batch = batch;
    this.#file = file;
    this.#delim = delimiter.charCodeAt(0);
    this.#quote = quote.charCodeAt(0);
  }

  feed(bytes: Uint8Array): void {
    let i = 0;
    if (this.#pos === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
    const n = bytes.length, DELIM = this.#delim, QUOTE = this.#quote, base = this.#pos;
    for (; i < n; i++) {
      const c = bytes[i];
      if (this.#inQuote) {
        if (this.#quotePending) {
          this.#quotePending = false;
          if (c === QUOTE) continue;
          this.#inQuote = false;
          // Polars cannot read `"ab"c`: only a delimiter or the line's end may follow.
          if (c !== DELIM && c !== LF && c !== CR) this.#malformed(base + i, "closing");
        } else {
          if (c === QUOTE) this.#quotePending = true;
          else if (c === LF) {
            this.#line++;
            this.#lineStart = base + i + 1;
          }
          continue;
        }
      }
      if (!this.#started) {
        if (c === CR) continue;
        const r = this.#record;
        if (r === 0 && this.#headerEnd === 0) this.#headerEnd = base + i;
        if (r > 0 && r % this.#batch === 0 && this.batchStarts.length < r / this.#batch) {
          this.batchStarts.push(base + i);
        }
        if (c === LF && this.#record >= 0) {
          this.#record++;
          this.#line++;
          this.#lineStart = base + i + 1;
          continue;
        }
        this.#started = true;
        this.#startLine = this.#line;
      }
      if (c === QUOTE && this.#atFieldStart) {
        this.#inQuote = true;
        this.#openLine = this.#line;
        this.#openCol = base + i - this.#lineStart + 1;
        this.#atFieldStart = false;
      } else if (c === DELIM) {
        this.#fields++;
        this.#atFieldStart = true;
      } else if (c === LF) {
        this.#endRecord();
        this.#line++;
        this.#lineStart = base + i + 1;
      } else {
        // A quote inside an unquoted field (`we"b`) throws Polars' record splitting off by
        // whole chunks ("expected 1 rows, actual 21900 rows"): refuse it here, located.
        if (c === QUOTE) this.#malformed(base + i, "stray");
        this.#atFieldStart = false;
      }
    }
    this.#pos += n;
  }

  #malformed(at: number, kind: "stray" | "closing"): never {
    const line = this.#line, column = this.#fields, file = this.#file;
    const char = at - this.#lineStart + 1;
    const q = String.fromCharCode(this.#quote);
    const what = kind === "stray"
      ? `a quote (${q}) inside an unquoted field, at character ${char}; quote the whole field ` +
        `and double the quotes inside it (${q}we${q}${q}b${q}), or set the table's "quote" to ` +
        `a character the file does not use`
      : `text right after a closing quote, at character ${char}; a quoted field must end at ` +
        `the delimiter or the line's end`;
    throw new InputError(`Cannot read ${file}: line ${line}, column ${column}: ${what}`, {
      file,
      line,
      column,
    });
  }

  #endRecord(): void {
    if (this.#record === -1) {
      this.#header = this.#fields;
    } else if (this.#fields !== this.#header) {
      const column = Math.min(this.#fields, this.#header) + 1;
      const line = this.#startLine, file = this.#file;
      throw new InputError(
        `Cannot read ${file}: line ${line}, column ${column}: expected ${this.#header} fields ` +
          `as in the header, got ${this.#fields}`,
        { file, line, column },
      );
    }
    if (this.#line !== this.#startLine) {
      this.#extra += this.#line - this.#startLine;
      this.breakRecord.push(this.#record + 2);
      this.breakExtra.push(this.#extra);
    }
    this.#record++;
    this.#fields = 1;
    this.#started = false;
    this.#atFieldStart = true;
  }

  finish(): CsvShape {
    if (this.#inQuote && !this.#quotePending) {
      const line = this.#openLine, column = this.#openCol, file = this.#file;
      throw new InputError(
        `Cannot read ${file}: line ${line}, column ${column}: quote opened here is never closed`,
        { file, line, column },
      );
    }
    if (this.#started) this.#endRecord();
    if (this.#header < 0) {
      throw new InputError(`Cannot read ${this.#file}: the file is empty`, { file: this.#file });
    }
    const { breakRecord, breakExtra } = this;
    return {
      records: this.#record,
      headerEnd: this.#record > 0 ? this.#headerEnd : this.#pos,
      batchStarts: this.batchStarts,
      fields: this.#header,
      lineOf(r: number): number {
        // Data record r is record r + 1 counting the header; without breaks it is on line r + 2.
        const k = r + 1;
        let lo = 0, hi = breakRecord.length - 1, e = 0;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (breakRecord[mid] <= k) {
            e = breakExtra[mid];
            lo = mid + 1;
          } else hi = mid - 1;
        }
        return k + 1 + e;
      },
    };
  }
}

/**
 * Scans the records of delimited text in memory. Throws an {@link InputError} naming the line
 * and column of the first ragged record or unclosed quote.
 */
export function scanCsv(
  bytes: Uint8Array,
  file: string,
  delimiter = ",",
  quote = '"',
): CsvShape {
  const scanner = new CsvScanner(file, delimiter, quote);
  scanner.feed(bytes);
  return scanner.finish();
}

/**
 * {@link scanCsv} over a file, read 16 MiB at a time; also notes where every `batch` records
 * start, so the file can then be parsed in parts.
 */
export function scanCsvFile(
  path: string,
  file: string,
  delimiter = ",",
  quote = '"',
  batch = Infinity,
): CsvShape {
  const scanner = new CsvScanner(file, delimiter, quote, batch);
  using f = Deno.openSync(path);
  const buffer = new Uint8Array(1 << 24);
  for (;;) {
    const n = f.readSync(buffer);
    if (n === null) break;
    scanner.feed(buffer.subarray(0, n));
  }
  return scanner.finish();
}
