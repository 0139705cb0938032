/**
 * Matrix stage: turns the feature table into the numeric matrix that clustering reads. A fitted
 * {@link MatrixModel} is a list of column steps (median imputation with an optional missing
 * indicator, signed log1p for heavy-tailed features, standard or robust scaling, one-hot with a
 * level cap, group weights) and an optional PCA, all plain JSON.
 *
 * @module
 */

import type pl from "nodejs-polars";
import type { FeatureGroup, FeatureMeta, Matrix, StageResult, StageWarning } from "../types.ts";
import { parseOptions } from "../options.ts";
import {
  MATRIX_DEFAULTS,
  MATRIX_RULES,
  type MatrixOptions,
  type ResolvedMatrixOptions,
} from "./options.ts";
import {
  applyCategorical,
  applyNumeric,
  type ColumnStep,
  fitCategorical,
  fitNumeric,
  stepOutputs,
  unseenLevels,
} from "./_steps.ts";
import { numericColumn, requireColumn, textColumn } from "./_util.ts";
import { applyPca, fitPca, type PcaModel } from "../math/mod.ts";

export { MATRIX_DEFAULTS, type MatrixOptions };
export type { CategoricalStep, ColumnStep, NumericStep } from "./_steps.ts";
export type { PcaModel } from "../math/mod.ts";

/** A fitted matrix model: plain data, JSON-serialisable, no training rows. */
export interface MatrixModel {
  kind: "personae.matrix";
  version: 1;
  idColumn: string;
  /** One step per kept feature, in output order. */
  steps: ColumnStep[];
  /** Present when the options asked for PCA; outputs are then "pc1".."pck". */
  pca?: PcaModel & { inputColumns: string[] };
  /** Names of the output columns of the matrix. */
  columns: string[];
  /** What fitting dropped or substituted (constant columns, zero IQR…). */
  warnings: StageWarning[];
  /**
   * How `textShare` weighted the text block: its share of the matrix's variance at weight 1, the
   * share it was given, and the weight that gives it (1 when the share was within range),
   * applied to every text column.
   */
  textWeight?: { unweightedShare: number; share: number; weight: number };
}

/**
 * Fits the column steps (and PCA) on a feature table. Fitting twice gives the same model.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { applyMatrix, fitMatrix } from "./matrix.ts";
 * const features = pl.DataFrame({ customer_id: ["a", "b"], spend: [1, 3] });
 * const meta = [{ name: "spend", description: "", unit: "", group: "purchase" as const,
 *   kind: "numeric" as const }];
 * const { matrix } = applyMatrix(fitMatrix(features, meta), features);
 * if (matrix.data[0] !== -1 || matrix.data[1] !== 1) throw new Error("not standardised");
 * ```
 */
export function fitMatrix(
  features: pl.DataFrame,
  meta: FeatureMeta[],
  options: MatrixOptions = {},
): MatrixModel {
  const given = parseOptions("matrix", MATRIX_RULES, options);
  const o: ResolvedMatrixOptions = { ...given, ...behaviourFirst(meta, options) };
  requireColumn(o.idColumn, features.columns, "features");
  const selected = selectFeatures(meta, o);
  for (const m of selected) requireColumn(m.name, features.columns, "features");

  const warnings: StageWarning[] = [];
  const warn = (message: string) => warnings.push({ stage: "matrix", message });
  const steps: ColumnStep[] = [];
  // Many features are null for the same customers (every ratio over orders for those with no
  // orders): one indicator per distinct missingness pattern, or "no orders" would count 20 times.
  const patterns: Uint8Array[] = [];
  const newPattern = (column: string) => {
    const v = numericColumn(features, column);
    const p = Uint8Array.from(v, (x) => (Number.isNaN(x) ? 1 : 0));
    if (patterns.some((q) => q.every((b, i) => b === p[i]))) return false;
    patterns.push(p);
    return true;
  };
  for (const m of selected) {
    // Warnings reach the report: they name the feature as a reader knows it.
    const readable = m.label ?? (m.description || m.name);
    const say = (message: string) => warn(message.replace(`'${m.name}'`, `'${readable}'`));
    const weight = o.weights[m.group] ?? 1;
    const step = m.kind === "categorical"
      ? fitCategorical(m.name, m.group, textColumn(features, m.name), weight, o.maxLevels)
      : fitNumeric(
        m.name,
        m.group,
        m.heavyTailed === true,
        numericColumn(features, m.name),
        weight,
        { scaling: o.scaling, log1p: o.log1p, indicator: o.missingIndicator },
        say,
      );
    if (typeof step === "string") say(step);
    else {
      if (step.kind === "numeric" && step.indicator) step.indicator = newPattern(step.column);
      steps.push(step);
    }
  }
  const columns = steps.flatMap(stepOutputs);
  const model: MatrixModel = {
    kind: "personae.matrix",
    version: 1,
    idColumn: o.idColumn,
    steps,
    columns,
    warnings,
  };
  if (o.weights.text === undefined && o.textShare !== null) {
    const balanced = balanceText(steps, features, o.textShare);
    if (balanced) model.textWeight = balanced;
  }
  if (o.pca) {
    if (columns.length === 0) throw new RangeError("Cannot fit PCA: no feature columns are left");
    const x = transform(steps, columns, features);
    const pca = fitPca(x, o.pca);
    if ("components" in o.pca && o.pca.components > columns.length) {
      warn(
        `PCA asked for ${o.pca.components} components but the matrix has ${columns.length} columns; kept ${columns.length}`,
      );
    }
    model.pca = { ...pca, inputColumns: columns };
    model.columns = pca.components.map((_, i) => `pc${i + 1}`);
  }
  return model;
}

/**
 * Applies a fitted model to a feature table with the same columns (extra columns are ignored).
 * A missing or renamed column is a TypeError naming it, with a "did you mean" when one is close.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { applyMatrix, fitMatrix } from "./matrix.ts";
 * const meta = [{ name: "spend", description: "Spend", unit: "EUR", group: "purchase" as const,
 *   kind: "numeric" as const }];
 * const model = fitMatrix(pl.DataFrame({ customer_id: ["a", "b"], spend: [1, 3] }), meta);
 * // New customers are scaled with the fitted mean (2) and standard deviation (1).
 * const fresh = pl.DataFrame({ customer_id: ["x", "y"], spend: [5, 2], extra: [0, 0] });
 * const { matrix, ids } = applyMatrix(model, fresh);
 * if (ids.join() !== "x,y" || matrix.data.join() !== "3,0") throw new Error("not rescaled");
 * let threw = false;
 * try {
 *   applyMatrix(model, pl.DataFrame({ customer_id: ["z"], spent: [1] }));
 * } catch (e) {
 *   threw = e instanceof TypeError && e.message.includes("spend");
 * }
 * if (!threw) throw new Error("a missing column is a TypeError naming it");
 * ```
 */
export function applyMatrix(
  model: MatrixModel,
  features: pl.DataFrame,
): { matrix: Matrix; ids: string[] } {
  requireColumn(model.idColumn, features.columns, "features");
  for (const step of model.steps) requireColumn(step.column, features.columns, "features");
  const ids = textColumn(features, model.idColumn).map((v) => String(v));
  const inputColumns = model.steps.flatMap(stepOutputs);
  const x = transform(model.steps, inputColumns, features);
  if (!model.pca) return { matrix: x, ids };
  return { matrix: { ...applyPca(model.pca, x), columns: model.columns }, ids };
}

/** Levels of a categorical column the model never saw in fitting, with their row counts. */
export interface UnseenLevels {
  column: string;
  levels: [level: string | null, rows: number][];
  /** How those rows are encoded: the step's "other" column, or no column of the step at all. */
  scoredAs: "other" | "no level";
}

/**
 * The categorical columns of `features` holding levels the model never saw when it was fitted
 * (scoring encodes them as "other", or as no level when the step has no "other" column).
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { fitMatrix, unseenLevelsOf } from "./matrix.ts";
 * const train = pl.DataFrame({ customer_id: ["a", "b", "c"], plan: ["x", "y", "x"] });
 * const model = fitMatrix(train, [
 *   { name: "plan", description: "Plan", unit: "", kind: "categorical", group: "attribute" },
 * ]);
 * const seen = unseenLevelsOf(model, pl.DataFrame({ customer_id: ["d", "e"], plan: ["z", "x"] }));
 * if (JSON.stringify(seen[0].levels) !== '[["z",1]]') throw new Error(JSON.stringify(seen));
 * ```
 */
export function unseenLevelsOf(model: MatrixModel, features: pl.DataFrame): UnseenLevels[] {
  const out: UnseenLevels[] = [];
  for (const step of model.steps) {
    if (step.kind !== "categorical" || !features.columns.includes(step.column)) continue;
    const levels = unseenLevels(step, textColumn(features, step.column));
    if (levels.length) {
      out.push({ column: step.column, levels, scoredAs: step.other ? "other" : "no level" });
    }
  }
  return out;
}

/**
 * Fits and applies in one call, in the shape of a stage: the matrix, the row ids, the model
 * and the warnings of fitting. Options as for {@linkcode fitMatrix} (defaults in
 * `MATRIX_DEFAULTS`).
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { buildMatrix } from "./matrix.ts";
 * const features = pl.DataFrame({
 *   customer_id: ["a", "b", "c", "d"],
 *   orders: [1, 2, 3, 10],
 *   channel: ["web", "shop", "web", "web"],
 *   age: [30, 40, 50, 60],
 * });
 * const meta = [
 *   { name: "orders", description: "Orders", unit: "orders", group: "purchase" as const,
 *     kind: "numeric" as const },
 *   { name: "channel", description: "Channel", unit: "", group: "preference" as const,
 *     kind: "categorical" as const },
 *   { name: "age", description: "Age", unit: "years", group: "attribute" as const,
 *     kind: "numeric" as const },
 * ];
 * const { outputs, warnings } = buildMatrix(features, meta);
 * // Behaviour defines segments: the attribute `age` is left out, `channel` is one-hot.
 * if (outputs.matrix.columns?.join() !== "orders,channel=web,channel=shop") throw new Error();
 * if (outputs.matrix.rows !== 4 || outputs.ids.join() !== "a,b,c,d") throw new Error("rows");
 * if (outputs.matrix.data[1 * 3 + 2] !== 1) throw new Error("b shops in the shop");
 * if (warnings.length !== 0) throw new Error("no warnings expected");
 * ```
 */
export function buildMatrix(
  features: pl.DataFrame,
  meta: FeatureMeta[],
  options: MatrixOptions = {},
): StageResult<{ matrix: Matrix; ids: string[]; model: MatrixModel }> {
  const model = fitMatrix(features, meta, options);
  const { matrix, ids } = applyMatrix(model, features);
  return { outputs: { matrix, ids, model }, warnings: model.warnings };
}

/**
 * The unscaled numeric features as a matrix (NaN for nulls), for computing per-segment
 * drivers in the units people read. Defaults to every numeric feature of the meta.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { rawMatrix } from "./matrix.ts";
 * const features = pl.DataFrame({
 *   customer_id: ["a", "b"],
 *   spend: [1.5, null],
 *   region: ["north", "south"],
 * });
 * const meta = [
 *   { name: "spend", description: "Spend", unit: "EUR", group: "purchase" as const,
 *     kind: "numeric" as const },
 *   { name: "region", description: "Region", unit: "", group: "attribute" as const,
 *     kind: "categorical" as const },
 * ];
 * const m = rawMatrix(features, meta);
 * if (m.columns?.join() !== "spend" || m.data[0] !== 1.5) throw new Error("spend as given");
 * if (!Number.isNaN(m.data[1])) throw new Error("a null is NaN");
 * ```
 */
export function rawMatrix(features: pl.DataFrame, meta: FeatureMeta[], names?: string[]): Matrix {
  const kinds = new Map(meta.map((m) => [m.name, m.kind]));
  const cols = names ?? meta.filter((m) => m.kind === "numeric").map((m) => m.name);
  for (const c of cols) {
    requireColumn(c, features.columns, "features");
    if (kinds.get(c) === "categorical") {
      throw new TypeError(`Column '${c}' is categorical: rawMatrix takes numeric features only`);
    }
  }
  const rows = features.height, d = cols.length;
  const data = new Float64Array(rows * d);
  cols.forEach((c, j) => {
    const v = numericColumn(features, c);
    for (let i = 0; i < rows; i++) data[i * d + j] = v[i];
  });
  return { rows, cols: d, data, columns: cols };
}

/**
 * The categorical features' values, one list per feature (null when unknown), for the level
 * shares among the drivers. Defaults to every categorical feature of the meta.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { rawLevels } from "./matrix.ts";
 * const features = pl.DataFrame({ customer_id: ["a", "b"], plan: ["gold", null] });
 * const meta = [{ name: "plan", description: "Plan", unit: "level", group: "attribute" as const,
 *   kind: "categorical" as const }];
 * const [plan] = rawLevels(features, meta);
 * if (plan.name !== "plan" || plan.values[0] !== "gold" || plan.values[1] !== null) {
 *   throw new Error(JSON.stringify(plan));
 * }
 * ```
 */
export function rawLevels(
  features: pl.DataFrame,
  meta: FeatureMeta[],
): { name: string; values: (string | null)[] }[] {
  return meta.filter((m) => m.kind === "categorical").map((m) => {
    requireColumn(m.name, features.columns, "features");
    return { name: m.name, values: textColumn(features, m.name) as (string | null)[] };
  });
}

function transform(steps: ColumnStep[], columns: string[], features: pl.DataFrame): Matrix {
  const rows = features.height, stride = columns.length;
  const data = new Float64Array(rows * stride);
  let offset = 0;
  for (const step of steps) {
    if (step.kind === "numeric") {
      applyNumeric(step, numericColumn(features, step.column), data, stride, offset);
    } else {
      applyCategorical(step, textColumn(features, step.column), data, stride, offset);
    }
    offset += stepOutputs(step).length;
  }
  return { rows, cols: stride, data, columns: [...columns] };
}

/** Sum of the variances of a step's output columns over the rows of `features`. */
function stepVariance(step: ColumnStep, features: pl.DataFrame): number {
  const width = stepOutputs(step).length, rows = features.height;
  const out = new Float64Array(rows * width);
  if (step.kind === "numeric") {
    applyNumeric(step, numericColumn(features, step.column), out, width, 0);
  } else applyCategorical(step, textColumn(features, step.column), out, width, 0);
  let total = 0;
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += out[i * width + j];
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (out[i * width + j] - mean) ** 2;
    total += ss / rows;
  }
  return total;
}

/**
 * Scales the text steps so that the text block's share of the matrix's variance is `share`, or
 * lies within [min, max] (see the `textShare` option). Nothing to balance when the matrix is all
 * text or has none.
 */
function balanceText(
  steps: ColumnStep[],
  features: pl.DataFrame,
  share: number | { min: number; max: number },
): MatrixModel["textWeight"] | undefined {
  const text = steps.filter((s) => s.group === "text");
  const rest = steps.filter((s) => s.group !== "text");
  if (text.length === 0 || rest.length === 0) return undefined;
  const vText = text.reduce((a, s) => a + stepVariance(s, features), 0);
  const vRest = rest.reduce((a, s) => a + stepVariance(s, features), 0);
  if (!(vText > 0) || !(vRest > 0)) return undefined;
  const unweightedShare = vText / (vText + vRest);
  const target = typeof share === "number"
    ? share
    : Math.min(share.max, Math.max(share.min, unweightedShare));
  if (target === unweightedShare) return { unweightedShare, share: target, weight: 1 };
  // w² · vText / (w² · vText + vRest) = target
  const weight = Math.sqrt((target * vRest) / ((1 - target) * vText));
  for (const s of text) s.weight *= weight;
  return { unweightedShare, share: target, weight };
}

const BEHAVIOUR: FeatureGroup[] = ["purchase", "preference", "price", "browsing", "social"];

/**
 * Segments are defined by behaviour when the data has behaviour: customer attributes (age,
 * region…) then describe segments without defining them, unless the options choose columns or
 * groups themselves.
 */
function behaviourFirst(meta: FeatureMeta[], options: MatrixOptions): MatrixOptions {
  const chosen = options.columns || options.groups || options.excludeGroups;
  const behaviour = meta.some((m) => BEHAVIOUR.includes(m.group));
  return !chosen && behaviour ? { excludeGroups: ["attribute"] } : {};
}

/**
 * The customer features with the text stage's joined on, when there are any (customers
 * without texts get nulls): what the matrix, importance and evaluate stages read.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { withTextFeatures } from "./matrix.ts";
 * const features = pl.DataFrame({ customer_id: ["a", "b"], spend: [1, 3] });
 * const text = pl.DataFrame({ customer_id: ["b"], text_count: [2] });
 * const meta = [{ name: "text_count", description: "", unit: "", group: "text" as const,
 *   kind: "numeric" as const }];
 * const all = withTextFeatures({ features, meta: [] }, { features: text, meta });
 * if (all.features.width !== 3 || all.meta.length !== 1) throw new Error("not joined");
 * ```
 */
export function withTextFeatures(
  base: { features: pl.DataFrame; meta: FeatureMeta[] },
  text?: { features: pl.DataFrame; meta: FeatureMeta[] },
): { features: pl.DataFrame; meta: FeatureMeta[] } {
  if (!text) return base;
  return {
    features: base.features.join(text.features, { on: "customer_id", how: "left" }),
    meta: [...base.meta, ...text.meta],
  };
}

function selectFeatures(meta: FeatureMeta[], o: ResolvedMatrixOptions) {
  const names = meta.map((m) => m.name);
  for (const c of [...(o.columns ?? []), ...o.excludeColumns]) {
    requireColumn(c, names, "feature meta");
  }
  return meta.filter((m) =>
    (o.columns === undefined || o.columns.includes(m.name)) &&
    (o.groups === undefined || o.groups.includes(m.group)) &&
    !o.excludeColumns.includes(m.name) && !o.excludeGroups.includes(m.group)
  );
}
