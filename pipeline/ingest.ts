/**
 * Ingest: reads every configured table with Polars, maps its columns onto the canonical names,
 * parses and validates them, and accounts for every row: rows read = rows kept + rows
 * quarantined, checked in code. Row-level defects go to the quarantine frame with file, line,
 * column and reason; fatal ones (unreadable file, missing column, empty table, not UTF-8, bad
 * config) throw an {@link InputError} before any work.
 *
 * @module
 */

import pl from "nodejs-polars";
import { isIn } from "./_polars.ts";
import { maskPii, type PiiCounts } from "./privacy.ts";
import type { LoadedConfig, TableConfig, TableName } from "./config.ts";
import { didYouMean, InputError } from "./errors.ts";
import type { StageResult, StageWarning, Tables } from "./types.ts";
import { BATCH_ROWS, type RawTable, readTable } from "./_read_table.ts";
import {
  columnType,
  NON_NEGATIVE,
  parseExpr,
  REQUIRED,
  TABLE_COLUMNS,
  unparseableReason,
} from "./_ingest_types.ts";

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
  attributes: { name: string; kind: "numeric" | "categorical" }[];
}

/** Options of {@link ingest}. */
export interface IngestOptions {
  /** Timestamps after the end of this day are "in the future". @default the config's maxDate, else today */
  maxDate?: string;
  /** Rows of a CSV file parsed at a time, which bounds memory on big files. @default 2,000,000 */
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

interface Checked {
  frame: pl.DataFrame;
  quarantine: Record<string, unknown>[];
  read: number;
}

/** Renames file columns to canonical names, drops dropped ones; missing columns are fatal. */
function mapColumns(
  columns: string[],
  file: string,
  t: TableConfig,
  table: TableName,
): Map<string, string> {
  const have = new Set(columns);
  const source = new Map<string, string>(); // canonical → file column
  for (const [canonical, col] of Object.entries(t.columns)) {
    if (!have.has(col)) {
      throw new InputError(
        `Cannot read ${file}: column '${col}' (mapped to ${table}.${canonical}) is missing${
          didYouMean(col, have)
        }; the file has ${[...have].filter((c) => !c.startsWith("__")).join(", ")}`,
        { file, column: col },
      );
    }
    source.set(canonical, col);
  }
  for (const col of t.drop) {
    if (!have.has(col)) {
      throw new InputError(
        `Cannot read ${file}: column '${col}' listed in 'drop' is missing${didYouMean(col, have)}`,
        { file, column: col },
      );
    }
  }
  const mapped = new Set(source.values());
  for (const c of columns) {
    if (!c.startsWith("__") && !mapped.has(c) && !t.drop.includes(c) && !source.has(c)) {
      source.set(c, c);
    }
  }
  return source;
}

function numberChecks(
  name: string,
  v: pl.Expr,
  t: TableConfig,
  tag: (reason: string) => string,
): [pl.Expr, string][] {
  const out: [pl.Expr, string][] = [[v.isNan().or(v.isInfinite()), tag("not a finite number")]];
  if (NON_NEGATIVE.has(name) && !t.allowNegative.includes(name)) {
    out.push([v.lt(0), tag("negative value")]);
  }
  return out;
}

/**
 * The number of the first check a row fails (1-based), 0 when it passes: small integers rather
 * than reason strings, which on tens of millions of rows would cost gigabytes.
 */
function reasonCode(checks: [pl.Expr, string][]): pl.Expr {
  if (checks.length === 0) return pl.lit(0).cast(pl.Int32);
  let chain = pl.when(checks[0][0]).then(pl.lit(1));
  checks.slice(1).forEach(([mask], k) => (chain = chain.when(mask).then(pl.lit(k + 2))));
  return chain.otherwise(pl.lit(0)).cast(pl.Int32);
}

/**
 * Quarantine entries for the rows of `bad`. `columns` pairs each record key with the frame
 * column holding it: the file's raw text while values are checked, the parsed values (as text)
 * for rows set aside later (duplicates, unknown customers), once the raw text is released.
 */
function quarantineRows(
  raw: RawTable,
  bad: pl.DataFrame,
  table: string,
  columns: [key: string, column: string][],
): Record<string, unknown>[] {
  const rows = bad.select(
    "__file",
    "__row",
    "__reason",
    ...columns.map(([key, col]) => pl.col(col).cast(pl.Utf8).alias(`__q:${key}`)),
  ).toRecords();
  return rows.map((r) => {
    const [reason, column] = String(r.__reason).split("\u0000");
    const record: Record<string, unknown> = {};
    for (const [key] of columns) record[key] = r[`__q:${key}`];
    const file = Number(r.__file);
    const value = column && column in record ? (record[column] as string | null) : null;
    // Quarantined texts are kept, but never with the personal data they carry.
    const safe = (v: string | null) => v === null || table !== "texts" ? v : maskPii(v).text;
    return {
      table,
      file: raw.names[file],
      line: raw.lineOf(file, Number(r.__row)),
      column: column ?? "",
      reason,
      value: safe(value),
      record: safe(JSON.stringify(record)),
    };
  });
}

/** Reads, maps, parses and validates one table (duplicates and orphans come later). */
function checkTable(
  loaded: LoadedConfig,
  table: TableName,
  t: TableConfig,
  maxDate: Date,
  batchRows: number,
): Checked & {
  raw: RawTable;
  source: Map<string, string>;
  types: Map<string, string>;
  fileCols: string[];
} {
  const raw = readTable(loaded.dir, t, batchRows);
  // Ids the file lacks are made from row numbers: customers (or reviews) numbered 1, 2, 3…;
  // orders without an order id are one order per row.
  const seqId = (prefix: string) =>
    pl.concatString([pl.lit(prefix), pl.col("__seq").add(1).cast(pl.Utf8)], "");
  const made: [string, pl.Expr][] = [];
  if (t.rowId) made.push(["customer_id", seqId("")]);
  if (table === "orders" && !t.columns.order_id && !raw.columns.includes("order_id")) {
    made.push(["order_id", seqId("row-")]);
  }
  const withIds = (frame: pl.DataFrame) =>
    made.length ? frame.withColumns(...made.map(([name, e]) => e.alias(name))) : frame;
  const source = mapColumns(
    [...raw.columns, ...made.map(([name]) => name)],
    raw.names[0],
    t,
    table,
  );
  const fileCols = [...new Set(source.values())];
  const required = REQUIRED[table].filter((c) => !(c in t.compute));
  for (const c of required) {
    if (!source.has(c)) {
      const file = raw.names[0];
      throw new InputError(
        `Cannot read ${file}: required column '${c}' of ${table} is missing${
          didYouMean(c, fileCols)
        }; map it in tables.${table}.columns`,
        { file, column: c },
      );
    }
  }
  // Cleaning (byte-order marks, surrounding spaces, null markers) is an expression, inlined
  // wherever a column is read: the whole table is never copied as cleaned text.
  const nulls = t.nullValues;
  const clean = (c: string) => {
    const e = t.trim ? pl.col(c).str.stripChars(" \t\r\n\uFEFF") : pl.col(c);
    const marker = nulls.length === 1 ? e.eq(pl.lit(nulls[0])) : isIn(e, nulls);
    return nulls.length ? pl.when(marker).then(pl.lit(null)).otherwise(e) : e;
  };
  const batches = raw.batches();
  const firstBatch = batches.next();
  const first = withIds(firstBatch.value as pl.DataFrame);
  const sample = first.head(10_000).select(...fileCols.map((c) => clean(c).alias(c)));

  const checks: [pl.Expr, string][] = [];
  const valueChecks: [pl.Expr, string][] = [];
  const present = (c: string) => pl.col(`__has_${c}`);
  const anyPresent = fileCols.map(present).reduce((a, b) => a.or(b));
  checks.push([anyPresent.not(), "blank line\u0000"]);
  for (const c of required) {
    const reason = c === "text" ? "empty text" : `missing ${c}`;
    checks.push([present(source.get(c)!).not(), `${reason}\u0000${source.get(c)}`]);
  }
  const parsed: pl.Expr[] = fileCols.map((c) => clean(c).isNotNull().alias(`__has_${c}`));
  const computed: string[] = [];
  const types = new Map<string, string>();
  const end = pl.lit(new Date(maxDate.getTime() + 86_400_000)).cast(pl.Datetime("ms"));
  for (const [canonical, col] of source) {
    const type = columnType(canonical, t, sample.getColumn(col));
    types.set(canonical, type.kind);
    parsed.push(parseExpr(clean(col), type, t.decimalComma).alias(`__p_${canonical}`));
    const pc = pl.col(`__p_${canonical}`);
    const tag = (reason: string) => `${reason}\u0000${col}`;
    if (type.kind === "string") continue;
    valueChecks.push([present(col).and(pc.isNull()), tag(unparseableReason(type.kind))]);
    if (type.kind === "number" || type.kind === "integer") {
      valueChecks.push(...numberChecks(canonical, pc, t, tag));
      if (type.kind === "integer") valueChecks.push([pc.floor().neq(pc), tag("not an integer")]);
    }
    if (canonical === "ts" && type.kind === "datetime") {
      valueChecks.push([pc.gtEq(end), tag("timestamp in the future")]);
    }
  }
  const products: pl.Expr[] = [];
  for (const [name, { multiply }] of Object.entries(t.compute)) {
    for (const f of multiply) {
      if (!source.has(f)) {
        throw new InputError(
          `Invalid config ${loaded.path}: tables.${table}.compute.${name} multiplies '${f}', ` +
            `which the table does not have${didYouMean(f, source.keys())}`,
          { file: loaded.path, column: f },
        );
      }
    }
    products.push(
      multiply.map((f) => pl.col(`__p_${f}`)).reduce((a, b) => a.mul(b)).alias(`__p_${name}`),
    );
    types.set(name, "number");
    computed.push(name);
    const col = source.get(multiply[0])!;
    valueChecks.push(
      ...numberChecks(name, pl.col(`__p_${name}`), t, (r) => `${r}\u0000${col}`),
    );
  }
  for (const rule of t.exclude) {
    if (!source.has(rule.column)) {
      throw new InputError(
        `Invalid config ${loaded.path}: tables.${table}.exclude names column '${rule.column}', ` +
          `which the table does not have${didYouMean(rule.column, source.keys())}`,
        { file: loaded.path, column: rule.column },
      );
    }
    const v = pl.col(`__p_${rule.column}`);
    const parts: pl.Expr[] = [];
    if (rule.equals !== undefined) parts.push(v.eq(pl.lit(rule.equals)));
    if (rule.startsWith !== undefined) parts.push(v.cast(pl.Utf8).str.startsWith(rule.startsWith));
    if (rule.in !== undefined) parts.push(isIn(v.cast(pl.Utf8), rule.in));
    if (rule.lessThan !== undefined) parts.push(v.lt(rule.lessThan));
    if (rule.lessOrEqual !== undefined) parts.push(v.ltEq(rule.lessOrEqual));
    if (parts.length === 0) continue;
    checks.push([
      parts.reduce((a, b) => a.and(b)).fillNull(false),
      `${rule.reason}\u0000${source.get(rule.column)}`,
    ]);
  }
  // Business rules (e.g. cancellations) name their reason before any value check does.
  const all = [...checks, ...valueChecks];
  const keep = [...source.keys(), ...computed].map((c) => pl.col(`__p_${c}`).alias(c));
  const parts: pl.DataFrame[] = [];
  const quarantine: Record<string, unknown>[] = [];
  let read = 0;
  // A part at a time: one projection to compact typed columns, presence flags and the number
  // of the first failed check; the raw text of a part is only read again for its bad rows.
  for (let b = firstBatch, frame = first; !b.done;) {
    read += frame.height;
    let df = frame.select("__seq", "__file", "__row", ...parsed);
    if (products.length) df = df.withColumns(...products);
    df = df.withColumns(reasonCode(all).alias("__code"));
    const isBad = df.select(pl.col("__code").gt(0).alias("bad")).getColumn("bad");
    const codes = df.getColumn("__code").filter(isBad).toArray() as number[];
    if (codes.length) {
      const bad = frame.filter(isBad).withColumn(
        pl.Series("__reason", codes.map((k) => all[k - 1][1]), pl.Utf8),
      );
      quarantine.push(...quarantineRows(raw, bad, table, fileCols.map((c) => [c, c])));
    }
    parts.push(
      df.lazy().filter(pl.col("__code").eq(0)).select("__seq", "__file", "__row", ...keep)
        .collectSync(),
    );
    b = batches.next();
    if (!b.done) frame = withIds(b.value);
  }
  const kept = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
  for (const c of computed) source.set(c, c);
  return { frame: kept, quarantine, read, raw, source, types, fileCols };
}

/** Record keys for rows set aside after parsing: the canonical columns, as parsed. */
function parsedColumns(c: ReturnType<typeof checkTable>): [string, string][] {
  return [...c.source.keys()].map((k) => [k, k]);
}

/** Marks rows whose key repeats an earlier row's as quarantined; returns the rest. */
function dropDuplicates(
  c: ReturnType<typeof checkTable>,
  table: string,
  keys: string[],
  reason: string,
): pl.DataFrame {
  const seq = pl.col("__seq");
  const [first, ...rest] = keys.map((k) => `__k_${k}`);
  const dup = seq.neq(seq.min().over(first, ...rest));
  const df = c.frame.withColumns(...keys.map((k) => pl.col(k).alias(`__k_${k}`))).withColumns(
    pl.when(dup).then(pl.lit(`${reason}\u0000${c.source.get(keys[0]) ?? keys[0]}`)).otherwise(
      pl.lit(null),
    ).cast(pl.Utf8).alias("__reason"),
  );
  c.quarantine.push(
    ...quarantineRows(c.raw, df.filter(pl.col("__reason").isNotNull()), table, parsedColumns(c)),
  );
  return df.filter(pl.col("__reason").isNull()).drop(
    "__reason",
    ...keys.map((k) => `__k_${k}`),
  );
}

function orphanCheck(
  c: ReturnType<typeof checkTable>,
  table: string,
  ids: pl.Series,
): pl.DataFrame {
  const known = isIn(pl.col("customer_id"), ids);
  const df = c.frame.withColumns(
    pl.when(known).then(pl.lit(null)).otherwise(
      pl.lit(`unknown customer_id\u0000${c.source.get("customer_id")}`),
    ).cast(pl.Utf8).alias("__reason"),
  );
  c.quarantine.push(
    ...quarantineRows(c.raw, df.filter(pl.col("__reason").isNotNull()), table, parsedColumns(c)),
  );
  return df.filter(pl.col("__reason").isNull()).drop("__reason");
}

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
 * ```ts ignore
 * import { loadConfig } from "./config.ts";
 * import { ingest } from "./ingest.ts";
 * const { outputs } = ingest(await loadConfig("data/sample/config.json"));
 * console.log(outputs.summary.orders);
 * ```
 */
export function ingest(
  loaded: LoadedConfig,
  options: IngestOptions = {},
): StageResult<IngestOutputs> {
  const { config } = loaded;
  const maxDate = new Date(
    `${options.maxDate ?? config.maxDate ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`,
  );
  const warnings: StageWarning[] = [];
  const names = (Object.keys(TABLE_COLUMNS) as TableName[]).filter((n) => config.tables[n]);
  const checked = new Map<TableName, ReturnType<typeof checkTable>>();
  const customersConfig = config.tables.customers;
  for (const name of names) {
    if (name === "customers" && customersConfig.derive) continue;
    const t = config.tables[name]!;
    const c = checkTable(loaded, name, t, maxDate, options.batchRows ?? BATCH_ROWS);
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
    customers = from.frame.select("customer_id").unique({ maintainOrder: true }).sort(
      "customer_id",
    );
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
    if (name !== "customers") c.frame = orphanCheck(c, name, ids);
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
  for (const o of roles.outcomes) {
    if (!available.has(o)) {
      throw new InputError(
        `Invalid config ${loaded.path}: roles.outcomes names '${o}', which customers does not ` +
          `have${didYouMean(o, available)}`,
        { file: loaded.path, column: o },
      );
    }
  }
  if (roles.outcomes.length) outcomes = customers.select("customer_id", ...roles.outcomes);
  const never = new Set([
    "customer_id",
    "signup_date",
    ...roles.outcomes,
    ...roles.exclude,
    ...roles.pii,
    ...(cust ? [...cust.source.values()].filter((v) => !cust.source.has(v)) : []),
  ]);
  const candidates = roles.features ?? [...custTypes.keys()].filter((c) => !never.has(c));
  for (const f of candidates) {
    if (!available.has(f)) {
      throw new InputError(
        `Invalid config ${loaded.path}: roles.features names '${f}', which customers does not ` +
          `have${didYouMean(f, available)}`,
        { file: loaded.path, column: f },
      );
    }
    const kind = custTypes.get(f);
    const numeric = (kind === "number" || kind === "integer" || kind === "boolean") &&
      !roles.categorical.includes(f);
    if (kind === "date" || kind === "datetime" || kind === "id") continue;
    attributes.push({ name: f, kind: numeric ? "numeric" : "categorical" });
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
