/**
 * Stage-table rows for what people read: personas, charts and the report.
 *
 * @module
 */

import pl from "nodejs-polars";
import { createHash } from "node:crypto";
import { relative } from "node:path";
import type { ClusterOutputs } from "../cluster/mod.ts";
import type { ImportanceOutputs } from "../importance/mod.ts";
import { versions } from "./run.ts";
import { POOLED_NAME, smallSegments } from "../privacy.ts";
import {
  buildPersonas,
  outcomeColumns,
  type Persona,
  type PersonaInputs,
  type PersonasOptions,
} from "../personas/mod.ts";
import {
  buildCharts,
  type ChartInputs,
  segmentNames,
  sentimentBySegment,
  toPng,
} from "../charts/mod.ts";
import { buildReport, type ReportUplift, type ReportValue } from "../report/mod.ts";
import type { ScoringModel } from "../score/mod.ts";
import type { ClassifierModel } from "../classify/mod.ts";
import type { AttributeSpec, FeaturesOptions } from "../features/mod.ts";
import type { MatrixModel } from "../matrix/mod.ts";
import type { TextModel, TextOptions } from "../text/mod.ts";
import type { Stage } from "./run.ts";
import type { ValueSummary } from "../value/mod.ts";
import type { FeatureMeta, Matrix, StageWarning } from "../types.ts";
import { labelsOf } from "./_stages_model.ts";

type ClusterSummary = Omit<ClusterOutputs, "model" | "labels" | "attachedLabels" | "customerIds">;

interface ClassifySummary {
  model: string;
  comparison: Record<string, unknown>[];
  test: {
    accuracy: number;
    macroF1: number;
    perClass: { class: number; f1: number }[];
    confusion: { classes: number[]; matrix: number[][] };
  };
}

export const personasStageDef: Stage = {
  name: "personas",
  inputs: ["importance", "feature_meta", "cluster_summary", "segments", "classify_summary"],
  optional: ["text_meta", "texts", "outcomes", "value"],
  outputs: [{ name: "personas", kind: "json" }, {
    name: "personas_md",
    kind: "text",
    file: "personas.md",
  }],
  code: ["personas/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({
    personas: config.personas,
    privacy: config.privacy,
    roles: config.roles,
    positive: config.evaluate?.positive,
  }),
  async run(inputs, ctx) {
    const { config } = ctx.loaded;
    const segments = inputs.segments as pl.DataFrame;
    const cluster = inputs.cluster_summary as ClusterSummary;
    const meta = [
      ...(inputs.feature_meta as FeatureMeta[]),
      ...((inputs.text_meta as FeatureMeta[] | undefined) ?? []),
    ];
    const ids = segments.getColumn("customer_id").toArray() as string[];
    const outcomes = inputs.outcomes as pl.DataFrame | undefined;
    const evaluate = config.evaluate as { outcome?: string; positive?: string } | undefined;
    const { outputs, warnings } = await buildPersonas({
      drivers: (inputs.importance as ImportanceOutputs).drivers,
      meta,
      sizes: cluster.sizes,
      texts: inputs.texts ? (inputs.texts as pl.DataFrame).toRecords() as never : undefined,
      customers: { ids, segments: labelsOf(segments) },
      outcomes: outcomes && outcomes.width > 1
        ? outcomeColumns(
          outcomes,
          ids,
          config.roles.columns,
          evaluate?.outcome && evaluate.positive !== undefined
            ? { column: evaluate.outcome, value: evaluate.positive }
            : undefined,
        )
        : undefined,
      stability: cluster.stability?.segments,
      f1: (inputs.classify_summary as ClassifySummary).test.perClass,
      value: inputs.value as PersonaInputs["value"],
    }, {
      minSegmentSize: config.privacy.minSegmentSize,
      currency: config.roles.currency ?? null,
      ...(config.personas as Partial<PersonasOptions>),
    });
    return {
      outputs: { personas: outputs.personas, personas_md: outputs.markdown },
      warnings,
      metrics: { personas: outputs.personas.map((p) => p.name) },
    };
  },
};

export const chartsStageDef: Stage = {
  name: "charts",
  inputs: [
    "personas",
    "segments",
    "matrix",
    "cluster_summary",
    "classify_summary",
    "importance",
    "feature_meta",
  ],
  optional: ["texts", "evaluation", "text_meta", "value", "uplift"],
  outputs: [{ name: "charts", kind: "files", file: "charts" }],
  code: ["charts/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({ privacy: config.privacy }),
  run(inputs, ctx) {
    const segments = inputs.segments as pl.DataFrame;
    const texts = inputs.texts as pl.DataFrame | undefined;
    const { outputs: charts, warnings } = buildCharts({
      labels: labelsOf(segments),
      matrix: inputs.matrix as Matrix,
      personas: inputs.personas as Persona[],
      cluster: inputs.cluster_summary as ClusterSummary,
      classify: inputs.classify_summary as ClassifySummary,
      importance: inputs.importance as ImportanceOutputs,
      meta: [
        ...(inputs.feature_meta as FeatureMeta[]),
        ...((inputs.text_meta as FeatureMeta[] | undefined) ?? []),
      ],
      sentiment: texts ? sentimentBySegment(texts, segments) : undefined,
      evaluation: inputs.evaluation as never,
      value: inputs.value as ChartInputs["value"],
      uplift: inputs.uplift as ChartInputs["uplift"],
    }, {
      seed: ctx.seed,
      minSegmentSize: ctx.loaded.config.privacy.minSegmentSize,
      language: (inputs.personas as Persona[])[0]?.language ?? "en",
    });
    const files: Record<string, string | Uint8Array> = {};
    const pngWarnings: StageWarning[] = [];
    for (const [name, svg] of Object.entries(charts)) {
      files[`${name}.svg`] = svg;
      const { png, warnings: missingFont } = toPng(svg);
      files[`${name}.png`] = png;
      for (const w of missingFont) pngWarnings.push(w);
    }
    return {
      outputs: { charts: files },
      warnings: [...warnings, ...pngWarnings],
      metrics: { charts: Object.keys(charts) },
    };
  },
};

export const reportStageDef: Stage = {
  name: "report",
  inputs: ["personas", "charts", "classify_summary", "cluster_summary", "ingest_summary"],
  optional: ["evaluation", "value", "uplift"],
  outputs: [{ name: "report", kind: "text", file: "report.html" }],
  code: ["report/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({ name: config.name, description: config.description }),
  run(inputs, ctx) {
    const { loaded } = ctx;
    const files = inputs.charts as Record<string, string | Uint8Array>;
    const charts = Object.fromEntries(
      Object.entries(files).filter(([f]) => f.endsWith(".svg")).map((
        [f, svg],
      ) => [f.slice(0, -4), String(svg)]),
    );
    const classify = inputs.classify_summary as ClassifySummary;
    const cluster = inputs.cluster_summary as ClusterSummary;
    const ingest = inputs.ingest_summary as { tables: Record<string, never> };
    const configPath = relative(Deno.cwd(), loaded.path);
    const tables: Record<string, Record<string, unknown>[]> = {
      comparison: classify.comparison,
    };
    if (cluster.kSelection) tables.kSelection = cluster.kSelection as never;
    const evaluation = inputs.evaluation as { comparison: Record<string, unknown>[] } | undefined;
    if (evaluation) tables["outcome association"] = evaluation.comparison;
    // Timings and clock times stay out of the report, so the same inputs give the same bytes;
    // they are in manifest.json.
    const html = buildReport({
      manifest: {
        name: loaded.config.name,
        config: {
          path: configPath,
          sha256: createHash("sha256").update(loaded.text).digest("hex"),
        },
        seed: ctx.seed,
        versions: versions(),
        // Whether a stage ran now or came from the cache is not part of the result.
        stages: ctx.records.map((r) => ({
          name: r.name,
          status: r.status === "cached" ? "ran" : r.status,
          warnings: r.warnings,
        })),
        warnings: ctx.records.flatMap((r) => r.warnings),
      } as never,
      dataset: {
        name: loaded.config.name,
        description: loaded.config.description,
        tables: ingest.tables,
      },
      personas: inputs.personas as Persona[],
      charts,
      tables,
      kChoice: cluster.kChoice,
      value: inputs.value as ReportValue | undefined,
      uplift: inputs.uplift as ReportUplift | undefined,
      currency: loaded.config.roles.currency ?? null,
      silhouettes: cluster.silhouettePerSegment ?? [],
      silhouette: cluster.silhouette,
      command: `deno task run --config ${configPath}`,
    });
    return { outputs: { report: html }, warnings: [] };
  },
};

/**
 * The levels every categorical attribute took in training, so scoring can count the levels it
 * never saw, in the columns that define the segments and in those that only describe them.
 */
function trainingLevels(features: pl.DataFrame, meta: FeatureMeta[]) {
  const levels: Record<string, (string | null)[]> = {};
  for (const m of meta) {
    if (m.kind !== "categorical" || !features.columns.includes(m.name)) continue;
    const values = features.getColumn(m.name).cast(pl.Utf8).unique().toArray() as (string | null)[];
    levels[m.name] = values.sort((a, b) =>
      a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0
    );
  }
  return levels;
}

export const modelStageDef: Stage = {
  name: "model",
  inputs: [
    "matrix_model",
    "classifier",
    "personas",
    "ingest_summary",
    "segments",
    "features",
    "feature_meta",
  ],
  optional: ["text_model", "value"],
  outputs: [{ name: "model", kind: "json" }],
  code: ["score/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({
    features: config.features,
    text: config.text,
    privacy: config.privacy,
  }),
  run(inputs, ctx) {
    const { config, text } = ctx.loaded;
    const personas = inputs.personas as Persona[];
    const names = segmentNames(personas);
    const labels = labelsOf(inputs.segments as pl.DataFrame);
    const small = smallSegments(labels, config.privacy.minSegmentSize);
    const segments = [...new Set(labels)].filter((s) => s >= 0).sort((a, b) => a - b).map((s) =>
      small.has(s)
        ? { segment: s, name: POOLED_NAME, pooled: true }
        : { segment: s, name: names[s] ?? `Segment ${s}` }
    );
    const model: ScoringModel = {
      kind: "personae.scoring",
      version: 1,
      features: {
        ...(config.features as FeaturesOptions),
        attributes: (inputs.ingest_summary as { attributes: AttributeSpec[] }).attributes,
      },
      text: inputs.text_model
        ? { model: inputs.text_model as TextModel, options: config.text as TextOptions }
        : null,
      matrix: inputs.matrix_model as MatrixModel,
      classifier: inputs.classifier as ClassifierModel,
      // The value models, when the data had orders: score values new customers with them.
      value: (inputs.value as ValueSummary | undefined)?.model ?? null,
      levels: trainingLevels(inputs.features as pl.DataFrame, inputs.feature_meta as FeatureMeta[]),
      segments,
      trainedOn: {
        name: config.name,
        configSha256: createHash("sha256").update(text).digest("hex"),
        seed: ctx.seed,
        customers: (inputs.segments as pl.DataFrame).height,
      },
    };
    return { outputs: { model }, warnings: [] };
  },
};
