/**
 * The command line as a user meets it, each command in its own process and folder: what a run
 * prints, what the history records when nothing changed, and that every error is one line with
 * the documented exit code.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const CLI = fromFileUrl(new URL("../pipeline/cli/main.ts", import.meta.url));
const CONFIG = fromFileUrl(new URL("../deno.json", import.meta.url));
const SAMPLE = fromFileUrl(new URL("../data/sample/config.json", import.meta.url));

/** Runs the CLI in `cwd`, as the tasks do (the repo's deno.json, gc exposed). */
async function cli(cwd: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", "--config", CONFIG, CLI, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("a run's summary ends with the report's path, and a fully cached rerun adds no run", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "personae-cli-" });
  const first = await cli(cwd, "run", "--config", SAMPLE, "--out", "runs/sample", "--quiet");
  strictEqual(first.code, 0, first.stderr);
  const again = await cli(cwd, "run", "--config", SAMPLE, "--out", "runs/sample");
  strictEqual(again.code, 0, again.stderr);
  const lines = again.stdout.trimEnd().split("\n");
  strictEqual(lines.at(-1), "Report: runs/sample/report.html");
  ok(Deno.statSync(join(cwd, "runs/sample/report.html")).isFile);
  ok(
    lines.at(-2)!.startsWith(
      "Nothing changed since run #1 (every stage cached): marked it re-checked",
    ),
    again.stdout,
  );
  ok(lines.slice(1, 13).every((l) => / (cached|skipped)\b/.test(l)), again.stdout);
  const runs = await cli(cwd, "runs", "--json");
  strictEqual(runs.code, 0, runs.stderr);
  const recorded = JSON.parse(runs.stdout);
  strictEqual(recorded.length, 1, "the cached rerun added a run");
  ok(recorded[0].recheckedAt > recorded[0].finishedAt, JSON.stringify(recorded[0]));
  // The history's config hash is the one the report prints.
  const report = Deno.readTextFileSync(join(cwd, "runs/sample/report.html"));
  ok(report.includes(recorded[0].configHash), recorded[0].configHash);
  // The report is brought up to date from any folder: the manifest finds its config from the
  // run folder, not from where the run was started.
  const elsewhere = await Deno.makeTempDir({ prefix: "personae-cli-" });
  const report2 = await cli(elsewhere, "report", "--run", join(cwd, "runs/sample"));
  strictEqual(report2.code, 0, report2.stderr);
  strictEqual(report2.stdout.trim(), join(cwd, "runs/sample/report.html"));
  const compare = await cli(cwd, "runs", "compare", "1", "sample");
  strictEqual(compare.code, 0, compare.stderr);
  ok(compare.stdout.indexOf("Quality:") < compare.stdout.indexOf("Timings"), compare.stdout);
  ok(/A 0 \S.* +→ +B 0 \S.* +\d+ of \d+ stayed \(100\.0%\)/.test(compare.stdout), compare.stdout);
});

Deno.test("every command's errors are one line with the documented exit code", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "personae-cli-" });
  Deno.mkdirSync(join(cwd, "empty"));
  const cases: [string[], number, RegExp][] = [
    [
      ["report", "--run", "runs/nope"],
      2,
      /^error: No run in runs\/nope: the folder does not exist/,
    ],
    [["report", "--run", "empty"], 2, /^error: No run in empty: it has no manifest\.json/],
    [
      ["score", "--model", "nope/model.json", "--config", SAMPLE, "--out", "scores.csv"],
      2,
      /^error: Cannot read model nope\/model\.json: no such file$/,
    ],
    [["run", "--config", "nope.json"], 2, /^error: Cannot read config nope\.json/],
    [["run", "--from", "clustr"], 64, /Unknown stage 'clustr' \(did you mean 'cluster'\?\)/],
    [["run", "--seed", "abc"], 64, /'--seed <n>' argument 'abc' is invalid/],
    [["runs", "compare", "1", "2"], 2, /^error: No run history at runs\/history\.sqlite/],
    [["runs", "compare", "1"], 64, /missing required argument 'b'/],
    [["frobnicate"], 64, /unknown command 'frobnicate'/],
  ];
  for (const [args, code, message] of cases) {
    const r = await cli(cwd, ...args);
    const lines = r.stderr.trimEnd().split("\n");
    deepStrictEqual([r.code, lines.length], [code, 1], `${args.join(" ")}: ${r.stderr}`);
    ok(message.test(lines[0]), `${args.join(" ")}: ${lines[0]}`);
  }
});
