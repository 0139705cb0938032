/**
 * Multinomial (softmax) logistic regression with an L2 penalty, fitted by L-BFGS on typed
 * arrays. The objective is scikit-learn's: mean log-loss + ‖W‖² / (2·C·n), intercepts not
 * penalised, so the same C gives the same solution.
 *
 * @module
 */

import { lbfgs } from "./_logreg_lbfgs.ts";
import type { LogisticOptions } from "./options.ts";

/** What a fit learned: one row of coefficients and one intercept per class. */
export interface LogisticFit {
  /** K rows of d coefficients. */
  coef: number[][];
  intercept: number[];
  iterations: number;
  converged: boolean;
  /** Why the solver stopped. */
  stop: string;
}

/**
 * The penalised mean log-loss and its gradient for weights laid out as [W (K×d, row-major), b].
 * `z` is scratch of length K.
 */
function objective(
  data: Float64Array,
  n: number,
  d: number,
  y: Int32Array,
  k: number,
  C: number,
): (w: Float64Array, g: Float64Array) => number {
  const z = new Float64Array(k);
  const bOff = k * d;
  return (w, g) => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let zmax = -Infinity;
      for (let c = 0; c < k; c++) {
        const wOff = c * d;
        let s = w[bOff + c];
        for (let j = 0; j < d; j++) s += w[wOff + j] * data[off + j];
        z[c] = s;
        if (s > zmax) zmax = s;
      }
      const yi = y[i];
      const zy = z[yi];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[c] - zmax);
        z[c] = e;
        sum += e;
      }
      loss += Math.log(sum) + zmax - zy;
      const inv = 1 / sum;
      for (let c = 0; c < k; c++) {
        const r = z[c] * inv - (c === yi ? 1 : 0);
        if (r === 0) continue;
        const wOff = c * d;
        for (let j = 0; j < d; j++) g[wOff + j] += r * data[off + j];
        g[bOff + c] += r;
      }
    }
    const invN = 1 / n, lambda = 1 / (C * n);
    let penalty = 0;
    for (let t = 0; t < bOff; t++) {
      penalty += w[t] * w[t];
      g[t] = g[t] * invN + lambda * w[t];
    }
    for (let c = 0; c < k; c++) g[bOff + c] *= invN;
    return loss * invN + 0.5 * lambda * penalty;
  };
}

/**
 * Fits softmax regression on row-major `data` (n × d) with class indices `y` in 0..k-1.
 * Starts from zero weights, so the intercepts keep summing to zero (they are only defined up
 * to a shared constant, the gradient never moves that constant).
 */
export function fitLogistic(
  data: Float64Array,
  n: number,
  d: number,
  y: Int32Array,
  k: number,
  options: LogisticOptions,
): LogisticFit {
  const fg = objective(data, n, d, y, k, options.C);
  const res = lbfgs(fg, new Float64Array(k * (d + 1)), {
    gtol: options.tol,
    ftol: 64 * 2.220446049250313e-16,
    maxIter: options.maxIter,
    memory: 10,
  });
  const coef: number[][] = [];
  for (let c = 0; c < k; c++) coef.push(Array.from(res.x.subarray(c * d, (c + 1) * d)));
  return {
    coef,
    intercept: Array.from(res.x.subarray(k * d)),
    iterations: res.iterations,
    converged: res.converged,
    stop: res.reason,
  };
}

/** Class probabilities (n × k, row-major) of row-major `data` under fitted weights. */
export function logisticProba(
  coef: number[][],
  intercept: number[],
  data: Float64Array,
  n: number,
  d: number,
): Float64Array {
  const k = coef.length;
  const w = new Float64Array(k * d);
  for (let c = 0; c < k; c++) w.set(coef[c], c * d);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const off = i * d, o = i * k;
    let zmax = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = intercept[c];
      for (let j = 0; j < d; j++) s += w[c * d + j] * data[off + j];
      out[o + c] = s;
      if (s > zmax) zmax = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(out[o + c] - zmax);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[o + c] /= sum;
  }
  return out;
}
