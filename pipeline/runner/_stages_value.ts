/**
 * Stage-table row of the value stage: customer lifetime value from the orders, by segment.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { Tables } from "../types.ts";
import { checkValueInput, ValueNotEstimable, valueStage, type ValueSummary } from "../value/mod.ts";
import type { Stage } from "./run.ts";
import { shareableIds } from "./_stages_data.ts";

export const valueStageDef: Stage = {
  name: "value",
  inputs: ["tables", "segments"],
  outputs: [
    { name: "value", kind: "json" },
    { name: "value_customers", kind: "frame", file: "value.parquet" },
  ],
  code: ["value/mod.ts", "runner/_stages_value.ts"],
  options: ({ config }) => ({
    value: config.value,
    referenceDate: config.referenceDate,
    privacy: config.privacy,
  }),
  applies: ({ config }) => config.tables.orders ? true : "the data set has no orders table",
  // Undated orders or a holdout outside the orders' dates stop the run right after ingest.
  precheck: {
    inputs: ["tables"],
    run: (inputs, { config }) =>
      checkValueInput((inputs.tables as Tables).orders!, {
        ...config.value,
        referenceDate: config.referenceDate,
        minSegmentSize: config.privacy.minSegmentSize,
      }),
  },
  run(inputs, ctx) {
    const { config } = ctx.loaded;
    let result;
    try {
      result = valueStage({
        orders: (inputs.tables as Tables).orders!,
        segments: inputs.segments as pl.DataFrame,
      }, {
        ...config.value,
        referenceDate: config.referenceDate,
        minSegmentSize: config.privacy.minSegmentSize,
      });
    } catch (e) {
      // Too short a history is not bad input: the rest of the run goes on, without values.
      if (!(e instanceof ValueNotEstimable)) throw e;
      return {
        outputs: {},
        warnings: [{ stage: "value", message: e.message }],
        skipped: e.message,
      };
    }
    const { outputs, warnings } = result;
    const ids = outputs.customers.getColumn("customer_id").toArray() as string[];
    const s: ValueSummary = outputs.summary;
    return {
      outputs: {
        value: s,
        value_customers: outputs.customers.withColumns(
          pl.Series("customer_id", shareableIds(ids, ctx.loaded)),
        ),
      },
      warnings,
      metrics: {
        customers: s.total.customers,
        bgnbd: { r: s.bgnbd.r, alpha: s.bgnbd.alpha, a: s.bgnbd.a, b: s.bgnbd.b },
        gammaGamma: { p: s.gammaGamma.p, q: s.gammaGamma.q, gamma: s.gammaGamma.gamma },
        totalValue: s.total.value,
        ...(s.holdout
          ? {
            holdout: {
              predicted: s.holdout.predictedRepeatTransactions,
              actual: s.holdout.actualRepeatTransactions,
            },
          }
          : {}),
      },
    };
  },
};
