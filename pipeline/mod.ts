/**
 * Personae's public API: what notebooks and scripts import (`import { … } from "personae"`).
 * Each stage is a plain function over Polars frames and plain objects; the runner and the CLI
 * call the same functions.
 *
 * @module
 */

export * from "./types.ts";
export * from "./errors.ts";
export * from "./config.ts";
export * from "./ingest.ts";
export * from "./features.ts";
export * from "./matrix.ts";
export * from "./text.ts";
export * from "./privacy.ts";
export * from "./models.ts";
export * from "./cluster.ts";
export * from "./classify.ts";
export * from "./importance.ts";
export * from "./plots.ts";
export * from "./display.ts";
export * from "./job.ts";
export * from "./score.ts";
export * from "./evaluate.ts";
export * from "./personas.ts";
export { buildReport, type ReportInputs } from "./report.ts";
export * from "./notebook.ts";
export * from "./history.ts";
export { buildGraph, runPipeline, type Stage, type StageContext } from "./run.ts";
export { STAGES } from "./stages.ts";
export { rng } from "./_random.ts";
