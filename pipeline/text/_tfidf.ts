/**
 * TF-IDF over segmented words: keywords for texts and customers, and the model-free text vectors
 * of the fallback path. Fit/apply split: the fitted vocabulary and idf are plain JSON.
 *
 * @module
 */

import type { SparseRows } from "../types.ts";

export type { SparseRows };

/** A fitted TF-IDF vocabulary (sorted terms) and their idf weights. */
export interface TfidfModel {
  vocabulary: string[];
  idf: number[];
}

/** Options of {@linkcode fitTfidf}. */
export interface TfidfOptions {
  /** Keep at most this many terms, the most widespread first. @default 5000 */
  maxFeatures?: number;
  /** Drop terms found in fewer documents. @default 1 */
  minDf?: number;
  /** Drop terms found in a larger share of documents. @default 0.9 */
  maxDfShare?: number;
}

/**
 * Learns the vocabulary and smoothed idf, ln((1 + n) / (1 + df)) + 1 as scikit-learn does.
 * Ties in document frequency are broken by the term, so the result does not depend on order.
 *
 * @example
 * ```ts
 * import { fitTfidf } from "./_tfidf.ts";
 * const m = fitTfidf([["late", "flight"], ["late", "bag"]], { maxDfShare: 1 });
 * if (m.vocabulary.join() !== "bag,flight,late") throw new Error(m.vocabulary.join());
 * ```
 */
export function fitTfidf(docs: readonly string[][], options: TfidfOptions = {}): TfidfModel {
  const { maxFeatures = 5000, minDf = 1, maxDfShare = 0.9 } = options;
  const df = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const maxDf = Math.max(1, Math.floor(maxDfShare * n));
  const kept = [...df].filter(([, d]) => d >= minDf && d <= maxDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxFeatures)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    vocabulary: kept.map(([t]) => t),
    idf: kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1),
  };
}

/**
 * Weights documents: sublinear term frequency (1 + ln tf) times idf, each row scaled to unit
 * length. Words outside the vocabulary are ignored; an empty row stays empty.
 */
export function transformTfidf(model: TfidfModel, docs: readonly string[][]): SparseRows {
  const index = new Map(model.vocabulary.map((t, i) => [t, i]));
  const indptr = new Uint32Array(docs.length + 1);
  const indices: number[] = [], values: number[] = [];
  docs.forEach((doc, r) => {
    const tf = new Map<number, number>();
    for (const t of doc) {
      const j = index.get(t);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
    }
    const cols = [...tf.keys()].sort((a, b) => a - b);
    let norm = 0;
    const w = cols.map((j) => {
      const v = (1 + Math.log(tf.get(j)!)) * model.idf[j];
      norm += v * v;
      return v;
    });
    norm = Math.sqrt(norm);
    cols.forEach((j, k) => {
      indices.push(j);
      values.push(w[k] / norm);
    });
    indptr[r + 1] = indices.length;
  });
  return {
    rows: docs.length,
    cols: model.vocabulary.length,
    indptr,
    indices: Uint32Array.from(indices),
    values: Float64Array.from(values),
  };
}

/**
 * The `k` heaviest terms of a weight vector given as (column, weight) pairs; ties go to the
 * term that sorts first.
 */
export function topTerms(
  entries: Iterable<readonly [number, number]>,
  vocabulary: readonly string[],
  k: number,
): string[] {
  return [...entries].filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1] || (vocabulary[a[0]] < vocabulary[b[0]] ? -1 : 1))
    .slice(0, k)
    .map(([j]) => vocabulary[j]);
}

/** The (column, value) pairs of one sparse row. */
export function rowEntries(m: SparseRows, i: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) out.push([m.indices[p], m.values[p]]);
  return out;
}
