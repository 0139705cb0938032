/**
 * The personas stage: one persona per segment, grounded in numbers. A persona has a short name
 * chosen by rules from the segment's most distinctive features, its size and share of customers
 * and revenue, its traits in plain language with the numbers, top categories and channels, price
 * sensitivity and social activity, what its customers say (sentiment, keywords, entities,
 * quotes), suggested actions, and how far to trust it (stability and classifier F1).
 *
 * Privacy: a segment smaller than `minSegmentSize` customers is never described on its own, and
 * every text is masked with maskPii again before it reaches a persona.
 *
 * @module
 */

import type { DriverRow } from "../importance/mod.ts";
import type { FeatureMeta, StageResult, StageWarning } from "../types.ts";
import { formatNumber, formatPercent } from "./_format.ts";
import { type PersonaLanguage, type Strings, stringsFor } from "./_i18n.ts";
import { personaName, rankThemes } from "./_names.ts";
import { genericName, type GenericTrait, genericTraits } from "./_generic.ts";
import { type OutcomeColumn, outcomeFacts, type PersonaOutcome } from "./_outcomes.ts";
import {
  type PersonasOptions,
  type ResolvedPersonasOptions,
  resolvePersonasOptions,
} from "./options.ts";
import { type PersonaTextRow, segmentVoices, type Voice } from "./_text.ts";
import {
  describedRows,
  type LevelNote,
  type PersonaTrait,
  priceSensitivity,
  segmentTraits,
  type ShareItem,
  socialActivity,
  themesOf,
  topShares,
} from "./_traits.ts";
import { writeSummaries } from "./_llm.ts";
import { actionsOf, distinctNames, keywordName, moodOf, withMood } from "./_naming.ts";
import { type PersonaValue, valueOf } from "./_value.ts";
import { POOLED_SEGMENT } from "../privacy.ts";

import { personasMarkdown } from "./_markdown.ts";

export { personasMarkdown };
export type {
  LevelNote,
  OutcomeColumn,
  PersonaLanguage,
  PersonaOutcome,
  PersonaTextRow,
  PersonaTrait,
  PersonaValue,
  ShareItem,
  Voice,
};

/** What the personas stage reads: plain arrays and objects from earlier stages. */
export interface PersonaInputs {
  /** Segment drivers on raw feature values (importance stage, `segmentDrivers`). */
  drivers: readonly DriverRow[];
  /** Metadata of the features the drivers name (features and text stages). */
  meta: readonly FeatureMeta[];
  /** Customers per segment (cluster stage `sizes`); segment -1 (noise) is counted, not described. */
  sizes: readonly { segment: number; rows: number }[];
  /** Per-text rows of the text stage (`texts` frame as records); absent without texts. */
  texts?: readonly PersonaTextRow[];
  /** Each customer's segment, to place texts (cluster stage `customerIds` and `labels`). */
  customers?: { ids: readonly string[]; segments: ArrayLike<number> };
  /** Bootstrap stability per segment (cluster stage `stability.segments`). */
  stability?: readonly { segment: number; meanJaccard: number }[];
  /**
   * Per-segment F1 of the classifier on held-out rows: classify's `test.perClass` as it is
   * (`class` is the segment), or rows with `segment`.
   */
  f1?: readonly ({ segment: number; f1: number } | { class: number; f1: number })[];
  /**
   * Outcome columns (kept out of the segmentation), one value per customer of `customers.ids`:
   * each persona says how its segment fares on them ("Churn: 42% vs 27% overall").
   */
  outcomes?: readonly OutcomeColumn[];
  /**
   * What each segment is worth (the value stage's summary: horizon and `bySegment`, small
   * segments already pooled as −2); absent when the data has no orders.
   */
  value?: {
    horizon: number;
    bySegment: readonly (Omit<PersonaValue, "horizon"> & { segment: number })[];
  };
}

/** How far to trust a persona. */
export interface PersonaTrust {
  /** Mean bootstrap Jaccard of the segment; null when not measured. */
  stability: number | null;
  /** Classifier F1 for the segment on held-out customers; null when not measured. */
  f1: number | null;
  level: "high" | "medium" | "low" | "unknown";
  text: string;
}

/** One persona: a segment (or the merged small segments) described for a marketing reader. */
export interface Persona {
  /** "segment-3", or "other" for the merged small segments. */
  id: string;
  kind: "segment" | "other";
  /** The segments it describes: one, or the small ones merged. */
  segments: number[];
  name: string;
  language: PersonaLanguage;
  writer: "template" | "llm";
  size: number;
  /** Share of all customers (noise included). */
  share: number;
  /** Share of revenue; null without a revenue feature. */
  revenueShare: number | null;
  /** Expected future value; null when the data has no orders. */
  value: PersonaValue | null;
  summary: string;
  traits: PersonaTrait[];
  /** How the segment fares on each outcome column. */
  outcomes: PersonaOutcome[];
  categories: ShareItem[];
  channels: ShareItem[];
  price: LevelNote | null;
  social: LevelNote | null;
  /** null when there are no texts at all. */
  voice: Voice | null;
  /** What could not be shown and why (no sentiment model, merged segments…). */
  notes: string[];
  actions: string[];
  trust: PersonaTrust;
}

/** What the personas stage returns. */
export interface PersonasOutput {
  personas: Persona[];
  /** personas.md */
  markdown: string;
}

const STAGE = "personas";
/** Cohen's h under which a level's over-representation is not worth a trait (Cohen: 0.2 small). */
const MIN_LEVEL_EFFECT = 0.1;

/**
 * Builds one persona per segment from the drivers, feature metadata, sizes, texts and quality
 * figures. The template writer is deterministic; the `llm` writer rewrites only the summaries
 * with a local text-generation model and falls back to the template, with a warning, when the
 * model cannot be had.
 *
 * @param options writer ("template"), language ("en"), minSegmentSize (20), smallSegments
 *   ("merge"), traits (6), minEffect (0.3), keywords (8), entities (6), quotes (3),
 *   maxQuoteLength (200), revenueFeature ("monetary_total"), llm (model settings)
 * @example
 * ```ts
 * import { buildPersonas } from "./personas.ts";
 * const row = (segment: number, meanIn: number, effectSize: number) => ({
 *   segment, feature: "discount_order_share", nIn: 50, nOut: 50, meanIn, meanOut: 0.2,
 *   meanAll: 0.5, sdAll: 0.3, effectSize, z: effectSize / 2, lift: meanIn / 0.5,
 * });
 * const { outputs } = await buildPersonas({
 *   drivers: [row(0, 0.8, 2), row(1, 0.2, -2)],
 *   meta: [{ name: "discount_order_share", description: "Share of orders with a discount",
 *     unit: "share", group: "price", kind: "numeric" }],
 *   sizes: [{ segment: 0, rows: 50 }, { segment: 1, rows: 50 }],
 * });
 * if (outputs.personas[0].name !== "Deal seekers") throw new Error(outputs.personas[0].name);
 * ```
 */
export async function buildPersonas(
  inputs: PersonaInputs,
  options: PersonasOptions = {},
): Promise<StageResult<PersonasOutput>> {
  const o = resolvePersonasOptions(options);
  checkInputs(inputs);
  const s = stringsFor(o.language);
  const warnings: StageWarning[] = [];
  const total = inputs.sizes.reduce((a, x) => a + x.rows, 0);
  const segments = inputs.sizes.filter((x) => x.segment >= 0)
    .sort((a, b) => b.rows - a.rows || a.segment - b.segment);
  const small = segments.filter((x) => x.rows < o.minSegmentSize);
  const described = segments.filter((x) => x.rows >= o.minSegmentSize);
  const metas = new Map(inputs.meta.map((m) => [m.name, m]));
  const voices = inputs.texts && inputs.texts.length > 0
    ? voicesOf(inputs, described.map((x) => x.segment), o, warnings)
    : null;

  const outcomeRows = inputs.outcomes && inputs.customers
    ? outcomeFacts(inputs.outcomes, inputs.customers.segments, o)
    : new Map<number, PersonaOutcome[]>();
  const generic = new Map<number, GenericTrait[]>();
  const personas: Persona[] = described.map((seg) => {
    const rows = inputs.drivers.filter((r) => r.segment === seg.segment);
    if (rows.length === 0) {
      warnings.push({
        stage: STAGE,
        message: `Segment ${seg.segment} has no driver rows: no traits`,
      });
    }
    const g = rankedGeneric(rows, metas, o);
    generic.set(seg.segment, g);
    return describe(
      seg,
      rows,
      g,
      outcomeRows.get(seg.segment) ?? [],
      metas,
      total,
      voices,
      inputs,
      s,
      o,
    );
  });
  distinctNames(personas, generic, o);
  if (small.length > 0) {
    const list = small.map((x) => `${x.segment} (${x.rows})`).join(", ");
    warnings.push({
      stage: STAGE,
      message: `Segments with fewer than ${o.minSegmentSize} customers are not described on ` +
        `their own (k-anonymity): ${list}; ` +
        (o.smallSegments === "merge"
          ? "merged into one 'Other (small segments)' entry"
          : "withheld"),
      count: small.length,
    });
    if (o.smallSegments === "merge") personas.push(other(small, inputs, total, s, o));
  }

  if (o.writer === "llm") {
    const written = await writeSummaries(personas, o);
    for (const w of written.warnings) warnings.push(w);
    written.summaries.forEach((text, i) => {
      if (text !== null) personas[i] = { ...personas[i], summary: text, writer: "llm" };
    });
  }
  return { outputs: { personas, markdown: personasMarkdown(personas) }, warnings };
}

/** The generic traits of a segment, strongest first, text vectors and indicators left out. */
function rankedGeneric(
  rows: DriverRow[],
  metas: ReadonlyMap<string, FeatureMeta>,
  o: ResolvedPersonasOptions,
): GenericTrait[] {
  const hidden = (f: string) => /^text_emb_\d+$/.test(f) || f.endsWith("__missing");
  const columns = new Set<string>(), figures = new Set<string>();
  return genericTraits(rows.filter((r) => !hidden(r.feature)), metas, o)
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || (a.feature < b.feature ? -1 : 1))
    .filter((t) => {
      // One trait per column (a segment's strongest level says what its other levels would),
      // and one per set of customers: "no internet service" under six service columns is one
      // fact about the same customers.
      const same = `${t.kind}:${t.valueIn.toPrecision(6)}:${t.valueAll.toPrecision(6)}`;
      if (columns.has(t.column) || (t.kind !== "numeric" && figures.has(same))) return false;
      columns.add(t.column);
      figures.add(same);
      return true;
    });
}

function describe(
  seg: { segment: number; rows: number },
  driverRows: DriverRow[],
  generic: GenericTrait[],
  outcomes: PersonaOutcome[],
  metas: ReadonlyMap<string, FeatureMeta>,
  total: number,
  voices: Map<number, Voice> | null,
  inputs: PersonaInputs,
  s: Strings,
  o: ResolvedPersonasOptions,
): Persona {
  const rows = describedRows(driverRows, metas);
  const themes = themesOf(rows);
  const known = new Set(rows.map((r) => r.row.feature));
  const traits = [
    ...segmentTraits(rows, s, o),
    ...generic.filter((t) => !known.has(t.feature) && Math.abs(t.effect) >= o.minEffect)
      .map(asTrait),
  ].sort((a, b) => Math.abs(b.effectSize) - Math.abs(a.effectSize)).slice(0, o.traits);
  // Who the segment is by its categories (contract, region…) is always worth a line, even when
  // numbers set it apart more: its most over-represented level, unless that is negligible.
  const level = generic.find((t) => t.kind === "level");
  if (
    o.traits > 0 && level && level.effect >= MIN_LEVEL_EFFECT &&
    !traits.some((t) => t.level !== undefined)
  ) {
    if (traits.length >= o.traits) traits.pop();
    traits.push(asTrait(level));
  }
  const themed = rankThemes(themes).length > 0;
  // A theme too weak to name the segment ("mainstream") leaves the name to its traits.
  const byTheme = themed ? personaName(themes, s) : null;
  const themedName = byTheme !== s.names.mainstream ? byTheme : null;
  const voice = voices?.get(seg.segment) ?? null;
  const negative = voice?.sentiment != null && voice.overallSentiment != null &&
    (voice.sentiment < 0 || voice.sentiment < voice.overallSentiment - 0.2);
  const share = total > 0 ? seg.rows / total : 0;
  const revenueShare = revenueOf(driverRows, o.revenueFeature);
  const notes: string[] = [];
  if (voice) {
    if (voice.texts === 0) notes.push(s.notes.noTexts);
    else {
      if (voice.sentiment === null) notes.push(s.notes.noSentiment);
      if (voice.entities === null) notes.push(s.notes.noEntities);
    }
  }
  const value = valueOf(inputs, seg.segment);
  const stability = inputs.stability?.find((x) => x.segment === seg.segment)?.meanJaccard ?? null;
  const f1 = inputs.f1?.find((x) => ("segment" in x ? x.segment : x.class) === seg.segment)?.f1 ??
    null;
  return {
    id: `segment-${seg.segment}`,
    kind: "segment",
    segments: [seg.segment],
    name: themedName ?? withMood(
      generic.length > 0
        ? genericName(generic, 2, o.language)
        : keywordName(voice?.keywords ?? [], 2, o.language),
      moodOf(outcomes, voice),
      o.language,
    ),
    language: o.language,
    writer: "template",
    size: seg.rows,
    share,
    revenueShare,
    value,
    summary: s.summary(
      formatPercent(share),
      formatNumber(seg.rows),
      revenueShare === null ? null : formatPercent(revenueShare),
      traits.slice(0, 2).map((t) => t.text),
    ),
    traits,
    outcomes,
    categories: topShares(rows, "category", s),
    channels: topShares(rows, "channel", s),
    price: priceSensitivity(rows, s),
    social: socialActivity(rows, s),
    voice,
    notes,
    actions: actionsOf(themed, themes, generic, voice, outcomes, s, o, negative),
    trust: trustOf(stability, f1, s),
  };
}

function asTrait(t: GenericTrait): PersonaTrait {
  return {
    feature: t.feature,
    label: t.label,
    ...(t.level !== undefined ? { level: t.level } : {}),
    group: "attribute",
    effectSize: t.effect,
    meanSegment: t.valueIn,
    meanOverall: t.valueAll,
    lift: t.valueAll !== 0 ? t.valueIn / t.valueAll : null,
    direction: t.effect >= 0 ? "higher" : "lower",
    text: t.text,
  };
}

/** Revenue share from the revenue feature's means: meanIn · nIn over meanAll · everyone. */
function revenueOf(rows: DriverRow[], feature: string | null): number | null {
  const r = feature === null ? undefined : rows.find((x) => x.feature === feature);
  if (!r || r.meanIn === null || r.meanAll === null || r.meanAll === 0) return null;
  return (r.meanIn * r.nIn) / (r.meanAll * (r.nIn + r.nOut));
}

function trustOf(stability: number | null, f1: number | null, s: Strings): PersonaTrust {
  let level: PersonaTrust["level"];
  if (stability === null && f1 === null) level = "unknown";
  else if ((stability ?? 1) < 0.6 || (f1 ?? 1) < 0.6) level = "low";
  else if ((stability ?? 1) >= 0.75 && (f1 ?? 1) >= 0.85) level = "high";
  else level = "medium";
  return { stability, f1, level, text: s.trustText(stability, f1) };
}

/** The merged entry for small segments: counts only, nothing that describes their customers. */
function other(
  small: { segment: number; rows: number }[],
  inputs: PersonaInputs,
  total: number,
  s: Strings,
  o: ResolvedPersonasOptions,
): Persona {
  const size = small.reduce((a, x) => a + x.rows, 0);
  const revenues = small.map((x) =>
    revenueOf(inputs.drivers.filter((r) => r.segment === x.segment), o.revenueFeature)
  );
  const revenueShare = revenues.every((r) => r !== null)
    ? revenues.reduce((a: number, r) => a + r!, 0)
    : null;
  const share = total > 0 ? size / total : 0;
  const value = valueOf(inputs, POOLED_SEGMENT);
  return {
    id: "other",
    kind: "other",
    segments: small.map((x) => x.segment).sort((a, b) => a - b),
    name: s.names.other,
    language: o.language,
    writer: "template",
    size,
    share,
    revenueShare,
    value,
    summary: s.summary(
      formatPercent(share),
      formatNumber(size),
      revenueShare === null ? null : formatPercent(revenueShare),
      null,
    ),
    traits: [],
    outcomes: [],
    categories: [],
    channels: [],
    price: null,
    social: null,
    voice: null,
    notes: [s.notes.small(small.length, o.minSegmentSize)],
    actions: [],
    trust: trustOf(null, null, s),
  };
}

function voicesOf(
  inputs: PersonaInputs,
  segments: number[],
  o: ResolvedPersonasOptions,
  warnings: StageWarning[],
): Map<number, Voice> | null {
  if (!inputs.customers) {
    warnings.push({
      stage: STAGE,
      message: "Texts were given without the customers' segments (inputs.customers): " +
        "personas say nothing about what customers wrote",
    });
    return null;
  }
  const { ids, segments: labels } = inputs.customers;
  if (ids.length !== labels.length) {
    throw new TypeError(
      `inputs.customers has ${ids.length} ids but ${labels.length} segments: expected one each`,
    );
  }
  const segmentOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) segmentOf.set(ids[i], labels[i]);
  const v = segmentVoices(inputs.texts!, segmentOf, segments, {
    keywords: o.keywords,
    entities: o.entities,
    quotes: o.quotes,
    language: o.language,
    maxQuoteLength: o.maxQuoteLength,
  });
  if (!v.sentimentAvailable) {
    warnings.push({
      stage: STAGE,
      message: "Sentiment is not shown: the texts carry no sentiment scores " +
        "(the text stage ran without a sentiment model)",
    });
  }
  if (!v.entitiesAvailable && o.quotes > 0) {
    warnings.push({
      stage: STAGE,
      message: "Quotes are masked for emails, phones, cards and links but not for person " +
        "names: the texts were not read by an entity model",
    });
  }
  return v.bySegment;
}

function checkInputs(inputs: PersonaInputs): void {
  for (const key of ["drivers", "meta", "sizes"] as const) {
    if (!Array.isArray(inputs?.[key])) {
      throw new TypeError(`The personas stage needs '${key}' in its inputs, as an array`);
    }
  }
  for (const x of inputs.sizes) {
    if (!Number.isInteger(x.segment) || !(x.rows >= 0)) {
      throw new TypeError(
        `Each of inputs.sizes must be { segment: integer, rows: number >= 0 }. Got ${
          JSON.stringify(x)
        } instead`,
      );
    }
  }
}
