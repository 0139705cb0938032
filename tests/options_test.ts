/**
 * Every stage's option table against its own rules, through the stage's own function: each
 * default passes its rule, a misspelt key is refused naming the nearest valid one, and a value
 * of the wrong kind is refused naming the key (nested keys by their path). The tables drive the
 * cases, so a rule added later is covered without a new test.
 */
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { OptionError, type Rule, type Rules } from "../pipeline/options.ts";
import { buildFeatures, FEATURES_RULES } from "../pipeline/features/mod.ts";
import { fitText, TEXT_RULES } from "../pipeline/text/mod.ts";
import { fitMatrix, MATRIX_RULES } from "../pipeline/matrix/mod.ts";
import {
  CLASSIFY_RULES,
  classifyStage,
  FIT_RULES,
  fitClassifier,
} from "../pipeline/classify/mod.ts";
import {
  IMPORTANCE_RULES,
  importanceStage,
  permutationImportance,
} from "../pipeline/importance/mod.ts";
import { EVALUATE_RULES, evaluateStage } from "../pipeline/evaluate/mod.ts";
import { buildPersonas, PERSONAS_RULES } from "../pipeline/personas/mod.ts";
import { fromRows } from "../pipeline/types.ts";

/** A stage's table, the name its messages use, and a call that parses options first. */
interface Case {
  stage: string;
  rules: Rules;
  call: (options: Record<string, unknown>) => unknown;
  /** Options every call needs (required keys). */
  base?: Record<string, unknown>;
  /** Valid objects to put bad nested values in, by path, where the default is not one. */
  nestedBase?: Record<string, Record<string, unknown>>;
}

// The inputs are never read: every call below fails on its options first.
const matrix = fromRows([[0], [1]], ["x"]);
const frame = pl.DataFrame({ customer_id: ["a"] });
const none = undefined as never;

const CASES: Case[] = [
  { stage: "features", rules: FEATURES_RULES, call: (o) => buildFeatures({ customers: frame }, o) },
  { stage: "text", rules: TEXT_RULES, call: (o) => fitText({ texts: frame }, o) },
  { stage: "matrix", rules: MATRIX_RULES, call: (o) => fitMatrix(frame, [], o) },
  { stage: "classify", rules: CLASSIFY_RULES, call: (o) => classifyStage(matrix, [0, 1], o) },
  { stage: "fitClassifier", rules: FIT_RULES, call: (o) => fitClassifier(matrix, [0, 1], o) },
  { stage: "importance", rules: IMPORTANCE_RULES, call: (o) => importanceStage(none, o) },
  {
    stage: "importance",
    rules: IMPORTANCE_RULES,
    call: (o) => permutationImportance(none, matrix, [0, 1], o),
  },
  {
    stage: "evaluate",
    rules: EVALUATE_RULES,
    call: (o) => evaluateStage(none, o as never),
    base: { outcome: "Response" },
    nestedBase: { rfm: { frequency: "orders", monetary: "spend", scheme: "score" } },
  },
  { stage: "personas", rules: PERSONAS_RULES, call: (o) => buildPersonas(none, o) },
];

/** The error a call fails with, whether it throws or rejects. */
async function refusal(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail");
}

/** A value of the wrong kind for a rule, read off its JSON Schema. */
function wrongKind(rule: Rule<unknown>): unknown {
  const s = rule.schema;
  if (s.enum) return "no-such-choice";
  if (s.anyOf) return [];
  switch (s.type) {
    case "integer":
      return 1.5;
    case "number":
      return "1";
    case "boolean":
      return "yes";
    case "string":
      return 42;
    case "array":
      return "a,b";
    default:
      return 7;
  }
}

/** A near miss of a key: a letter dropped from the middle, or the last doubled if short. */
function misspelt(key: string): string {
  if (key.length < 4) return key + key.at(-1);
  const i = Math.floor(key.length / 2);
  return key.slice(0, i) + key.slice(i + 1);
}

/** Puts `value` at `path` ("llm.seed") in a copy of `options`, building objects on the way. */
function at(
  options: Record<string, unknown>,
  path: string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...options, [head]: value };
  const inner = options[head] as Record<string, unknown> | undefined;
  return { ...options, [head]: at(inner ?? {}, rest, value) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every (path, rule) of a table, nested tables included. */
function* allRules(rules: Rules, prefix: string[] = []): Generator<[string[], Rule<unknown>]> {
  for (const [key, rule] of Object.entries(rules)) {
    yield [[...prefix, key], rule];
    if (rule.fields) yield* allRules(rule.fields, [...prefix, key]);
  }
}

/** The valid object a nested rule's bad values go into. */
function holder(c: Case, path: string[]): Record<string, unknown> {
  const parent = path.slice(0, -1);
  if (parent.length === 0) return { ...c.base };
  let rule: Rule<unknown> | undefined;
  let rules = c.rules;
  for (const k of parent) {
    rule = rules[k];
    rules = rule.fields ?? {};
  }
  const given = c.nestedBase?.[parent.join(".")] ??
    (typeof rule?.default === "object" && rule.default !== null ? rule.default : {});
  return at({ ...c.base }, parent, structuredClone(given));
}

for (const c of CASES) {
  Deno.test(`${c.stage}: every default passes its own rule`, () => {
    for (const [path, rule] of allRules(c.rules)) {
      if ("default" in rule) {
        assert.ok(rule.ok(rule.default), `the default of '${path.join(".")}' fails its rule`);
      }
      assert.ok(rule.doc, `'${path.join(".")}' has no doc`);
    }
  });

  Deno.test(`${c.stage}: a misspelt key is refused naming the nearest valid key`, async () => {
    for (const [path] of allRules(c.rules)) {
      const typo = [...path.slice(0, -1), misspelt(path.at(-1)!)];
      const options = at(holder(c, path), typo, 1);
      const e = await refusal(() => c.call(options));
      assert.ok(e instanceof OptionError, `${typo.join(".")}: ${e}`);
      assert.match(
        e.message,
        new RegExp(
          `^Unknown option '${escape(typo.join("."))}' of ${c.stage} ` +
            `\\(did you mean '${escape(path.at(-1)!)}'\\?\\)\\. Valid options: `,
        ),
      );
    }
  });

  Deno.test(`${c.stage}: a value of the wrong kind is refused naming the key`, async () => {
    for (const [path, rule] of allRules(c.rules)) {
      const bad = wrongKind(rule);
      const e = await refusal(() => c.call(at(holder(c, path), path, bad)));
      assert.ok(e instanceof OptionError, `${path.join(".")} = ${JSON.stringify(bad)}: ${e}`);
      assert.equal(e.key, path.join("."));
      assert.equal(
        e.message,
        `The '${path.join(".")}' option of ${rule.owner ?? c.stage} must be ${rule.says}. ` +
          `Got ${JSON.stringify(bad)} instead`,
      );
    }
  });

  const required = Object.keys(c.rules).filter((k) => c.rules[k].required);
  if (required.length) {
    Deno.test(`${c.stage}: a required option left out is refused naming it`, async () => {
      for (const key of required) {
        const { [key]: _, ...rest } = c.base ?? {};
        const e = await refusal(() => c.call(rest));
        assert.ok(e instanceof OptionError);
        assert.equal(
          e.message,
          `The '${key}' option of ${c.stage} must be ${c.rules[key].says}. Got undefined instead`,
        );
      }
    });
  }
}
