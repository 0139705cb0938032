/**
 * Seeded synthetic classification data for the classifier tests and benchmark, shaped like
 * scikit-learn's make_classification: informative features drawn around hypercube vertices,
 * redundant features that are linear mixes of them, pure-noise features, a few flipped labels,
 * then every column standardised (the classifier receives scaled matrices).
 *
 * @module
 */

import { permutation, rng } from "../pipeline/math/random.ts";
import type { Matrix } from "../pipeline/types.ts";

/** Shape of the generated problem. */
export interface MakeClassificationOptions {
  rows: number;
  informative: number;
  redundant: number;
  noise: number;
  classes: number;
  clustersPerClass: number;
  /** Half the side of the hypercube the cluster centres sit on. */
  classSep: number;
  /** Share of labels replaced by a random class. */
  flipY: number;
  seed: number;
}

/** Generated rows (standardised, columns informative, redundant, noise) and labels. */
export function makeClassification(
  opts: MakeClassificationOptions,
): { matrix: Matrix; labels: Int32Array } {
  const { rows: n, informative: p, redundant, noise, classes, clustersPerClass } = opts;
  const d = p + redundant + noise;
  const r = rng(opts.seed);
  const uniform = () => 2 * r.next() - 1;
  const nClusters = classes * clustersPerClass;
  const centres: Float64Array[] = [];
  const used = new Set<string>();
  while (centres.length < nClusters) {
    const c = Float64Array.from({ length: p }, () => (r.next() < 0.5 ? -1 : 1) * opts.classSep);
    const key = Array.from(c, (v) => (v > 0 ? 1 : 0)).join("");
    if (used.has(key) && used.size < 2 ** p) continue;
    used.add(key);
    centres.push(c);
  }
  const mixes = centres.map(() => Float64Array.from({ length: p * p }, uniform));
  const redundantMix = Float64Array.from({ length: p * redundant }, uniform);
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const cluster = i % nClusters;
    labels[i] = cluster % classes;
    const a = mixes[cluster], centre = centres[cluster], off = i * d;
    for (let j = 0; j < p; j++) z[j] = r.normal();
    for (let j = 0; j < p; j++) {
      let s = centre[j];
      for (let t = 0; t < p; t++) s += z[t] * a[t * p + j];
      data[off + j] = s;
    }
    for (let j = 0; j < redundant; j++) {
      let s = 0;
      for (let t = 0; t < p; t++) s += data[off + t] * redundantMix[t * redundant + j];
      data[off + p + j] = s;
    }
    for (let j = 0; j < noise; j++) data[off + p + redundant + j] = r.normal();
    if (r.next() < opts.flipY) labels[i] = r.int(classes);
  }
  standardise(data, n, d);
  const order = permutation(n, r);
  const shuffled = new Float64Array(n * d), shuffledLabels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    shuffled.set(data.subarray(order[i] * d, (order[i] + 1) * d), i * d);
    shuffledLabels[i] = labels[order[i]];
  }
  const columns = [
    ...Array.from({ length: p }, (_, j) => `informative_${j + 1}`),
    ...Array.from({ length: redundant }, (_, j) => `redundant_${j + 1}`),
    ...Array.from({ length: noise }, (_, j) => `noise_${j + 1}`),
  ];
  return { matrix: { rows: n, cols: d, data: shuffled, columns }, labels: shuffledLabels };
}

function standardise(data: Float64Array, n: number, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * d + j];
    const mean = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * d + j] - mean) ** 2;
    const sd = Math.sqrt(ss / n) || 1;
    for (let i = 0; i < n; i++) data[i * d + j] = (data[i * d + j] - mean) / sd;
  }
}
