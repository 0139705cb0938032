/**
 * The product's stage table: every stage in data-flow order, each defined next to its
 * neighbours in _stages_data.ts (ingest to cluster), _stages_model.ts (classify, importance,
 * evaluate, experiment), _stages_value.ts (value) and _stages_output.ts (personas, charts,
 * report, model).
 *
 * @module
 */

import type { Stage } from "./run.ts";
import {
  clusterStageDef,
  featuresStage,
  ingestStage,
  matrixStage,
  textStageDef,
} from "./_stages_data.ts";
import {
  classifyStageDef,
  evaluateStageDef,
  experimentStageDef,
  importanceStageDef,
} from "./_stages_model.ts";
import { valueStageDef } from "./_stages_value.ts";
import {
  chartsStageDef,
  modelStageDef,
  personasStageDef,
  reportStageDef,
} from "./_stages_output.ts";

/** The wiring above is part of every stage's code version: editing it reruns the stages. */
const withWiring = (s: Stage): Stage => ({ ...s, code: [...s.code, "runner/stages.ts"] });

/** Every stage of the product, in data-flow order. */
export const STAGES: Stage[] = [
  ingestStage,
  featuresStage,
  textStageDef,
  matrixStage,
  clusterStageDef,
  classifyStageDef,
  importanceStageDef,
  evaluateStageDef,
  experimentStageDef,
  valueStageDef,
  personasStageDef,
  chartsStageDef,
  reportStageDef,
  modelStageDef,
].map(withWiring);
