/**
 * A delimited file's header: its names split as the scan reads them, refused when a name is
 * empty or repeated, and the hint a message gives when the first line suggests another delimiter
 * or format.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * The fields of one line of delimited text, quotes removed (a doubled quote is one quote). Used
 * for the header, which the scan has already checked.
 */
export function splitLine(line: string, delimiter = ",", quote = '"'): string[] {
  const out: string[] = [];
  let field = "", inQuote = false, i = 0;
  const text = line.replace(/\r?\n$/, "").replace(/\r$/, "");
  while (i < text.length) {
    const ch = text[i];
    if (inQuote) {
      if (ch === quote && text[i + 1] === quote) {
        field += quote;
        i += 2;
        continue;
      }
      if (ch === quote) inQuote = false;
      else field += ch;
    } else if (ch === quote && field === "") inQuote = true;
    else if (ch === delimiter) {
      out.push(field);
      field = "";
    } else field += ch;
    i++;
  }
  out.push(field);
  return out;
}

const DELIMITERS = [",", ";", "\t", "|"];
const shown = (d: string) => d === "\t" ? "\\t" : d;

/**
 * A hint when the first line of a file read as CSV suggests another setting: a JSON object
 * (JSON lines), Parquet's magic bytes, or a header that is one column with `delimiter` but
 * several with another common delimiter ("the header looks ';'-delimited (customer_id;age):
 * set tables.customers.delimiter to ";""). Empty when nothing suggests one.
 */
export function delimiterHint(header: string, delimiter: string, quote: string, table: string) {
  if (header.startsWith("PAR1")) {
    return `; the file looks like Parquet: set tables.${table}.format to "parquet"`;
  }
  if (/^\s*\{\s*"/.test(header)) {
    return `; the file looks like JSON lines: set tables.${table}.format to "jsonl"`;
  }
  if (splitLine(header, delimiter, quote).length > 1) return "";
  let best = "", most = 1;
  for (const d of DELIMITERS) {
    if (d === delimiter) continue;
    const n = splitLine(header, d, quote).length;
    if (n > most) [best, most] = [d, n];
  }
  if (!best) return "";
  const head = header.length > 60 ? `${header.slice(0, 57)}…` : header;
  return `; the header looks '${shown(best)}'-delimited (${head.trim()}): set ` +
    `tables.${table}.delimiter to "${shown(best)}"`;
}

/**
 * Refuses a header with an empty or a repeated column name, naming both columns: Polars would
 * silently rename the second 'age' to 'age_duplicated_0' and read it as another feature.
 */
export function checkHeader(names: string[], file: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name.trim() === "") {
      throw new InputError(
        `Cannot read ${file}: line 1, column ${j + 1}: the header has an empty column name` +
          (j === names.length - 1 ? " (a delimiter at the end of the header line?)" : "") +
          "; name the column or remove it",
        { file, line: 1, column: j + 1 },
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        `Cannot read ${file}: line 1: columns ${first + 1} and ${j + 1} are both named ` +
          `'${name}'; rename one of them`,
        { file, line: 1, column: name },
      );
    }
    seen.set(name, j);
  });
}
