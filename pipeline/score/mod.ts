/**
 * Scoring new customers without re-clustering: the fitted pipeline (feature settings, text
 * model, matrix transform, classifier and segment names) is one JSON artifact, `model.json`;
 * {@link score} turns new tables into a segment and its probability per customer.
 *
 * @module
 */

export { score, type ScoreOptions, type ScoringModel } from "./score.ts";
