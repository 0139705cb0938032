/**
 * The stages from raw files to segments (ingest, features, text, matrix, cluster) as rows of
 * the stage table: what each reads, writes and runs. The runner (run.ts) checks the table,
 * orders it and caches it.
 *
 * @module
 */

import { dirname } from "node:path";
import { type LoadedConfig, resolveIn } from "../config.ts";
import { type AttributeSpec, buildFeatures } from "../features/mod.ts";
import { buildMatrix, type MatrixOptions, withTextFeatures } from "../matrix/mod.ts";
import { type ClusterOptions, clusterStage } from "../cluster/mod.ts";
import { fitText, type TextOptions } from "../text/mod.ts";
import { poolLabels, pseudonymize, smallSegments } from "../privacy.ts";
import type { FeatureMeta, Matrix, Tables } from "../types.ts";
import pl from "nodejs-polars";
import { ingest } from "../ingest/mod.ts";
import { expandPath } from "../ingest/mod.ts";
import type { Stage } from "./run.ts";

export const ingestStage: Stage = {
  name: "ingest",
  inputs: [],
  outputs: [
    { name: "tables", kind: "frames" },
    { name: "outcomes", kind: "frame" },
    { name: "quarantine", kind: "frame" },
    { name: "ingest_summary", kind: "json" },
  ],
  code: ["ingest/mod.ts", "config.ts"],
  options: ({ config }) => ({
    tables: config.tables,
    roles: config.roles,
    maxDate: config.maxDate,
  }),
  files: ({ config, dir }) =>
    Object.values(config.tables).flatMap((t) => t ? expandPath(dir, t.path) : []).map((p) =>
      resolveIn(dir, p)
    ),
  async run(_inputs, ctx) {
    const { outputs, warnings } = await ingest(ctx.loaded);
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

interface IngestSummary {
  attributes: AttributeSpec[];
}

export const featuresStage: Stage = {
  name: "features",
  inputs: ["tables", "ingest_summary"],
  outputs: [{ name: "features", kind: "frame" }, { name: "feature_meta", kind: "json" }],
  code: ["features/mod.ts"],
  options: ({ config }) => ({ ...config.features, referenceDate: config.referenceDate }),
  run(inputs, ctx) {
    const { config } = ctx.loaded;
    const summary = inputs.ingest_summary as IngestSummary;
    const { outputs, warnings } = buildFeatures(inputs.tables as Tables, {
      ...config.features,
      referenceDate: config.referenceDate,
      attributes: summary.attributes,
    });
    return {
      outputs: { features: outputs.features, feature_meta: outputs.meta },
      warnings,
      metrics: {
        customers: outputs.features.height,
        features: outputs.meta.length,
        referenceDate: outputs.referenceDate,
      },
    };
  },
};

/** Where model results are cached across runs and notebooks, unless the config says. */
export const DEFAULT_TEXT_CACHE = ".cache/text-cache.sqlite";

export const textStageDef: Stage = {
  name: "text",
  inputs: ["tables"],
  outputs: [
    { name: "text_features", kind: "frame" },
    { name: "text_meta", kind: "json" },
    { name: "text_terms", kind: "frame" },
    { name: "texts", kind: "frame" },
    { name: "text_model", kind: "json" },
  ],
  code: ["text/mod.ts", "privacy.ts"],
  options: ({ config }) => config.text,
  applies: ({ config }) => config.tables.texts ? true : "the data set has no texts table",
  async run(inputs, ctx) {
    const texts = (inputs.tables as Tables).texts!;
    const progress = ctx.progress("text");
    const options = ctx.loaded.config.text as TextOptions;
    const cachePath = options.cachePath === undefined ? DEFAULT_TEXT_CACHE : options.cachePath;
    if (cachePath) Deno.mkdirSync(dirname(cachePath), { recursive: true });
    const { outputs: o, warnings } = await fitText({ texts }, {
      seed: ctx.seed,
      ...options,
      cachePath,
      onProgress: (done, total) => progress(done, total),
    });
    return {
      outputs: {
        text_features: o.features,
        text_meta: o.meta,
        text_terms: o.terms,
        texts: o.texts,
        text_model: o.model,
      },
      warnings,
      metrics: { ...o.stats },
    };
  },
};

/** Customer ids as they may leave the run: salted hashes when the config asks for them. */
export function shareableIds(ids: string[], loaded: LoadedConfig): string[] {
  const { pseudonymize: on, salt } = loaded.config.privacy;
  return on ? ids.map((id) => pseudonymize(id, salt)) : ids;
}

/** Behavioural features with the text stage's joined on, when it ran. */
export function allFeatures(
  inputs: Record<string, unknown>,
): { features: pl.DataFrame; meta: FeatureMeta[] } {
  const base = {
    features: inputs.features as pl.DataFrame,
    meta: inputs.feature_meta as FeatureMeta[],
  };
  if (!inputs.text_features) return base;
  return withTextFeatures(base, {
    features: inputs.text_features as pl.DataFrame,
    meta: inputs.text_meta as FeatureMeta[],
  });
}

export const matrixStage: Stage = {
  name: "matrix",
  inputs: ["features", "feature_meta"],
  optional: ["text_features", "text_meta"],
  outputs: [
    { name: "matrix", kind: "matrix" },
    { name: "matrix_ids", kind: "frame" },
    { name: "matrix_model", kind: "json" },
  ],
  code: ["matrix/mod.ts"],
  options: ({ config }) => config.matrix,
  run(inputs, ctx) {
    const { features, meta } = allFeatures(inputs);
    const { outputs, warnings } = buildMatrix(
      features,
      meta,
      ctx.loaded.config.matrix as MatrixOptions,
    );
    return {
      outputs: {
        matrix: outputs.matrix,
        matrix_ids: pl.DataFrame({ customer_id: outputs.ids }),
        matrix_model: outputs.model,
      },
      warnings,
      metrics: { rows: outputs.matrix.rows, columns: outputs.matrix.cols },
    };
  },
};

export const clusterStageDef: Stage = {
  name: "cluster",
  inputs: ["matrix", "matrix_ids"],
  outputs: [
    { name: "cluster_model", kind: "json" },
    { name: "segments", kind: "frame" },
    { name: "assignments", kind: "csv" },
    { name: "cluster_summary", kind: "json" },
  ],
  code: ["cluster/mod.ts"],
  options: ({ config }) => ({ cluster: config.cluster, privacy: config.privacy }),
  run(inputs, ctx) {
    const ids = (inputs.matrix_ids as pl.DataFrame).getColumn("customer_id").toArray() as string[];
    const progress = ctx.progress("cluster");
    const { outputs: o, warnings } = clusterStage(inputs.matrix as Matrix, {
      seed: ctx.seed,
      ...(ctx.loaded.config.cluster as Partial<ClusterOptions>),
      onProgress: (done, total) => progress(done, total),
    }, ids);
    const { model, labels, attachedLabels: _a, customerIds: _c, ...summary } = o;
    const small = smallSegments(labels, ctx.loaded.config.privacy.minSegmentSize);
    return {
      outputs: {
        cluster_model: model,
        segments: pl.DataFrame([
          pl.Series("customer_id", ids),
          pl.Series("segment", labels, pl.Int32),
        ]),
        assignments: pl.DataFrame([
          pl.Series("customer_id", shareableIds(ids, ctx.loaded)),
          pl.Series("segment", poolLabels(labels, small), pl.Int32),
        ]),
        cluster_summary: summary,
      },
      warnings,
      metrics: { segments: o.segments, noise: o.noise, silhouette: o.silhouette },
    };
  },
};
