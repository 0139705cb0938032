/**
 * Notebook machinery: parameters from the environment, opening a run folder, rerunning a stage,
 * and executing every notebook headless on the Deno kernel (no error outputs, charts in the
 * HTML). The notebooks share one run folder: 00-overview runs the pipeline into it and the
 * others read its artifacts.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { InputError } from "../pipeline/errors.ts";
import { envName, loadRun, params, rerunStage, stageRows } from "../pipeline/notebook/notebook.ts";
import {
  listNotebooks,
  NotebookError,
  type NotebookResult,
  runNotebooks,
  scanNotebook,
} from "../pipeline/notebook/notebooks.ts";

Deno.test("envName() turns parameter names into PERSONAE_ variables", () => {
  deepStrictEqual(
    ["runDir", "config", "k", "topCategories", "seed2", "max-rows"].map(envName),
    [
      "PERSONAE_RUN_DIR",
      "PERSONAE_CONFIG",
      "PERSONAE_K",
      "PERSONAE_TOP_CATEGORIES",
      "PERSONAE_SEED2",
      "PERSONAE_MAX_ROWS",
    ],
  );
});

Deno.test("params() reads each variable as its default's type and leaves the rest alone", () => {
  const defaults = {
    config: "../data/sample/config.json",
    runDir: "../runs/sample",
    k: 6,
    force: false,
    seed: null as number | null,
    weights: { a: 1 },
  };
  const p = params(defaults, {
    PERSONAE_RUN_DIR: "/tmp/run",
    PERSONAE_K: "4",
    PERSONAE_FORCE: "yes",
    PERSONAE_SEED: "7",
    PERSONAE_WEIGHTS: '{"a": 2, "b": 3}',
    PERSONAE_UNUSED: "ignored",
  });
  deepStrictEqual(p, {
    config: "../data/sample/config.json",
    runDir: "/tmp/run",
    k: 4,
    force: true,
    seed: 7,
    weights: { a: 2, b: 3 },
  });
  deepStrictEqual(params(defaults, {}), defaults);
  strictEqual(params({ force: true }, { PERSONAE_FORCE: "0" }).force, false);
  strictEqual(params({ name: "x" }, { PERSONAE_NAME: "" }).name, "");
});

Deno.test("params() says which variable is wrong and what it expected", () => {
  throws(
    () => params({ k: 6 }, { PERSONAE_K: "six" }),
    { name: "TypeError", message: 'PERSONAE_K must be a number. Got "six" instead' },
  );
  throws(() => params({ k: 6 }, { PERSONAE_K: " " }), /PERSONAE_K must be a number/);
  throws(
    () => params({ force: false }, { PERSONAE_FORCE: "maybe" }),
    /PERSONAE_FORCE must be true or false \(or 1, 0, yes, no\). Got "maybe" instead/,
  );
  throws(
    () => params({ only: null }, { PERSONAE_ONLY: "[1," }),
    { name: "SyntaxError", message: 'PERSONAE_ONLY must be JSON. Got "[1," instead' },
  );
});

Deno.test("loadRun() of a folder without a run says how to make one", async () => {
  const dir = await Deno.makeTempDir();
  throws(() => loadRun(dir), (e: Error) => {
    ok(e instanceof InputError);
    ok(e.message.includes("it has no manifest.json"), e.message);
    ok(e.message.includes("deno task run"), e.message);
    return true;
  });
});

Deno.test("scanNotebook() finds error outputs (colours stripped) and counts SVG images", () => {
  const nb = {
    cells: [
      { cell_type: "markdown" },
      {
        cell_type: "code",
        outputs: [{ output_type: "execute_result", data: { "image/svg+xml": "<svg/>" } }],
      },
      {
        cell_type: "code",
        outputs: [
          { output_type: "stream" },
          {
            output_type: "error",
            ename: "\x1b[31mTypeError\x1b[0m",
            evalue: "bad \x1b[1mthing\x1b[0m",
          },
        ],
      },
      {
        cell_type: "code",
        outputs: [{ output_type: "display_data", data: { "image/svg+xml": "<svg/>" } }],
      },
    ],
  };
  deepStrictEqual(scanNotebook(nb), {
    errors: [{ cell: 3, ename: "TypeError", evalue: "bad thing" }],
    charts: 2,
  });
});

/** A notebook for the Deno kernel from code cells (source text each). */
function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({
      cell_type: "code",
      execution_count: null,
      id: `cell-${i}`,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

interface Executed {
  cells: { source: string | string[]; outputs: { data?: Record<string, string[]> }[] }[];
}

Deno.test("runNotebooks() keeps every result, reports a failing cell and writes back only clean notebooks", async () => {
  const dir = await Deno.makeTempDir();
  // Deno's kernel sometimes publishes a result after reporting idle; with twenty cells a lost
  // result would show (about one in twelve was lost before the executor waited for them).
  const clean = join(dir, "clean.ipynb"), broken = join(dir, "broken.ipynb");
  Deno.writeTextFileSync(clean, notebook(Array.from({ length: 20 }, (_, i) => `${i} * 3`)));
  const brokenText = notebook(["1 + 1", 'throw new RangeError("boom")', '"after"']);
  Deno.writeTextFileSync(broken, brokenText);
  const out = join(dir, "out");
  await rejects(
    runNotebooks({
      notebooks: [clean, broken],
      params: { runDir: dir },
      outDir: out,
      inPlace: true,
    }),
    (e: Error) => {
      ok(e instanceof NotebookError);
      strictEqual(e.message, "Notebooks failed: broken.ipynb: cell 2: RangeError: boom");
      const [a, b] = e.results;
      deepStrictEqual(a.errors, []);
      deepStrictEqual(b.errors, [{ cell: 2, ename: "RangeError", evalue: "boom" }]);
      return true;
    },
  );
  const executed: Executed = JSON.parse(Deno.readTextFileSync(clean));
  deepStrictEqual(
    executed.cells.map((c) => c.outputs[0]?.data?.["text/plain"]?.join("")),
    Array.from({ length: 20 }, (_, i) => String(i * 3)),
  );
  // The broken notebook is left as it was; its executed copy and HTML are in the output folder.
  strictEqual(Deno.readTextFileSync(broken), brokenText);
  ok(Deno.readTextFileSync(join(out, "broken.html")).includes("boom"));
  const after: Executed = JSON.parse(Deno.readTextFileSync(join(out, "broken.ipynb")));
  strictEqual(after.cells[2].outputs[0]?.data?.["text/plain"]?.join(""), '"after"');
});

const sha = (path: string) => createHash("sha256").update(Deno.readFileSync(path)).digest("hex");

// Filled by the next test, read by the ones after it.
let shared: { runDir: string; results: NotebookResult[] } | undefined;

Deno.test("every notebook runs clean on the sample and its HTML holds its charts", async () => {
  const runDir = await Deno.makeTempDir({ prefix: "personae-notebooks-" });
  const notebooks = listNotebooks();
  deepStrictEqual(notebooks.map((n) => basename(n)).slice(0, 1), ["00-overview.ipynb"]);
  const results = await runNotebooks({ notebooks, params: { runDir } });
  shared = { runDir, results };
  for (const r of results) {
    const name = basename(r.notebook);
    const executed = JSON.parse(Deno.readTextFileSync(r.executed));
    // Every code cell shows something, except the parameters cell: a missing output is a bug.
    executed.cells.forEach(
      (c: { cell_type: string; metadata: { tags?: string[] }; outputs: unknown[] }, i: number) => {
        if (c.cell_type !== "code" || c.metadata.tags?.includes("parameters")) return;
        ok(c.outputs.length > 0, `${name}: cell ${i + 1} has no output`);
      },
    );
    const html = Deno.readTextFileSync(r.html);
    const svgs = html.match(/<svg[\s>]/g)?.length ?? 0;
    ok(svgs >= r.charts, `${name}: ${r.charts} charts in the notebook, ${svgs} <svg> in the HTML`);
    if (!name.startsWith("01-")) ok(r.charts >= 1, `${name} shows no chart`);
    // Outputs name no absolute paths, so executed notebooks can be committed.
    ok(!Deno.readTextFileSync(r.executed).includes(runDir), `${name} prints the run folder path`);
  }
});

Deno.test("rerunStage() reruns a stage on the run's artifacts without writing to the run", async () => {
  ok(shared, "needs the notebooks run");
  const run = loadRun(shared.runDir);
  const before = sha(join(shared.runDir, "assignments.csv"));
  const manifest = sha(join(shared.runDir, "manifest.json"));
  const three = await rerunStage(run, "cluster", {
    patch: { cluster: { k: 3, stability: false } },
  });
  strictEqual(three.metrics?.segments, 3);
  strictEqual(sha(join(shared.runDir, "assignments.csv")), before);
  strictEqual(sha(join(shared.runDir, "manifest.json")), manifest);
  // The run's own labels, in matrix row order, agree with the matrix size.
  const { ids, labels } = run.segments();
  strictEqual(ids.length, run.get("matrix").rows);
  strictEqual(labels.length, ids.length);
  strictEqual(stageRows(run.manifest).length, run.manifest.stages.length);
  await rejects(rerunStage(run, "clustr"), /Unknown stage 'clustr' \(did you mean 'cluster'\?\)/);
  await rejects(
    rerunStage(run, "cluster", { patch: { cluster: 5 } }),
    (e: Error) => e instanceof InputError && /'cluster'/.test(e.message),
  );
});
