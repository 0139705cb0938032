/**
 * Independent oracles for the tests: scikit-learn, scipy and numpy through Debian's
 * /usr/bin/python3 (CI installs python3-sklearn). A script reads JSON on stdin and prints JSON.
 * Where Python or a module is missing, oracle tests are skipped with a line saying so, except
 * in CI (CI=true), where a missing oracle fails the test.
 *
 * @module
 */

const PYTHON = "/usr/bin/python3";

async function problemWith(modules: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", `import ${modules}`],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return null;
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
    return `${modules} does not import (${err})`;
  } catch {
    return `${PYTHON} is missing`;
  }
}

const problem = await problemWith("numpy, scipy.stats, sklearn.metrics");
const CI = Deno.env.get("CI") === "true";

/** Registers a test that needs the Python oracle (skipped without it, outside CI). */
export function oracleTest(name: string, fn: () => Promise<void> | void): void {
  if (problem && !CI) console.log(`skipping '${name}': ${problem}`);
  Deno.test({
    name,
    ignore: problem !== null && !CI,
    fn: async () => {
      if (problem) throw new Error(`CI=true, but ${problem}`);
      await fn();
    },
  });
}

/** Runs `script` with `input` as JSON on stdin; returns the JSON it prints last. */
export async function python<T = unknown>(script: string, input: unknown): Promise<T> {
  const child = new Deno.Command(PYTHON, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines.at(-1)!);
}

/** Asserts |a − b| ≤ tol (relative to |b| above 1). */
export function near(a: number, b: number, tol: number, what: string): void {
  const scale = Math.max(1, Math.abs(b));
  if (!(Math.abs(a - b) <= tol * scale)) throw new Error(`${what}: ${a} vs oracle ${b}`);
}
