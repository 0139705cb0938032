import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import {
  configJsonSchema,
  loadConfig,
  parseConfig,
  publishedConfigSchema,
  STAGE_RULES,
} from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";

Deno.test("pipeline/config.schema.json is the published form of the config schema", async () => {
  const published = JSON.parse(
    await Deno.readTextFile(new URL("../pipeline/config.schema.json", import.meta.url)),
  );
  // Regenerate with: deno task schema. Paths inside the repository are relative, so the file
  // is the same in every clone.
  deepStrictEqual(published, publishedConfigSchema());
  ok(!JSON.stringify(published).includes(new URL("../", import.meta.url).pathname));
});

Deno.test("the bundled sample config and every dataset config validate", async () => {
  const dir = new URL("./datasets/", import.meta.url).pathname;
  const paths = ["data/sample/config.json", ...[...Deno.readDirSync(dir)].map((e) => dir + e.name)];
  for (const p of paths) ok((await loadConfig(p)).config.name, p);
});

const SAMPLE = fromFileUrl(new URL("../data/sample/config.json", import.meta.url));
const CLI = fromFileUrl(new URL("../pipeline/cli/main.ts", import.meta.url));

/** The sample config with one stage section patched, its table paths made absolute. */
function patched(section: string, value: unknown): Record<string, unknown> {
  const config = JSON.parse(Deno.readTextFileSync(SAMPLE));
  for (const t of Object.values(config.tables) as { path: string }[]) {
    t.path = join(dirname(SAMPLE), t.path);
  }
  return { ...config, [section]: value };
}

Deno.test("the schema's stage sections list exactly the option rules, with docs and defaults", () => {
  const schema = configJsonSchema() as {
    properties: Record<string, { properties: Record<string, Record<string, unknown>> }>;
  };
  for (const [section, { rules }] of Object.entries(STAGE_RULES)) {
    const props = schema.properties[section].properties;
    deepStrictEqual(Object.keys(props).sort(), Object.keys(rules).sort(), section);
    for (const [key, rule] of Object.entries(rules)) {
      ok(typeof props[key].description === "string", `${section}.${key} has no description`);
      if ("default" in rule) deepStrictEqual(props[key].default, rule.default, `${section}.${key}`);
    }
  }
});

Deno.test("every option of every stage section is checked when the config is loaded", () => {
  // Options a section cannot go without, kept beside the one under test.
  const needs: Record<string, Record<string, unknown>> = {
    evaluate: { outcome: "churn" },
    experiment: { arm: "arm", control: "none", outcomes: ["bought"] },
  };
  let checked = 0;
  for (const [section, { rules }] of Object.entries(STAGE_RULES)) {
    for (const key of Object.keys(rules)) {
      const typo = `${key}x`;
      throws(
        () => parseConfig(patched(section, { ...needs[section], [typo]: 1 }), "c.json"),
        (e: Error) =>
          e instanceof InputError && e.message.includes(`Unknown option '${section}.${typo}'`) &&
          (e.message.match(/did you mean '([^']+)'/)?.[1] ?? "") in rules,
        `${section}.${typo}`,
      );
      // A value of the wrong type: an object where every rule expects something else.
      throws(
        () =>
          parseConfig(patched(section, { ...needs[section], [key]: { not: "valid" } }), "c.json"),
        (e: Error) => e instanceof InputError && e.message.includes(`'${section}.${key}`),
        `${section}.${key} = {not: "valid"}`,
      );
      checked++;
    }
  }
  ok(checked > 80, `${checked} options checked`);
});

/** Seconds the CLI takes to start and print its help: every module loaded, no work done. */
async function cliStartup(): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  deepStrictEqual(out.code, 0, new TextDecoder().decode(out.stderr));
  return (performance.now() - t0) / 1000;
}

Deno.test("a typo in any stage section exits 2 at once, naming the key, before any stage runs", async () => {
  for (const section of Object.keys(STAGE_RULES)) {
    // Measured next to each check, so that load from other work on the machine slows both alike.
    const startup = await cliStartup();
    const dir = await Deno.makeTempDir();
    const file = join(dir, "config.json");
    await Deno.writeTextFile(file, JSON.stringify(patched(section, { kk: 4 })));
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "run", "--config", file, "--out", join(dir, "run"), "--no-history"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const stderr = new TextDecoder().decode(out.stderr);
    deepStrictEqual(out.code, 2, `${section}: ${stderr}`);
    ok(stderr.includes(`Unknown option '${section}.kk'`), stderr);
    // Reading and checking the config adds about 0.3 s to starting up; a stage would add
    // seconds. (A fixed bound failed when other jobs loaded the machine: start-up alone took 3 s.)
    ok(
      seconds < startup + 1.5,
      `${section}: took ${seconds.toFixed(1)} s, starting up ${startup.toFixed(1)} s`,
    );
    ok(!existsSync(join(dir, "run")), `${section}: a stage ran`);
  }
});

Deno.test("evaluate without 'positive' on a non-binary outcome stops right after ingest", async () => {
  const dir = await Deno.makeTempDir();
  const config = patched("evaluate", { outcome: "plan" });
  const customers = await Deno.readTextFile(join(dirname(SAMPLE), "customers.csv"));
  const lines = customers.trimEnd().split("\n");
  const plans = ["gold", "silver", "none"];
  const withPlan = [`${lines[0]},plan`, ...lines.slice(1).map((l, i) => `${l},${plans[i % 3]}`)];
  await Deno.writeTextFile(join(dir, "customers.csv"), withPlan.join("\n") + "\n");
  const c = config as { tables: { customers: { path: string } }; roles?: Record<string, unknown> };
  c.tables.customers.path = join(dir, "customers.csv");
  c.roles = { ...(c.roles ?? {}), outcomes: ["plan"] };
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI,
      "run",
      "--config",
      join(dir, "config.json"),
      "--out",
      join(dir, "run"),
      "--no-history",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  deepStrictEqual(out.code, 2, stderr);
  ok(stderr.includes("Set the 'positive' option of evaluate"), stderr);
  ok(existsSync(join(dir, "run", "tables")), "ingest ran");
  ok(!existsSync(join(dir, "run", "features.parquet")), "features ran before the check");
});
