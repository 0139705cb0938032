/**
 * Options of the value stage, declared once: one rule per option (type, default, range, doc)
 * that fills in the defaults and checks a `valueStage` call, checks the config's `value` section
 * and writes that section of the config schema. Times are in weeks, the unit of the models.
 *
 * @module
 */

import {
  defaultsOf,
  int,
  nullable,
  num,
  OptionError,
  type OptionsOf,
  parseOptions,
  str,
  withDefault,
} from "../options.ts";
import { PRIVACY_DEFAULTS, PRIVACY_RULES } from "../privacy.ts";

/** "1997-02-30" matches the pattern but is no day: Date would roll it over to March. */
const isCalendarDay = (v: string) =>
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

const day = str(/^\d{4}-\d{2}-\d{2}$/, 'a date like "1997-10-01"');

/** The options of `valueStage`: one rule each. */
export const VALUE_RULES = {
  /** Weeks ahead over which purchases and value are forecast. @default 52 */
  horizon: withDefault(
    num(0, 520, true),
    52,
    "Weeks ahead over which purchases and value are forecast",
  ),
  /** Annual rate future purchases are discounted at (0.1 = 10% a year; 0: none). @default 0.1 */
  annualDiscountRate: withDefault(
    num(0, 1),
    0.1,
    "Annual rate future purchases are discounted at (0.1 = 10% a year; 0: none)",
  ),
  /** Share of spend that is profit; 1 values revenue. @default 1 */
  margin: withDefault(num(0, 1, true), 1, "Share of spend that is profit; 1 values revenue"),
  /**
   * First day of a holdout period ("yyyy-mm-dd"): the models are fitted on the orders before it
   * and their forecasts compared with the orders from it on; every forecast then starts at this
   * day. null: fit on every order, forecast from the last one. @default null
   */
  holdoutFrom: withDefault(
    nullable(day),
    null,
    'First day of a holdout ("yyyy-mm-dd"): fit on the orders before it, compare the forecasts ' +
      "with the orders from it on (forecasts then start there); null fits on every order",
  ),
  /** Calibration frequencies from this one up share the last row of the holdout table. @default 7 */
  maxFrequency: withDefault(
    int(1, 100),
    7,
    "Calibration frequencies from this one up share the last row of the holdout table",
  ),
};

/** Settings of the value stage, defaults filled in. */
export type ValueOptions = OptionsOf<typeof VALUE_RULES>;

/** What the run passes besides the `value` section: settings that belong to the whole config. */
interface RunSettings {
  /**
   * Without a holdout, orders on or after this day are left out (the features stage does the
   * same), so value is measured as of the day before it. @default the day after the last order
   */
  referenceDate?: string;
  /** Segments with fewer customers are pooled as −2 in every output. @default 20 (privacy.ts) */
  minSegmentSize?: number;
}

/** Options of the value stage as a caller writes them: every one may be left out. */
export type ValueOptionsInput = Partial<ValueOptions> & RunSettings;

/** The options after merging with the defaults. */
export type ResolvedValueOptions = ValueOptions & RunSettings & { minSegmentSize: number };

/** The defaults of {@link ValueOptions}. */
export const VALUE_DEFAULTS: Readonly<ValueOptions> = defaultsOf(VALUE_RULES);

/**
 * Merges the options over the defaults once and checks every one of them.
 *
 * @example
 * ```ts
 * import { resolveValueOptions } from "./options.ts";
 * const o = resolveValueOptions({ holdoutFrom: "1997-10-01" });
 * if (o.horizon !== 52 || o.minSegmentSize !== 20) throw new Error("defaults not merged");
 * ```
 */
export function resolveValueOptions(options: ValueOptionsInput = {}): ResolvedValueOptions {
  const o = parseOptions("value", VALUE_RULES, options, {
    allow: ["referenceDate", "minSegmentSize"],
  });
  const min = options.minSegmentSize ?? PRIVACY_DEFAULTS.minSegmentSize;
  if (!PRIVACY_RULES.minSegmentSize.ok(min)) {
    throw new OptionError(
      `The 'minSegmentSize' option of value must be ${PRIVACY_RULES.minSegmentSize.says}. ` +
        `Got ${min} instead`,
      "value",
      "minSegmentSize",
    );
  }
  const ref = options.referenceDate;
  if (ref !== undefined && !day.ok(ref)) {
    throw new OptionError(
      `The 'referenceDate' option of value must be ${day.says}. Got ${JSON.stringify(ref)} instead`,
      "value",
      "referenceDate",
    );
  }
  if (o.holdoutFrom !== null && !isCalendarDay(o.holdoutFrom)) {
    throw new OptionError(
      `The 'holdoutFrom' option of value must be a real calendar day. Got "${o.holdoutFrom}"`,
      "value",
      "holdoutFrom",
    );
  }
  return { ...o, referenceDate: ref, minSegmentSize: min };
}
