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
import { columnLabel, columnRole, columnUnit } from "./_labels.ts";
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
  const numericSpecs = specs.filter((a) =>
    a.kind === "numeric" &&
    !isTemporal(customers.getColumn(a.name).dtype)
  );
  const stats = columnStats(customers, numericSpecs);
  const sentinels = new Map<string, (number | string)[]>();
  for (const spec of specs) {
    if (spec.missing?.length) sentinels.set(spec.name, spec.missing);
    else if (spec.kind === "numeric" && stats.has(spec.name)) {
      const found = stats.get(spec.name)!.sentinel;
      if (found) {
        sentinels.set(spec.name, [found.value]);
        warn(
          `'${spec.name}': ${found.count} values of ${found.value} read as "none" (a sentinel: ` +
            `every other value lies ${found.value < 0 ? "at or above 0" : "far below it"}); ` +
            `set roles.columns.${spec.name}.missing to say otherwise`,
        );
      }
    }
  }
  const heavy = heavyTails(customers, numericSpecs, sentinels);
  const exprs: pl.Expr[] = [];
  const metas: FeatureMeta[] = [];
  for (const spec of specs) {
    const dtype = customers.getColumn(spec.name).dtype;
    let name = spec.name;
    if (s.taken.has(name)) {
      name = `attr_${name}`;
      warn(`Attribute '${spec.name}' clashes with a behavioural feature; renamed to '${name}'`);
    }
    const label = spec.label ?? columnLabel(spec.name);
    const role = spec.role ?? columnRole(label, spec.kind === "categorical");
    const described = { label, ...(role ? { role } : {}) };
    const none = sentinels.get(spec.name);
    const source = none
      ? pl.when(isSentinel(customers, spec.name, none))
        .then(pl.lit(null)).otherwise(pl.col(spec.name))
      : pl.col(spec.name);
    if (spec.kind === "categorical") {
      exprs.push(source.cast(pl.Utf8).alias(name));
      metas.push({
        name,
        description: `${upperFirst(label)} (customer attribute)`,
        unit: spec.unit ?? "level",
        group: "attribute",
        kind: "categorical",
        ...described,
      });
    } else if (isTemporal(dtype)) {
      if (s.refMs === undefined) throw new Error("Internal: no reference date for a date column");
      exprs.push(
        pl.lit(s.refMs).sub(epochMs(spec.name, dtype)).div(DAY_MS).alias(`${name}_days_before`),
      );
      metas.push(
        meta(`${name}_days_before`, "attribute", "days", `Days since ${label}`, {
          nullReason: `${label} unknown`,
          label: `days since ${label}`,
          role: role ?? "tenure",
        }),
      );
    } else {
      exprs.push(source.cast(pl.Float64, false).alias(name));
      const st = stats.get(spec.name);
      const nullable = customers.getColumn(spec.name).nullCount() > 0 || none !== undefined;
      const unit = spec.unit ?? (st?.binary ? "share" : columnUnit(spec.name, st) ?? "as given");
      metas.push(meta(name, "attribute", unit, `${upperFirst(label)} (customer attribute)`, {
        ...described,
        ...(spec.heavyTailed ?? heavy.has(spec.name) ? { heavyTailed: true } : {}),
        ...(nullable
          ? { nullReason: none ? `${label} is ${none.join(" or ")} ("none")` : `${label} unknown` }
          : {}),
      }));
    }
  }
  return { exprs, meta: metas, warnings };
}

const upperFirst = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
/** `expr` is one of `values` (Polars deprecates a plain list in isIn). */
/**
 * Whether a column's value is one of the sentinels: compared as numbers in a numeric column
 * (a float column prints -1 as "-1.0"), as text otherwise.
 */
function isSentinel(customers: pl.DataFrame, column: string, values: (number | string)[]): pl.Expr {
  if (isNumeric(customers.getColumn(column).dtype)) {
    const numbers = values.map(Number).filter((v) => !Number.isNaN(v));
    return pl.col(column).cast(pl.Float64).isIn(pl.lit(pl.Series(numbers)));
  }
  return pl.col(column).cast(pl.Utf8).isIn(pl.lit(pl.Series(values.map(String))));
}

/** Values that mean "none" when they sit apart from every other value of a column. */
const LOW_SENTINELS = new Set([-1, -9, -99, -999, -9999]);
const HIGH_SENTINELS = new Set([99, 999, 9999, 99999, 999999]);

interface ColumnStats {
  min: number | null;
  max: number | null;
  /** Only 0 and 1 (a flag): its mean is a rate. */
  binary: boolean;
  sentinel: { value: number; count: number } | null;
}

/**
 * Range, 0/1-ness and a sentinel value per numeric column. A sentinel is an extreme value
 * (−1, −99…, or 99, 999…) held by at least 1% of rows (and 5) while every other value lies on
 * the other side of 0 or below two thirds of it: "999 days since the last contact" means never.
 */
function columnStats(customers: pl.DataFrame, specs: AttributeSpec[]): Map<string, ColumnStats> {
  const cols = specs.map((a) => a.name);
  const out = new Map<string, ColumnStats>();
  if (cols.length === 0) return out;
  const f = (c: string) => pl.col(c).cast(pl.Float64);
  const row = customers.lazy().select(
    ...cols.flatMap((c) => [
      f(c).min().alias(`min:${c}`),
      f(c).max().alias(`max:${c}`),
      f(c).isIn(pl.lit(pl.Series([0, 1]))).or(f(c).isNull()).all().alias(`bin:${c}`),
    ]),
  ).collectSync().row(0) as (number | boolean | null)[];
  const n = customers.height;
  cols.forEach((c, i) => {
    const min = row[3 * i] as number | null, max = row[3 * i + 1] as number | null;
    let sentinel: ColumnStats["sentinel"] = null;
    for (const v of [min, max]) {
      if (v === null || sentinel || !(LOW_SENTINELS.has(v) || HIGH_SENTINELS.has(v))) continue;
      const rest = customers.lazy().select(
        f(c).eq(pl.lit(v)).sum().alias("count"),
        f(c).filter(f(c).neq(pl.lit(v))).min().alias("min"),
        f(c).filter(f(c).neq(pl.lit(v))).max().alias("max"),
      ).collectSync().row(0) as (number | null)[];
      const [count, restMin, restMax] = rest as [number, number | null, number | null];
      const apart = v < 0
        ? restMin !== null && restMin >= 0
        : restMax !== null && restMax <= (2 / 3) * v;
      if (apart && count >= Math.max(5, 0.01 * n)) sentinel = { value: v, count };
    }
    out.set(c, { min, max, binary: row[3 * i + 2] === true && min !== max, sentinel });
  });
  return out;
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
function heavyTails(
  customers: pl.DataFrame,
  specs: AttributeSpec[],
  sentinels: ReadonlyMap<string, (number | string)[]>,
): Set<string> {
  const cols = specs.filter((a) => isNumeric(customers.getColumn(a.name).dtype)).map((a) => a.name);
  if (cols.length === 0) return new Set();
  const value = (c: string) => {
    const none = sentinels.get(c);
    const x = pl.col(c).cast(pl.Float64);
    return none ? x.filter(isSentinel(customers, c, none).not()) : x;
  };
  const stats = customers.lazy().select(
    ...cols.flatMap((c) => [
      value(c).min().alias(`min:${c}`),
      value(c).skew().alias(`skew:${c}`),
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
