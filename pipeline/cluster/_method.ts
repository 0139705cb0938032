/**
 * What a clustering method is to the cluster stage: its option rules, how it segments a
 * matrix, how it refits for stability and how its model assigns new rows. Adding a method is
 * one file implementing {@link ClusterMethod} and one line in _methods.ts.
 *
 * @module
 */

import type { Rules } from "../options.ts";
import type { Matrix } from "../types.ts";
import type { EpsSuggestion } from "./_dbscan.ts";
import type { KChoice, KScore } from "./_select.ts";

/** What every fitted cluster model has; each method adds its own fields. */
export interface ClusterModelBase {
  kind: "personae.cluster";
  version: 1;
  method: string;
  /** Columns of the matrix it was fitted on (names when the matrix had them). */
  cols: number;
  columns?: string[];
}

export type Warn = (message: string, count?: number) => void;
export type Step = (label: string) => void;

/** Settings every method sees: the stage's common options and its own. */
export interface FitSettings {
  seed: number;
  silhouetteRows: number;
  [option: string]: unknown;
}

/** A method's fit: labels numbered by size (noise −1), the model and what it chose. */
export interface MethodFit<M extends ClusterModelBase> {
  labels: Int32Array;
  model: M;
  /** Scores of every k tried, when the method chose k. */
  kSelection?: KScore[];
  /** How k was chosen (rule, runner-up), when the method chose k. */
  kChoice?: KChoice;
  /** The k-distance curve and knee, when the method chose a radius. */
  eps?: EpsSuggestion;
  /** With noise: the labelling with noise given the nearest segment (attachNoise). */
  attached?: Int32Array;
}

/** One clustering method. */
export interface ClusterMethod<M extends ClusterModelBase, R extends Rules = Rules> {
  name: M["method"];
  /** One line for the option's documentation. */
  summary: string;
  /** Whether the method leaves rows out as noise (−1); sizes then list a noise row. */
  noise: boolean;
  /** The method's own options; messages name the method as their owner. */
  rules: R;
  /** Fit steps the progress bar counts for `n` rows. */
  steps(o: FitSettings, n: number): number;
  segment(m: Matrix, o: FitSettings, warn: Warn, step: Step): MethodFit<M>;
  /** Refits on a bootstrap sample with the settings the fit ended on (k found, eps used). */
  refit(
    model: M,
    o: FitSettings,
    d: number,
  ): (sub: Float64Array, rows: number, seed: number) => Int32Array;
  /** A warning about the stability refits, when they are biased for this method. */
  stabilityNote?(model: M, o: FitSettings, n: number, sampleRows: number): string | undefined;
  /** Segment of every row of `data` (−1 for noise). */
  assign(model: M, data: Float64Array, n: number, attachNoise: boolean): Int32Array;
  /** Segments the model holds (noise not counted). */
  segments(model: M): number;
}
