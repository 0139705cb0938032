/**
 * A buffered, line-counting CSV writer for the generator, and the defects the "dirty" variant
 * appends to the tables so ingest has every kind of bad row to catch.
 *
 * @module
 */

import type { Rng } from "../pipeline/math/random.ts";

const encoder = new TextEncoder();
const FLUSH_AT = 1 << 20;

function escape(field: string): string {
  return /[",\n\r]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Streams rows to a CSV file; knows the 1-based line number of every row it wrote. */
export class CsvSink {
  readonly path: string;
  readonly header: string[];
  #file: Deno.FsFile;
  #buffer: string[] = [];
  #size = 0;
  #rows = 0;
  /** The last row written, kept so defects can copy a real one. */
  last: string[] = [];

  constructor(path: string, header: string[]) {
    this.path = path;
    this.header = header;
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true });
    this.#push(header.join(","));
  }

  /** Appends a row and returns its line number in the file. */
  row(fields: string[]): number {
    this.last = fields;
    this.#push(fields.map(escape).join(","));
    return ++this.#rows + 1;
  }

  #push(line: string) {
    this.#buffer.push(line);
    this.#size += line.length + 1;
    if (this.#size >= FLUSH_AT) this.#flush();
  }

  #flush() {
    if (this.#buffer.length === 0) return;
    const bytes = encoder.encode(this.#buffer.join("\n") + "\n");
    let written = 0;
    while (written < bytes.length) written += this.#file.writeSync(bytes.subarray(written));
    this.#buffer = [];
    this.#size = 0;
  }

  /** Flushes, closes, and returns the number of data rows written. */
  close(): Promise<number> {
    this.#flush();
    this.#file.close();
    return Promise.resolve(this.#rows);
  }
}

/** A defect the dirty variant planted: where it is and the reason ingest should give. */
export interface Defect {
  table: string;
  line: number;
  column: string;
  reason: string;
}

interface Sinks {
  customers: CsvSink;
  orders: CsvSink;
  events: CsvSink;
  social: CsvSink;
  texts: CsvSink;
}

/**
 * Appends, for each kind of row-level defect, a few rows that carry it. Reasons use the same
 * words as ingest's quarantine reasons.
 */
export function injectDefects(s: Sinks, r: Rng): Defect[] {
  const defects: Defect[] = [];
  const order = s.orders.last.slice();
  const col = (sink: CsvSink, name: string) => sink.header.indexOf(name);
  const put = (
    table: keyof Sinks,
    column: string,
    reason: string,
    edit: (row: string[]) => void,
  ) => {
    const sink = s[table];
    const row = (table === "orders" ? order : sink.last).slice();
    edit(row);
    defects.push({ table, line: sink.row(row), column, reason });
  };
  for (let rep = 0; rep < 2; rep++) {
    const fresh = () => `OX${rep}${r.int(1e9)}`;
    put("orders", "amount", "unparseable number", (row) => {
      row[0] = fresh();
      row[col(s.orders, "amount")] = "12,5O";
    });
    put("orders", "ts", "unparseable date", (row) => {
      row[0] = fresh();
      row[col(s.orders, "ts")] = "2025-13-45 99:00:00";
    });
    put("orders", "amount", "negative value", (row) => {
      row[0] = fresh();
      row[col(s.orders, "amount")] = "-35.20";
    });
    put("orders", "ts", "timestamp in the future", (row) => {
      row[0] = fresh();
      row[col(s.orders, "ts")] = "2031-06-01 10:00:00";
    });
    put("orders", "order_id", "duplicate key", () => {});
    put("orders", "amount", "not a finite number", (row) => {
      row[0] = fresh();
      row[col(s.orders, "amount")] = rep === 0 ? "NaN" : "Infinity";
    });
    put("events", "customer_id", "unknown customer_id", (row) => {
      row[0] = `C9${String(r.int(1e6)).padStart(6, "0")}X`;
    });
    put("texts", "text", "empty text", (row) => {
      row[col(s.texts, "text")] = "";
    });
    put("customers", "customer_id", "duplicate key", () => {});
  }
  return defects;
}
