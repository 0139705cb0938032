/**
 * Outcome columns per segment: a churn or response rate (or an outcome's mean) in the segment
 * against everyone, phrased for the persona, and the action an outcome that stands out calls
 * for. Outcomes are kept out of the segmentation; this is where a reader sees them.
 *
 * @module
 */

import type pl from "nodejs-polars";
import { columnLabel, columnRole } from "../features/mod.ts";
import type { ColumnRole } from "../types.ts";
import { formatNumber as n, formatPercent as p } from "./_format.ts";
import type { PersonaLanguage } from "./_i18n.ts";
import { upperFirst } from "./_words.ts";

/** One outcome column, one value per customer. */
export interface OutcomeColumn {
  name: string;
  /** @default inferred from the name */
  label?: string;
  /** "churn" or "response" decide the action an outcome calls for. @default inferred */
  role?: ColumnRole;
  /** The value that is the event; a yes-like value when absent. */
  positive?: string | number | boolean;
  values: ArrayLike<string | number | boolean | null>;
}

/** How a segment fares on one outcome. */
export interface PersonaOutcome {
  column: string;
  label: string;
  /** What the outcome is about (churn, response, satisfaction), when known. */
  role?: ColumnRole;
  kind: "rate" | "mean";
  valueIn: number;
  valueAll: number;
  text: string;
  /** The action the outcome calls for when it stands out; null otherwise. */
  action: string | null;
}

const YES = /^(yes|y|true|1(\.0)?|churned|exited|responded|accepted|converted)$/i;

/** A rate this many times the overall one (and 3 points above it) stands out. */
const STANDS_OUT = 1.2;

/**
 * Outcome facts per segment (segments ≥ 0; customers with no value left out of both sides).
 *
 * @example
 * ```ts
 * import { outcomeFacts } from "./_outcomes.ts";
 * const facts = outcomeFacts(
 *   [{ name: "Churn", values: ["Yes", "Yes", "No", "No", "No", "No"] }],
 *   [0, 0, 0, 1, 1, 1],
 *   { language: "en" },
 * );
 * const churn = facts.get(0)![0];
 * if (churn.text !== "Churn: 67% vs 33% overall" || !churn.action) throw new Error(churn.text);
 * ```
 */
export function outcomeFacts(
  outcomes: readonly OutcomeColumn[],
  segments: ArrayLike<number>,
  o: { language: PersonaLanguage },
): Map<number, PersonaOutcome[]> {
  const out = new Map<number, PersonaOutcome[]>();
  for (const col of outcomes) {
    if (col.values.length !== segments.length) {
      throw new TypeError(
        `Outcome '${col.name}' has ${col.values.length} values for ${segments.length} customers`,
      );
    }
    const label = col.label ?? columnLabel(col.name);
    const role = col.role ?? columnRole(label);
    const known: number[] = [];
    const numeric: number[] = [];
    const levels = new Set<string>();
    for (let i = 0; i < col.values.length; i++) {
      const v = col.values[i];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
      known.push(i);
      levels.add(String(v));
      numeric.push(typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : Number(v));
    }
    const positive = col.positive !== undefined
      ? String(col.positive)
      : levels.size <= 2
      ? [...levels].find((l) => YES.test(l))
      : undefined;
    const kind: "rate" | "mean" | null = positive !== undefined
      ? "rate"
      : numeric.every(Number.isFinite) && known.length > 0
      ? "mean"
      : null;
    if (kind === null) continue;
    const value = (i: number, t: number) =>
      kind === "rate" ? (String(col.values[i]) === positive ? 1 : 0) : numeric[t];
    const sum = new Map<number, number>(), count = new Map<number, number>();
    let all = 0;
    known.forEach((i, t) => {
      const v = value(i, t);
      all += v;
      const s = segments[i];
      if (s < 0) return;
      sum.set(s, (sum.get(s) ?? 0) + v);
      count.set(s, (count.get(s) ?? 0) + 1);
    });
    const overall = all / known.length;
    for (const [s, c] of count) {
      const inV = sum.get(s)! / c;
      const fmt = kind === "rate" ? p : n;
      const text = o.language === "zh"
        ? `${label}：${fmt(inV)}，整体为 ${fmt(overall)}`
        : `${upperFirst(label)}: ${fmt(inV)} vs ${fmt(overall)} overall`;
      const high = kind === "rate" && inV >= STANDS_OUT * overall && inV - overall >= 0.03;
      const low = kind === "rate" && inV <= overall / STANDS_OUT && overall - inV >= 0.03;
      const action = role === "satisfaction" && low
        ? (o.language === "zh"
          ? `先跟进问题再推送优惠（${text}）`
          : `Follow up on what went wrong before pushing offers (${text})`)
        : !high
        ? null
        : role === "churn"
        ? (o.language === "zh"
          ? `优先提供挽留方案（${text}）`
          : `Prioritise retention offers (${text})`)
        : role === "response"
        ? (o.language === "zh"
          ? `下次活动优先触达（${text}）`
          : `Put them first in the next campaign (${text})`)
        : null;
      const rows = out.get(s) ?? [];
      rows.push({
        column: col.name,
        label,
        ...(role ? { role } : {}),
        kind,
        valueIn: inV,
        valueAll: overall,
        text,
        action,
      });
      out.set(s, rows);
    }
  }
  return out;
}

/**
 * The outcome columns of the ingest stage's outcomes table, aligned with `ids` (customers with
 * no row get nulls), labelled and given roles from the config's `roles.columns`.
 */
export function outcomeColumns(
  outcomes: pl.DataFrame,
  ids: readonly string[],
  columns: Readonly<Record<string, { label?: string; role?: ColumnRole }>> = {},
  positive?: { column: string; value: string | number | boolean },
): OutcomeColumn[] {
  const key = outcomes.getColumn("customer_id").toArray().map(String);
  const row = new Map(key.map((id, i) => [id, i]));
  return outcomes.columns.filter((c) => c !== "customer_id").map((name) => {
    const values = outcomes.getColumn(name).toArray() as (string | number | boolean | null)[];
    return {
      name,
      ...(columns[name]?.label ? { label: columns[name].label } : {}),
      ...(columns[name]?.role ? { role: columns[name].role } : {}),
      ...(positive?.column === name ? { positive: positive.value } : {}),
      values: ids.map((id) => {
        const i = row.get(id);
        return i === undefined ? null : values[i];
      }),
    };
  });
}
