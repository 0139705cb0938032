/**
 * Dataset configs: which files hold which canonical table, how to parse them, which columns are
 * features, ids or outcomes, and each stage's options. One JSON file per data set, validated with
 * a zod schema whose errors name the key and what was expected; `config.schema.json` beside this
 * module is the same schema for editors.
 *
 * @module
 */

import { z } from "zod";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { describeFsError, InputError } from "./errors.ts";
import { COLUMN_ROLES, type ColumnRole } from "./types.ts";
import { type JsonSchema, optionsJsonSchema, parseOptions, type Rules } from "./options.ts";
import { CLASSIFY_RULES, resolveClassifyOptions } from "./classify/options.ts";
import { CLUSTER_RULES, resolveClusterOptions } from "./cluster/options.ts";
import {
  EVALUATE_RULES,
  EXPERIMENT_RULES,
  type ExperimentOptionsInput,
  resolveEvaluateOptions,
  resolveExperimentOptions,
} from "./evaluate/options.ts";
import { FEATURES_RULES } from "./features/options.ts";
import { IMPORTANCE_RULES } from "./importance/options.ts";
import { MATRIX_RULES } from "./matrix/options.ts";
import { PERSONAS_RULES, resolvePersonasOptions } from "./personas/options.ts";
import { resolveTextOptions, TEXT_RULES } from "./text/options.ts";
import { resolveValueOptions, VALUE_RULES } from "./value/options.ts";
import { PRIVACY_DEFAULTS, PRIVACY_RULES, type PrivacyOptions } from "./privacy.ts";

/** A config section's option rules and, where it has one, the check across its options. */
interface SectionRules {
  rules: Rules;
  /** Checks across options (kMin ≤ kMax, a scheme's required columns…), run after the rules. */
  resolve?: (given: never) => unknown;
}

/**
 * Each stage's option rules by config section: the config is checked against them when it is
 * loaded, before any stage runs, and `config.schema.json` is generated from them.
 */
export const STAGE_RULES: Readonly<Record<string, SectionRules>> = {
  features: { rules: FEATURES_RULES },
  text: { rules: TEXT_RULES, resolve: resolveTextOptions },
  matrix: { rules: MATRIX_RULES },
  cluster: { rules: CLUSTER_RULES, resolve: resolveClusterOptions },
  classify: { rules: CLASSIFY_RULES, resolve: resolveClassifyOptions },
  importance: { rules: IMPORTANCE_RULES },
  evaluate: { rules: EVALUATE_RULES, resolve: resolveEvaluateOptions },
  experiment: { rules: EXPERIMENT_RULES, resolve: resolveExperimentOptions },
  value: { rules: VALUE_RULES, resolve: resolveValueOptions },
  personas: { rules: PERSONAS_RULES, resolve: resolvePersonasOptions },
  privacy: { rules: PRIVACY_RULES },
};

const columnType = z.union([
  z.enum(["string", "number", "integer", "boolean", "date", "datetime", "id"]),
  z.object({
    type: z.enum(["date", "datetime"]),
    /** strftime format, e.g. "%d-%m-%Y" or "%Y-%m-%d %H:%M:%S %z". */
    format: z.string(),
  }).strict(),
]);

/**
 * Delimiters and quotes are compared byte by byte, and Polars takes a single byte: a multi-byte
 * character ("，", "€") or a line break cannot work, so it is refused at load.
 */
const oneByte = z.string().refine(
  (c) => c.length === 1 && c.charCodeAt(0) > 0 && c.charCodeAt(0) < 128 && !/[\n\r]/.test(c),
  "must be one ASCII character other than a line break",
);

const excludeRule = z.object({
  column: z.string().describe("Canonical (mapped) column the rule looks at"),
  equals: z.union([z.string(), z.number()]).optional(),
  startsWith: z.string().optional(),
  in: z.array(z.string()).optional(),
  lessThan: z.number().optional(),
  lessOrEqual: z.number().optional(),
  reason: z.string().describe("Quarantine reason written for rows this rule removes"),
}).strict();

const table = z.object({
  path: z.string().describe("File or glob (*, ?) relative to the config file"),
  format: z.enum(["csv", "parquet", "jsonl", "whitespace"]).default("csv"),
  delimiter: oneByte.default(",").describe("Field delimiter of CSV files: one ASCII character"),
  quote: oneByte.default('"').describe("Quote character of CSV and whitespace files"),
  decimalComma: z.boolean().default(false),
  columns: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({})
    .describe(
      "Canonical column name → column name in the file; texts.text may list several columns " +
        '(e.g. ["Title", "Review Text"]), joined into one text per row',
    ),
  types: z.record(z.string(), columnType).default({})
    .describe("Parse type per canonical column; canonical columns have defaults"),
  nullValues: z.array(z.string()).default([""]),
  trim: z.boolean().default(true),
  key: z.array(z.string()).optional().describe(
    "Columns that must be unique; later repeats quarantined",
  ),
  dedupe: z.boolean().default(false).describe("Quarantine rows that repeat an earlier row exactly"),
  allowNegative: z.array(z.string()).default([]),
  exclude: z.array(excludeRule).default([]),
  drop: z.array(z.string()).default([]).describe("File columns to leave out entirely"),
  derive: z.enum(["orders", "events", "social", "texts"]).optional()
    .describe("customers only: build the table from the distinct customer_id of another table"),
  rowId: z.boolean().default(false)
    .describe("The file has no customer id: each row is its own customer, numbered 1, 2, 3…"),
  compute: z.record(z.string(), z.object({ multiply: z.array(z.string()).min(2) }).strict())
    .default({}).describe("Columns computed from others, e.g. amount = quantity × unit price"),
  names: z.array(z.string().min(1)).min(1).optional().describe(
    "Column names of a whitespace file without a header line: every line is then a record",
  ),
}).strict().superRefine((t, ctx) => {
  if (t.names && t.format !== "whitespace") {
    ctx.addIssue({
      code: "custom",
      path: ["names"],
      message: `only files of format "whitespace" can go without a header line; this one is ` +
        `"${t.format}"`,
    });
  }
});

const tables = z.object({
  customers: table,
  orders: table.optional(),
  events: table.optional(),
  social: table.optional(),
  texts: table.optional(),
}).strict().superRefine((t, ctx) => {
  // Only a text is made of several columns (a title and a body): one text per row.
  for (const [name, spec] of Object.entries(t)) {
    for (const [canonical, col] of Object.entries(spec?.columns ?? {})) {
      if (Array.isArray(col) && !(name === "texts" && canonical === "text")) {
        ctx.addIssue({
          code: "custom",
          path: [name, "columns", canonical],
          message: "only tables.texts.columns.text can list several columns (joined into one " +
            "text per row); map every other column to one file column",
        });
      }
    }
  }
});

const roles = z.object({
  features: z.array(z.string()).optional()
    .describe(
      "Attribute columns to use as features (default: all but ids, outcomes, exclude, pii)",
    ),
  categorical: z.array(z.string()).default([]).describe(
    "Numeric-looking columns to treat as categories",
  ),
  outcomes: z.array(z.string()).default([])
    .describe("Outcome columns: kept apart for evaluation, never features"),
  exclude: z.array(z.string()).default([]).describe("Columns that are never features"),
  pii: z.array(z.string()).default([]).describe("Columns holding personal data: dropped at ingest"),
  columns: z.record(
    z.string(),
    z.object({
      label: z.string().min(1).optional().describe("How a reader should see the column's name"),
      unit: z.enum(["currency", "days", "months", "years", "percent", "share", "count", "score"])
        .optional().describe("The unit its values are read in"),
      role: z.enum(COLUMN_ROLES as [ColumnRole, ...ColumnRole[]]).optional()
        .describe("What it is about: names segments and chooses actions"),
      missing: z.array(z.union([z.number(), z.string()])).optional()
        .describe("Values that mean 'none' (-1, 999 days…): read as missing"),
    }).strict(),
  ).default({}).describe(
    "Per column (customer attributes and outcomes): label, unit, role, sentinel values",
  ),
  currency: z.string().min(1).optional().describe(
    "Symbol money is shown with ($, €, ¥…); numbers alone when absent",
  ),
}).strict();

const stageOptions = z.record(z.string(), z.unknown());

/** The zod schema of a dataset config. */
export const ConfigSchema = z.object({
  $schema: z.string().optional(),
  name: z.string().regex(
    /^[\p{L}\p{N}_][\p{L}\p{N}_.\- ]{0,99}$/u,
    "must be a plain name (letters, digits, '_', '-', '.', spaces; no '/' or '..'): the run " +
      "folder is runs/<name>",
  ),
  description: z.string().optional(),
  seed: z.number().int().default(42),
  referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional()
    .describe("Date features are measured from (default: the day after the last timestamp)"),
  maxDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional()
    .describe("Timestamps after this date are quarantined as 'in the future' (default: today)"),
  tables,
  roles: roles.default({ categorical: [], outcomes: [], exclude: [], pii: [], columns: {} }),
  features: stageOptions.default({}),
  text: stageOptions.default({}),
  matrix: stageOptions.default({}),
  cluster: stageOptions.default({}),
  classify: stageOptions.default({}),
  importance: stageOptions.default({}),
  personas: stageOptions.default({}),
  evaluate: stageOptions.optional()
    .describe("External validity: { outcome, positive?, rfm? }; runs only when given"),
  experiment: stageOptions.optional().describe(
    "A randomised experiment on the customers: { arm, control, outcomes, pretreatment? }; its " +
      "effects are reported by segment when given",
  ),
  value: stageOptions.default({}).describe(
    "Customer value (BG/NBD, Gamma-Gamma, CLV); runs whenever the data has an orders table",
  ),
  privacy: stageOptions.default({}).describe(
    "Privacy: pseudonymous ids and the smallest segment any output shows on its own",
  ),
}).strict();

/** A validated config: stage sections as given (each stage fills in its defaults). */
export type Config = Omit<z.infer<typeof ConfigSchema>, "privacy"> & { privacy: PrivacyOptions };
export type TableConfig = z.infer<typeof table>;
export type TableName = keyof Config["tables"];

/** A validated config plus where it came from, so relative paths resolve against it. */
export interface LoadedConfig {
  config: Config;
  path: string;
  dir: string;
  /** The exact text of the file, for hashing. */
  text: string;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join(".") : "(top level)";
  return `'${key}': ${issue.message}`;
}

/**
 * Settings that cannot apply to a table's format are refused rather than ignored: a delimiter
 * given for JSON lines or Parquet (or for whitespace-separated files, which split on spaces)
 * would otherwise be silently dropped, and a delimiter equal to the quote splits nothing.
 */
function checkFormats(value: unknown, config: z.infer<typeof ConfigSchema>, file: string) {
  const given = (value as { tables?: Record<string, Record<string, unknown>> }).tables ?? {};
  for (const [name, t] of Object.entries(config.tables)) {
    if (!t) continue;
    const raw = given[name] ?? {};
    const refuse = (key: string, why: string) => {
      throw new InputError(`Invalid config ${file}: 'tables.${name}.${key}': ${why}`, { file });
    };
    if (raw.delimiter !== undefined && t.format !== "csv") {
      refuse("delimiter", `applies to CSV files only; this table's format is '${t.format}'`);
    }
    if (raw.quote !== undefined && (t.format === "parquet" || t.format === "jsonl")) {
      refuse(
        "quote",
        `applies to CSV and whitespace files only; this table's format is '${t.format}'`,
      );
    }
    if (t.delimiter === t.quote) {
      refuse(
        "delimiter",
        `must differ from the quote character (both are ${JSON.stringify(t.quote)})`,
      );
    }
  }
}

/**
 * Validates a parsed config object. Throws an {@link InputError} naming each bad key and what was
 * expected.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const c = parseConfig({ name: "x", tables: { customers: { path: "c.csv" } } }, "x.json");
 * if (c.tables.customers.delimiter !== ",") throw new Error("default not applied");
 * ```
 */
export function parseConfig(value: unknown, file: string): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue);
    throw new InputError(`Invalid config ${file}: ${lines.join("; ")}`, { file });
  }
  const config = result.data;
  checkFormats(value, config, file);
  for (const [section, { rules, resolve }] of Object.entries(STAGE_RULES)) {
    const given = config[section as keyof typeof config];
    if (given === undefined) continue;
    parseOptions(section, rules, given, { file, path: `${section}.` });
    try {
      resolve?.(given as never);
    } catch (e) {
      if (e instanceof InputError) {
        throw new InputError(`${e.message} (config section '${section}' of ${file})`, { file });
      }
      throw e;
    }
  }
  checkExperimentRoles(config, file);
  // Privacy settings are filled in here, once, so every stage reads the same values.
  return { ...config, privacy: { ...PRIVACY_DEFAULTS, ...config.privacy } };
}

/**
 * The customer columns an experiment measured after treatment (its arm and outcomes, kept out
 * of the features like `roles.outcomes`) and the pre-treatment columns it allows as features;
 * null without an experiment.
 */
export function experimentColumns(
  config: Pick<Config, "experiment">,
): { after: string[]; pretreatment: string[] | null } | null {
  if (config.experiment === undefined) return null;
  const o = resolveExperimentOptions(config.experiment as ExperimentOptionsInput);
  return { after: [o.arm, ...o.outcomes], pretreatment: o.pretreatment ?? null };
}

/** roles.features may name neither the experiment's arm or outcomes nor a post-treatment column. */
function checkExperimentRoles(config: z.infer<typeof ConfigSchema>, file: string): void {
  const exp = experimentColumns(config);
  const features = config.roles.features;
  if (!exp || !features) return;
  const bad = features.find((f) => exp.after.includes(f)) ??
    features.find((f) => exp.pretreatment !== null && !exp.pretreatment.includes(f));
  if (bad) {
    throw new InputError(
      `Invalid config ${file}: roles.features names '${bad}', which the experiment does not ` +
        `list as a pre-treatment column: columns measured after treatment (${
          exp.after.join(", ")
        }) are never features`,
      { file },
    );
  }
}

/**
 * Reads and validates a config file. The result keeps the file's folder, so paths in the config
 * resolve against it, and its exact text, for the run's hash.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { loadConfig } from "./config.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   const file = join(dir, "shop.json");
 *   await Deno.writeTextFile(
 *     file,
 *     JSON.stringify({ name: "shop", tables: { customers: { path: "customers.csv" } } }),
 *   );
 *   const loaded = await loadConfig(file);
 *   if (loaded.config.name !== "shop" || loaded.dir !== dir) throw new Error("wrong config");
 *   if (loaded.config.tables.customers.delimiter !== ",") throw new Error("default not applied");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const full = resolve(path);
  let text: string;
  try {
    text = await Deno.readTextFile(full);
  } catch (e) {
    throw new InputError(`Cannot read config ${path}: ${describeFsError(e)}`, { file: path }, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`Invalid config ${path}: not valid JSON (${(e as Error).message})`, {
      file: path,
    });
  }
  return { config: parseConfig(value, path), path: full, dir: dirname(full), text };
}

/** Resolves a path in a config against the config's folder. */
export function resolveIn(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

/** The JSON Schema of a dataset config, for editors (written to pipeline/config.schema.json). */
export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(ConfigSchema, { io: "input" }) as {
    properties: Record<string, JsonSchema>;
  };
  for (const [section, { rules }] of Object.entries(STAGE_RULES)) {
    const { description } = schema.properties[section] ?? {};
    schema.properties[section] = {
      ...optionsJsonSchema(rules),
      ...(description ? { description } : {}),
    };
  }
  return schema;
}

/** The repository's folder, with a final slash. */
const REPO_DIR = new URL("../", import.meta.url).pathname;

/**
 * The schema as `pipeline/config.schema.json` publishes it: {@link configJsonSchema} with every
 * default that lies inside the repository written relative to it (the model cache's
 * `.cache/models/`). The file is committed, and an absolute path would be right in one clone
 * only.
 */
export function publishedConfigSchema(): unknown {
  return JSON.parse(
    JSON.stringify(configJsonSchema()),
    (_key, value) =>
      typeof value === "string" && value.startsWith(REPO_DIR)
        ? value.slice(REPO_DIR.length)
        : value,
  );
}

if (import.meta.main) {
  const out = new URL("./config.schema.json", import.meta.url);
  await Deno.writeTextFile(out, JSON.stringify(publishedConfigSchema(), null, 2) + "\n");
  console.log(`Wrote ${out.pathname}`);
}
