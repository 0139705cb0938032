/**
 * Notebook machinery: parameters from the environment, opening a run folder, rerunning a stage,
 * and executing every notebook headless on the Deno kernel (no error outputs, charts in the
 * HTML). The notebooks share one run folder: 00-overview runs the pipeline into it and the
 * others read its artifacts. The tests that execute notebooks need Jupyter with the Deno kernel,
 * and the one that looks at the rendered charts Chromium too (see _tools.ts).
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { InputError } from "../pipeline/errors.ts";
import { parseConfig } from "../pipeline/config.ts";
import { runJob } from "../pipeline/runner/job.ts";
import {
  envName,
  loadRun,
  maskingCounts,
  params,
  rerunStage,
  stageRows,
} from "../pipeline/notebook/notebook.ts";
import {
  listNotebooks,
  NotebookError,
  type NotebookResult,
  runNotebooks,
  scanNotebook,
  sizeChartImages,
} from "../pipeline/notebook/notebooks.ts";
import { chart } from "../pipeline/notebook/display.ts";
import { segmentSizesChart, toPng } from "../pipeline/charts/charts.ts";
import { Buffer } from "node:buffer";
import { findTools } from "./_tools.ts";

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

Deno.test("scanNotebook() finds error outputs (colours stripped), counts charts and those without a PNG", () => {
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
        outputs: [{
          output_type: "display_data",
          data: { "image/svg+xml": "<svg/>", "image/png": "iVBOR" },
        }],
      },
    ],
  };
  deepStrictEqual(scanNotebook(nb), {
    errors: [{ cell: 3, ename: "TypeError", evalue: "bad thing" }],
    charts: 2,
    withoutPng: [2],
  });
});

Deno.test("sizeChartImages() gives each chart's PNG the SVG's size, so it shows at the SVG's size", () => {
  const bundle = chart(segmentSizesChart([{ segment: 0, count: 3 }])).bundle;
  const width = Number(bundle["image/svg+xml"].match(/width="(\d+)"/)![1]);
  const height = Number(bundle["image/svg+xml"].match(/height="(\d+)"/)![1]);
  // As nbformat stores it: long strings split into lines.
  const data = { ...bundle, "image/svg+xml": bundle["image/svg+xml"].split(/(?<=>)/) };
  const nb = {
    cells: [{
      cell_type: "code",
      outputs: [
        { output_type: "display_data", data, metadata: {} },
        { output_type: "display_data", data: { "text/html": "<b>x</b>" }, metadata: {} },
      ],
    }],
  };
  strictEqual(sizeChartImages(nb), 1);
  const [sized, other] = nb.cells[0].outputs;
  deepStrictEqual(sized.metadata, { "image/png": { height, width } });
  deepStrictEqual(other.metadata, {});
  // The PNG itself is drawn at twice that size, for sharp screens.
  const png = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
  const view = new DataView(png.buffer);
  deepStrictEqual([view.getUint32(16), view.getUint32(20)], [2 * width, 2 * height]);
});

Deno.test("every committed notebook's charts carry a PNG sized like the chart", () => {
  for (const path of listNotebooks()) {
    const nb = JSON.parse(Deno.readTextFileSync(path));
    const scan = scanNotebook(nb);
    const name = basename(path);
    deepStrictEqual(
      scan.withoutPng,
      [],
      `${name}: charts without a PNG in cells ${scan.withoutPng}`,
    );
    deepStrictEqual(scan.errors, [], `${name} was committed with an error output`);
    // Sizing again changes nothing: every chart's PNG already has its size.
    const before = JSON.stringify(nb);
    sizeChartImages(nb);
    strictEqual(JSON.stringify(nb), before, `${name}: a chart's PNG has no size metadata`);
    if (!name.startsWith("01-")) ok(scan.charts >= 1, `${name} shows no chart`);
  }
});

Deno.test("notebooks name only real commands, and their config snippets validate", () => {
  const tasks = Object.keys(JSON.parse(Deno.readTextFileSync("deno.json")).tasks);
  const sample = JSON.parse(Deno.readTextFileSync("data/sample/config.json"));
  let snippets = 0;
  for (const path of listNotebooks()) {
    const name = basename(path);
    const text = JSON.parse(Deno.readTextFileSync(path)).cells
      .map((c: { source: string[] | string }) => [c.source].flat().join("")).join("\n");
    // There is no `personae` executable: commands are Deno tasks.
    const binary = text.match(/`personae [a-z]/);
    ok(!binary, `${name} tells you to run a personae binary: ${binary?.[0]}`);
    for (const m of text.matchAll(/deno task ([\w-]+)/g)) {
      ok(tasks.includes(m[1]), `${name} names a task that does not exist: ${m[0]}`);
    }
    // Every `"stage": { … }` snippet is a valid section of the sample's config.
    for (const m of text.matchAll(/`("(\w+)": \{[^`]*\})`/g)) {
      const section = JSON.parse(`{${m[1].replace(/\\"/g, '"')}}`);
      const config = { ...sample, ...section };
      config[m[2]] = { ...sample[m[2]], ...section[m[2]] };
      parseConfig(config, `${name}: ${m[1]}`);
      snippets++;
    }
  }
  ok(snippets >= 3, `only ${snippets} config snippets found`);
});

const jupyter = await findTools("jupyter");
const browser = await findTools("jupyter", "chromium");

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

jupyter.test({
  name:
    "runNotebooks() keeps every result, reports a failing cell and writes back only clean notebooks",
  fn: async () => {
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
  },
});

const sha = (path: string) => createHash("sha256").update(Deno.readFileSync(path)).digest("hex");

// Filled by the next test, read by the ones after it.
let shared: { runDir: string; results: NotebookResult[] } | undefined;

jupyter.test({
  name: "every notebook runs clean on the sample and every chart carries a PNG",
  fn: async () => {
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
        (
          c: { cell_type: string; metadata: { tags?: string[] }; outputs: unknown[] },
          i: number,
        ) => {
          if (c.cell_type !== "code" || c.metadata.tags?.includes("parameters")) return;
          ok(c.outputs.length > 0, `${name}: cell ${i + 1} has no output`);
        },
      );
      if (!name.startsWith("01-")) ok(r.charts >= 1, `${name} shows no chart`);
      deepStrictEqual(r.withoutPng, [], `${name}: charts without a PNG in cells ${r.withoutPng}`);
      // Outputs name no absolute paths, so executed notebooks can be committed.
      ok(!Deno.readTextFileSync(r.executed).includes(runDir), `${name} prints the run folder path`);
    }
  },
});

/** What the page script below measures of each output image, and the SVG outputs shown. */
interface Measured {
  images: { natural: [number, number]; shown: [number, number]; ink: number; hidden: boolean }[];
  svgOutputs: number;
}

/**
 * Runs in the rendered notebook once it has loaded: for every output image, its natural size, its
 * size on the page, whether CSS hides it, and the share of its pixels that are not near-white
 * (drawn onto a canvas: a data: image does not taint it). The result is written into the page,
 * which Chromium's --dump-dom prints.
 */
const MEASURE = `<script>
addEventListener("load", () => {
  // The load event waits for every image, so each one is decoded by now.
  const imgs = [...document.querySelectorAll(".jp-OutputArea-output img")];
  const images = imgs.map((img) => {
    const box = img.getBoundingClientRect(), style = getComputedStyle(img);
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    let ink = 0;
    if (canvas.width > 0 && canvas.height > 0) {
      const g = canvas.getContext("2d");
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < px.length; i += 4) if (Math.min(px[i], px[i + 1], px[i + 2]) < 200) ink++;
      ink /= canvas.width * canvas.height;
    }
    const hidden = style.display === "none" || style.visibility === "hidden" ||
      Number(style.opacity) === 0;
    return { natural: [img.naturalWidth, img.naturalHeight], shown: [box.width, box.height], ink, hidden };
  });
  const svgOutputs = document.querySelectorAll(".jp-RenderedSVG").length;
  const out = document.createElement("pre");
  out.id = "personae-measured";
  out.textContent = JSON.stringify({ images, svgOutputs });
  document.body.append(out);
});
</script>`;

/** Opens a rendered notebook in headless Chromium at desktop width and measures its images. */
async function measureImages(chromium: string, html: string): Promise<Measured> {
  const dir = await Deno.makeTempDir({ prefix: "personae-nb-html-" });
  try {
    const page = join(dir, "page.html");
    Deno.writeTextFileSync(
      page,
      Deno.readTextFileSync(html).replace("</body>", MEASURE + "</body>"),
    );
    const out = await new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        `--user-data-dir=${join(dir, "profile")}`,
        "--window-size=1280,2000",
        // Lets the load handler's promises settle before the DOM is printed.
        "--virtual-time-budget=15000",
        "--dump-dom",
        `file://${page}`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const text = dom.match(/<pre id="personae-measured">([^<]*)<\/pre>/)?.[1];
    const stderr = new TextDecoder().decode(out.stderr).split("\n").filter((l) => !/dbus/.test(l));
    ok(text, `Chromium printed no measurements for ${html}: ${stderr.slice(-5).join("\n")}`);
    return JSON.parse(text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

browser.test({
  name: "in every notebook's HTML each chart is a visible image of its own size, not blank",
  sanitizeResources: false,
  fn: async () => {
    ok(shared, "needs the notebooks run");
    const chromium = browser.path("chromium");
    for (const r of shared.results) {
      const name = basename(r.html);
      const m = await measureImages(chromium, r.html);
      // Debian's nbconvert would blank an inline SVG: none may be what the page shows.
      strictEqual(m.svgOutputs, 0, `${name} shows ${m.svgOutputs} charts as inline SVG`);
      strictEqual(
        m.images.length,
        r.charts,
        `${name}: ${r.charts} charts, ${m.images.length} images`,
      );
      m.images.forEach((img, i) => {
        const what = `${name}, image ${i + 1}: ${JSON.stringify(img)}`;
        ok(!img.hidden, what);
        ok(img.natural[0] >= 400 && img.natural[1] >= 200, `too small: ${what}`);
        // Shown at the chart's own size (half the PNG's pixels), whole, unless the page is
        // narrower than the chart.
        ok(img.shown[0] >= 200 && img.shown[1] >= 100, `not visible: ${what}`);
        ok(Math.abs(img.shown[0] - img.natural[0] / 2) <= 1, `not at the chart's size: ${what}`);
        // Drawn: axes, bars, dots and text cover some of it, not all of it.
        ok(img.ink > 0.01 && img.ink < 0.9, `blank or solid: ${what}`);
      });
    }
  },
});

const chromiumOnly = await findTools("chromium");

chromiumOnly.test({
  name: "the rendered-notebook check sees a blank image and an inline SVG for what they are",
  sanitizeResources: false,
  fn: async () => {
    const blank = toPng('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"/>').png;
    const dir = await Deno.makeTempDir({ prefix: "personae-nb-check-" });
    const page = join(dir, "page.html");
    Deno.writeTextFileSync(
      page,
      "<!DOCTYPE html><html><body>" +
        `<div class="jp-RenderedImage jp-OutputArea-output"><img src="data:image/png;base64,${
          Buffer.from(blank).toString("base64")
        }" width="400" height="200"></div>` +
        '<div class="jp-RenderedSVG jp-OutputArea-output"><svg width="10" height="10"></svg></div>' +
        "</body></html>",
    );
    const m = await measureImages(chromiumOnly.path("chromium"), page);
    await Deno.remove(dir, { recursive: true });
    strictEqual(m.svgOutputs, 1);
    strictEqual(m.images.length, 1);
    deepStrictEqual([m.images[0].natural, m.images[0].shown], [[800, 400], [400, 200]]);
    strictEqual(m.images[0].ink, 0);
  },
});

/** The run folder the notebooks wrote, or a fresh run of the sample when they could not run. */
async function sampleRun(): Promise<string> {
  if (shared) return shared.runDir;
  const runDir = await Deno.makeTempDir({ prefix: "personae-rerun-" });
  await runJob(new URL("../data/sample/config.json", import.meta.url).pathname, { runDir });
  return runDir;
}

Deno.test("rerunStage() reruns a stage on the run's artifacts without writing to the run", async () => {
  const runDir = await sampleRun();
  const run = loadRun(runDir);
  const before = sha(join(runDir, "assignments.csv"));
  const manifest = sha(join(runDir, "manifest.json"));
  const three = await rerunStage(run, "cluster", {
    patch: { cluster: { k: 3, stability: false } },
  });
  strictEqual(three.metrics?.segments, 3);
  strictEqual(sha(join(runDir, "assignments.csv")), before);
  strictEqual(sha(join(runDir, "manifest.json")), manifest);
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

Deno.test("maskingCounts() of the sample run agrees with ingest's summary and its warning", async () => {
  const run = loadRun(await sampleRun());
  const masked = run.get("ingest_summary").tables.texts?.masked;
  ok(masked, "the sample's texts are masked at ingest");
  const rows = maskingCounts(masked, run.stage("text")?.metrics);
  const warning = run.manifest.warnings.find((w) =>
    w.stage === "ingest" && w.message.startsWith("texts: personal data masked")
  );
  ok(warning, "ingest warns about what it masked");
  // "texts: personal data masked before any use (81 email, 84 phone)"
  const said = Object.fromEntries(
    [...warning.message.matchAll(/(\d+) (\w+)/g)].map((m) => [m[2], Number(m[1])]),
  );
  const row = (label: string) => rows.find((r) => r["personal data"] === label)!;
  ok(said.email > 0 && said.phone > 0, warning.message);
  strictEqual(row("e-mail addresses")["at ingest"], said.email);
  strictEqual(row("phone numbers")["at ingest"], said.phone);
  for (const r of rows) {
    if (r["at ingest"] !== null) strictEqual(r["at ingest"], said[KEYS[r["personal data"]]] ?? 0);
    strictEqual(r.total, (r["at ingest"] ?? 0) + (r["in the text stage"] ?? 0));
  }
  // Ingest does not look for names; the text stage reports its own count (0 without a model).
  strictEqual(row("person names")["at ingest"], null);
  strictEqual(row("person names")["in the text stage"], 0);
});

const KEYS: Record<string, string> = {
  "e-mail addresses": "email",
  "phone numbers": "phone",
  "card numbers": "card",
  links: "url",
  "@handles": "mention",
};
