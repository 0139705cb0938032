/**
 * Ingest: reads every configured table with Polars, maps its columns onto the canonical names,
 * parses and validates them, and accounts for every row: rows read = rows kept + rows
 * quarantined, checked in code. Row-level defects go to the quarantine frame with file, line,
 * column and reason; fatal ones (unreadable file, missing column, empty table, not UTF-8, bad
 * config) throw an {@link InputError} before any work.
 *
 * @module
 */

export { expandPath } from "./_read_table.ts";
export { ingest, type IngestOptions, type IngestOutputs, type TableSummary } from "./ingest.ts";
