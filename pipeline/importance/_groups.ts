/**
 * Which matrix columns importance permutes together.
 *
 * @module
 */

import type { MatrixModel } from "../matrix/mod.ts";

/**
 * Columns permuted together: every multi-column feature (one-hot levels, a value and its
 * missing indicator) and every feature group (purchase, social…), so importance can speak of
 * "social activity" as a whole as well as of each feature. Empty for a matrix reduced by PCA,
 * whose columns mix every feature.
 *
 * @example
 * ```ts
 * import { permutationGroups } from "./_groups.ts";
 * const groups = permutationGroups({
 *   kind: "personae.matrix",
 *   version: 1,
 *   idColumn: "customer_id",
 *   steps: [{ kind: "categorical", column: "channel", group: "preference", levels: ["web", "app"] }],
 *   columns: ["channel=web", "channel=app"],
 *   warnings: [],
 * } as never);
 * if (groups.channel.join() !== "channel=web,channel=app") throw new Error("not grouped");
 * ```
 */
export function permutationGroups(model: MatrixModel): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  const owned = (step: MatrixModel["steps"][number]) =>
    model.columns.filter((c) =>
      c === step.column || c.startsWith(`${step.column}=`) ||
      c === `${step.column}__missing`
    );
  if (model.pca) return groups;
  for (const step of model.steps) {
    const cols = owned(step);
    if (cols.length > 1) groups[step.column] = cols;
    const group = groups[`group:${step.group}`] ??= [];
    for (const c of cols) group.push(c);
  }
  return groups;
}
