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
import type { PiiCounts } from "../privacy.ts";
import { experimentColumns, type LoadedConfig, type TableName } from "../config.ts";
import { didYouMean, InputError } from "../errors.ts";
import type { StageResult, StageWarning, Tables } from "../types.ts";
import { BATCH_ROWS } from "./_read_table.ts";
import { releaseMemory } from "../memory.ts";
import { TABLE_COLUMNS } from "./_types.ts";
import { type CheckedTable, checkTable } from "./_table.ts";
import { CUSTOMER_REJECTED, dropDuplicates, orphanCheck } from "./_keys.ts";
import { concatQuarantine, countByReason } from "./_quarantine.ts";
import { addMasks, anyMasked, describeMasks, maskFrame, noMasks, textColumns } from "./_mask.ts";

/** Per table: rows read, kept, quarantined, and quarantined rows counted by reason. */
export interface TableSummary {
  files: string[];
  read: number;
  kept: number;
  quarantined: number;
  byReason: Record<string, number>;
  /**
   * Of the quarantined rows, those set aside only because their customer's own row was
   * quarantined (a bad cell in customers.csv takes the customer's whole history with it).
   */
  customerRejected: number;
  /** Personal data masked as the table was read (its rows and its quarantined rows). */
  masked: PiiCounts;
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

/** Summary of one table, with the accounting checked: read = kept + quarantined. */
function summarize(c: CheckedTable, q: pl.DataFrame, kept: number): TableSummary {
  const byReason = countByReason(q);
  const files = c.raw.names;
  if (c.read !== kept + q.height) {
    throw new Error(
      `Row accounting failed for ${files.join(", ")}: read ${c.read}, kept ${kept}, ` +
        `quarantined ${q.height}`,
    );
  }
  return {
    files,
    read: c.read,
    kept,
    quarantined: q.height,
    byReason,
    customerRejected: byReason[CUSTOMER_REJECTED] ?? 0,
    masked: c.policy.masked,
  };
}

/**
 * A table none of whose rows survived is fatal: the run would go on with nothing to say about
 * it. The message names the commonest reasons with an example value of each.
 */
function refuseEmpty(name: string, files: string[], s: TableSummary, q: pl.DataFrame): void {
  if (s.kept > 0) return;
  const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1]).slice(0, 3).map(
    ([reason, n]) => {
      const example = q.filter(pl.col("reason").eq(pl.lit(reason))).head(1).toRecords()[0];
      const where = example?.column ? ` in '${example.column}'` : "";
      const value = example?.value == null ? "" : `, e.g. ${JSON.stringify(example.value)}`;
      return `${n} × ${reason}${where}${value}`;
    },
  );
  throw new InputError(
    `Cannot use ${files.join(", ")}: all ${s.read} rows of ${name} were quarantined (` +
      `${reasons.join("; ")}); nothing is left to work with`,
    { file: files[0] },
  );
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
 *   if (!warnings[0]?.message.startsWith("customers: 1 of 4 rows quarantined (")) throw new Error();
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
  const quarantine: pl.DataFrame[] = [];
  for (const name of names) {
    const c = checked.get(name);
    if (!c) continue;
    if (name !== "customers") {
      c.frame = orphanCheck(c, name, ids, cust?.rejected);
      await releaseMemory();
    }
    const q = concatQuarantine(c.quarantine);
    const s = summary[name] = summarize(c, q, c.frame.height);
    refuseEmpty(name, c.raw.names, s, q);
    quarantine.push(q);
    if (s.quarantined > 0) {
      const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1]).slice(0, 3)
        .map(([r, n]) => `${n} ${r}`).join(", ");
      warnings.push({
        stage: "ingest",
        message: `${name}: ${s.quarantined} of ${s.read} rows quarantined (${reasons})`,
        count: s.quarantined,
      });
    }
    if (s.customerRejected > 0) {
      const customers = q.filter(pl.col("reason").eq(pl.lit(CUSTOMER_REJECTED)))
        .select(pl.col("record").str.jsonPathMatch("$.customer_id").nUnique().alias("n"))
        .getColumn("n").get(0);
      warnings.push({
        stage: "ingest",
        message: `${name}: ${s.customerRejected} rows set aside because their customer's own ` +
          `row was quarantined (${customers} customers)`,
        count: s.customerRejected,
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
  // Personal data is masked in every text column but declared ids, before any stage sees it.
  for (const name of names) {
    const frame = tables[name];
    if (!frame) continue;
    const c = checked.get(name) ?? checked.get(customersConfig.derive!)!;
    const ids = new Set(
      frame.columns.filter((col) =>
        col === "customer_id" || col === "order_id" || c.types.get(col) === "id"
      ),
    );
    const counts = noMasks(), perColumn = new Map<string, PiiCounts>();
    tables[name] = maskFrame(frame, textColumns(frame, ids), counts, perColumn);
    if (name === "customers" && outcomes) {
      outcomes = maskFrame(outcomes, textColumns(outcomes, ids), counts, perColumn);
    }
    const s = summary[name];
    if (s) addMasks(s.masked, counts);
    if (s && anyMasked(s.masked)) {
      const where = [...perColumn.keys()].map((k) => `'${k}'`).join(", ");
      warnings.push({
        stage: "ingest",
        message: `${name}: personal data masked before any use (${describeMasks(s.masked)}` +
          `${where ? ` in ${where}` : " in quarantined rows"})`,
      });
    }
  }

  const qFrame = concatQuarantine(quarantine);
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
