/**
 * From per-text results to per-customer ones: sentiment scores from class probabilities,
 * recency weights, customer vectors, top keywords and top entities.
 *
 * @module
 */

import type { Entity } from "./_entities.ts";
import type { SparseRows } from "./_tfidf.ts";
import { topTerms } from "./_tfidf.ts";
import type { Matrix } from "../types.ts";
import { maxOf } from "../math/mod.ts";

/**
 * The polarity of a sentiment label in [-1, 1]: negative −1, neutral 0, positive +1 (by name,
 * any case), "k stars" on a five-star scale (k − 3) / 2, and LABEL_i of a two- or three-class
 * model read as negative(, neutral), positive. Null for a label it cannot read.
 */
export function labelPolarity(label: string, labelCount: number): number | null {
  const l = label.trim().toLowerCase();
  if (/neg/.test(l)) return -1;
  if (/pos/.test(l)) return 1;
  if (/neu/.test(l)) return 0;
  const star = l.match(/^([1-5])\s*stars?$/);
  if (star) return (Number(star[1]) - 3) / 2;
  const n = l.match(/^label_(\d+)$/);
  if (n) {
    const i = Number(n[1]);
    if (labelCount === 3 && i < 3) return [-1, 0, 1][i];
    if (labelCount === 2 && i < 2) return [-1, 1][i];
  }
  return null;
}

/**
 * A text's signed sentiment, the expected polarity Σ p(label) · polarity(label) in [-1, 1]
 * (for negative/neutral/positive models: P(positive) − P(negative)), and its label: the
 * polarity of the most probable class as "negative", "neutral" or "positive".
 */
export function sentimentOf(scores: Record<string, number>): { score: number; label: string } {
  const entries = Object.entries(scores);
  let score = 0, best = -Infinity, bestPolarity = 0;
  for (const [label, p] of entries) {
    const v = labelPolarity(label, entries.length);
    if (v === null) {
      throw new RangeError(
        `Cannot read the sentiment label '${label}' (labels: ${
          entries.map(([l]) => `'${l}'`).join(", ")
        }): expected negative / neutral / positive, "1 star"…"5 stars" or LABEL_0…LABEL_2. ` +
          "Set models.sentiment.model to a sentiment model",
      );
    }
    score += p * v;
    if (p > best) {
      best = p;
      bestPolarity = v;
    }
  }
  const label = bestPolarity < 0 ? "negative" : bestPolarity > 0 ? "positive" : "neutral";
  return { score, label };
}

/** Customers in sorted id order, each with the indices of its texts. */
export interface CustomerGroups {
  ids: string[];
  members: number[][];
}

/** Groups text indices by customer (ids sorted, so output order does not depend on input). */
export function groupByCustomer(customerIds: readonly string[]): CustomerGroups {
  const map = new Map<string, number[]>();
  customerIds.forEach((id, i) => {
    let list = map.get(id);
    if (!list) map.set(id, list = []);
    list.push(i);
  });
  const ids = [...map.keys()].sort();
  return { ids, members: ids.map((id) => map.get(id)!) };
}

/**
 * Weights 0.5^(age / half-life), age measured from the latest text in the data (not the clock,
 * so reruns agree). Undated texts get the smallest weight of the dated ones; with no half-life
 * (or no dates) every weight is 1.
 */
export function recencyWeights(ts: readonly (number | null)[], halfLifeDays: number | null) {
  const w = new Float64Array(ts.length).fill(1);
  const dated = ts.filter((t): t is number => t !== null);
  if (halfLifeDays === null || dated.length === 0) return w;
  const latest = maxOf(dated), halfLife = halfLifeDays * 86_400_000;
  let smallest = 1;
  ts.forEach((t, i) => {
    if (t === null) return;
    w[i] = 0.5 ** ((latest - t) / halfLife);
    smallest = Math.min(smallest, w[i]);
  });
  ts.forEach((t, i) => {
    if (t === null) w[i] = smallest;
  });
  return w;
}

/** Weighted mean of each customer's text vectors (dense). */
export function customerDense(
  groups: CustomerGroups,
  vectors: readonly ArrayLike<number>[],
  weights: Float64Array,
  dims: number,
): Matrix {
  const data = new Float64Array(groups.ids.length * dims);
  groups.members.forEach((list, r) => {
    let total = 0;
    for (const i of list) {
      total += weights[i];
      for (let j = 0; j < dims; j++) data[r * dims + j] += weights[i] * vectors[i][j];
    }
    for (let j = 0; j < dims; j++) data[r * dims + j] /= total;
  });
  return { rows: groups.ids.length, cols: dims, data };
}

/** Weighted mean of each customer's TF-IDF rows (sparse). */
export function customerSparse(
  groups: CustomerGroups,
  rows: SparseRows,
  weights: Float64Array,
): SparseRows {
  const indptr = new Uint32Array(groups.ids.length + 1);
  const indices: number[] = [], values: number[] = [];
  groups.members.forEach((list, r) => {
    const acc = new Map<number, number>();
    let total = 0;
    for (const i of list) {
      total += weights[i];
      for (let p = rows.indptr[i]; p < rows.indptr[i + 1]; p++) {
        acc.set(rows.indices[p], (acc.get(rows.indices[p]) ?? 0) + weights[i] * rows.values[p]);
      }
    }
    for (const j of [...acc.keys()].sort((a, b) => a - b)) {
      indices.push(j);
      values.push(acc.get(j)! / total);
    }
    indptr[r + 1] = indices.length;
  });
  return {
    rows: groups.ids.length,
    cols: rows.cols,
    indptr,
    indices: Uint32Array.from(indices),
    values: Float64Array.from(values),
  };
}

/** Each customer's heaviest keywords in their (weighted) TF-IDF rows. */
export function customerKeywords(
  customers: SparseRows,
  vocabulary: readonly string[],
  k: number,
): string[][] {
  const out: string[][] = [];
  for (let r = 0; r < customers.rows; r++) {
    const entries: [number, number][] = [];
    for (let p = customers.indptr[r]; p < customers.indptr[r + 1]; p++) {
      entries.push([customers.indices[p], customers.values[p]]);
    }
    out.push(topTerms(entries, vocabulary, k));
  }
  return out;
}

/** "Acme Corp (ORG)": how an entity is listed. */
export const entityLabel = (e: Entity) => `${e.text} (${e.type})`;

/**
 * Each customer's most mentioned entities (case-insensitive; shown as first written), by count,
 * then total score, then name. Entities of `skipTypes` (masked names) are left out.
 */
export function customerEntities(
  groups: CustomerGroups,
  entities: readonly Entity[][],
  skipTypes: ReadonlySet<string>,
  k: number,
): string[][] {
  return groups.members.map((list) => {
    const tally = new Map<string, { shown: string; count: number; score: number }>();
    for (const i of list) {
      for (const e of entities[i]) {
        if (skipTypes.has(e.type)) continue;
        const key = `${e.text.toLowerCase()}\u0000${e.type}`;
        const t = tally.get(key) ?? { shown: entityLabel(e), count: 0, score: 0 };
        t.count++;
        t.score += e.score;
        tally.set(key, t);
      }
    }
    return [...tally.values()]
      .sort((a, b) =>
        b.count - a.count || b.score - a.score ||
        (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0)
      )
      .slice(0, k)
      .map((t) => t.shown);
  });
}
