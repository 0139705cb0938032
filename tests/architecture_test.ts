/**
 * The layout's rules, checked on the real module graph (`deno info --json`): a folder per stage
 * with `_` files private to it, no import cycles, data flowing from the runner to the stages and
 * never back, and a small top level. And the public API's docs, checked on `deno doc --json`:
 * every function it exports has a summary and an example that `deno test --doc` runs.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL as toFileUrl } from "node:url";

const PIPELINE = fromFileUrl(new URL("../pipeline/", import.meta.url));
const STAGES = [
  "ingest",
  "features",
  "text",
  "matrix",
  "cluster",
  "classify",
  "importance",
  "evaluate",
  "personas",
  "charts",
  "report",
  "score",
];
/** Folders that drive the stages: a stage or the shared code importing one is a layering bug. */
const DRIVERS = ["runner", "history", "notebook", "cli"];

function pipelineFiles(dir = PIPELINE): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) { for (const f of pipelineFiles(p)) out.push(f); }
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/** pipeline-relative path → the pipeline modules it imports (statically or dynamically). */
async function moduleGraph(): Promise<Map<string, string[]>> {
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      entry,
      pipelineFiles().map((f) => `import "file://${f}";`).join("\n"),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: { specifier: string; dependencies?: { code?: { specifier: string } }[] }[];
    };
    const local = (s: string) =>
      s.startsWith("file://") && fromFileUrl(s).startsWith(PIPELINE)
        ? relative(PIPELINE, fromFileUrl(s))
        : undefined;
    const graph = new Map<string, string[]>();
    for (const m of info.modules) {
      const from = local(m.specifier);
      if (!from) continue;
      const deps = (m.dependencies ?? []).map((d) => d.code?.specifier && local(d.code.specifier))
        .filter((d): d is string => !!d);
      graph.set(from, [...new Set(deps)].sort());
    }
    return graph;
  } finally {
    await Deno.remove(entry);
  }
}

const graph = await moduleGraph();
const folder = (f: string) => dirname(f) === "." ? "" : dirname(f).split("/")[0];
const isPrivate = (f: string) => f.split("/").pop()!.startsWith("_");

Deno.test("the module graph covers every pipeline module", () => {
  const files = pipelineFiles().map((f) => relative(PIPELINE, f));
  assert.deepEqual([...graph.keys()].sort(), files);
  assert.ok(files.length > 100, `only ${files.length} modules found`);
});

Deno.test("no module imports another folder's private _ file", () => {
  const bad: string[] = [];
  for (const [from, deps] of graph) {
    for (const to of deps) {
      if (isPrivate(to) && dirname(to) !== dirname(from)) bad.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test("the pipeline's module graph has no import cycles", () => {
  // Tarjan's strongly connected components: any component of two or more modules is a cycle.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  assert.deepEqual(cycles, []);
});

Deno.test("stages and shared code never import the runner, history, notebooks or CLI", () => {
  const bad: string[] = [];
  for (const [from, deps] of graph) {
    if (DRIVERS.includes(folder(from)) || from === "mod.ts") continue;
    for (const to of deps) if (DRIVERS.includes(folder(to))) bad.push(`${from} → ${to}`);
  }
  assert.deepEqual(bad, []);
});

Deno.test("a folder per stage with a mod.ts, and at most 8 modules at the top", () => {
  for (const stage of STAGES) assert.ok(graph.has(`${stage}/mod.ts`), `${stage}/mod.ts missing`);
  const top = [...graph.keys()].filter((f) => !f.includes("/"));
  assert.ok(top.length <= 8, `top level holds ${top.length} modules: ${top.join(", ")}`);
});

Deno.test("the public API names what it exports (no export *)", async () => {
  const offenders: string[] = [];
  for (const f of graph.keys()) {
    const text = await Deno.readTextFile(join(PIPELINE, f));
    if (/^export \* from/m.test(text)) offenders.push(f);
  }
  assert.deepEqual(offenders, []);
});

/** A JSDoc as `deno doc --json` gives it: the text, then its tags (@param, @example…). */
interface JsDoc {
  doc?: string;
  tags?: { kind: string; doc?: string }[];
}

/** An exported name and its declarations (several for an overloaded function). */
interface DocSymbol {
  name: string;
  declarations: { kind: string; location: { filename: string }; jsDoc?: JsDoc }[];
}

/** The symbols a module exports, where each is declared and its JSDoc (`deno doc --json`). */
async function exportedSymbols(module: string): Promise<DocSymbol[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", module],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: DocSymbol[] }>;
  };
  return doc.nodes[toFileUrl(module).href].symbols;
}

/**
 * Why an example would not document a function in the house style, or undefined when it does: a
 * ```ts block that `deno test --doc` runs (not `ignore`), that imports the function from a
 * relative module and asserts something (`if (…) throw new Error(…)`).
 */
function exampleProblem(name: string, example: string): string | undefined {
  const blocks = [...example.matchAll(/```([^\n]*)\n([\s\S]*?)```/g)];
  const runnable = blocks.filter(([, info]) => {
    const [lang, ...attributes] = info.trim().split(/\s+/);
    return ["ts", "typescript"].includes(lang) && !attributes.includes("ignore");
  });
  if (runnable.length === 0) return "no ```ts block that deno test --doc runs";
  const imports = new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*"\\.\\.?/`);
  const code = runnable.map(([, , body]) => body).join("\n");
  if (!imports.test(code)) return `does not import ${name} from a relative module`;
  if (!/\bthrow\b/.test(code)) return "asserts nothing (no `throw`)";
  return undefined;
}

Deno.test("every function the public API exports has a runnable @example", async () => {
  const symbols = await exportedSymbols(join(PIPELINE, "mod.ts"));
  const functions = symbols.filter((s) => s.declarations.some((d) => d.kind === "function"));
  assert.ok(functions.length > 50, `only ${functions.length} functions found`);
  const problems: string[] = [];
  for (const { name, declarations } of functions) {
    const where = relative(PIPELINE, fromFileUrl(declarations[0].location.filename));
    const docs = declarations.map((d) => d.jsDoc ?? {});
    if (!docs.some((d) => d.doc?.trim().split("\n")[0])) {
      problems.push(`${name} (${where}): no summary`);
    }
    const examples = docs.flatMap((d) => d.tags ?? []).filter((t) => t.kind === "example");
    if (examples.length === 0) {
      problems.push(`${name} (${where}): no @example`);
      continue;
    }
    const why = examples.map((e) => exampleProblem(name, e.doc ?? ""));
    if (why.every((w) => w !== undefined)) problems.push(`${name} (${where}): @example ${why[0]}`);
  }
  assert.deepEqual(problems, []);
});
