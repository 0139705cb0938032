/**
 * The product's stage table: what each stage reads, writes and runs. The runner (run.ts) checks
 * it, orders it, caches it; the CLI and the notebooks run it.
 *
 * @module
 */

import { resolveIn } from "./config.ts";
import pl from "nodejs-polars";
import { ingest } from "./ingest.ts";
import { expandPath } from "./_read_table.ts";
import type { Stage } from "./run.ts";

const ingestStage: Stage = {
  name: "ingest",
  inputs: [],
  outputs: [
    { name: "tables", kind: "frames" },
    { name: "outcomes", kind: "frame" },
    { name: "quarantine", kind: "frame" },
    { name: "ingest_summary", kind: "json" },
  ],
  code: ["ingest.ts", "_ingest_types.ts", "_read_table.ts", "_csv_scan.ts", "config.ts"],
  options: ({ config }) => ({
    tables: config.tables,
    roles: config.roles,
    maxDate: config.maxDate,
  }),
  files: ({ config, dir }) =>
    Object.values(config.tables).flatMap((t) => t ? expandPath(dir, t.path) : []).map((p) =>
      resolveIn(dir, p)
    ),
  run(_inputs, ctx) {
    const { outputs, warnings } = ingest(ctx.loaded);
    return {
      outputs: {
        tables: outputs.tables,
        outcomes: outputs.outcomes ?? pl.DataFrame({ customer_id: [] as string[] }),
        quarantine: outputs.quarantine,
        ingest_summary: { tables: outputs.summary, attributes: outputs.attributes },
      },
      warnings,
      metrics: { tables: outputs.summary },
    };
  },
};

/** Every stage of the product, in data-flow order. */
export const STAGES: Stage[] = [ingestStage];
