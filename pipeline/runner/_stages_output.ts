/**
 * Stage-table rows for what people read: personas, charts and the report.
 *
 * @module
 */

import pl from "nodejs-polars";
import { createHash } from "node:crypto";
import { relative } from "node:path";
import type { ClusterOutputs } from "../cluster/mod.ts";
import { silhouetteSamples } from "../cluster/mod.ts";
import type { DriverRow, ImportanceOutputs } from "../importance/mod.ts";
import { versions } from "./run.ts";
import { buildPersonas, type Persona, type PersonasOptions } from "../personas/mod.ts";
import {
  categoryMixChart,
  confusionChart,
  countSegments,
  heatmapChart,
  importanceChart,
  kSelectionChart,
  meanIntervals,
  outcomeRateChart,
  pca2d,
  segmentMapChart,
  segmentSizesChart,
  sentimentChart,
  silhouetteChart,
  toPng,
} from "../charts/mod.ts";
import { buildReport } from "../report/mod.ts";
import type { ScoringModel } from "../score/mod.ts";
import type { ClassifierModel } from "../classify/mod.ts";
import type { AttributeSpec, FeaturesOptions } from "../features/mod.ts";
import type { MatrixModel } from "../matrix/mod.ts";
import type { TextModel, TextOptions } from "../text/mod.ts";
import type { Stage } from "./run.ts";
import type { FeatureMeta, Matrix } from "../types.ts";
import { labelsOf } from "./_stages_model.ts";
import { permutation, rng } from "../math/mod.ts";

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
  optional: ["text_meta", "texts"],
  outputs: [{ name: "personas", kind: "json" }, {
    name: "personas_md",
    kind: "text",
    file: "personas.md",
  }],
  code: ["personas/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({ personas: config.personas, privacy: config.privacy }),
  async run(inputs, ctx) {
    const { config } = ctx.loaded;
    const segments = inputs.segments as pl.DataFrame;
    const cluster = inputs.cluster_summary as ClusterSummary;
    const meta = [
      ...(inputs.feature_meta as FeatureMeta[]),
      ...((inputs.text_meta as FeatureMeta[] | undefined) ?? []),
    ];
    const { outputs, warnings } = await buildPersonas({
      drivers: (inputs.importance as ImportanceOutputs).drivers,
      meta,
      sizes: cluster.sizes,
      texts: inputs.texts ? (inputs.texts as pl.DataFrame).toRecords() as never : undefined,
      customers: {
        ids: segments.getColumn("customer_id").toArray() as string[],
        segments: labelsOf(segments),
      },
      stability: cluster.stability?.segments,
      f1: (inputs.classify_summary as ClassifySummary).test.perClass,
    }, {
      minSegmentSize: config.privacy.minSegmentSize,
      ...(config.personas as Partial<PersonasOptions>),
    });
    return {
      outputs: { personas: outputs.personas, personas_md: outputs.markdown },
      warnings,
      metrics: { personas: outputs.personas.map((p) => p.name) },
    };
  },
};

/** Persona names by segment, for chart labels. */
function segmentNames(personas: Persona[]): Record<number, string> {
  const names: Record<number, string> = {};
  for (const p of personas) if (p.kind === "segment") names[p.segments[0]] = p.name;
  return names;
}

/** The features that set segments apart most (largest |z| anywhere), for the heat map. */
function topDriverCells(drivers: DriverRow[], top: number) {
  const best = new Map<string, number>();
  for (const d of drivers) {
    if (d.z === null || !Number.isFinite(d.z)) continue;
    best.set(d.feature, Math.max(best.get(d.feature) ?? 0, Math.abs(d.z)));
  }
  const keep = new Set(
    [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top)
      .map(([f]) => f),
  );
  return drivers.filter((d) => keep.has(d.feature) && d.z !== null && Number.isFinite(d.z))
    .map((d) => ({ segment: d.segment, feature: d.feature, z: d.z as number }));
}

function categoryMix(drivers: DriverRow[]) {
  return drivers.filter((d) => d.feature.startsWith("spend_share_") && d.meanIn !== null)
    .map((d) => ({
      segment: d.segment,
      category: d.feature.slice("spend_share_".length),
      value: d.meanIn as number,
    }));
}

/** Per-customer silhouettes on a seeded sample: exact silhouettes cost O(n²). */
function silhouetteSample(matrix: Matrix, labels: Int32Array, seed: number, rows = 2000) {
  const n = matrix.rows, d = matrix.cols;
  const pick = n <= rows ? null : Array.from(permutation(n, rng(seed)).subarray(0, rows)).sort((
    a,
    b,
  ) => a - b);
  const idx = pick ?? Array.from({ length: n }, (_, i) => i);
  const data = new Float64Array(idx.length * d);
  const seg = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    data.set(matrix.data.subarray(r * d, (r + 1) * d), i * d);
    seg[i] = labels[r];
  });
  const keep = Array.from(seg).map((s, i) => [s, i]).filter(([s]) => s >= 0).map(([, i]) => i);
  if (new Set(keep.map((i) => seg[i])).size < 2) return null;
  const sub = new Float64Array(keep.length * d);
  keep.forEach((r, i) => sub.set(data.subarray(r * d, (r + 1) * d), i * d));
  const subSeg = Int32Array.from(keep.map((i) => seg[i]));
  return { segment: subSeg, silhouette: silhouetteSamples(sub, keep.length, d, subSeg) };
}

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
  optional: ["texts", "evaluation", "text_meta"],
  outputs: [{ name: "charts", kind: "files", file: "charts" }],
  code: ["charts/mod.ts", "runner/_stages_output.ts"],
  options: () => ({}),
  run(inputs, ctx) {
    const names = segmentNames(inputs.personas as Persona[]);
    const opts = { segmentNames: names };
    const segments = inputs.segments as pl.DataFrame;
    const labels = labelsOf(segments);
    const matrix = inputs.matrix as Matrix;
    const cluster = inputs.cluster_summary as ClusterSummary;
    const classify = inputs.classify_summary as ClassifySummary;
    const importance = inputs.importance as ImportanceOutputs;
    const groups = new Map(
      [
        ...(inputs.feature_meta as FeatureMeta[]),
        ...((inputs.text_meta as FeatureMeta[] | undefined) ?? []),
      ].map((m) => [m.name, m.group]),
    );
    const charts: Record<string, string> = {};
    charts.sizes = segmentSizesChart(countSegments(labels), {
      ...opts,
      title: "Customers per segment",
    });
    const map = pca2d(matrix);
    charts.map = segmentMapChart({ x: map.x, y: map.y, segment: labels }, {
      ...opts,
      title: "Customers on the first two principal components",
      xLabel: `PC1 (${(100 * map.explained[0]).toFixed(0)}% of variance)`,
      yLabel: `PC2 (${(100 * map.explained[1]).toFixed(0)}% of variance)`,
      seed: ctx.seed,
    });
    const drivers = importance.drivers;
    charts.profile = heatmapChart(topDriverCells(drivers, 20), {
      ...opts,
      title: "What sets each segment apart (z-scores)",
    });
    const mix = categoryMix(drivers);
    if (mix.length) {
      charts.categories = categoryMixChart(mix, { ...opts, title: "Share of spend by category" });
    }
    const perm = importance.permutation.map((r) => ({ ...r, group: groups.get(r.feature) }));
    charts.importance = importanceChart(perm, {
      title: "Permutation importance on held-out customers",
      xLabel: "Drop in accuracy when the feature is shuffled",
    });
    if (cluster.kSelection) {
      charts.kSelection = kSelectionChart(cluster.kSelection, {
        chosenK: cluster.segments,
        title: "Choosing the number of segments",
      });
    }
    const sil = silhouetteSample(matrix, labels, ctx.seed);
    if (sil) charts.silhouette = silhouetteChart(sil, { ...opts, title: "Silhouette per segment" });
    const conf = classify.test.confusion;
    charts.confusion = confusionChart({ labels: conf.classes, counts: conf.matrix }, {
      ...opts,
      title: `Classifier (${classify.model}) on held-out customers`,
    });
    const texts = inputs.texts as pl.DataFrame | undefined;
    if (texts && texts.columns.includes("sentiment_score")) {
      const scored = texts.select("customer_id", "sentiment_score").filter(
        pl.col("sentiment_score").isNotNull(),
      ).join(segments, { on: "customer_id" });
      if (scored.height > 0) {
        charts.sentiment = sentimentChart(
          meanIntervals(
            labelsOf(scored),
            Float64Array.from(scored.getColumn("sentiment_score").toArray().map(Number)),
          ),
          { ...opts, title: "Mean sentiment of customers' texts" },
        );
      }
    }
    const evaluation = inputs.evaluation as
      | { outcome: string; overall: { rate: number }; rates: never[] }
      | undefined;
    if (evaluation) {
      charts.outcome = outcomeRateChart(evaluation.rates, {
        ...opts,
        overall: evaluation.overall.rate,
        title: `${evaluation.outcome} rate by segment, Personae vs baselines`,
      });
    }
    const files: Record<string, string | Uint8Array> = {};
    for (const [name, svg] of Object.entries(charts)) {
      files[`${name}.svg`] = svg;
      files[`${name}.png`] = toPng(svg);
    }
    return { outputs: { charts: files }, warnings: [], metrics: { charts: Object.keys(charts) } };
  },
};

export const reportStageDef: Stage = {
  name: "report",
  inputs: ["personas", "charts", "classify_summary", "cluster_summary", "ingest_summary"],
  optional: ["evaluation"],
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
      command: `deno task run --config ${configPath}`,
    });
    return { outputs: { report: html }, warnings: [] };
  },
};

export const modelStageDef: Stage = {
  name: "model",
  inputs: ["matrix_model", "classifier", "personas", "ingest_summary", "segments"],
  optional: ["text_model"],
  outputs: [{ name: "model", kind: "json" }],
  code: ["score/mod.ts", "runner/_stages_output.ts"],
  options: ({ config }) => ({ features: config.features, text: config.text }),
  run(inputs, ctx) {
    const { config, text } = ctx.loaded;
    const personas = inputs.personas as Persona[];
    const names = segmentNames(personas);
    const segments = [...new Set(labelsOf(inputs.segments as pl.DataFrame))].filter((s) => s >= 0)
      .sort((a, b) => a - b).map((s) => ({ segment: s, name: names[s] ?? `Segment ${s}` }));
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
