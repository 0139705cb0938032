/**
 * Report inputs for the tests: personas built from the hand-made drivers of personas_data.ts,
 * small hand-written chart SVGs (so the snapshot depends on the report alone), a manifest with a
 * model fallback among its warnings, and the classifier comparison table.
 */

import { buildPersonas } from "../pipeline/personas/personas.ts";
import type { ReportInputs } from "../pipeline/report/report.ts";
import { customers, drivers, META, SIZES, texts } from "./personas_data.ts";

/** A tiny chart in the shape plots.ts writes (namespace, title, an id and a reference to it). */
export function tinySvg(title: string, fill: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80" viewBox="0 0 320 80" ` +
    `role="img" font-family="DejaVu Sans, sans-serif"><title>${title}</title>` +
    `<defs><clipPath id="clip"><rect width="320" height="80"/></clipPath></defs>` +
    `<g clip-path="url(#clip)"><rect x="10" y="20" width="200" height="30" fill="${fill}"/>` +
    `<text x="10" y="14" font-size="12">${title}</text></g></svg>`;
}

export const MANIFEST = {
  name: "sample",
  config: { path: "data/sample/config.json", sha256: "5f2c".repeat(16) },
  seed: 42,
  versions: { deno: "2.9.6", "nodejs-polars": "0.25.2", "@observablehq/plot": "0.6.17" },
  stages: [
    { name: "ingest", status: "ran", seconds: 1.25 },
    { name: "text", status: "cached", seconds: 0.01 },
  ],
  warnings: [
    {
      stage: "ingest",
      message: "Rows quarantined in orders.csv: amount is not a number",
      count: 3,
    },
    {
      stage: "text",
      message: "FALLBACK: Cannot load the sentiment model 'Xenova/distilbert' (offline). " +
        "Instead, sentiment is left empty (null); see https://huggingface.co/docs for help",
      count: 30,
    },
  ],
  startedAt: "2026-01-02T10:00:00.000Z",
  finishedAt: "2026-01-02T10:01:05.000Z",
  seconds: 65,
};

export const COMPARISON = [
  {
    model: "logistic",
    cvAccuracy: 0.98,
    cvMacroF1: 0.9671,
    testAccuracy: 0.987,
    testMacroF1: 0.977,
    chosen: true,
  },
  {
    model: "forest",
    cvAccuracy: 0.961,
    cvMacroF1: 0.9391,
    testAccuracy: 0.967,
    testMacroF1: 0.971,
    chosen: false,
  },
];

/** Full report inputs in the given language, charts given as SVG strings. */
export async function reportInputs(
  language: "en" | "zh" = "en",
  charts?: Record<string, string>,
): Promise<ReportInputs> {
  const who = customers();
  const { outputs, warnings } = await buildPersonas({
    drivers: drivers(),
    meta: META,
    sizes: SIZES,
    texts: texts(who),
    customers: who,
    stability: SIZES.map((s) => ({ segment: s.segment, meanJaccard: 0.95 - 0.1 * s.segment })),
    f1: SIZES.map((s) => ({ segment: s.segment, f1: 0.97 - 0.04 * s.segment })),
  }, { language });
  return {
    manifest: MANIFEST,
    dataset: {
      name: "sample",
      description: "Generated e-commerce customers with five planted groups",
      tables: {
        customers: { read: 3000, kept: 3000, quarantined: 0, byReason: {} },
        orders: { read: 21914, kept: 21911, quarantined: 3, byReason: { "not a number": 3 } },
      },
    },
    personas: outputs.personas,
    warnings,
    charts: charts ?? {
      sizes: tinySvg("Segment sizes", "#4269d0"),
      map: tinySvg("Customers by segment", "#efb118"),
      confusion: tinySvg("Confusion matrix", "#ff725c"),
      importance: tinySvg("What sets the segments apart", "#6cc5b0"),
      kSelection: tinySvg("Choosing k", "#3ca951"),
      sentiment: tinySvg("Sentiment by segment", "#ff8ab7"),
    },
    tables: { comparison: COMPARISON },
  };
}
