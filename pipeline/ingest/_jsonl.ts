/**
 * JSON lines tables, read into a frame of raw text like a CSV file's.
 *
 * @module
 */

import pl from "nodejs-polars";
import { InputError } from "../errors.ts";

/**
 * JSON lines parsed here rather than by Polars, whose reader in this binding does not take a
 * path; a bad line is fatal with its number. Values are kept as text, like CSV cells.
 */
export function readJsonLines(bytes: Uint8Array, name: string): pl.DataFrame {
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
