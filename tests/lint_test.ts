/**
 * The lint rule that keeps unbounded spreads out (tests/lint/bounded_spread.ts): it flags the
 * patterns that overflowed the stack, leaves bounded ones alone, and finds nothing in the
 * product's code. `deno lint` runs it too; this test makes `deno task test` enforce it.
 */
import { deepStrictEqual } from "node:assert/strict";
import { join, relative } from "node:path";
import plugin from "./lint/bounded_spread.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function findings(file: string, source: string): string[] {
  return Deno.lint.runPlugin(plugin, file, source).map((d) => source.slice(d.range[0], d.range[1]));
}

Deno.test("the bounded-spread rule flags spreads into push, Math.max and their kin", () => {
  const source = [
    "q.push(...rows);",
    "const m = Math.max(...values);",
    "const n = Math.min(0, ...xs);",
    "out.unshift(...a);",
    "s = String.fromCharCode(...bytes);",
    "Math.max.apply(null, values);",
    "Array.prototype.push.apply(a, b);",
    "Object.assign({}, ...parts);",
  ].join("\n");
  deepStrictEqual(findings("bad.ts", source).length, 8);
});

Deno.test("the bounded-spread rule leaves bounded spreads alone", () => {
  const source = [
    "df.select(...columns);",
    "const all = [...a, ...b];",
    "const o = { ...x };",
    "f(...args);",
    "q.push(a, b);",
    "Math.max(a, b);",
  ].join("\n");
  deepStrictEqual(findings("good.ts", source), []);
});

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) { for (const f of sources(p)) out.push(f); }
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

Deno.test("no unbounded spread anywhere in pipeline/ or data/", () => {
  const found: string[] = [];
  for (const file of [...sources(join(ROOT, "pipeline")), ...sources(join(ROOT, "data"))]) {
    const text = Deno.readTextFileSync(file);
    for (const f of findings(file, text)) found.push(`${relative(ROOT, file)}: ${f}`);
  }
  deepStrictEqual(found, []);
});
