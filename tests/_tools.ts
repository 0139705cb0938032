/**
 * The outside tools some tests need: Jupyter with the Deno kernel (the notebooks), Chromium (the
 * report and the rendered notebooks) and a python3 with scipy (the oracle tests). Each is looked
 * up on PATH, the way a user's shell would find it. Where one is missing, a test that needs it is
 * skipped with one printed line naming what to install, so `deno task test` passes on a machine
 * with only Deno; under CI=true the test runs instead and fails with the same line, so CI cannot
 * pass by skipping. A test file calls `const tools = await findTools("chromium")` at its top,
 * registers its tests with `tools.test({ name, fn })` instead of `Deno.test`, and inside them
 * runs `tools.path("chromium")`.
 *
 * @module
 */

import { DEJAVU_DIR, installedCjkFonts } from "../pipeline/charts/charts.ts";

/** A tool some tests need. */
export type ToolName = "jupyter" | "chromium" | "scipy" | "dejavu" | "cjk-font";

/** True when the tests run in CI, where every tool must be there. */
export const CI = Deno.env.get("CI") === "true";

interface ToolSpec {
  /** What it is, for the skip line. */
  label: string;
  /** How to get it on Debian. */
  install: string;
  /** The tool's path, or why it is not usable. */
  find(): Promise<{ path: string } | { problem: string }>;
}

/** Executables called `name` in the PATH folders, in PATH order (symlinks left as they are). */
export function onPath(name: string, path = Deno.env.get("PATH") ?? ""): string[] {
  const found: string[] = [];
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const file = `${dir}/${name}`;
    try {
      const s = Deno.statSync(file);
      if (s.isFile && (s.mode ?? 0o111) & 0o111 && !found.includes(file)) found.push(file);
    } catch {
      // Not in this folder.
    }
  }
  return found;
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(r.success ? r.stdout : r.stderr).trim();
    return { ok: r.success, out: text };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
}

const lastLine = (text: string) => text.split("\n").filter((l) => l.trim() !== "").at(-1) ?? "";

const TOOLS: Record<ToolName, ToolSpec> = {
  jupyter: {
    label: "Jupyter with the Deno kernel",
    install: "apt-get install jupyter-nbconvert python3-nbclient jupyter-client " +
      "python3-ipykernel, then deno jupyter --install",
    async find() {
      const jupyter = onPath("jupyter")[0];
      if (!jupyter) return { problem: "no jupyter on PATH" };
      const nbconvert = await run(jupyter, ["nbconvert", "--version"]);
      if (!nbconvert.ok) return { problem: `jupyter nbconvert fails (${lastLine(nbconvert.out)})` };
      const specs = await run(jupyter, ["kernelspec", "list", "--json"]);
      if (!specs.ok) return { problem: `jupyter kernelspec fails (${lastLine(specs.out)})` };
      // The kernel list is JSON on stdout; Python's debugger chatter goes to stderr.
      const kernels = Object.keys(JSON.parse(specs.out).kernelspecs ?? {});
      if (!kernels.includes("deno")) {
        return { problem: `the Deno kernel is not registered (kernels: ${kernels.join(", ")})` };
      }
      return { path: jupyter };
    },
  },
  chromium: {
    label: "Chromium",
    install: "apt-get install chromium",
    find() {
      const path = ["chromium", "chromium-browser", "google-chrome"].flatMap((n) => onPath(n))[0];
      return Promise.resolve(
        path ? { path } : { problem: "no chromium, chromium-browser or google-chrome on PATH" },
      );
    },
  },
  scipy: {
    label: "python3 with scipy",
    install: "apt-get install python3-scipy",
    async find() {
      const pythons = onPath("python3");
      if (pythons.length === 0) return { problem: "no python3 on PATH" };
      // The first python3 on PATH may be a virtual environment without scipy while Debian's
      // has it: the tests take the first one that imports it and say which ones did not.
      const failed: string[] = [];
      for (const python of pythons) {
        const r = await run(python, ["-c", "import scipy.special, scipy.stats, numpy"]);
        if (r.ok) return { path: python };
        failed.push(`${python}: ${lastLine(r.out)}`);
      }
      return { problem: `no python3 on PATH imports scipy (${failed.join("; ")})` };
    },
  },
  dejavu: fontTool("the DejaVu fonts", "fonts-dejavu-core", () => {
    const file = `${DEJAVU_DIR}/DejaVuSans.ttf`;
    try {
      return Deno.statSync(file).isFile ? [file] : [];
    } catch {
      return [];
    }
  }),
  "cjk-font": fontTool("a CJK font", "fonts-noto-cjk", installedCjkFonts),
};

function fontTool(label: string, pkg: string, files: () => string[]): ToolSpec {
  return {
    label,
    install: `apt-get install ${pkg}`,
    find() {
      const path = files()[0];
      return Promise.resolve(path ? { path } : { problem: `${pkg} is not installed` });
    },
  };
}

const cache = new Map<ToolName, Promise<{ path: string } | { problem: string }>>();

/** The tools a test file needs, found once per process. */
export class ToolSet {
  readonly #found: Map<ToolName, { path: string } | { problem: string }>;

  constructor(found: Map<ToolName, { path: string } | { problem: string }>) {
    this.#found = found;
  }

  /** The tools that are missing, each as "label (problem)". */
  get missing(): string[] {
    return [...this.#found].flatMap(([name, f]) =>
      "problem" in f ? [`${TOOLS[name].label} (${f.problem})`] : []
    );
  }

  /** One line: what is missing and how to install it; "" when nothing is. */
  get advice(): string {
    const names = [...this.#found].filter(([, f]) => "problem" in f).map(([n]) => n);
    if (names.length === 0) return "";
    return `needs ${this.missing.join(" and ")}: ${names.map((n) => TOOLS[n].install).join("; ")}`;
  }

  /** The path of a tool that was found; throws when it is missing. */
  path(name: ToolName): string {
    const f = this.#found.get(name);
    if (!f) throw new RangeError(`The tool '${name}' was not asked for in findTools()`);
    if ("problem" in f) throw new Error(`${TOOLS[name].label} is missing: ${f.problem}`);
    return f.path;
  }

  /**
   * Registers a test that needs these tools. When one is missing it is skipped with one printed
   * line saying what to install, except under CI=true, where it runs and fails with that line.
   */
  test(def: Deno.TestDefinition): void {
    const advice = this.advice;
    if (advice === "") return Deno.test(def);
    if (CI) {
      return Deno.test({
        ...def,
        fn: () => {
          throw new Error(`CI=true, but this test ${advice}`);
        },
      });
    }
    console.log(`skipped "${def.name}": ${advice}`);
    Deno.test({ ...def, ignore: true });
  }
}

/** Looks the tools up (each once per process) for {@link ToolSet.test}. */
export async function findTools(...names: ToolName[]): Promise<ToolSet> {
  const found = new Map<ToolName, { path: string } | { problem: string }>();
  for (const name of names) {
    if (!cache.has(name)) cache.set(name, TOOLS[name].find());
    found.set(name, await cache.get(name)!);
  }
  return new ToolSet(found);
}
