/**
 * Ingest's work on one table: read it a part at a time, map its columns onto the canonical
 * names, parse and check every value in one projection, and set aside (with file, line, column
 * and reason) the rows that fail; then duplicates and rows of unknown customers.
 *
 * @module
 */

import pl from "nodejs-polars";
import { isIn } from "./_polars.ts";
import type { LoadedConfig, TableConfig, TableName } from "../config.ts";
import { didYouMean, InputError } from "../errors.ts";
import { type RawTable, readTable } from "./_read_table.ts";
import { CATEGORICAL_COLUMNS } from "../types.ts";
import { releaseMemory } from "../memory.ts";
import { columnType, NON_NEGATIVE, parseExpr, REQUIRED, unparseableReason } from "./_types.ts";
import { quarantineFrame, type RecordColumn, type RecordPolicy } from "./_quarantine.ts";
import { noMasks } from "./_mask.ts";

/** A table after its values were checked, as the later checks take it. */
export type CheckedTable = Awaited<ReturnType<typeof checkTable>>;

export interface Checked {
  frame: pl.DataFrame;
  /** The rows set aside so far, a frame per batch (see _quarantine.ts). */
  quarantine: pl.DataFrame[];
  read: number;
}

/** Canonical columns that are ids: written as they are, never masked. */
const ID_COLUMNS = ["customer_id", "order_id"];

/** Renames file columns to canonical names, drops dropped ones; missing columns are fatal. */
function mapColumns(
  columns: string[],
  file: string,
  t: TableConfig,
  table: TableName,
  joined: Map<string, { parts: string[]; column: string }>,
  hint: string,
): Map<string, string> {
  const have = new Set(columns);
  const source = new Map<string, string>(); // canonical → file column
  const consumed = new Set<string>();
  for (const [canonical, cols] of Object.entries(t.columns)) {
    for (const col of typeof cols === "string" ? [cols] : cols) {
      if (!have.has(col)) {
        throw new InputError(
          `Cannot read ${file}: column '${col}' (mapped to ${table}.${canonical}) is missing${
            didYouMean(col, have)
          }; the file has ${[...have].filter((c) => !c.startsWith("__")).join(", ")}${hint}`,
          { file, column: col },
        );
      }
      consumed.add(col);
    }
    source.set(canonical, typeof cols === "string" ? cols : joined.get(canonical)!.column);
  }
  for (const col of t.drop) {
    if (!have.has(col)) {
      throw new InputError(
        `Cannot read ${file}: column '${col}' listed in 'drop' is missing${
          didYouMean(col, have)
        }${hint}`,
        { file, column: col },
      );
    }
  }
  const mapped = new Set([...source.values(), ...consumed]);
  for (const c of columns) {
    if (!c.startsWith("__") && !mapped.has(c) && !t.drop.includes(c) && !source.has(c)) {
      source.set(c, c);
    }
  }
  return source;
}

/** Text of a title and a body read as one: "Title. Body", "标题。正文", "Title! Body". */
function joinTexts(parts: pl.Expr[]): pl.Expr {
  return parts.reduce((acc, part) => {
    const sep = pl.when(acc.str.contains("[.!?…。！？；;:：]$")).then(pl.lit(" "))
      .when(acc.str.contains("\\p{Han}$")).then(pl.lit("。"))
      .otherwise(pl.lit(". "));
    return pl.when(acc.isNull()).then(part).when(part.isNull()).then(acc)
      .otherwise(pl.concatString([acc, sep, part], ""));
  });
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

/** Reads, maps, parses and validates one table (duplicates and orphans come later). */
export async function checkTable(
  loaded: LoadedConfig,
  table: TableName,
  t: TableConfig,
  maxDate: Date,
  batchRows: number,
): Promise<
  Checked & {
    raw: RawTable;
    source: Map<string, string>;
    types: Map<string, string>;
    fileCols: string[];
    policy: RecordPolicy;
    /** customers only: the ids of rows set aside, so rows that cite them can say why. */
    rejected?: pl.Series;
  }
> {
  const raw = readTable(loaded.dir, t, batchRows, table);
  // Cleaning (byte-order marks, surrounding spaces, null markers) is an expression, inlined
  // wherever a column is read: the whole table is never copied as cleaned text.
  const nulls = t.nullValues;
  const clean = (c: string) => {
    const e = t.trim ? pl.col(c).str.stripChars(" \t\r\n\uFEFF") : pl.col(c);
    const marker = nulls.length === 1 ? e.eq(pl.lit(nulls[0])) : isIn(e, nulls);
    return nulls.length ? pl.when(marker).then(pl.lit(null)).otherwise(e) : e;
  };
  // Ids the file lacks are made from row numbers: customers (or reviews) numbered 1, 2, 3…;
  // orders without an order id are one order per row.
  const seqId = (prefix: string) =>
    pl.concatString([pl.lit(prefix), pl.col("__seq").add(1).cast(pl.Utf8)], "");
  const made: [string, pl.Expr][] = [];
  if (t.rowId) made.push(["customer_id", seqId("")]);
  if (table === "orders" && !t.columns.order_id && !raw.columns.includes("order_id")) {
    made.push(["order_id", seqId("row-")]);
  }
  // A text made of several columns (title and body) is one column, named after its parts, from
  // the start: its checks, quarantine records and everything after see the joined text.
  const joined = new Map<string, { parts: string[]; column: string }>();
  for (const [canonical, cols] of Object.entries(t.columns)) {
    if (typeof cols === "string") continue;
    const present = cols.filter((c) => raw.columns.includes(c));
    const column = cols.join(" + ");
    joined.set(canonical, { parts: cols, column });
    // A missing part is reported by mapColumns below.
    if (present.length === cols.length) made.push([column, joinTexts(cols.map(clean))]);
  }
  const withIds = (frame: pl.DataFrame) =>
    made.length ? frame.withColumns(...made.map(([name, e]) => e.alias(name))) : frame;
  const source = mapColumns(
    [...raw.columns, ...made.map(([name]) => name)],
    raw.names[0],
    t,
    table,
    joined,
    raw.hint,
  );
  const fileCols = [...new Set(source.values())];
  const required = REQUIRED[table].filter((c) => !(c in t.compute));
  for (const c of required) {
    if (!source.has(c)) {
      const file = raw.names[0];
      throw new InputError(
        `Cannot read ${file}: required column '${c}' of ${table} is missing${
          didYouMean(c, fileCols)
        }; map it in tables.${table}.columns${raw.hint}`,
        { file, column: c },
      );
    }
  }
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
      for (const check of numberChecks(canonical, pc, t, tag)) valueChecks.push(check);
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
    for (const check of numberChecks(name, pl.col(`__p_${name}`), t, (r) => `${r}\u0000${col}`)) {
      valueChecks.push(check);
    }
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
  const keep = [...source.keys(), ...computed].map((c) =>
    table !== "customers" && CATEGORICAL_COLUMNS.has(c) &&
      (types.get(c) === "string" || types.get(c) === "id")
      ? pl.col(`__p_${c}`).cast(pl.Categorical).alias(c)
      : pl.col(`__p_${c}`).alias(c)
  );
  const ids = new Set(
    [...source].filter(([canonical]) =>
      ID_COLUMNS.includes(canonical) || types.get(canonical) === "id"
    ).map(([, col]) => col),
  );
  const policy: RecordPolicy = {
    ids,
    personal: new Set(table === "customers" ? loaded.config.roles.pii : []),
    masked: noMasks(),
  };
  const rawColumns: RecordColumn[] = fileCols.map((c) => ({ key: c, from: c, file: c }));
  const reasonOf = all.map(([, tag]) => tag.split("\u0000")[0]);
  const columnOf = all.map(([, tag]) => tag.split("\u0000")[1] ?? "");
  const codeTo = (values: string[]) =>
    pl.col("__code").replaceStrict(values.map((_, k) => k + 1), values, undefined, pl.Utf8);
  const parts: pl.DataFrame[] = [];
  const quarantine: pl.DataFrame[] = [];
  const rejected: pl.Series[] = [];
  let read = 0;
  // A part at a time: one projection to compact typed columns, presence flags and the number
  // of the first failed check; the raw text of a part is only read again for its bad rows.
  for (let b = firstBatch, frame = first; !b.done;) {
    read += frame.height;
    let df = frame.select("__seq", "__file", "__row", ...parsed);
    if (products.length) df = df.withColumns(...products);
    df = df.withColumns(reasonCode(all).alias("__code"));
    const isBad = df.select(pl.col("__code").gt(0).alias("bad")).getColumn("bad");
    if (isBad.cast(pl.UInt32).sum() > 0) {
      const codes = df.getColumn("__code").filter(isBad);
      const bad = frame.filter(isBad).withColumns(codes.alias("__code")).withColumns(
        codeTo(reasonOf).alias("__reason"),
        codeTo(columnOf).alias("__column"),
      );
      quarantine.push(quarantineFrame(raw, bad, table, rawColumns, policy));
      if (table === "customers" && source.has("customer_id")) {
        rejected.push(
          df.filter(isBad).select(pl.col("__p_customer_id").cast(pl.Utf8).alias("id"))
            .getColumn("id").dropNulls(),
        );
      }
    }
    parts.push(
      df.lazy().filter(pl.col("__code").eq(0)).select("__seq", "__file", "__row", ...keep)
        .collectSync(),
    );
    b = batches.next();
    if (!b.done) frame = withIds(b.value);
    // The part just checked is unreachable now; let its native memory go (see the module).
    await releaseMemory();
  }
  const kept = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
  for (const c of computed) source.set(c, c);
  return {
    frame: kept,
    quarantine,
    read,
    raw,
    source,
    types,
    fileCols,
    policy,
    rejected: rejected.length === 0
      ? undefined
      : rejected.length === 1
      ? rejected[0]
      : pl.concat(rejected),
  };
}
