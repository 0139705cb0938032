/**
 * Scoring new customers without re-clustering: the fitted pipeline (feature settings, text
 * model, matrix transform, classifier, segment names and, when the run had orders, the value
 * models) is one JSON artifact, `model.json`; {@link score} turns new tables into a segment and
 * its probability per customer, and their expected value.
 *
 * @module
 */

import pl from "nodejs-polars";
import { POOLED_NAME, POOLED_SEGMENT } from "../privacy.ts";
import { type ClassifierModel, predictProba } from "../classify/mod.ts";
import { didYouMean, InputError } from "../errors.ts";
import { type AttributeSpec, buildFeatures, type FeaturesOptions } from "../features/mod.ts";
import { applyMatrix, type MatrixModel, unseenLevelsOf } from "../matrix/mod.ts";
import { applyText, type TextModel, type TextOptions } from "../text/mod.ts";
import type { StageResult, StageWarning, Tables } from "../types.ts";
import { customerValue, summarizeOrders, type ValueModel } from "../value/mod.ts";

/** Everything needed to assign a new customer to a segment, as plain JSON. */
export interface ScoringModel {
  kind: "personae.scoring";
  version: 1;
  /** Feature settings of the run (attributes as ingest found them). */
  features: FeaturesOptions & { attributes: AttributeSpec[] };
  /** The text stage's model and options, when the run read texts. */
  text: { model: TextModel; options: TextOptions } | null;
  matrix: MatrixModel;
  classifier: ClassifierModel;
  /** The fitted value models (BG/NBD, Gamma-Gamma, CLV settings); null when the run had no orders. */
  value?: ValueModel | null;
  /**
   * The levels each categorical feature took in training (absent in models written before it was
   * recorded): scoring counts the levels it never saw.
   */
  levels?: Record<string, (string | null)[]>;
  /**
   * Segment numbers and the persona names they were given; `pooled` marks segments below the
   * privacy minimum, which scores show only together, as one pooled segment.
   */
  segments: { segment: number; name: string; pooled?: boolean }[];
  trainedOn: { name: string; configSha256: string; seed: number; customers: number };
}

/** Options of {@link score}. */
export interface ScoreOptions {
  /** Date recency and tenure are measured from. @default the day after the data's last timestamp */
  referenceDate?: string;
  /** Text options for this machine (model folders, cache); the fitted choices win. */
  text?: TextOptions;
}

/** The columns of the model's matrix input that `features` lacks, each with a suggestion. */
function missingColumns(model: MatrixModel, columns: string[]): string[] {
  return model.steps.map((s) => s.column).filter((c) => !columns.includes(c)).map((c) =>
    `'${c}'${didYouMean(c, columns)}`
  );
}

/**
 * The model's numeric attributes must be numbers in the new data too. A column that ingest read
 * as text (every value "n/a", say) would otherwise become all-missing and be imputed silently:
 * refused, with examples. A numeric column with no value at all is only a warning.
 */
function checkAttributes(model: ScoringModel, tables: Tables, warnings: StageWarning[]): void {
  const customers = tables.customers;
  for (const a of model.features.attributes) {
    if (a.kind !== "numeric" || !customers.columns.includes(a.name)) continue;
    const column = customers.getColumn(a.name);
    const dtype = String(column.dtype);
    const numeric = /^DataType\((U?Int\d+|Float\d+|Bool|Boolean|Date|Datetime.*)\)$/.test(dtype);
    if (!numeric) {
      const examples = (column.cast(pl.Utf8).dropNulls().unique().head(3).toArray() as string[])
        .map((v) => JSON.stringify(v)).join(", ");
      throw new InputError(
        `Column '${a.name}' of customers must hold numbers, as when the model was fitted, but ` +
          `its values are text (e.g. ${examples}); fix the column or declare its type`,
        { column: a.name },
      );
    }
    if (column.nullCount() === column.length && column.length > 0) {
      warnings.push({
        stage: "score",
        message: `Column '${a.name}' has no values: every customer is scored with the ` +
          `training median`,
      });
    }
  }
}

/**
 * A warning per categorical column with levels the model never saw, with their counts: those of
 * the matrix (which score as "other" or as no level) and those that only describe segments.
 */
function unseenWarnings(model: ScoringModel, features: pl.DataFrame): StageWarning[] {
  const found = unseenLevelsOf(model.matrix, features).map((u) => ({
    ...u,
    effect: u.scoredAs === "other"
      ? "scored as the column's 'other' level"
      : "scored as having none of its levels",
  }));
  const inMatrix = new Set(model.matrix.steps.map((s) => s.column));
  for (const [column, known] of Object.entries(model.levels ?? {})) {
    if (inMatrix.has(column) || !features.columns.includes(column)) continue;
    const seen = new Set(known);
    const counts = new Map<string | null, number>();
    for (const v of features.getColumn(column).cast(pl.Utf8).toArray() as (string | null)[]) {
      if (!seen.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts.size === 0) continue;
    found.push({
      column,
      levels: [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))),
      scoredAs: "no level",
      effect: "the column only describes segments, so their segment is unaffected",
    });
  }
  return found.map((u) => {
    const rows = u.levels.reduce((a, [, n]) => a + n, 0);
    const shown = u.levels.slice(0, 5).map(([l, n]) =>
      `${l === null ? "(missing)" : `'${l}'`} ×${n}`
    );
    const more = u.levels.length > 5 ? `, and ${u.levels.length - 5} more` : "";
    return {
      stage: "score",
      message: `Column '${u.column}': ${rows} customer${rows > 1 ? "s have" : " has"} ` +
        `${u.levels.length} level${u.levels.length > 1 ? "s" : ""} the model never saw ` +
        `(${shown.join(", ")}${more}); ${u.effect}`,
      count: rows,
    };
  });
}

/**
 * Assigns each customer of `tables` to a segment with the fitted pipeline. Data whose features
 * do not match the model's (a missing or renamed column, text where the model read numbers) is
 * refused with an {@link InputError} naming every such column; categorical levels the model
 * never saw are scored and counted in a warning per column.
 *
 * @returns customer_id, segment, segment_name, probability, and p_<segment> per segment; with
 *   value models also expected_purchases, p_alive, expected_spend and clv (null for customers
 *   without orders).
 * @example
 * ```ts
 * import { join } from "node:path";
 * import pl from "nodejs-polars";
 * import { runJob } from "../runner/job.ts";
 * import { score } from "./score.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   // A run of 30 customers in two clear groups writes the scoring model, model.json.
 *   const csv = ["customer_id,spend,visits"];
 *   for (let i = 0; i < 30; i++) csv.push(i % 2 ? `c${i},10,1` : `c${i},200,9`);
 *   await Deno.writeTextFile(join(dir, "customers.csv"), csv.join("\n"));
 *   await Deno.writeTextFile(join(dir, "shop.json"), JSON.stringify({
 *     name: "shop",
 *     tables: { customers: { path: "customers.csv" } },
 *     cluster: { k: 2 },
 *     privacy: { minSegmentSize: 5 },
 *   }));
 *   const runDir = join(dir, "run");
 *   await runJob(join(dir, "shop.json"), { runDir });
 *   const model = JSON.parse(await Deno.readTextFile(join(runDir, "model.json")));
 *
 *   // Two new customers, one like c0 (big spender), one like c1.
 *   const customers = pl.DataFrame({
 *     customer_id: ["n1", "n2"],
 *     spend: [190, 12],
 *     visits: [8, 1],
 *   });
 *   const { outputs } = await score(model, { customers });
 *   const segment = outputs.getColumn("segment").toArray() as number[];
 *   // The run's own segments of c0 and c1 (assignments.csv lists customers in file order).
 *   const run = pl.readCSV(join(runDir, "assignments.csv"), { inferSchemaLength: 0 });
 *   const [c0, c1] = (run.getColumn("segment").toArray() as string[]).map(Number);
 *   if (segment[0] !== c0 || segment[1] !== c1) throw new Error(`segments ${segment}`);
 *   const p = outputs.getColumn("probability").toArray() as number[];
 *   if (!p.every((v) => v > 0.9)) throw new Error(`probabilities ${p}`);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function score(
  model: ScoringModel,
  tables: Tables,
  options: ScoreOptions = {},
): Promise<StageResult<pl.DataFrame>> {
  if (model?.kind !== "personae.scoring") {
    throw new TypeError("Not a Personae scoring model: expected kind 'personae.scoring'");
  }
  const warnings: StageWarning[] = [];
  checkAttributes(model, tables, warnings);
  const built = buildFeatures(tables, { ...model.features, referenceDate: options.referenceDate });
  for (const w of built.warnings) warnings.push(w);
  let features = built.outputs.features;
  if (model.text) {
    if (!tables.texts) {
      throw new InputError(
        "The model reads customers' texts but the data has no texts table; add one to the config",
      );
    }
    const text = await applyText(model.text.model, { texts: tables.texts }, {
      ...model.text.options,
      ...options.text,
    });
    for (const w of text.warnings) warnings.push(w);
    features = features.join(text.outputs.features, { on: "customer_id", how: "left" });
  }
  const missing = missingColumns(model.matrix, features.columns);
  if (missing.length) {
    throw new InputError(
      `The data does not match the model: ${missing.length} column${
        missing.length > 1 ? "s" : ""
      } the model was fitted on ${missing.length > 1 ? "are" : "is"} missing: ${
        missing.join(", ")
      }`,
    );
  }
  for (const w of unseenWarnings(model, features)) warnings.push(w);
  const { matrix, ids } = applyMatrix(model.matrix, features);
  const { proba, classes } = predictProba(model.classifier, matrix);
  const k = classes.length;
  const names = new Map(model.segments.map((s) => [s.segment, s.name]));
  const pooled = new Set(model.segments.filter((s) => s.pooled).map((s) => s.segment));
  names.set(POOLED_SEGMENT, POOLED_NAME);
  const pooledProba = (i: number) =>
    classes.reduce((a, c, j) => a + (pooled.has(c) ? proba[i * k + j] : 0), 0);
  const segment = new Int32Array(matrix.rows), probability = new Float64Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
    const small = pooled.has(classes[best]);
    segment[i] = small ? POOLED_SEGMENT : classes[best];
    probability[i] = small ? pooledProba(i) : proba[i * k + best];
  }
  const perClass: pl.Series[] = classes.flatMap((c, j) =>
    pooled.has(c) ? [] : [
      pl.Series(`p_${c}`, Float64Array.from({ length: matrix.rows }, (_, i) => proba[i * k + j])),
    ]
  );
  if (pooled.size) {
    perClass.push(
      pl.Series("p_pooled", Float64Array.from({ length: matrix.rows }, (_, i) => pooledProba(i))),
    );
  }
  const frame = pl.DataFrame([
    pl.Series("customer_id", ids),
    pl.Series("segment", segment, pl.Int32),
    pl.Series("segment_name", Array.from(segment, (s) => names.get(s) ?? `Segment ${s}`)),
    pl.Series("probability", probability),
    ...perClass,
  ]);
  if (!model.value) return { outputs: frame, warnings };
  if (!tables.orders) {
    throw new InputError(
      "The model values customers from their orders but the data has no orders table; add one " +
        "to the config",
    );
  }
  return { outputs: withValue(frame, model.value, tables.orders, options), warnings };
}

/**
 * Each customer's expected purchases, P(alive), expected spend per purchase and CLV under the
 * run's value models, as of the day before the reference date (or the last order day); null
 * for customers without orders up to then.
 */
function withValue(
  frame: pl.DataFrame,
  model: ValueModel,
  orders: pl.DataFrame,
  options: ScoreOptions,
): pl.DataFrame {
  if (model.kind !== "personae.value" || model.periodDays !== 7) {
    throw new TypeError("The model's value part is not a Personae value model in weeks");
  }
  const calibrationEnd = options.referenceDate === undefined
    ? null
    : new Date(Date.parse(options.referenceDate.slice(0, 10)) - 86_400_000);
  const s = summarizeOrders(orders, { holdoutStart: null, calibrationEnd });
  const v = customerValue({ params: model.bgnbd }, { params: model.gammaGamma }, s, {
    horizon: model.horizon,
    annualDiscountRate: model.annualDiscountRate,
    margin: model.margin,
  });
  const valued = pl.DataFrame([
    pl.Series("customer_id", s.customerId),
    pl.Series("expected_purchases", v.expectedPurchases),
    pl.Series("p_alive", v.pAlive),
    pl.Series("expected_spend", v.expectedSpend),
    pl.Series("clv", v.clv),
  ]);
  return frame.join(valued, { on: "customer_id", how: "left" });
}
