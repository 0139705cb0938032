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
        warn,
      );
    if (typeof step === "string") warn(step);
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
 * and the warnings of fitting.
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
