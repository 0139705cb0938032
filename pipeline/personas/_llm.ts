/**
 * The `llm` persona writer: a local text-generation model (through @huggingface/transformers,
 * loaded like the text stage's models) rewrites each persona's summary from its facts. Only the
 * summary changes; names, traits and numbers stay the template's. Decoding is greedy and results
 * are cached by model, prompt and seed, so a rerun gives the same text.
 *
 * A model that cannot be had, or an answer that is unusable, leaves the template summary in
 * place with a warning: never a silent swap.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { StageWarning } from "../types.ts";
import { formatNumber, formatPercent } from "./_format.ts";
import type { GenerationCache, LlmWriterOptions, ResolvedPersonasOptions } from "./options.ts";
import type { Persona } from "./personas.ts";
import { maskPii } from "../privacy.ts";
import { upperFirst } from "./_i18n.ts";

/** Generates a continuation of a prompt (greedy). */
type Generate = (prompt: string, maxNewTokens: number) => Promise<string>;

const STAGE = "personas";
const processCache = new Map<string, string>();
const loaded = new Map<string, Promise<Generate>>();

/**
 * New summaries for the personas (null where the template's stays), and the warnings about
 * what fell back.
 */
export async function writeSummaries(
  personas: readonly Persona[],
  o: ResolvedPersonasOptions,
): Promise<{ summaries: (string | null)[]; warnings: StageWarning[] }> {
  const warnings: StageWarning[] = [];
  const cache: GenerationCache | null = o.llm.cache === undefined ? processCache : o.llm.cache;
  const targets = personas.map((p) => p.kind === "segment");
  const prompts = personas.map((p) => promptFor(p));
  const keys = prompts.map((prompt) => cacheKey(o.llm, prompt));
  const summaries: (string | null)[] = personas.map(() => null);
  const missing = personas.map((_, i) => i).filter((i) => {
    if (!targets[i]) return false;
    const hit = cache?.get(keys[i]);
    if (hit !== undefined) summaries[i] = hit;
    return hit === undefined;
  });
  if (missing.length === 0) return { summaries, warnings };

  let generate: Generate;
  try {
    generate = await loadGenerator(o.llm);
  } catch (e) {
    warnings.push({
      stage: STAGE,
      message: `FALLBACK: ${unavailableMessage(o.llm, e)}. Instead, the personas keep the ` +
        "template summaries",
      count: missing.length,
    });
    return { summaries, warnings };
  }
  let unusable = 0;
  for (const i of missing) {
    const raw = await generate(prompts[i], o.llm.maxNewTokens);
    const text = clean(raw);
    if (text === null) {
      unusable++;
      continue;
    }
    cache?.set(keys[i], text);
    summaries[i] = text;
  }
  if (unusable > 0) {
    warnings.push({
      stage: STAGE,
      message: `The persona writer model '${o.llm.model}' returned no usable summary ` +
        "(too short or empty); those personas keep the template summary",
      count: unusable,
    });
  }
  return { summaries, warnings };
}

/** The facts of a persona as an instruction: the model may only restate them. */
export function promptFor(p: Persona): string {
  const facts = [
    `Name: ${p.name}`,
    `Customers: ${formatPercent(p.share)} (${formatNumber(p.size)})` +
    (p.revenueShare === null ? "" : `; revenue: ${formatPercent(p.revenueShare)}`),
    ...p.traits.slice(0, 4).map((t) => `Trait: ${t.text}`),
    ...(p.outcomes ?? []).slice(0, 2).map((o) => `Outcome: ${o.text}`),
    ...(p.categories.length > 0
      ? [`Top categories: ${p.categories.map((c) => c.name).join(", ")}`]
      : []),
    ...(p.price ? [`Price sensitivity: ${p.price.text}`] : []),
    ...(p.voice && p.voice.keywords.length > 0
      ? [`They write about: ${p.voice.keywords.slice(0, 5).join(", ")}`]
      : []),
  ];
  const ask = p.language === "zh"
    ? "请用两句中文为市场负责人描述这个顾客群体，只使用以下事实，不要编造数字。"
    : "Describe this customer segment for a marketing lead in two sentences. Use only these " +
      "facts and invent no numbers.";
  return `${ask}\n${facts.join("\n")}\n${p.language === "zh" ? "描述：" : "Description:"}`;
}

function cacheKey(llm: LlmWriterOptions, prompt: string): string {
  return createHash("sha256").update(JSON.stringify([
    llm.model,
    llm.revision,
    llm.dtype,
    llm.maxNewTokens,
    llm.seed,
    prompt,
  ])).digest("hex");
}

/** Masks, trims to three sentences, and rejects answers too short to be a summary. */
function clean(raw: string): string | null {
  const text = maskPii(raw).text.replace(/\s+/g, " ").trim();
  const sentences = text.match(/[^.!?。！？]+[.!?。！？]+|[^.!?。！？]+$/g) ?? [];
  const kept = upperFirst(sentences.slice(0, 3).join("").trim());
  return [...kept].length >= 20 ? kept : null;
}

function isLocal(model: string): boolean {
  return /^(\/|\.\.?\/|~\/|file:|[A-Za-z]:[\\/])/.test(model);
}

function localPath(model: string): string {
  if (model.startsWith("file:")) return decodeURIComponent(new URL(model).pathname);
  if (model.startsWith("~/")) return (Deno.env.get("HOME") ?? "") + model.slice(1);
  return model.startsWith("/") ? model : `${Deno.cwd()}/${model}`;
}

function unavailableMessage(llm: LlmWriterOptions, e: unknown): string {
  const cause = (e instanceof Error ? e.message : String(e)).trim().replace(/\.+$/, "");
  if (isLocal(llm.model)) {
    return `Cannot load the persona writer model from the folder '${localPath(llm.model)}': ` +
      `${cause}. The folder needs config.json, tokenizer.json, tokenizer_config.json and ` +
      `onnx/${llm.dtype === "q8" ? "model_quantized.onnx" : "model.onnx"}`;
  }
  return `Cannot load the persona writer model '${llm.model}' (revision '${llm.revision}', ` +
    `dtype '${llm.dtype}')${
      llm.offline ? ` from the model cache '${llm.cacheDir}' (offline)` : ""
    }: ${cause}. Download it where there is internet and copy the cache folder here, or set ` +
    "personas.llm.model to a local folder";
}

/** Loads the model once per process and settings; the library is imported only here. */
function loadGenerator(llm: LlmWriterOptions): Promise<Generate> {
  const local = isLocal(llm.model);
  const id = local ? localPath(llm.model) : llm.model;
  const key = JSON.stringify([id, llm.revision, llm.dtype, llm.cacheDir, llm.offline]);
  let pending = loaded.get(key);
  if (!pending) {
    pending = (async () => {
      const { env, LogLevel, pipeline } = await import("@huggingface/transformers");
      // The library logs every file it looks for; our warning says it better.
      env.logLevel = LogLevel.ERROR;
      const generator = await pipeline("text-generation", id, {
        revision: llm.revision,
        dtype: llm.dtype,
        cache_dir: llm.cacheDir,
        local_files_only: llm.offline || local,
      });
      return async (prompt: string, maxNewTokens: number) => {
        const out = await generator(prompt, {
          max_new_tokens: maxNewTokens,
          do_sample: false,
          return_full_text: false,
        });
        const first = (Array.isArray(out) ? out[0] : out) as { generated_text?: unknown };
        return typeof first?.generated_text === "string" ? first.generated_text : "";
      };
    })();
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key));
  }
  return pending;
}
