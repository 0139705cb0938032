/**
 * Option rules: each stage declares its options once, as a table of rules (type, default,
 * range, documentation). The same table fills in defaults and checks a stage call, checks a
 * config's stage section when it is loaded (before any stage runs), and generates that
 * section of `config.schema.json` for editors. An unknown key or a bad value fails with an
 * {@link OptionError} naming the stage, the key and what was expected.
 *
 * @example
 * ```ts
 * import { int, oneOf, type OptionsOf, parseOptions, withDefault } from "./options.ts";
 * const RULES = {
 *   method: withDefault(oneOf("fast", "exact"), "fast", "How to do it"),
 *   size: withDefault(int(1), 10, "How many"),
 * };
 * const o: OptionsOf<typeof RULES> = parseOptions("demo", RULES, { size: 3 });
 * if (o.method !== "fast" || o.size !== 3) throw new Error("defaults not merged");
 * let message = "";
 * try {
 *   parseOptions("demo", RULES, { sise: 3 });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes("did you mean 'size'")) throw new Error(message);
 * ```
 *
 * @module
 */

import { closest, InputError } from "./errors.ts";

/** A JSON Schema fragment. */
export type JsonSchema = Record<string, unknown>;

/** What one option may be. `T` is the type the stage receives. */
export interface Rule<T> {
  /** What the value must be, worded for messages: "an integer ≥ 1". */
  says: string;
  /** Whether a given value is allowed. */
  ok(value: unknown): boolean;
  /** The value's JSON Schema, for editors. */
  schema: JsonSchema;
  /** The default; absent for options that are off unless given. */
  default?: T;
  /** One line for the schema and the README: what the option does. */
  doc?: string;
  /** The name messages use for the option's owner when it is not the stage ("kmeans"). */
  owner?: string;
  /** Set by {@link required}: the option has no default and must be given. */
  required?: boolean;
  /** Set by {@link nested}: the rules of an object's own options, merged key by key. */
  fields?: Rules;
  /** Phantom field carrying `T`. */
  readonly _type?: T;
}

/** A stage's rule table. */
// deno-lint-ignore no-explicit-any
export type Rules = Record<string, Rule<any>>;

type Present = { default: unknown } | { required: true };

/** The options a rule table describes, every one present (defaults filled in). */
export type OptionsOf<R extends Rules> =
  & {
    [K in keyof R as R[K] extends Present ? K : never]: R[K] extends Rule<infer T> ? T : never;
  }
  & {
    [K in keyof R as R[K] extends Present ? never : K]?: R[K] extends Rule<infer T> ? T : never;
  };

/**
 * The options as a caller writes them: any key may be left out (but {@link required} ones), and
 * so may any key of a {@link nested} table.
 */
export type OptionsInput<R extends Rules> =
  & { [K in keyof R as R[K] extends { required: true } ? K : never]: InputOf<R[K]> }
  & { [K in keyof R as R[K] extends { required: true } ? never : K]?: InputOf<R[K]> };

type InputOf<R> = R extends { fields: infer S extends Rules } ? OptionsInput<S>
  : R extends Rule<infer T> ? T
  : never;

/** Bad options: a config section or a stage call with an unknown key or a value out of range. */
export class OptionError extends InputError {
  /** The stage whose options are bad. */
  readonly stage: string;
  /** The offending key. */
  readonly key: string;

  constructor(message: string, stage: string, key: string, file?: string) {
    super(message, { file });
    this.name = "OptionError";
    this.stage = stage;
    this.key = key;
  }
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An integer in [min, max]. */
export function int(min = -(2 ** 53), max = 2 ** 53): Rule<number> {
  const says = max < 2 ** 53
    ? `an integer in [${min}, ${max}]`
    : min > -(2 ** 53)
    ? `an integer ≥ ${min}`
    : "an integer";
  const schema: JsonSchema = { type: "integer" };
  if (min > -(2 ** 53)) schema.minimum = min;
  if (max < 2 ** 53) schema.maximum = max;
  return {
    says,
    ok: (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    schema,
  };
}

/** A finite number in [min, max] (or (min, max] with `exclusiveMin`, [min, max) with `exclusiveMax`). */
export function num(
  min = -Infinity,
  max = Infinity,
  exclusiveMin = false,
  exclusiveMax = false,
): Rule<number> {
  const lo = exclusiveMin ? `> ${min}` : `≥ ${min}`;
  const says = Number.isFinite(max)
    ? `a number in ${exclusiveMin ? "(" : "["}${min}, ${max}${exclusiveMax ? ")" : "]"}`
    : Number.isFinite(min)
    ? `a number ${lo}`
    : "a number";
  const schema: JsonSchema = { type: "number" };
  if (Number.isFinite(min)) schema[exclusiveMin ? "exclusiveMinimum" : "minimum"] = min;
  if (Number.isFinite(max)) schema[exclusiveMax ? "exclusiveMaximum" : "maximum"] = max;
  return {
    says,
    ok: (v) =>
      finite(v) && (exclusiveMin ? v > min : v >= min) && (exclusiveMax ? v < max : v <= max),
    schema,
  };
}

/** true or false. */
export function bool(): Rule<boolean> {
  return { says: "true or false", ok: (v) => typeof v === "boolean", schema: { type: "boolean" } };
}

/** Any string (optionally matching a pattern). */
export function str(pattern?: RegExp, says = "a string"): Rule<string> {
  return {
    says,
    ok: (v) => typeof v === "string" && (!pattern || pattern.test(v)),
    schema: pattern ? { type: "string", pattern: pattern.source } : { type: "string" },
  };
}

/** One of the listed values. */
export function oneOf<const T extends string | number | boolean>(...values: T[]): Rule<T> {
  const shown = values.map((v) => JSON.stringify(v));
  const says = shown.length === 1
    ? shown[0]
    : `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
  return { says, ok: (v) => values.includes(v as T), schema: { enum: values } };
}

/** A list whose items each pass `item`. */
export function listOf<T>(item: Rule<T>, minItems = 0): Rule<T[]> {
  return {
    says: `a list of ${item.says.replace(/^an? /, "")}${item.says.startsWith("a") ? "s" : ""}`
      .replace(/ss$/, "s"),
    ok: (v) => Array.isArray(v) && v.length >= minItems && v.every((x) => item.ok(x)),
    schema: { type: "array", items: item.schema, ...(minItems ? { minItems } : {}) },
  };
}

/** A value any of the rules allow. An object is checked key by key when one is {@link nested}. */
export function anyOf<A, B>(a: Rule<A>, b: Rule<B>): Rule<A | B> {
  const fields = a.fields ?? b.fields;
  return {
    says: `${a.says} or ${b.says}`,
    ok: (v) => a.ok(v) || b.ok(v),
    schema: { anyOf: [a.schema, b.schema] },
    ...(fields ? { fields } : {}),
  };
}

/** The rule, or null. */
export function nullable<T>(rule: Rule<T>): Rule<T | null> {
  return {
    ...rule,
    says: rule.says.includes(" or ") ? `null, ${rule.says}` : `${rule.says} or null`,
    ok: (v) => v === null || rule.ok(v),
    schema: { anyOf: [rule.schema, { type: "null" }] },
  };
}

/**
 * An object holding options of its own, each with its rule and default: a caller gives any of
 * them and the rest keep their defaults; a bad or unknown one is named by its path
 * ("logistic.C").
 *
 * @example
 * ```ts
 * import { int, nested, num, parseOptions, withDefault } from "./options.ts";
 * const RULES = {
 *   tree: nested({
 *     depth: withDefault(int(1), 8, "Deepest level"),
 *     share: withDefault(num(0, 1), 0.5, "Share of rows"),
 *   }, "Settings of the tree"),
 * };
 * const o = parseOptions("demo", RULES, { tree: { depth: 3 } });
 * if (o.tree.depth !== 3 || o.tree.share !== 0.5) throw new Error("not merged key by key");
 * let message = "";
 * try {
 *   parseOptions("demo", RULES, { tree: { share: 2 } });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith("The 'tree.share' option of demo")) throw new Error(message);
 * ```
 */
export function nested<R extends Rules>(
  rules: R,
  doc: string,
  says = `an object with ${Object.keys(rules).join(", ")}`,
): Omit<Rule<OptionsOf<R>>, "default" | "fields"> & { default: OptionsOf<R>; fields: R } {
  return {
    says,
    ok: (v) =>
      isObject(v) && Object.keys(v).every((k) => k in rules) &&
      Object.entries(rules).every(([k, r]) => v[k] === undefined ? !r.required : r.ok(v[k])),
    schema: optionsJsonSchema(rules),
    default: defaultsOf(rules),
    doc,
    fields: rules,
  };
}

/** The rule of an option with no default that every call must give. */
export function required<T>(rule: Rule<T>, doc: string): Rule<T> & { required: true } {
  return { ...rule, doc, required: true };
}

/** An object with the given fields (all required unless listed in `optional`), no others. */
export function shape<T extends Record<string, unknown>>(
  fields: { [K in keyof T]: Rule<T[K]> },
  says: string,
  optional: (keyof T)[] = [],
): Rule<T> {
  const keys = Object.keys(fields) as (keyof T)[];
  return {
    says,
    ok: (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) &&
      Object.keys(v).every((k) => k in fields) &&
      keys.every((k) =>
        (v as T)[k] === undefined ? optional.includes(k) : fields[k].ok((v as T)[k])
      ),
    schema: {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(keys.map((k) => [k, fields[k].schema])),
      required: keys.filter((k) => !optional.includes(k)),
    },
  };
}

/** An object of key → value, keys from `keys` when given. */
export function recordOf<T>(value: Rule<T>, keys?: readonly string[]): Rule<Record<string, T>> {
  return {
    says: keys
      ? `an object of ${keys.join(" / ")} → ${value.says}`
      : `an object of name → ${value.says}`,
    ok: (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) &&
      Object.entries(v).every(([k, x]) => (!keys || keys.includes(k)) && value.ok(x)),
    schema: {
      type: "object",
      additionalProperties: value.schema,
      ...(keys ? { propertyNames: { enum: keys } } : {}),
    },
  };
}

/** A rule that also passes a custom test, worded by `says`. */
export function refine<T>(base: Rule<T>, says: string, test: (v: T) => boolean): Rule<T> {
  return { ...base, says, ok: (v) => base.ok(v) && test(v as T) };
}

/** The rule with a default and its documentation. */
export function withDefault<T, D extends T>(
  rule: Rule<T>,
  value: D,
  doc: string,
): Rule<T> & { default: T } {
  return { ...rule, default: value, doc };
}

/** The rule, off unless given, with its documentation. */
export function optional<T>(rule: Rule<T>, doc: string): Rule<T> {
  return { ...rule, doc };
}

/** The rule, with messages naming `owner` instead of the stage (a method's own options). */
export function ownedBy<R extends Rule<unknown>>(owner: string, rule: R): R {
  return { ...rule, owner };
}

/** The defaults of a rule table. */
export function defaultsOf<R extends Rules>(rules: R): OptionsOf<R> {
  const out: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(rules)) {
    if ("default" in r) out[k] = structuredClone(r.default);
  }
  return out as OptionsOf<R>;
}

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v) ?? String(v);
}

/** Options that a stage call accepts besides its rules (callbacks, never in a config). */
export interface ParseExtras {
  /** Keys allowed in a call but not declared as rules (functions such as onProgress). */
  allow?: readonly string[];
  /** The config file, for the message. */
  file?: string;
  /** The prefix messages give a key: "cluster." for a config section. */
  path?: string;
}

/**
 * Merges `given` over the rules' defaults and checks every key: an unknown one (with the
 * nearest valid name), a value a rule refuses, a {@link required} one missing. A {@link nested}
 * object is merged and checked the same way, key by key. Undefined values count as not given.
 */
export function parseOptions<R extends Rules>(
  stage: string,
  rules: R,
  given: unknown,
  extras: ParseExtras = {},
): OptionsOf<R> {
  const path = extras.path ?? "";
  if (given !== undefined && !isObject(given)) {
    throw new OptionError(
      `The options of ${stage} must be an object. Got ${show(given)} instead${
        extras.file ? ` in ${extras.file}` : ""
      }`,
      stage,
      path.replace(/\.$/, ""),
      extras.file,
    );
  }
  return parseTable(stage, rules, given ?? {}, extras, "") as OptionsOf<R>;
}

/** Checks one table of options; `inner` is the path of a nested table ("logistic."). */
function parseTable(
  stage: string,
  rules: Rules,
  given: Record<string, unknown>,
  extras: ParseExtras,
  inner: string,
): Record<string, unknown> {
  const where = extras.file ? ` in ${extras.file}` : "";
  const path = (extras.path ?? "") + inner;
  const entries = Object.entries(given).filter(([, v]) => v !== undefined);
  const known = Object.keys(rules);
  for (const [key] of entries) {
    if (key in rules || (inner === "" && extras.allow?.includes(key))) continue;
    const near = closest(key, known);
    throw new OptionError(
      `Unknown option '${path}${key}' of ${stage}${near ? ` (did you mean '${near}'?)` : ""}` +
        `${where}. Valid options: ${known.join(", ")}`,
      stage,
      inner + key,
      extras.file,
    );
  }
  const out = { ...defaultsOf(rules), ...Object.fromEntries(entries) } as Record<string, unknown>;
  for (const [key, rule] of Object.entries(rules)) {
    let v = out[key];
    if (v === undefined && !("default" in rule) && !rule.required) continue;
    if (rule.fields && isObject(v)) {
      v = out[key] = parseTable(stage, rule.fields, v, extras, `${inner}${key}.`);
    }
    if (!rule.ok(v)) {
      throw new OptionError(
        `The '${path}${key}' option of ${rule.owner ?? stage} must be ${rule.says}. Got ${
          show(v)
        } instead${where}`,
        stage,
        inner + key,
        extras.file,
      );
    }
  }
  return out;
}

/**
 * The JSON Schema of a rule table: one property per option with its type, range, default and
 * documentation, and no other keys allowed.
 *
 * @example
 * ```ts
 * import { int, optionsJsonSchema, withDefault } from "./options.ts";
 * const s = optionsJsonSchema({ k: withDefault(int(1), 4, "Segments") }) as {
 *   properties: { k: { default: number; minimum: number } };
 * };
 * if (s.properties.k.default !== 4 || s.properties.k.minimum !== 1) throw new Error("lost");
 * ```
 */
export function optionsJsonSchema(rules: Rules): JsonSchema {
  const required = Object.keys(rules).filter((k) => rules[k].required);
  return {
    type: "object",
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    properties: Object.fromEntries(
      Object.entries(rules).map(([k, r]) => [k, {
        ...r.schema,
        ...(r.doc ? { description: r.doc } : {}),
        ...("default" in r ? { default: r.default } : {}),
      }]),
    ),
  };
}
