/**
 * Stage-table rows for the model side: the segment classifier, feature importance, and the
 * segments checked against outcomes and experiments.
 *
 * @module
 */

import pl from "nodejs-polars";
import {
  type ClassifierModel,
  type ClassifyOptionsInput,
  classifyStage,
  predictProba,
} from "../classify/mod.ts";
import {
  checkExperiment,
  checkOutcome,
  type EvaluateOptions,
  type EvaluateOptionsInput,
  evaluateStage,
  type ExperimentOptionsInput,
  experimentStage,
} from "../evaluate/mod.ts";
import { importanceStage, type PermutationOptions } from "../importance/mod.ts";
import { type MatrixModel, rawLevels, rawMatrix } from "../matrix/mod.ts";
import type { Stage } from "./run.ts";
import { allFeatures, shareableIds } from "./_stages_data.ts";
import { poolLabels, smallSegments } from "../privacy.ts";
import type { FeatureMeta, Matrix } from "../types.ts";

/** Segment labels of the matrix rows, from the cluster stage's assignments. */
export function labelsOf(assignments: pl.DataFrame): Int32Array {
  return Int32Array.from(assignments.getColumn("segment").toArray().map(Number));
}

export const classifyStageDef: Stage = {
  name: "classify",
  inputs: ["matrix", "matrix_ids", "segments"],
  outputs: [
    { name: "classifier", kind: "json" },
    { name: "classify_summary", kind: "json" },
    { name: "scores", kind: "csv" },
  ],
  code: ["classify/mod.ts", "runner/_stages_model.ts"],
  options: ({ config }) => ({ classify: config.classify, privacy: config.privacy }),
  run(inputs, ctx) {
    const matrix = inputs.matrix as Matrix;
    const labels = labelsOf(inputs.segments as pl.DataFrame);
    const progress = ctx.progress("classify");
    const { outputs: o, warnings } = classifyStage(matrix, labels, {
      seed: ctx.seed,
      ...(ctx.loaded.config.classify as ClassifyOptionsInput),
      onProgress: (done, total) => progress(done, total),
    });
    const { proba, classes } = predictProba(o.model, matrix);
    const k = classes.length;
    const predicted = new Int32Array(matrix.rows), probability = new Float64Array(matrix.rows);
    for (let i = 0; i < matrix.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
      predicted[i] = classes[best];
      probability[i] = proba[i * k + best];
    }
    const ids = (inputs.matrix_ids as pl.DataFrame).getColumn("customer_id");
    const small = smallSegments(labels, ctx.loaded.config.privacy.minSegmentSize);
    // Train times differ run to run: they go to the manifest, not into the artifacts.
    const untimed = <T>(x: T): T =>
      JSON.parse(JSON.stringify(x, (k, v) => k === "trainSeconds" ? undefined : v));
    const trainSeconds = Object.fromEntries(o.comparison.map((r) => [r.model, r.trainSeconds]));
    return {
      outputs: {
        classifier: o.model,
        classify_summary: {
          model: o.model.kind,
          cv: untimed(o.cv),
          test: o.test,
          comparison: untimed(o.comparison),
          split: { train: Array.from(o.split.train), test: Array.from(o.split.test) },
        },
        scores: pl.DataFrame([
          pl.Series("customer_id", shareableIds(ids.toArray() as string[], ctx.loaded)),
          pl.Series("segment", poolLabels(labels, small), pl.Int32),
          pl.Series("predicted", poolLabels(predicted, small), pl.Int32),
          pl.Series("probability", probability, pl.Float64),
        ]),
      },
      warnings,
      metrics: {
        model: o.model.kind,
        testAccuracy: o.test.accuracy,
        testMacroF1: o.test.macroF1,
        trainSeconds,
      },
    };
  },
};

export const importanceStageDef: Stage = {
  name: "importance",
  inputs: [
    "classifier",
    "classify_summary",
    "matrix",
    "matrix_model",
    "segments",
    "features",
    "feature_meta",
  ],
  outputs: [{ name: "importance", kind: "json" }],
  code: ["importance/mod.ts", "runner/_stages_model.ts"],
  options: ({ config }) => config.importance,
  run(inputs, ctx) {
    const matrix = inputs.matrix as Matrix;
    const labels = labelsOf(inputs.segments as pl.DataFrame);
    const split = (inputs.classify_summary as { split: { test: number[] } }).split;
    const meta = inputs.feature_meta as FeatureMeta[];
    const values = rawMatrix(inputs.features as pl.DataFrame, meta);
    const levels = rawLevels(inputs.features as pl.DataFrame, meta);
    const { outputs, warnings } = importanceStage({
      model: inputs.classifier as ClassifierModel,
      matrix,
      labels,
      rows: split.test,
      values,
      levels,
      segments: labels,
      matrixModel: inputs.matrix_model as MatrixModel,
    }, {
      seed: ctx.seed,
      ...(ctx.loaded.config.importance as Partial<PermutationOptions>),
    });
    const top = [...outputs.permutation].sort((a, b) => b.mean - a.mean).slice(0, 5);
    return {
      outputs: { importance: outputs },
      warnings,
      metrics: { topFeatures: top.map((r) => r.feature) },
    };
  },
};

export const evaluateStageDef: Stage = {
  name: "evaluate",
  inputs: ["segments", "outcomes", "features", "feature_meta", "matrix_model"],
  optional: ["text_features", "text_meta"],
  outputs: [
    { name: "evaluation", kind: "json" },
    { name: "evaluation_labels", kind: "csv" },
  ],
  code: ["evaluate/mod.ts", "cluster/mod.ts", "runner/_stages_model.ts"],
  options: ({ config }) => config.evaluate,
  applies: ({ config }) =>
    config.evaluate ? true : "no outcome named (config key 'evaluate' is absent)",
  precheck: {
    inputs: ["outcomes"],
    run: (inputs, { config }) =>
      checkOutcome(inputs.outcomes as pl.DataFrame, config.evaluate as EvaluateOptionsInput),
  },
  run(inputs, ctx) {
    const { features, meta } = allFeatures(inputs);
    const options = ctx.loaded.config.evaluate as Partial<EvaluateOptions> & { outcome: string };
    const { outputs, warnings } = evaluateStage({
      assignments: inputs.segments as pl.DataFrame,
      outcomes: inputs.outcomes as pl.DataFrame,
      features,
      featureMeta: meta,
      segmentationFeatures: (inputs.matrix_model as MatrixModel).steps.map((s) => s.column),
    }, { seed: ctx.seed, ...options });
    const { labels, ...evaluation } = outputs;
    return {
      outputs: { evaluation, evaluation_labels: labels },
      warnings,
      metrics: {
        verdict: outputs.verdict,
        cramersV: Object.fromEntries(outputs.comparison.map((c) => [c.method, c.cramersV])),
      },
    };
  },
};

export const experimentStageDef: Stage = {
  name: "experiment",
  inputs: ["segments", "outcomes"],
  outputs: [{ name: "uplift", kind: "json" }],
  code: ["evaluate/mod.ts", "uplift/mod.ts", "runner/_stages_model.ts"],
  options: ({ config }) => ({ experiment: config.experiment, privacy: config.privacy }),
  applies: ({ config }) =>
    config.experiment ? true : "no experiment named (config key 'experiment' is absent)",
  precheck: {
    inputs: ["outcomes"],
    run: (inputs, { config }) =>
      checkExperiment(inputs.outcomes as pl.DataFrame, config.experiment as ExperimentOptionsInput),
  },
  run(inputs, ctx) {
    const { config } = ctx.loaded;
    const { outputs, warnings } = experimentStage({
      outcomes: inputs.outcomes as pl.DataFrame,
      segments: inputs.segments as pl.DataFrame,
    }, {
      ...(config.experiment as ExperimentOptionsInput),
      minSegmentSize: config.privacy.minSegmentSize,
    });
    return {
      outputs: { uplift: outputs },
      warnings,
      metrics: {
        overall: outputs.overall.map((r) => ({
          arm: r.arm,
          outcome: r.outcome,
          difference: r.difference,
        })),
        recommended: outputs.recommendations.filter((r) => r.arm !== null).length,
      },
    };
  },
};
