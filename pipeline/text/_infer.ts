/**
 * Runs one text model over distinct texts in batches, reading and filling the text cache, and
 * the adapters that turn each pipeline's output into cacheable values.
 *
 * @module
 */

import type { LoadedModel } from "./models.ts";
import type { OnProgress } from "../progress.ts";
import { groupEntities } from "./_entities.ts";
import type { Entity, TokenPrediction } from "./_entities.ts";
import { cacheNamespace, decodeJson, decodeVector, encodeJson, encodeVector } from "./_cache.ts";
import type { TextCache } from "./_cache.ts";

/** Counters of one task's run. */
export interface TaskCounters {
  /** Distinct texts the model read in this run. */
  inferred: number;
  /** Distinct texts whose result came from the cache. */
  cacheHits: number;
  seconds: number;
}

/** How a task's values are computed and stored. */
export interface TaskAdapter<V> {
  infer(batch: string[]): Promise<V[]>;
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
  /** False for a value that must not be stored (it would hold personal data). @default true */
  cacheable?(value: V): boolean;
}

/**
 * Computes a value per distinct text, cached by the sha-256 of the text. Texts the cache lacks
 * run shortest first (less padding per batch) and each batch is stored as soon as it is done, so
 * an interrupted run keeps what it computed.
 */
export async function runCached<V>(
  texts: readonly string[],
  hashes: readonly string[],
  model: LoadedModel,
  adapter: TaskAdapter<V>,
  cache: TextCache | null,
  onProgress: OnProgress | undefined,
  label: string,
): Promise<{ values: Map<string, V>; counters: TaskCounters }> {
  const t0 = performance.now();
  const ns = cacheNamespace({
    task: model.task,
    model: model.spec.model,
    revision: model.revision,
    dtype: model.spec.dtype,
  });
  const values = new Map<string, V>();
  const stored = cache ? cache.getMany(ns, hashes) : new Map<string, Uint8Array>();
  const todo: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    const h = hashes[i];
    if (seen.has(h)) continue;
    seen.add(h);
    const bytes = stored.get(h);
    if (bytes) values.set(h, adapter.decode(bytes));
    else todo.push(i);
  }
  const cacheHits = values.size;
  const total = seen.size;
  onProgress?.(cacheHits, total, label);
  todo.sort((a, b) => texts[a].length - texts[b].length || (hashes[a] < hashes[b] ? -1 : 1));
  const size = model.spec.batchSize;
  for (let b = 0; b < todo.length; b += size) {
    const idx = todo.slice(b, b + size);
    const out = await adapter.infer(idx.map((i) => texts[i]));
    const rows: [string, Uint8Array][] = [];
    idx.forEach((i, k) => {
      values.set(hashes[i], out[k]);
      if (adapter.cacheable?.(out[k]) ?? true) rows.push([hashes[i], adapter.encode(out[k])]);
    });
    cache?.putMany(ns, rows);
    onProgress?.(cacheHits + Math.min(b + size, todo.length), total, label);
  }
  return {
    values,
    counters: { inferred: todo.length, cacheHits, seconds: (performance.now() - t0) / 1000 },
  };
}

/** Sentence vectors: mean pooling over tokens, unit length. */
export function embeddingAdapter(model: LoadedModel<"embedding">): TaskAdapter<Float32Array> {
  return {
    async infer(batch) {
      const t = await model.pipe(batch, { pooling: "mean", normalize: true });
      const d = t.dims.at(-1) as number;
      const data = t.data as Float32Array;
      return batch.map((_, i) => data.slice(i * d, (i + 1) * d));
    },
    encode: encodeVector,
    decode: decodeVector,
  };
}

/** Class probabilities by label name. */
export type SentimentScores = Record<string, number>;

/** All class probabilities of the text classifier. */
export function sentimentAdapter(model: LoadedModel<"sentiment">): TaskAdapter<SentimentScores> {
  return {
    async infer(batch) {
      const out = await model.pipe(batch, { top_k: null }) as unknown as {
        label: string;
        score: number;
      }[][];
      return out.map((labels) => Object.fromEntries(labels.map((l) => [l.label, l.score])));
    },
    encode: encodeJson,
    decode: (b) => decodeJson<SentimentScores>(b),
  };
}

/**
 * Entities with offsets into the text they were found in. Only types, offsets and scores are
 * cached (the text is known from its hash); an entity without offsets keeps its words and is
 * cached only when it is not a person.
 */
export function entitiesAdapter(
  model: LoadedModel<"entities">,
  personTypes: ReadonlySet<string>,
): TaskAdapter<Entity[]> & { restore(text: string, cached: Entity[]): Entity[] } {
  return {
    async infer(batch) {
      const out = await model.pipe(batch, { ignore_labels: [] }) as unknown as TokenPrediction[][];
      const lists = batch.length === 1 && !Array.isArray(out[0])
        ? [out as unknown as TokenPrediction[]]
        : out;
      return batch.map((text, i) => {
        const raw = model.pipe.tokenizer.tokenize(text, { add_special_tokens: true });
        return groupEntities(text, lists[i], raw);
      });
    },
    encode: (list) => encodeJson(list.map((e) => e.start === null ? e : { ...e, text: undefined })),
    decode: (b) => decodeJson<Entity[]>(b),
    cacheable: (list) => !list.some((e) => e.start === null && personTypes.has(e.type)),
    restore: (text, cached) =>
      cached.map((e) =>
        e.start === null ? e : { ...e, text: text.slice(e.start, e.end ?? e.start) }
      ),
  };
}
