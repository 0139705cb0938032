/**
 * The personas stage: one persona per segment, grounded in numbers. A persona has a short name
 * chosen by rules from the segment's most distinctive features, its size and share of customers
 * and revenue, its traits in plain language with the numbers, top categories and channels, price
 * sensitivity and social activity, what its customers say (sentiment, keywords, entities,
 * quotes), suggested actions, and how far to trust it (stability and classifier F1).
 *
 * @module
 */

export { formatNumber, formatPercent } from "./_format.ts";
export { stringsFor, upperFirst } from "./_i18n.ts";
export { sentimentLabel } from "./_text.ts";
export { valueSentence } from "./_markdown.ts";
export {
  buildPersonas,
  type LevelNote,
  type Persona,
  type PersonaInputs,
  type PersonaLanguage,
  personasMarkdown,
  type PersonasOutput,
  type PersonaTextRow,
  type PersonaTrait,
  type PersonaTrust,
  type PersonaValue,
  type ShareItem,
  type Voice,
} from "./personas.ts";
export {
  type GenerationCache,
  type LlmWriterOptions,
  PERSONAS_DEFAULTS,
  PERSONAS_RULES,
  type PersonasOptions,
  type ResolvedPersonasOptions,
  resolvePersonasOptions,
} from "./options.ts";
export {
  type OutcomeColumn,
  outcomeColumns,
  outcomeFacts,
  type PersonaOutcome,
} from "./_outcomes.ts";
export { zhFeatureLabel } from "./_zh_features.ts";
