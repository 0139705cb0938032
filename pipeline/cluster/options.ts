/**
 * Options of the cluster stage: the rules common to every method and each method's own, in one
 * table that checks a stage call, checks the config's `cluster` section before any stage runs,
 * and generates that section of the config schema.
 *
 * @module
 */

import {
  bool,
  defaultsOf,
  int,
  oneOf,
  type OptionsOf,
  parseOptions,
  withDefault,
} from "../options.ts";
import { OptionError } from "../options.ts";
import type { OnProgress } from "../progress.ts";
import { METHOD_NAMES, METHOD_RULES, type MethodName } from "./_methods.ts";

const COMMON_RULES = {
  method: withDefault(
    oneOf(...METHOD_NAMES),
    "kmeans" as MethodName,
    `Clustering method: ${METHOD_NAMES.map((m) => `"${m}"`).join(", ")}`,
  ),
  seed: withDefault(int(), 0, "Seed of every random step (seeding, samples, bootstrap)"),
  silhouetteRows: withDefault(
    int(2),
    5000,
    "Silhouettes are exact up to this many rows, else on a seeded sample of that size",
  ),
  stability: withDefault(bool(), true, "Measure bootstrap stability"),
  stabilityReplicates: withDefault(int(1), 20, "Bootstrap replicates"),
  stabilityRows: withDefault(int(2), 5000, "Rows drawn per replicate (all rows up to this many)"),
};

/** Every option of the cluster stage: the common ones, then each method's. */
export const CLUSTER_RULES = { ...COMMON_RULES, ...METHOD_RULES };

/** Settings of the cluster stage, defaults filled in. */
export type ClusterOptions = OptionsOf<typeof CLUSTER_RULES> & {
  /** Told after each step: steps done, steps in all, what was done. */
  onProgress?: OnProgress;
};

/** The defaults of {@link ClusterOptions}. */
export const CLUSTER_DEFAULTS: Readonly<Omit<ClusterOptions, "onProgress">> = defaultsOf(
  CLUSTER_RULES,
);

/**
 * Merges the given options over the defaults once and checks every one of them.
 *
 * @example
 * ```ts
 * import { resolveClusterOptions } from "./options.ts";
 * const o = resolveClusterOptions({ k: 4 });
 * if (o.k !== 4 || o.method !== "kmeans") throw new Error("defaults not merged");
 * ```
 */
export function resolveClusterOptions(input: Partial<ClusterOptions> = {}): ClusterOptions {
  const o = parseOptions("cluster", CLUSTER_RULES, input, {
    allow: ["onProgress"],
  }) as ClusterOptions;
  if (o.kMax < o.kMin) {
    throw new OptionError(
      `The 'kMax' option of kmeans must be ≥ kMin (${o.kMin}). Got ${o.kMax} instead`,
      "cluster",
      "kMax",
    );
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new OptionError(
      `The 'onProgress' option of cluster must be a function`,
      "cluster",
      "onProgress",
    );
  }
  return o;
}
