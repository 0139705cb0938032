/**
 * Shared numerical code: principal component analysis (exact and randomized, one model shape),
 * special functions and distributions (ln Γ, ψ, incomplete gamma and beta, ₂F₁, normal, Student
 * t, chi-square), the seeded random number generator every random step uses, and the extremes of
 * many numbers in constant stack (maxOf, minOf).
 *
 * @module
 */

export { maxOf, minOf } from "./extent.ts";
export { applyPca, fitPca, type PcaModel, type PcaOptions, type PcaSize } from "./pca.ts";
export { permutation, type Rng, rng } from "./random.ts";
export {
  betaI,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from "./distributions.ts";
export { digamma, gammaQ, lgamma, lnGammaQ, lnHyp2f1 } from "./special.ts";
