/**
 * Readable labels and units for any customer column, inferred from its name: MonthlyCharges →
 * "monthly charges" (currency), PURCHASES_FREQUENCY → "purchase frequency" (share),
 * NumWebPurchases → "web purchases" (count), MntWines → "spend on wines" (currency). A config
 * can give both (`roles.columns`); these are what a reader sees when it does not.
 *
 * @module
 */

import type { ColumnRole } from "../types.ts";

/** The units a reader understands a value in. */
export type Unit =
  | "currency"
  | "days"
  | "months"
  | "years"
  | "percent"
  | "share"
  | "count"
  | "score";

/** Abbreviations and glued words spelled out (lower case, whole tokens). */
const WORDS: Record<string, string> = {
  amt: "amount",
  avg: "average",
  bal: "balance",
  cmp: "campaign",
  cnt: "count",
  cust: "customer",
  dt: "date",
  freq: "frequency",
  hh: "household",
  inc: "income",
  kidhome: "children at home",
  teenhome: "teenagers at home",
  mo: "months",
  mth: "month",
  mths: "months",
  pct: "percent",
  perc: "percent",
  prc: "price",
  qty: "quantity",
  trx: "transactions",
  txn: "transactions",
  yr: "year",
  yrs: "years",
  prc_full_payment: "share paid in full",
  prods: "products",
  year_birth: "year of birth",
  dob: "date of birth",
  oneoff: "one-off",
};

/** Leading words that only say "number of": NumWebPurchases → "web purchases". */
const COUNT_PREFIX = new Set(["num", "n", "nb", "nbr", "no", "number", "count", "cnt"]);

/** Splits an identifier into lower-case words: camelCase, snake_case, kebab, digits, UPPER. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .split(/[\s_.\-/]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const singular = (w: string) =>
  /ies$/.test(w)
    ? w.slice(0, -3) + "y"
    : /(ss|us)$/.test(w)
    ? w
    : /s$/.test(w)
    ? w.slice(0, -1)
    : w;

/**
 * A readable label for a column name.
 *
 * @example
 * ```ts
 * import { columnLabel } from "./_labels.ts";
 * const cases = {
 *   MonthlyCharges: "monthly charges",
 *   PURCHASES_FREQUENCY: "purchase frequency",
 *   NumWebPurchases: "web purchases",
 *   MntWines: "spend on wines",
 *   AcceptedCmp3: "accepted campaign 3",
 *   NumWebVisitsMonth: "web visits per month",
 *   tenure: "tenure",
 * };
 * for (const [name, label] of Object.entries(cases)) {
 *   if (columnLabel(name) !== label) throw new Error(`${name}: ${columnLabel(name)}`);
 * }
 * ```
 */
export function columnLabel(name: string): string {
  const whole = WORDS[name.toLowerCase()];
  if (whole) return whole;
  // A range or unit in brackets ("Spending Score (1-100)") is not part of what it is called.
  let w = words(name.replace(/\s*[([][^)\]]*[)\]]/g, ""));
  if (w.length === 0) return name;
  if (w[0] === "mnt" || w[0] === "spend" && w.length > 1) {
    return ["spend on", ...w.slice(1).map((x) => WORDS[x] ?? x)].join(" ");
  }
  if (w.length > 1 && COUNT_PREFIX.has(w[0])) w = w.slice(1);
  w = w.map((x) => WORDS[x] ?? x);
  // A rate of something reads in the singular: "purchases frequency" → "purchase frequency".
  const last = w.length - 1;
  if (last > 0 && /^(frequency|rate|ratio|share|count|amount)$/.test(w[last])) {
    w[last - 1] = singular(w[last - 1]);
  }
  if (last > 0 && /^(month|week|day|year)$/.test(w[last])) w[last] = `per ${w[last]}`;
  // "Deals purchases" → "deal purchases": a plural noun before another reads in the singular.
  for (let i = 0; i < w.length - 1; i++) {
    if (/[^s]s$/.test(w[i]) && /s$/.test(w[i + 1]) && w[i].length > 3) w[i] = singular(w[i]);
  }
  return w.join(" ");
}

/**
 * The unit a column's values are read in, guessed from its name (and, for shares, its range);
 * undefined when nothing suggests one.
 *
 * @example
 * ```ts
 * import { columnUnit } from "./_labels.ts";
 * if (columnUnit("MonthlyCharges") !== "currency") throw new Error("charges are money");
 * if (columnUnit("PURCHASES_FREQUENCY", { min: 0, max: 1 }) !== "share") throw new Error();
 * if (columnUnit("NumWebPurchases") !== "count") throw new Error("Num… counts");
 * if (columnUnit("tenure") !== undefined) throw new Error("tenure's unit is unknown");
 * ```
 */
export function columnUnit(
  name: string,
  range?: { min: number | null; max: number | null },
): Unit | undefined {
  const w = words(name);
  const has = (re: RegExp) => w.some((x) => re.test(x));
  const inUnit = range && range.min !== null && range.max !== null && range.min >= 0 &&
    range.max <= 1;
  if (has(/^(pct|percent|percentage)$/)) return inUnit ? "share" : "percent";
  if (has(/^(frequency|ratio|share|rate|prc)$/) && inUnit) return "share";
  if (
    w[0] === "mnt" ||
    has(
      /^(charges?|spend|spent|spending|amount|amt|revenue|income|salary|balance|bal|price|payments?|cost|fee|fees|monetary|purchases?_?amount|limit|value|sales)$/,
    )
  ) {
    return has(/^(frequency|count|number|num)$/) ? undefined : "currency";
  }
  if (has(/^days?$/)) return "days";
  if (has(/^(months?|mths?)$/) && !has(/^per$/)) {
    return w[w.length - 1] === "month" ? "count" : "months";
  }
  if (has(/^(years?|yrs?)$/)) return "years";
  if (
    COUNT_PREFIX.has(w[0]) && w.length > 1 ||
    has(/^(count|visits|purchases|transactions|trx|orders|calls)$/)
  ) {
    return "count";
  }
  if (has(/^(score|rating|satisfaction)$/)) return "score";
  return undefined;
}

/** Words that say what a column is about, strongest evidence first. */
const ROLE_WORDS: [RegExp, ColumnRole][] = [
  [/\b(churn|churned|attrition|cancel+ed|exited|left)\b/, "churn"],
  [/\b(response|responded|accepted|converted|conversion|subscribed|opened)\b/, "response"],
  [/\bcash advance/, "cash"],
  [/\binstal+ments?\b/, "installment"],
  [/\b(credit limit|balance|debt|loan|credit)\b/, "credit"],
  [/\b(recency|days since|since last|last purchase|last order|last contact)\b/, "recency"],
  [/\b(tenure|customer since|months on book|membership|seniority|account age)\b/, "tenure"],
  [/\b(discount|coupon|deal|deals|promo|promotion|sale)\b/, "price"],
  [/\b(channel|web|store|catalog|app|mobile)\b/, "channel"],
  [/\b(frequency|visits|purchases|transactions|orders|count)\b/, "frequency"],
  [/\b(satisfaction|rating|review|recommend|complain|complaints?|nps|sentiment)\b/, "satisfaction"],
  [/\b(income|salary|earnings)\b/, "income"],
  [/\b(age|year of birth|birth year)\b/, "age"],
  [/\b(category|department|class|product|segment type|spend on)\b/, "category"],
  [/\b(spend|spent|charges|amount|revenue|monetary|payments?|value|price)\b/, "value"],
];

/** Roles a categorical column can play (the others speak of amounts and counts). */
const LEVEL_ROLES = new Set<ColumnRole>(["channel", "category", "price", "churn", "response"]);

/**
 * What a column is about, read from its label; undefined when no word says. A categorical
 * column only takes the roles levels can have (a "payment method" is not a value).
 *
 * @example
 * ```ts
 * import { columnRole } from "./_labels.ts";
 * if (columnRole("cash advance frequency") !== "cash") throw new Error("cash use");
 * if (columnRole("monthly charges") !== "value") throw new Error("value");
 * if (columnRole("contract") !== undefined) throw new Error("no role word");
 * ```
 */
export function columnRole(label: string, categorical = false): ColumnRole | undefined {
  const l = label.toLowerCase();
  const role = ROLE_WORDS.find(([re]) => re.test(l))?.[1];
  return role && (!categorical || LEVEL_ROLES.has(role)) ? role : undefined;
}
