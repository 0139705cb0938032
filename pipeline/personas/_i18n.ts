/**
 * The words of a persona in English and Chinese (names, trait phrases, actions, trust and the
 * labels of personas.md and the report's persona cards): the shape every language fills in, and
 * the look-up by language. Every phrase carries its numbers.
 *
 * @module
 */

import type { RoleKind } from "./_roles.ts";
import type { FeatureMeta } from "../types.ts";
import { EN } from "./_en.ts";
import { ZH } from "./_zh.ts";

export { upperFirst } from "./_words.ts";

/** Persona languages. */
export type PersonaLanguage = "en" | "zh";

/** What a trait phrase needs: the feature, its level, the segment's and everyone's mean. */
export interface Fact {
  meta: FeatureMeta;
  kind: RoleKind;
  /** The level, already in the persona's language. */
  level: string;
  /** Raw level (English, as in the data), for look-ups such as the event type. */
  rawLevel: string;
  inV: number;
  allV: number;
  /** inV / allV; null when allV is 0. */
  lift: number | null;
}

/** A trait phrase of one feature role. */
export type Phrase = (f: Fact) => string;

/** Everything language-specific about a persona. */
export interface Strings {
  /** Punctuation between a label and its value, between items, and around a side note. */
  punct: { colon: string; comma: string; open: string; close: string };
  list(items: string[]): string;
  pair(a: string, b: string): string;
  level(level: string): string;
  phrase: Partial<Record<RoleKind, Phrase>>;
  generic: Phrase;
  names: {
    deals: string;
    trend: string;
    social: string;
    window: string;
    premium: string;
    browsers: string;
    occasional: string;
    frequent: string;
    bigSpenders: string;
    mainstream: string;
    other: string;
    frequentOf(cats: string): string;
    bigSpendersOf(cats: string): string;
    browsersOf(cats: string): string;
    shoppersOf(cats: string): string;
  };
  actions: {
    deals: string;
    frequent(cats: string): string;
    categories(cats: string): string;
    social: string;
    window: string;
    abandon: string;
    app: string;
    web: string;
    store: string;
    negative: string;
    premium: string;
    mainstream: string;
  };
  level3: { high: string; average: string; low: string };
  trust: { high: string; medium: string; low: string; unknown: string };
  trustText(stability: number | null, f1: number | null): string;
  /** traits null: the sentence about traits is left out (merged small segments). */
  summary(share: string, size: string, revenue: string | null, traits: string[] | null): string;
  price(level: string, discountShare: string | null, all: string | null): string;
  socialText(level: string, perMonth: string, all: string): string;
  /** The segment's expected value: mean CLV, share of all future value, horizon, purchases. */
  valueText(meanValue: string, share: string, weeks: string, purchases: string): string;
  notes: {
    noSentiment: string;
    noEntities: string;
    noTexts: string;
    small(count: number, min: number): string;
    withheld(count: number, min: number): string;
  };
  labels: Record<
    | "customers"
    | "revenue"
    | "value"
    | "valueShare"
    | "trustShort"
    | "traits"
    | "categories"
    | "channels"
    | "price"
    | "social"
    | "say"
    | "sentiment"
    | "keywords"
    | "entities"
    | "quotes"
    | "actions"
    | "trust"
    | "stability"
    | "f1"
    | "segment"
    | "overall"
    | "personas"
    | "texts"
    | "notes"
    | "segments",
    string
  >;
}

/** The strings of a language. */
export function stringsFor(language: PersonaLanguage): Strings {
  return language === "zh" ? ZH : EN;
}
