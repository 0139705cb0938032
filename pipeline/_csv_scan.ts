/**
 * One pass over a delimited file's bytes before Polars reads it: checks that it is UTF-8, that
 * every record has as many fields as the header and that quotes close, and learns on which
 * physical line each record starts (quoted fields may hold newlines), so quarantined rows can be
 * reported by line. A blank line counts as a record, as it does for Polars (a row of nulls). Polars alone would not do: it silently drops extra fields of a ragged row.
 *
 * @module
 */

import { InputError } from "./errors.ts";

const LF = 10, CR = 13;

/** The shape of a delimited file, and a way to find the line each record starts on. */
export interface CsvShape {
  /** Data records, header excluded. */
  records: number;
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
 * Scans the records of a delimited file. Throws an
 * {@link InputError} naming the line and column of the first ragged record or unclosed quote.
 */
export function scanCsv(
  bytes: Uint8Array,
  file: string,
  delimiter = ",",
  quote = '"',
): CsvShape {
  const DELIM = delimiter.charCodeAt(0), QUOTE = quote.charCodeAt(0);
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const n = bytes.length;
  let line = 1;
  let record = -1; // -1 = header
  let header = -1;
  // Records after a multi-line record start later than record + 2: keep the breakpoints.
  const breakRecord: number[] = [], breakExtra: number[] = [];
  let extra = 0;

  while (i < n) {
    if (record >= 0 && (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] === LF))) {
      // A blank line: Polars reads it as a row of nulls, so it counts as a record here too.
      i += bytes[i] === CR ? 2 : 1;
      line++;
      record++;
      continue;
    }
    const startLine = line;
    let fields = 1;
    let lineStart = i;
    let atFieldStart = true;
    while (i < n) {
      const c = bytes[i];
      if (atFieldStart && c === QUOTE) {
        const openLine = line, openCol = i - lineStart + 1;
        i++;
        for (;;) {
          if (i >= n) {
            throw new InputError(
              `Cannot read ${file}: line ${openLine}, column ${openCol}: quote opened here is never closed`,
              { file, line: openLine, column: openCol },
            );
          }
          const q = bytes[i];
          if (q === QUOTE) {
            if (bytes[i + 1] === QUOTE) {
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === LF) {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        atFieldStart = false;
        continue;
      }
      if (c === DELIM) {
        fields++;
        atFieldStart = true;
        i++;
        continue;
      }
      if (c === LF || c === CR) break;
      atFieldStart = false;
      i++;
    }
    if (record === -1) {
      header = fields;
    } else if (fields !== header) {
      const column = Math.min(fields, header) + 1;
      throw new InputError(
        `Cannot read ${file}: line ${startLine}, column ${column}: expected ${header} fields as in ` +
          `the header, got ${fields}`,
        { file, line: startLine, column },
      );
    }
    if (line !== startLine) {
      extra += line - startLine;
      breakRecord.push(record + 2);
      breakExtra.push(extra);
    }
    record++;
    if (i < n) {
      i += bytes[i] === CR && bytes[i + 1] === LF ? 2 : 1;
      line++;
    }
  }
  if (header < 0) throw new InputError(`Cannot read ${file}: the file is empty`, { file });
  const records = record;
  return {
    records,
    fields: header,
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
