/**
 * Runs the notebooks headless, the way `deno task notebooks` does: each notebook executed by
 * `jupyter nbconvert` on the Deno kernel with its parameters passed as `PERSONAE_*` environment
 * variables, checked for error outputs, and rendered to HTML in the run folder; optionally
 * written back to notebooks/ with their outputs so they read on a code host.
 *
 * @module
 */

import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { envName } from "./notebook.ts";

const pipelineDir = dirname(dirname(fromFileUrl(import.meta.url)));
const repoDir = dirname(pipelineDir);

/** Where the product's notebooks live. */
export const NOTEBOOK_DIR: string = join(repoDir, "notebooks");

/** Options of {@link runNotebooks}. */
export interface NotebookOptions {
  /** Notebook files, run in this order. @default every notebooks/*.ipynb, by name */
  notebooks?: string[];
  /**
   * Notebook parameters (`runDir`, `config`, `seed`, `k`…), passed as `PERSONAE_RUN_DIR`… Paths
   * (`config`, `runDir` and keys ending in Dir, Path or File) are made absolute first, since the
   * kernel runs in the notebook's folder.
   */
  params?: Record<string, unknown>;
  /** More environment variables for the kernels. */
  env?: Record<string, string>;
  /** Folder for the executed notebooks and their HTML. @default <runDir>/notebooks */
  outDir?: string;
  /**
   * Write each notebook that ran clean back over its source, outputs included. The pipeline then
   * runs with `force: true` (unless `params` say otherwise), so the outputs committed do not
   * depend on what was cached. @default false
   */
  inPlace?: boolean;
  /** Seconds a cell may run. @default 1800 */
  timeout?: number;
  /** Called before each notebook starts. */
  onNotebook?: (notebook: string, index: number, total: number) => void;
}

/** An error output of a cell. */
export interface CellError {
  /** 1-based index among the notebook's cells. */
  cell: number;
  ename: string;
  evalue: string;
}

/** One executed notebook. */
export interface NotebookResult {
  notebook: string;
  /** The executed notebook (.ipynb) in the output folder. */
  executed: string;
  /** Its HTML rendering. */
  html: string;
  errors: CellError[];
  /** Charts (SVG or PNG images) among the outputs. */
  charts: number;
  /** 1-based cells whose chart has no PNG. */
  withoutPng: number[];
}

/** Thrown when a notebook has an error output; the results say which cell and what. */
export class NotebookError extends Error {
  readonly results: NotebookResult[];
  constructor(results: NotebookResult[]) {
    const failed = results.filter((r) => r.errors.length > 0).map((r) => {
      const e = r.errors[0];
      const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : "";
      return `${basename(r.notebook)}: cell ${e.cell}: ${e.ename}: ${e.evalue}${more}`;
    });
    super(`Notebooks failed: ${failed.join("; ")}`);
    this.name = "NotebookError";
    this.results = results;
  }
}

interface Output {
  output_type: string;
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

interface Notebook {
  cells: { cell_type: string; outputs?: Output[] }[];
}

/** What {@link scanNotebook} finds in a notebook's outputs. */
export interface NotebookScan {
  errors: CellError[];
  /** Chart outputs: SVG or PNG images. */
  charts: number;
  /** 1-based cells whose chart output has no PNG (nbconvert and code hosts may show nothing). */
  withoutPng: number[];
}

/**
 * The error outputs of an executed notebook, how many charts it shows, and which of them lack
 * the PNG that makes them render everywhere.
 */
export function scanNotebook(nb: Notebook): NotebookScan {
  const errors: CellError[] = [];
  const withoutPng: number[] = [];
  let charts = 0;
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") {
        // Deno's kernel colours its messages; the report is plain text.
        // deno-lint-ignore no-control-regex
        const plain = (s?: string) => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");
        errors.push({ cell: i + 1, ename: plain(o.ename), evalue: plain(o.evalue) });
      }
      const svg = o.data?.["image/svg+xml"] !== undefined;
      const png = o.data?.["image/png"] !== undefined;
      if (svg || png) charts++;
      if (svg && !png) withoutPng.push(i + 1);
    }
  });
  return { errors, charts, withoutPng };
}

/**
 * Gives each PNG that stands in for an SVG chart the chart's own size as display metadata. The
 * PNG is drawn at twice that size for sharp screens; without the metadata nbconvert and code
 * hosts would show it twice as large as the SVG. (The Deno kernel's display protocol carries no
 * metadata, so it is added here, after execution.) Returns how many outputs it sized.
 */
export function sizeChartImages(nb: Notebook): number {
  let sized = 0;
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const svg = o.data?.["image/svg+xml"];
      if (o.data?.["image/png"] === undefined || svg === undefined) continue;
      const text = Array.isArray(svg) ? svg.join("") : String(svg);
      const root = text.match(/<svg\b[^>]*>/)?.[0] ?? "";
      const width = Number(root.match(/\swidth="(\d+(?:\.\d+)?)"/)?.[1]);
      const height = Number(root.match(/\sheight="(\d+(?:\.\d+)?)"/)?.[1]);
      if (!(width > 0 && height > 0)) continue;
      // Keys in nbformat's sorted order, so rewriting the file changes nothing else.
      o.metadata = { ...o.metadata, "image/png": { height, width } };
      sized++;
    }
  }
  return sized;
}

/**
 * The order in which the HTML export picks an output's format: nbconvert's own, with PNG moved
 * before SVG, because Debian's nbconvert 6.5 runs inline SVG through its HTML cleaner, which
 * strips the drawing elements and leaves every chart a blank box.
 */
export const HTML_PRIORITY: readonly string[] = [
  "application/vnd.jupyter.widget-view+json",
  "application/javascript",
  "text/html",
  "text/markdown",
  "image/png",
  "image/jpeg",
  "image/svg+xml",
  "text/latex",
  "text/plain",
];

async function command(args: string[], env: Record<string, string>, what: string) {
  let out;
  try {
    out = await new Deno.Command(args[0], {
      args: args.slice(1),
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot run ${args[0]}: Jupyter is needed to run the notebooks (Debian: apt install ` +
          "jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)",
      );
    }
    throw e;
  }
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).split("\n").filter((l) =>
      l.trim() !== "" && !/Debugger warning|frozen modules|PYDEVD|Debugging will proceed/.test(l)
    ).slice(-15).join("\n");
    throw new Error(`${what} failed (exit code ${out.code}):\n${err}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Throws with the command to run when no Jupyter kernel named "deno" is registered. */
async function checkKernel(env: Record<string, string>): Promise<void> {
  const text = await command(
    ["jupyter", "kernelspec", "list", "--json"],
    env,
    "jupyter kernelspec",
  );
  const specs = JSON.parse(text).kernelspecs ?? {};
  if (!("deno" in specs)) {
    throw new Error(
      "The Deno Jupyter kernel is not registered: run `deno jupyter --install` once " +
        `(kernels found: ${Object.keys(specs).join(", ") || "none"})`,
    );
  }
}

const PATH_KEY = /^(config|runDir)$|(Dir|Path|File)$/;

/** Every notebook in notebooks/, by name. */
export function listNotebooks(dir: string = NOTEBOOK_DIR): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && extname(e.name) === ".ipynb")
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Executes notebooks one after another on the Deno kernel (so a later notebook can read what
 * an earlier one wrote), renders each to HTML, and throws a {@link NotebookError} naming the
 * notebook, cell and message when any cell output is an error (after writing all the HTML, so
 * the failure can be read in context). With `inPlace`, notebooks that ran clean are written
 * back over their sources with their outputs.
 */
export async function runNotebooks(options: NotebookOptions = {}): Promise<NotebookResult[]> {
  const notebooks = (options.notebooks ?? listNotebooks()).map((p) => resolve(p));
  const given: Record<string, unknown> = {
    ...(options.inPlace ? { force: true } : {}),
    ...options.params,
  };
  const runDir = resolve(String(given.runDir ?? join("runs", "sample")));
  const outDir = resolve(options.outDir ?? join(runDir, "notebooks"));
  const env: Record<string, string> = {
    // Plain tracebacks, and no debugger chatter from Python on stderr.
    NO_COLOR: "1",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    PYTHONPATH: [join(pipelineDir, "notebook"), Deno.env.get("PYTHONPATH")].filter(Boolean).join(
      ":",
    ),
    ...options.env,
  };
  for (const [key, value] of Object.entries({ ...given, runDir })) {
    const v = PATH_KEY.test(key) && typeof value === "string" ? resolve(value) : value;
    env[envName(key)] = typeof v === "string" ? v : JSON.stringify(v);
  }
  await checkKernel(env);
  Deno.mkdirSync(outDir, { recursive: true });
  const results: NotebookResult[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    options.onNotebook?.(notebook, i, notebooks.length);
    // nbconvert's executor, made to wait for results the Deno kernel sends late.
    await command(
      [
        "jupyter",
        "nbconvert",
        "--to",
        "notebook",
        "--Exporter.preprocessors=_client.LateOutputExecutor",
        "--LateOutputExecutor.kernel_name=deno",
        "--LateOutputExecutor.allow_errors=True",
        `--LateOutputExecutor.timeout=${options.timeout ?? 1800}`,
        "--LateOutputExecutor.record_timing=False",
        "--output-dir",
        outDir,
        notebook,
      ],
      env,
      `Executing ${basename(notebook)}`,
    );
    const executed = join(outDir, basename(notebook));
    const nb = JSON.parse(Deno.readTextFileSync(executed));
    // nbformat's own layout (one-space indent, sorted keys as parsed, a final newline), so
    // committed notebooks diff cleanly against what Jupyter writes.
    if (sizeChartImages(nb) > 0) {
      Deno.writeTextFileSync(executed, JSON.stringify(nb, null, 1) + "\n");
    }
    const scan = scanNotebook(nb);
    results.push({
      notebook,
      executed,
      html: join(outDir, basename(notebook, ".ipynb") + ".html"),
      ...scan,
    });
  }
  await command(
    [
      "jupyter",
      "nbconvert",
      "--to",
      "html",
      ...HTML_PRIORITY.map((mime) => `--NbConvertBase.display_data_priority=${mime}`),
      "--output-dir",
      outDir,
      ...results.map((r) => r.executed),
    ],
    env,
    "Rendering the notebooks to HTML",
  );
  if (options.inPlace) {
    for (const r of results) if (r.errors.length === 0) Deno.copyFileSync(r.executed, r.notebook);
  }
  if (results.some((r) => r.errors.length > 0)) throw new NotebookError(results);
  return results;
}
