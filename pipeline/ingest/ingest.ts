/**
 * Ingest: reads every configured table with Polars, maps its columns onto the canonical names,
 * parses and validates them, and accounts for every row: rows read = rows kept + rows
 * quarantined, checked in code. Row-level defects go to the quarantine frame with file, line,
 * column and reason; fatal ones (unreadable file, missing column, empty table, not UTF-8, bad
 * config) throw an {@link InputError} before any work.
 *
 * @module
 */

import type { AttributeSpec } from "../features/options.ts";
import pl from "nodejs-polars";
import { maskPii, type PiiCounts } from "../privacy.ts";
import { experimentColumns, type LoadedConfig, type TableName } from "../config.ts";
import { didYouMean, InputError } from "../errors.ts";
import type { StageResult, StageWarning, Tables } from "../types.ts";
import { BATCH_ROWS } from "./_read_table.ts";
import { releaseMemory } from "../memory.ts";
import { TABLE_COLUMNS } from "./_types.ts";
import {
  type Checked,
  type CheckedTable,
  checkTable,
  dropDuplicates,
  orphanCheck,
} from "./_table.ts";

/** Per table: rows read, kept, quarantined, and quarantined rows counted by reason. */
export interface TableSummary {
  files: string[];
  read: number;
  kept: number;
  quarantined: number;
  byReason: Record<string, number>;
  /** Texts only: personal data masked as the table was read. */
  masked?: PiiCounts;
}

/** What ingest returns. */
export interface IngestOutputs {
  tables: Tables;
  /** customer_id plus the outcome columns named in the config's roles (never features). */
  outcomes: pl.DataFrame | null;
  /** Quarantined rows of every table: table, file, line, column, reason, value, record (JSON). */
  quarantine: pl.DataFrame;
  summary: Record<string, TableSummary>;
  /** Attribute columns of customers and how features should read them. */
  attributes: AttributeSpec[];
}

/** Options of {@link ingest}. */
export interface IngestOptions {
  /** Timestamps after the end of this day are "in the future". @default the config's maxDate, else today */
  maxDate?: string;
  /** Rows of a CSV file parsed at a time, which bounds memory on big files. @default 1,000,000 */
  batchRows?: number;
}

const QUARANTINE_SCHEMA = {
  table: pl.Utf8,
  file: pl.Utf8,
  line: pl.Int64,
  column: pl.Utf8,
  reason: pl.Utf8,
  value: pl.Utf8,
  record: pl.Utf8,
};

/**
 * E-mail addresses, phone numbers, links and card numbers are masked as texts are read, so no
 * artifact, cache or model downstream ever holds them (the text stage masks person names too).
 */
function maskTexts(texts: pl.DataFrame): { texts: pl.DataFrame; masked: PiiCounts } {
  const raw = texts.getColumn("text").toArray() as string[];
  const masked: PiiCounts = { url: 0, email: 0, card: 0, phone: 0, mention: 0 };
  const out = raw.map((t) => {
    const m = maskPii(t);
    for (const k of Object.keys(masked) as (keyof PiiCounts)[]) masked[k] += m.counts[k];
    return m.text;
  });
  return { texts: texts.withColumns(pl.Series("text", out, pl.Utf8)), masked };
}

function summarize(c: Checked, files: string[], kept: number): TableSummary {
  const byReason: Record<string, number> = {};
  for (const q of c.quarantine) {
    const r = String(q.reason);
    byReason[r] = (byReason[r] ?? 0) + 1;
  }
  const quarantined = c.quarantine.length;
  if (c.read !== kept + quarantined) {
    throw new Error(
      `Row accounting failed for ${files.join(", ")}: read ${c.read}, kept ${kept}, ` +
        `quarantined ${quarantined}`,
    );
  }
  return { files, read: c.read, kept, quarantined, byReason };
}

/**
 * Reads and validates every table of a dataset config.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { loadConfig } from "../config.ts";
 * import { ingest } from "./ingest.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // Customer c2 appears twice: the second row is quarantined, not silently dropped.
 *   const csv = "customer_id,age,region\nc1,34,north\nc2,51,south\nc2,52,south\nc3,28,north\n";
 *   await Deno.writeTextFile(join(dir, "customers.csv"), csv);
 *   await Deno.writeTextFile(join(dir, "shop.json"), JSON.stringify({
 *     name: "shop",
 *     tables: { customers: { path: "customers.csv" } },
 *   }));
 *   const { outputs, warnings } = await ingest(await loadConfig(join(dir, "shop.json")));
 *   const { read, kept, quarantined } = outputs.summary.customers;
 *   if (read !== 4 || kept !== 3 || quarantined !== 1) throw new Error(`${read} ${kept}`);
 *   if (outputs.quarantine.getColumn("line").toArray().join() !== "4") throw new Error("line");
 *   const attributes = outputs.attributes.map((a) => `${a.name}:${a.kind}`).join();
 *   if (attributes !== "age:numeric,region:categorical") throw new Error(attributes);
 *   if (warnings[0]?.message !== "customers: 1 of 4 rows quarantined") throw new Error();
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function ingest(
  loaded: LoadedConfig,
  options: IngestOptions = {},
): Promise<StageResult<IngestOutputs>> {
  const { config } = loaded;
  const maxDate = new Date(
    `${options.maxDate ?? config.maxDate ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`,
  );
  const warnings: StageWarning[] = [];
  const names = (Object.keys(TABLE_COLUMNS) as TableName[]).filter((n) => config.tables[n]);
  const checked = new Map<TableName, CheckedTable>();
  const customersConfig = config.tables.customers;
  for (const name of names) {
    if (name === "customers" && customersConfig.derive) continue;
    const t = config.tables[name]!;
    const c = await checkTable(loaded, name, t, maxDate, options.batchRows ?? BATCH_ROWS);
    const key = t.key ?? (name === "customers" ? ["customer_id"] : undefined);
    if (t.dedupe) {
      c.frame = dropDuplicates(c, name, [...new Set(c.source.keys())], "duplicate row");
    }
    if (key) {
      for (const k of key) {
        if (!c.source.has(k)) {
          throw new InputError(
            `Invalid config ${loaded.path}: tables.${name}.key names column '${k}', which the ` +
              `table does not have${didYouMean(k, c.source.keys())}`,
            { file: loaded.path, column: k },
          );
        }
      }
      c.frame = dropDuplicates(c, name, key, "duplicate key");
    }
    checked.set(name, c);
    await releaseMemory();
  }

  // The customers table: read, numbered, or derived from a child table.
  let customers: pl.DataFrame;
  const cust = checked.get("customers");
  if (customersConfig.derive) {
    const from = checked.get(customersConfig.derive);
    if (!from) {
      throw new InputError(
        `Invalid config ${loaded.path}: tables.customers.derive names '${customersConfig.derive}', ` +
          `which the config does not define`,
        { file: loaded.path },
      );
    }
    customers = from.frame.select(pl.col("customer_id").cast(pl.Utf8)).unique({
      maintainOrder: true,
    }).sort("customer_id");
  } else {
    const c = cust!;
    customers = c.frame;
  }
  const ids = customers.getColumn("customer_id");

  const tables: Partial<Tables> = {};
  const summary: Record<string, TableSummary> = {};
  const quarantine: Record<string, unknown>[] = [];
  for (const name of names) {
    const c = checked.get(name);
    if (!c) continue;
    if (name !== "customers") {
      c.frame = orphanCheck(c, name, ids);
      await releaseMemory();
    }
    summary[name] = summarize(c, c.raw.names, c.frame.height);
    quarantine.push(...c.quarantine);
    if (c.quarantine.length > 0) {
      warnings.push({
        stage: "ingest",
        message: `${name}: ${c.quarantine.length} of ${c.read} rows quarantined`,
        count: c.quarantine.length,
      });
    }
  }

  // Split customers into canonical columns, attributes, and outcomes kept apart.
  const { roles } = config;
  const attributes: IngestOutputs["attributes"] = [];
  let outcomes: pl.DataFrame | null = null;
  const custTypes = cust?.types ?? new Map<string, string>();
  const available = new Set(customers.columns);
  // An experiment's arm and outcomes were measured after treatment: kept apart like outcomes.
  const experiment = experimentColumns(config);
  const apart = [...new Set([...roles.outcomes, ...(experiment?.after ?? [])])];
  for (const o of apart) {
    if (!available.has(o)) {
      const key = roles.outcomes.includes(o)
        ? "roles.outcomes"
        : o === experiment!.after[0]
        ? "experiment.arm"
        : "experiment.outcomes";
      throw new InputError(
        `Invalid config ${loaded.path}: ${key} names '${o}', which customers does not ` +
          `have${didYouMean(o, available)}`,
        { file: loaded.path, column: o },
      );
    }
  }
  if (apart.length) outcomes = customers.select("customer_id", ...apart);
  const never = new Set([
    "customer_id",
    "signup_date",
    ...apart,
    ...roles.exclude,
    ...roles.pii,
    ...(cust ? [...cust.source.values()].filter((v) => !cust.source.has(v)) : []),
  ]);
  const candidates = roles.features ?? experiment?.pretreatment ??
    [...custTypes.keys()].filter((c) => !never.has(c));
  for (const f of candidates) {
    if (!available.has(f)) {
      throw new InputError(
        `Invalid config ${loaded.path}: ${
          roles.features ? "roles.features" : "experiment.pretreatment"
        } names '${f}', which customers does not ` +
          `have${didYouMean(f, available)}`,
        { file: loaded.path, column: f },
      );
    }
    const kind = custTypes.get(f);
    // Dates become "days before the reference date" features (features/_attributes.ts).
    const numeric = (kind === "number" || kind === "integer" || kind === "boolean" ||
      kind === "date" || kind === "datetime") && !roles.categorical.includes(f);
    if (kind === "id") continue;
    attributes.push({
      name: f,
      kind: numeric ? "numeric" : "categorical",
      ...roles.columns[f],
    });
  }
  const keepCustomer = ["customer_id", ...(available.has("signup_date") ? ["signup_date"] : [])];
  tables.customers = customers.select(
    ...keepCustomer,
    ...attributes.map((a) =>
      custTypes.get(a.name) === "boolean" ? pl.col(a.name).cast(pl.Float64) : pl.col(a.name)
    ),
  );
  for (const name of names) {
    if (name === "customers") continue;
    const c = checked.get(name)!;
    const cols = TABLE_COLUMNS[name].filter((col) => c.source.has(col));
    tables[name] = c.frame.select(...cols);
  }
  if (tables.texts) {
    const { texts, masked } = maskTexts(tables.texts);
    tables.texts = texts;
    summary.texts.masked = masked;
    const found = Object.entries(masked).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    if (found.length) {
      warnings.push({
        stage: "ingest",
        message: `texts: personal data masked before any use (${found.join(", ")})`,
      });
    }
  }

  const qFrame = quarantine.length
    ? pl.DataFrame(quarantine, { schema: QUARANTINE_SCHEMA })
    : pl.DataFrame({}, { schema: QUARANTINE_SCHEMA });
  return {
    outputs: {
      tables: tables as Tables,
      outcomes,
      quarantine: qFrame,
      summary,
      attributes,
    },
    warnings,
  };
}
