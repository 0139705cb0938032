/**
 * Shared numerical code: principal component analysis (exact and randomized, one model shape)
 * and the seeded random number generator every random step uses.
 *
 * @module
 */

export { applyPca, fitPca, type PcaModel, type PcaOptions, type PcaSize } from "./pca.ts";
export { permutation, type Rng, rng } from "./random.ts";
