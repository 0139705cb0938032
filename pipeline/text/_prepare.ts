/**
 * Reads the canonical `texts` table into plain arrays, drops blank texts, keeps each customer's
 * most recent texts up to the cap, decides each text's language and masks personal data before
 * anything else sees the text.
 *
 * @module
 */

import type pl from "nodejs-polars";
import { guessLanguage } from "./_segment.ts";
import { maskPii } from "../privacy.ts";
import type { PiiCounts } from "../privacy.ts";

/** The texts the stage works on, one entry per kept row, in the table's order. */
export interface PreparedTexts {
  customerIds: string[];
  /** Milliseconds since the epoch, or null. */
  ts: (number | null)[];
  sources: (string | null)[];
  ratings: (number | null)[] | null;
  languages: string[];
  /** Text with URLs, emails, cards and phones masked. */
  masked: string[];
  /** Rows dropped: empty text or no customer id, and beyond the per-customer cap. */
  dropped: { blank: number; capped: number };
  pii: PiiCounts;
}

function column(df: pl.DataFrame, name: string): unknown[] | null {
  return df.columns.includes(name) ? df.getColumn(name).toArray() as unknown[] : null;
}

function toMillis(v: unknown, row: number): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  throw new TypeError(
    `Cannot read the texts table: row ${row + 1}, column 'ts': expected a datetime, got ${
      JSON.stringify(v)
    }`,
  );
}

function normaliseLanguage(v: unknown, text: string): string {
  if (typeof v !== "string" || v.trim() === "") return guessLanguage(text);
  const l = v.trim().toLowerCase();
  return l.startsWith("zh") ? "zh" : l.startsWith("en") ? "en" : l;
}

/** Validates the table and prepares its texts (see the module doc). */
export function prepareTexts(
  texts: pl.DataFrame,
  options: { maxTextsPerCustomer: number; luhn: boolean; mentions: boolean },
): PreparedTexts {
  for (const name of ["customer_id", "text"]) {
    if (!texts.columns.includes(name)) {
      throw new TypeError(
        `The texts table must have a '${name}' column. Got columns: ${
          texts.columns.map((c) => `'${c}'`).join(", ") || "none"
        }`,
      );
    }
  }
  const ids = column(texts, "customer_id")!, raw = column(texts, "text")!;
  const ts = column(texts, "ts"), sources = column(texts, "source");
  const ratings = column(texts, "rating"), languages = column(texts, "language");

  let blank = 0;
  const byCustomer = new Map<string, number[]>();
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i], id = ids[i];
    if (typeof t !== "string" || t.trim() === "" || id === null || id === undefined) {
      blank++;
      continue;
    }
    const key = String(id);
    let list = byCustomer.get(key);
    if (!list) byCustomer.set(key, list = []);
    list.push(i);
  }

  const millis = ts ? ts.map((v, i) => toMillis(v, i)) : null;
  const kept: number[] = [];
  let capped = 0;
  for (const list of byCustomer.values()) {
    if (list.length > options.maxTextsPerCustomer && millis) {
      // Most recent first; undated texts count as oldest; ties keep table order.
      list.sort((a, b) => (millis[b] ?? -Infinity) - (millis[a] ?? -Infinity) || a - b);
    }
    capped += Math.max(0, list.length - options.maxTextsPerCustomer);
    for (const t of list.slice(0, options.maxTextsPerCustomer)) kept.push(t);
  }
  kept.sort((a, b) => a - b);

  const pii: PiiCounts = { url: 0, email: 0, card: 0, phone: 0, mention: 0 };
  const masked = kept.map((i) => {
    const m = maskPii((raw[i] as string).trim(), {
      luhn: options.luhn,
      mentions: options.mentions,
    });
    for (const k of Object.keys(pii) as (keyof PiiCounts)[]) pii[k] += m.counts[k];
    return m.text;
  });
  return {
    customerIds: kept.map((i) => String(ids[i])),
    ts: kept.map((i) => millis?.[i] ?? null),
    sources: kept.map((i) => (sources?.[i] ?? null) as string | null),
    ratings: ratings
      ? kept.map((i) => (typeof ratings[i] === "number" ? ratings[i] as number : null))
      : null,
    languages: kept.map((i, k) => normaliseLanguage(languages?.[i], masked[k])),
    masked,
    dropped: { blank, capped },
    pii,
  };
}
