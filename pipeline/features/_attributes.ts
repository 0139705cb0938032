/**
 * Customer attributes passed through as features: numeric values as Float64, categorical values
 * as strings, booleans as 0/1 and dates as days before the reference date. This is also how a
 * wide customer-level table (one row per customer, ready-made columns) becomes features.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FeatureMeta, StageWarning } from "../types.ts";
import { DAY_MS, epochMs, isBool, isNumeric, isTemporal, isText, meta } from "./_util.ts";
import type { AttributeSpec } from "./options.ts";

/** One attribute column and how to treat it. */
/** Settings the attribute family needs. */
export interface AttributeSettings {
  attributes?: AttributeSpec[];
  /** Never used as attributes (ids, outcomes, options.exclude, columns used elsewhere). */
  skip: Set<string>;
  /** Names already taken by behavioural features. */
  taken: Set<string>;
  maxLevels: number;
  refMs?: number;
}

const ID_LIKE = /(^|[_\s.-])id$|^id$/i;
const SKEW_HEAVY = 1;

/** Expressions over the customers frame, their meta, and the warnings of inference. */
export function attributeFamily(
  customers: pl.DataFrame,
  s: AttributeSettings,
): { exprs: pl.Expr[]; meta: FeatureMeta[]; warnings: StageWarning[] } {
  const warnings: StageWarning[] = [];
  const warn = (message: string) => warnings.push({ stage: "features", message });
  const specs = s.attributes ?? inferAttributes(customers, s, warn);
  for (const spec of specs) {
    if (!customers.columns.includes(spec.name)) {
      throw new TypeError(
        `Attribute '${spec.name}' is not a column of the customers table (columns: ${
          customers.columns.map((c) => `'${c}'`).join(", ")
        })`,
      );
    }
  }
  const heavy = heavyTails(customers, specs.filter((a) => a.kind === "numeric"));
  const exprs: pl.Expr[] = [];
  const metas: FeatureMeta[] = [];
  for (const spec of specs) {
    const dtype = customers.getColumn(spec.name).dtype;
    let name = spec.name;
    if (s.taken.has(name)) {
      name = `attr_${name}`;
      warn(`Attribute '${spec.name}' clashes with a behavioural feature; renamed to '${name}'`);
    }
    if (spec.kind === "categorical") {
      exprs.push(pl.col(spec.name).cast(pl.Utf8).alias(name));
      metas.push({
        name,
        description: `Customer attribute '${spec.name}'`,
        unit: "level",
        group: "attribute",
        kind: "categorical",
      });
    } else if (isTemporal(dtype)) {
      if (s.refMs === undefined) throw new Error("Internal: no reference date for a date column");
      exprs.push(
        pl.lit(s.refMs).sub(epochMs(spec.name, dtype)).div(DAY_MS).alias(`${name}_days_before`),
      );
      metas.push(
        meta(
          `${name}_days_before`,
          "attribute",
          "days",
          `Days from '${spec.name}' to the reference date`,
          { nullReason: `'${spec.name}' unknown` },
        ),
      );
    } else {
      exprs.push(pl.col(spec.name).cast(pl.Float64, false).alias(name));
      const nullable = customers.getColumn(spec.name).nullCount() > 0;
      metas.push(meta(name, "attribute", "as given", `Customer attribute '${spec.name}'`, {
        ...(spec.heavyTailed ?? heavy.has(spec.name) ? { heavyTailed: true } : {}),
        ...(nullable ? { nullReason: `'${spec.name}' unknown` } : {}),
      }));
    }
  }
  return { exprs, meta: metas, warnings };
}

function inferAttributes(
  customers: pl.DataFrame,
  s: AttributeSettings,
  warn: (m: string) => void,
): AttributeSpec[] {
  const out: AttributeSpec[] = [];
  const strings: string[] = [];
  for (const name of customers.columns) {
    if (s.skip.has(name)) continue;
    const dtype = customers.getColumn(name).dtype;
    if (ID_LIKE.test(name)) {
      warn(`Column '${name}' looks like an identifier; not used as an attribute`);
    } else if (isNumeric(dtype) || isBool(dtype) || isTemporal(dtype)) {
      out.push({ name, kind: "numeric" });
    } else if (isText(dtype)) {
      strings.push(name);
      out.push({ name, kind: "categorical" });
    } else {
      warn(`Column '${name}' has type ${String(dtype)}; not used as an attribute`);
    }
  }
  if (strings.length === 0) return out;
  const levels = customers.lazy().select(
    ...strings.map((c) => pl.col(c).dropNulls().nUnique().alias(c)),
  ).collectSync().row(0) as number[];
  const tooMany = new Set(strings.filter((_, i) => Number(levels[i]) > s.maxLevels));
  for (const c of tooMany) {
    warn(
      `Column '${c}' has ${
        levels[strings.indexOf(c)]
      } distinct text values (more than ${s.maxLevels}); not used as an attribute (list it in the 'attributes' option to keep it)`,
    );
  }
  return out.filter((a) => !tooMany.has(a.name));
}

/** Numeric attributes with no negative values and (biased) sample skewness above 1. */
function heavyTails(customers: pl.DataFrame, specs: AttributeSpec[]): Set<string> {
  const cols = specs.filter((a) => {
    const d = customers.getColumn(a.name).dtype;
    return isNumeric(d);
  }).map((a) => a.name);
  if (cols.length === 0) return new Set();
  const stats = customers.lazy().select(
    ...cols.flatMap((c) => [
      pl.col(c).cast(pl.Float64).min().alias(`min:${c}`),
      pl.col(c).cast(pl.Float64).skew().alias(`skew:${c}`),
    ]),
  ).collectSync().row(0) as (number | null)[];
  return new Set(
    cols.filter((_, i) => {
      const min = stats[2 * i], skew = stats[2 * i + 1];
      return min !== null && min >= 0 && skew !== null && Number.isFinite(skew) &&
        skew > SKEW_HEAVY;
    }),
  );
}
