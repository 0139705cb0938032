/**
 * Bad input to the value and experiment stages stops a run with one clear message and exit code
 * 2: at config load (a bad date, a post-treatment column as a feature) or right after ingest,
 * before any heavy stage (a missing arm column or control level, outcomes that are not numbers,
 * a holdout date outside the orders' dates, orders without dates). And the stage functions pool
 * segments under the privacy minimum as −2 in every output.
 */

import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import pl from "nodejs-polars";
import { loadConfig, parseConfig } from "../pipeline/config.ts";
import { InputError } from "../pipeline/errors.ts";
import { experimentStage } from "../pipeline/evaluate/mod.ts";
import { ingest } from "../pipeline/ingest/mod.ts";
import { runJob } from "../pipeline/runner/job.ts";
import { valueStage } from "../pipeline/value/mod.ts";

const DATASETS = fromFileUrl(new URL("./datasets/", import.meta.url));
const CLI = fromFileUrl(new URL("../pipeline/cli/main.ts", import.meta.url));

/** A dataset config with its table paths made absolute and `patch` applied. */
function config(name: string, patch: (c: Record<string, never>) => void): Record<string, unknown> {
  const c = JSON.parse(Deno.readTextFileSync(join(DATASETS, `${name}.json`)));
  for (const t of Object.values(c.tables) as { path: string }[]) {
    t.path = resolve(DATASETS, t.path);
  }
  patch(c);
  return c;
}

/** Writes the config and runs the whole job on it in a fresh folder. */
async function run(c: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "config.json");
  await Deno.writeTextFile(file, JSON.stringify(c));
  await runJob(file, { runDir: join(dir, "run") });
  return dir;
}

/** Runs the job, expects an InputError matching `pattern`, and that no stage after ingest ran. */
async function refused(c: Record<string, unknown>, pattern: RegExp): Promise<void> {
  let dir = "";
  await rejects(async () => {
    dir = await Deno.makeTempDir();
    const file = join(dir, "config.json");
    await Deno.writeTextFile(file, JSON.stringify(c));
    await runJob(file, { runDir: join(dir, "run") });
  }, (e: Error) => e instanceof InputError && pattern.test(e.message) || assertFail(e, pattern));
  ok(!existsSync(join(dir, "run", "features.parquet")), "features ran before the check");
}

function assertFail(e: Error, pattern: RegExp): never {
  throw new Error(`Expected an InputError matching ${pattern}, got ${e.name}: ${e.message}`);
}

Deno.test("an experiment naming a control level the arm never takes exits 2 via the CLI", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "config.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify(config("hillstrom-email", (c) => {
      (c.experiment as Record<string, unknown>).control = "No Email";
    })),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--config", file, "--out", join(dir, "run"), "--no-history"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  strictEqual(out.code, 2, stderr);
  ok(
    stderr.includes(
      "error: Control arm 'No Email' does not occur in column 'segment' (its arms: " +
        "'Mens E-Mail', 'No E-Mail', 'Womens E-Mail') (did you mean 'No E-Mail'?)",
    ),
    stderr,
  );
  ok(existsSync(join(dir, "run", "tables")), "ingest ran");
  ok(!existsSync(join(dir, "run", "features.parquet")), "features ran before the check");
});

Deno.test("an experiment naming a missing arm column or a text outcome stops after ingest", async () => {
  await refused(
    config("hillstrom-email", (c) => {
      (c.experiment as Record<string, unknown>).arm = "segmnt";
    }),
    /experiment\.arm names 'segmnt', which customers does not have \(did you mean 'segment'\?\)/,
  );
  await refused(
    config("hillstrom-email", (c) => {
      (c.experiment as Record<string, string[]>).outcomes.push("history_segment");
    }),
    /Outcome column 'history_segment' of the experiment must hold numbers .*Got String \(first value "2\) \$100 - \$200"\)/,
  );
});

Deno.test("a holdout date outside the orders' dates stops right after ingest", async () => {
  for (const day of ["1999-01-01", "1997-01-01"]) {
    await refused(
      config("cdnow-sample", (c) => {
        (c.value as Record<string, unknown>).holdoutFrom = day;
      }),
      new RegExp(
        `The holdout start ${day} is outside the orders' dates \\(1997-01-01 to 1998-06-30\\)`,
      ),
    );
  }
});

Deno.test("orders without dates are refused, in a config and in a notebook's frame", async () => {
  await refused(
    config("cdnow-sample", (c) => {
      const orders = (c.tables as Record<string, { columns: Record<string, string> }>).orders;
      delete orders.columns.ts;
      delete (orders as unknown as { types: Record<string, unknown> }).types.ts;
    }),
    /required column 'ts' of orders is missing/,
  );
  const orders = pl.DataFrame({
    customer_id: ["a", "a", "b"],
    ts: [new Date("2020-01-01"), null, new Date("2020-02-01")],
    amount: [5, 6, 7],
  });
  throws(() => valueStage({ orders }), (e: Error) =>
    e instanceof InputError &&
    e.message === "1 orders have no date in column 'ts' (first at row 2): every order needs one");
});

Deno.test("the value and experiment sections are checked when the config loads", () => {
  const load = (c: Record<string, unknown>) => () => parseConfig(c, "c.json");
  throws(
    load(config("cdnow-sample", (c) => {
      (c.value as Record<string, unknown>).holdoutFrom = "1997-02-30";
    })),
    /'holdoutFrom' option of value must be a real calendar day. Got "1997-02-30"/,
  );
  throws(
    load(config("cdnow-sample", (c) => {
      (c.value as Record<string, unknown>).holdoutFrom = "10/01/1997";
    })),
    /The 'value.holdoutFrom' option of value must be a date like "1997-10-01" or null/,
  );
  throws(
    load(config("hillstrom-email", (c) => {
      (c.experiment as Record<string, string[]>).pretreatment.push("spend");
    })),
    /'spend' is the experiment's arm or an outcome, measured after treatment/,
  );
  throws(
    load(config("hillstrom-email", (c) => {
      (c as Record<string, unknown>).roles = { features: ["recency", "visit"] };
    })),
    /roles.features names 'visit', which the experiment does not list as a pre-treatment column/,
  );
  throws(
    load(config("hillstrom-email", (c) => {
      delete (c.experiment as Record<string, unknown>).control;
    })),
    /'experiment.control' option of experiment must be a string or a number. Got undefined/,
  );
});

Deno.test("the stage functions pool segments under the privacy minimum as −2", async () => {
  const c = config("cdnow-sample", () => {});
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(c));
  const orders = (await ingest(await loadConfig(join(dir, "config.json")))).outputs.tables.orders!;
  const ids = [...new Set(orders.getColumn("customer_id").cast(pl.Utf8).toArray() as string[])];
  // Segment 2 holds 10 customers: below the minimum of 20, it must never show on its own.
  const labels = ids.map((_, i) => (i < 10 ? 2 : i % 2));
  const segments = pl.DataFrame({ customer_id: ids, segment: labels });
  const v = valueStage({ orders, segments }, { holdoutFrom: "1997-10-01", minSegmentSize: 20 });
  deepStrictEqual(v.outputs.summary.bySegment.map((r) => r.segment), [-2, 0, 1]);
  strictEqual(v.outputs.summary.bySegment[0].customers, 10);
  deepStrictEqual(
    [...new Set(v.outputs.customers.getColumn("segment").toArray())].sort(),
    [-2, 0, 1],
  );
  const outcomes = pl.DataFrame({
    customer_id: ids,
    arm: ids.map((_, i) => (i % 3 === 0 ? "none" : "mail")),
    bought: ids.map((_, i) => +(i % 5 === 0)),
  });
  const u = experimentStage({ outcomes, segments }, {
    arm: "arm",
    control: "none",
    outcomes: ["bought"],
    minSegmentSize: 20,
  });
  deepStrictEqual([...new Set(u.outputs.bySegment.map((r) => r.segment))].sort(), [-2, 0, 1]);
  deepStrictEqual([...new Set(u.outputs.recommendations.map((r) => r.segment))].sort(), [
    -2,
    0,
    1,
  ]);
  strictEqual(u.outputs.pooledSegment, -2);
});

Deno.test("without a holdout the value stage fits on the orders before the reference date", async () => {
  const c = config("cdnow-sample", (c) => {
    delete (c as Record<string, unknown>).value;
  });
  const dir = await run(c);
  const v = JSON.parse(await Deno.readTextFile(join(dir, "run", "value.json")));
  strictEqual(v.holdout, null);
  // The reference date 1997-10-01 makes the calibration period the published one: same fit.
  deepStrictEqual(v.calibration, { from: "1997-01-01", to: "1997-09-30", customers: 2357 });
  ok(Math.abs(v.bgnbd.r - 0.2426) < 0.0025 && Math.abs(v.gammaGamma.p - 6.2488) < 0.063);
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "run", "manifest.json")));
  const warning = manifest.warnings.find((w: { stage: string }) => w.stage === "value");
  deepStrictEqual(warning, {
    stage: "value",
    message: "Ignored order lines on or after the reference date 1997-10-01",
    count: 1959,
  });
  ok(!existsSync(join(dir, "run", "charts", "tracking.svg")), "no holdout, no tracking chart");
});

Deno.test("three weeks of orders: the value stage is skipped with its reason, the run goes on", async () => {
  const dir = await Deno.makeTempDir();
  const m = await runJob(join(DATASETS, "online-retail-dec2010.json"), { runDir: dir });
  const value = m.stages.find((s) => s.name === "value")!;
  strictEqual(value.status, "skipped");
  ok(
    /^Customer value cannot be forecast from 3 weeks of orders: the BG\/NBD fit \(a = .*\) leaves the expected purchases undefined$/
      .test(value.reason!),
    value.reason!,
  );
  ok(m.warnings.some((w) => w.stage === "value" && w.message === value.reason));
  ok(!existsSync(join(dir, "value.json")), "no value.json written");
  for (const s of ["personas", "charts", "report", "model"]) {
    strictEqual(m.stages.find((x) => x.name === s)!.status, "ran", s);
  }
  const model = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  strictEqual(model.value, null);
});
