/**
 * The charts stage: every chart of a run, from the stages' results, as SVG strings. Segments
 * smaller than the privacy minimum are pooled before any chart sees them, so no chart shows one
 * on its own.
 *
 * @module
 */

import pl from "nodejs-polars";
import { silhouetteSamples } from "../cluster/mod.ts";
import type { DriverRow, ImportanceOutputs } from "../importance/mod.ts";
import { permutation, rng } from "../math/mod.ts";
import type { Persona } from "../personas/mod.ts";
import { POOLED_NAME, POOLED_SEGMENT, poolLabels, smallSegments } from "../privacy.ts";
import type { FeatureMeta, Matrix, StageResult } from "../types.ts";
import { pca2d } from "./_pca.ts";
import { type ChartLanguage, chartWords } from "./_words.ts";
import { TITLES, zhFeatureLabel, zhLevel } from "./_words_run.ts";
import { stringsFor } from "../personas/mod.ts";
import { countSegments, segmentMapChart, segmentSizesChart, silhouetteChart } from "./_segments.ts";
import { categoryMixChart, heatmapChart } from "./_profiles.ts";
import { confusionChart, importanceChart, type KScores, kSelectionChart } from "./_model.ts";
import { meanIntervals, outcomeRateChart, sentimentChart } from "./_outcomes.ts";
import {
  segmentValueChart,
  type SegmentValuePoint,
  trackingChart,
  type TrackingRow,
} from "./_value.ts";
import { upliftChart, type UpliftPoint } from "./_uplift.ts";

/** What the charts are drawn from: the results of the stages before. */
export interface ChartInputs {
  /** Segment of every matrix row (−1 noise). */
  labels: Int32Array;
  /** The scaled matrix the segments were found in. */
  matrix: Matrix;
  personas: Persona[];
  /** The cluster stage's number of segments and k table (when k was chosen). */
  cluster: { segments: number; kSelection: KScores[] | null };
  /** The classifier's kind and its confusion matrix on held-out customers. */
  classify: { model: string; test: { confusion: { classes: number[]; matrix: number[][] } } };
  importance: ImportanceOutputs;
  meta: FeatureMeta[];
  /** Texts with a sentiment score and the segment of their customer, when there are texts. */
  sentiment?: { segment: Int32Array; score: Float64Array; lexicon?: boolean };
  /** The evaluate stage's outcome rates, when an outcome was named. */
  evaluation?: { outcome: string; overall: { rate: number }; rates: never[] };
  /** The value stage's summary, when the data has orders (segments already pooled). */
  value?: { bySegment: SegmentValuePoint[]; holdout: { tracking: TrackingRow[] } | null };
  /** The experiment stage's effects, when the config names an experiment (already pooled). */
  uplift?: {
    confidence: number;
    overall: Omit<UpliftPoint, "segment">[];
    bySegment: UpliftPoint[];
  };
}

/** Options of {@link buildCharts}. */
export interface ChartsOptions {
  /** Seed of the samples (map jitter, silhouette sample). @default 0 */
  seed?: number;
  /** Segments with fewer customers are pooled in every chart. @default 20 */
  minSegmentSize?: number;
  /** Language of every chart's words (the personas' language). @default "en" */
  language?: ChartLanguage;
}

/**
 * Draws every chart of a run. Returns SVG strings by chart name (sizes, map, profile,
 * categories, importance, kSelection, silhouette, confusion, sentiment, outcome, value,
 * tracking, uplift).
 */
export function buildCharts(
  inputs: ChartInputs,
  options: ChartsOptions = {},
): StageResult<Record<string, string>> {
  const seed = options.seed ?? 0;
  const small = smallSegments(inputs.labels, options.minSegmentSize ?? 20);
  const labels = poolLabels(inputs.labels, small);
  const language = options.language ?? "en";
  const zh = language === "zh";
  const t = TITLES[language];
  const names: Record<number, string> = { ...segmentNames(inputs.personas) };
  if (small.size) names[POOLED_SEGMENT] = zh ? "小分群（合并）" : POOLED_NAME;
  const opts = { segmentNames: names, language };
  const shown = (segment: number) => !small.has(segment);
  const groups = new Map(inputs.meta.map((m) => [m.name, m.group]));
  const label = featureLabels(inputs.meta, language);
  const groupName = (g: string | undefined) =>
    g === undefined ? undefined : chartWords(language).groups[g] ?? g;

  const charts: Record<string, string> = {};
  charts.sizes = segmentSizesChart(countSegments(labels), {
    ...opts,
    title: t.sizes,
  });
  // A map needs two directions; a matrix of one column has none to project on.
  if (inputs.matrix.cols >= 2) {
    const map = pca2d(inputs.matrix);
    charts.map = segmentMapChart({ x: map.x, y: map.y, segment: labels }, {
      ...opts,
      title: t.map,
      xLabel: t.pc(1, (100 * map.explained[0]).toFixed(0)),
      yLabel: t.pc(2, (100 * map.explained[1]).toFixed(0)),
      seed,
    });
  }
  const drivers = inputs.importance.drivers.filter((d) => shown(d.segment));
  charts.profile = heatmapChart(
    topDriverCells(drivers, 20).map((c) => ({ ...c, feature: label(c.feature) })),
    {
      ...opts,
      title: t.profile,
    },
  );
  const level = stringsFor(language).level;
  const mix = categoryMix(drivers).map((m) => ({ ...m, category: level(m.category) }));
  if (mix.length) {
    charts.categories = categoryMixChart(mix, {
      ...opts,
      title: t.categories,
      ...(zh ? { valueLabel: "消费占比" } : {}),
    });
  }
  const perm = inputs.importance.permutation.map((r) => ({
    ...r,
    feature: label(r.feature),
    group: groupName(groups.get(r.feature.replace(/(=.*|__missing)$/, ""))),
  }));
  charts.importance = importanceChart(perm, {
    language,
    title: t.importance,
    xLabel: t.importanceAxis,
  });
  if (inputs.cluster.kSelection) {
    charts.kSelection = kSelectionChart(inputs.cluster.kSelection, {
      chosenK: inputs.cluster.segments,
      language,
      title: t.k,
    });
  }
  const sil = silhouetteSample(inputs.matrix, labels, seed);
  if (sil) charts.silhouette = silhouetteChart(sil, { ...opts, title: t.silhouette });
  const conf = poolConfusion(inputs.classify.test.confusion, small);
  charts.confusion = confusionChart({ labels: conf.classes, counts: conf.matrix }, {
    ...opts,
    title: t.confusion(inputs.classify.model),
  });
  if (inputs.sentiment && inputs.sentiment.segment.length > 0) {
    const segment = poolLabels(inputs.sentiment.segment, small);
    charts.sentiment = sentimentChart(
      meanIntervals(segment, inputs.sentiment.score).filter((r) => r.segment !== POOLED_SEGMENT),
      {
        ...opts,
        // Word-list scores are never presented as a model's.
        title: inputs.sentiment.lexicon ? t.sentimentLexicon : t.sentiment,
        ...(inputs.sentiment.lexicon ? { xLabel: t.sentimentLexiconAxis } : {}),
      },
    );
  }
  if (inputs.evaluation) {
    const rates = (inputs.evaluation.rates as { segment: number }[]).filter((r) =>
      !small.has(r.segment)
    );
    charts.outcome = outcomeRateChart(rates as never[], {
      ...opts,
      overall: inputs.evaluation.overall.rate,
      title: t.outcome(inputs.evaluation.outcome),
    });
  }
  if (inputs.value && inputs.value.bySegment.some((r) => r.customers > 0)) {
    charts.value = segmentValueChart(
      inputs.value.bySegment.filter((r) => r.customers > 0 && !small.has(r.segment)),
      opts,
    );
  }
  if (inputs.value?.holdout) {
    charts.tracking = trackingChart(inputs.value.holdout.tracking, { language });
  }
  if (inputs.uplift) {
    charts.uplift = upliftChart([
      ...inputs.uplift.overall.map((r) => ({ ...r, segment: null })),
      ...inputs.uplift.bySegment.filter((r) => !small.has(r.segment as number)),
    ], { ...opts, confidence: inputs.uplift.confidence });
  }
  return { outputs: charts, warnings: [] };
}

/**
 * What a reader sees for a feature or matrix column: its label (or description), a one-hot
 * column as "label: level", a missing-value indicator as "label unknown", a text vector
 * dimension as "text theme k". Two features that would read alike are numbered.
 *
 * @example
 * ```ts
 * import { featureLabels } from "./_assemble.ts";
 * const label = featureLabels([
 *   { name: "MonthlyCharges", label: "monthly charges", description: "", unit: "currency",
 *     group: "attribute", kind: "numeric" },
 *   { name: "Contract", label: "contract", description: "", unit: "level", group: "attribute",
 *     kind: "categorical" },
 * ]);
 * if (label("MonthlyCharges") !== "Monthly charges") throw new Error(label("MonthlyCharges"));
 * if (label("Contract=Two year") !== "Contract: Two year") throw new Error();
 * if (label("text_emb_3") !== "Text theme 4") throw new Error(label("text_emb_3"));
 * ```
 */
export function featureLabels(
  meta: readonly FeatureMeta[],
  language: ChartLanguage = "en",
): (feature: string) => string {
  const byName = new Map(meta.map((m) => [m.name, m]));
  const zh = language === "zh";
  const base = (name: string) => {
    const m = byName.get(name);
    const text = (zh ? zhFeatureLabel(name) : null) ?? m?.label ?? m?.description.split(": ")[0] ??
      name;
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  const seen = new Map<string, string>();
  return (feature: string) => {
    const emb = feature.match(/^text_emb_(\d+)$/);
    let text: string;
    if (emb) text = zh ? `文本主题 ${Number(emb[1]) + 1}` : `Text theme ${Number(emb[1]) + 1}`;
    else if (feature.endsWith("__missing")) {
      text = `${base(feature.slice(0, -9))}${zh ? "未知" : " unknown"}`;
    } else if (!byName.has(feature) && feature.includes("=")) {
      const at = feature.indexOf("=");
      const lvl = feature.slice(at + 1);
      text = `${base(feature.slice(0, at))}${zh ? "：" : ": "}${zh ? zhLevel(lvl) : lvl}`;
    } else text = base(feature);
    // Labels are kept apart by a number, never by falling back to the raw name.
    let shown = text;
    for (let i = 2; seen.has(shown) && seen.get(shown) !== feature; i++) shown = `${text} (${i})`;
    seen.set(shown, feature);
    return shown;
  };
}

/** Persona names by segment, for chart labels. */
export function segmentNames(personas: Persona[]): Record<number, string> {
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

/** The confusion matrix with every small segment merged into one pooled row and column. */
function poolConfusion(
  conf: { classes: number[]; matrix: number[][] },
  small: ReadonlySet<number>,
): { classes: number[]; matrix: number[][] } {
  if (!conf.classes.some((c) => small.has(c))) return conf;
  const classes = [...conf.classes.filter((c) => !small.has(c)), POOLED_SEGMENT];
  const at = (c: number) => small.has(c) ? classes.length - 1 : classes.indexOf(c);
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  conf.classes.forEach((t, i) =>
    conf.classes.forEach((p, j) => matrix[at(t)][at(p)] += conf.matrix[i][j])
  );
  return { classes, matrix };
}

/** Per-customer silhouettes on a seeded sample: exact silhouettes cost O(n²). */
function silhouetteSample(matrix: Matrix, labels: Int32Array, seed: number, rows = 2000) {
  const n = matrix.rows, d = matrix.cols;
  const pick = n <= rows
    ? null
    : Array.from(permutation(n, rng(seed)).subarray(0, rows)).sort((a, b) => a - b);
  const idx = pick ?? Array.from({ length: n }, (_, i) => i);
  const keep = idx.filter((r) => labels[r] >= 0);
  if (new Set(keep.map((r) => labels[r])).size < 2) return null;
  const sub = new Float64Array(keep.length * d);
  keep.forEach((r, i) => sub.set(matrix.data.subarray(r * d, (r + 1) * d), i * d));
  const segment = Int32Array.from(keep, (r) => labels[r]);
  return { segment, silhouette: silhouetteSamples(sub, keep.length, d, segment) };
}

/** Texts' sentiment scores with the segment of their customer (texts of unknown customers dropped). */
export function sentimentBySegment(
  texts: pl.DataFrame,
  segments: pl.DataFrame,
): { segment: Int32Array; score: Float64Array; lexicon: boolean } | undefined {
  if (!texts.columns.includes("sentiment_score")) return undefined;
  const scored = texts.select("customer_id", "sentiment_score")
    .filter(pl.col("sentiment_score").isNotNull())
    .join(segments.select("customer_id", "segment"), { on: "customer_id" });
  const lexicon = texts.columns.includes("sentiment_source") &&
    (texts.getColumn("sentiment_source").toArray() as unknown[]).includes("lexicon");
  return {
    segment: Int32Array.from(scored.getColumn("segment").toArray().map(Number)),
    score: Float64Array.from(scored.getColumn("sentiment_score").toArray().map(Number)),
    lexicon,
  };
}
