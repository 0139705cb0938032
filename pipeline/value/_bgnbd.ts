/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "'Counting your customers' the
 * easy way"): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α), and after each
 * purchase drops out with probability p ~ Beta(a, b). From each customer's repeat frequency x,
 * recency t_x and age T (the same time unit throughout, weeks in Personae) it gives the
 * likelihood, the expected purchases in a future period, P(alive) and the population's E[X(t)].
 *
 * @module
 */

import { digamma, lgamma, lnHyp2f1 } from "../math/mod.ts";
import { minimizeBfgs } from "./_optimize.ts";

/** BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate α), dropout p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per-customer repeat frequency x, recency t_x and age T (t_x = 0 when x = 0, t_x ≤ T). */
export interface RfmData {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
}

/** A fitted BG/NBD model: plain JSON, no customer rows. */
export interface BgNbdModel {
  kind: "personae.bgnbd";
  version: 1;
  params: BgNbdParams;
  /** The maximised log-likelihood (natural log, summed over customers). */
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/** Settings of {@link fitBgNbd}. */
export interface BgNbdFitOptions {
  /** Where the search starts. @default { r: 1, alpha: 1, a: 1, b: 1 } */
  start?: BgNbdParams;
  /** Gradient tolerance on the mean log-likelihood in log-parameter space. @default 1e-9 */
  gtol?: number;
  /** @default 500 */
  maxIterations?: number;
}

const FIT_DEFAULTS: Required<BgNbdFitOptions> = {
  start: { r: 1, alpha: 1, a: 1, b: 1 },
  gtol: 1e-9,
  maxIterations: 500,
};

/** Typed copies of the columns, checked, with each row's index into the distinct frequencies. */
interface Prepared {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  distinct: Float64Array;
  code: Int32Array;
  count: Float64Array;
}

/** Checks the columns (1-based rows in messages) and codes the distinct frequencies. */
export function prepareRfm(data: RfmData, what = "BG/NBD"): Prepared {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n) {
    throw new TypeError(
      `${what} needs frequency, recency and T of equal length. Got ${n}, ${data.recency.length} ` +
        `and ${data.T.length} instead`,
    );
  }
  if (n === 0) throw new RangeError(`${what} needs at least one customer. Got none`);
  const x = Float64Array.from(data.frequency), tx = Float64Array.from(data.recency);
  const T = Float64Array.from(data.T);
  const slot = new Map<number, number>();
  const code = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!(Number.isInteger(x[i]) && x[i] >= 0)) {
      throw new RangeError(`Frequency of customer ${i + 1} must be an integer ≥ 0. Got ${x[i]}`);
    }
    if (!(T[i] >= 0 && tx[i] >= 0 && tx[i] <= T[i] * (1 + 1e-12))) {
      throw new RangeError(
        `Customer ${i + 1} needs 0 ≤ recency ≤ T. Got recency ${tx[i]} and T ${T[i]} instead`,
      );
    }
    let s = slot.get(x[i]);
    if (s === undefined) slot.set(x[i], s = slot.size);
    code[i] = s;
  }
  const distinct = Float64Array.from(slot.keys()), count = new Float64Array(slot.size);
  for (let i = 0; i < n; i++) count[code[i]]++;
  return { x, tx, T, distinct, code, count };
}

/**
 * Mean log-likelihood over customers at log-parameters θ = ln(r, α, a, b), and its gradient in
 * θ. Terms that depend on x alone (the gamma functions) are computed once per distinct x.
 */
function meanLogLikelihood(d: Prepared, theta: Float64Array, grad: Float64Array): number {
  const r = Math.exp(theta[0]), alpha = Math.exp(theta[1]);
  const a = Math.exp(theta[2]), b = Math.exp(theta[3]);
  const k = d.distinct.length, n = d.x.length;
  const c4 = new Float64Array(k), invB = new Float64Array(k);
  let sumK = 0, gr = 0, ga = 0, gb = 0;
  const psiR = digamma(r), psiAB = digamma(a + b), psiB = digamma(b);
  const lgR = lgamma(r), lgAB = lgamma(a + b), lgB = lgamma(b);
  for (let j = 0; j < k; j++) {
    const x = d.distinct[j], m = d.count[j];
    sumK += m * (lgamma(r + x) - lgR + lgAB + lgamma(b + x) - lgB - lgamma(a + b + x));
    gr += m * (digamma(r + x) - psiR);
    ga += m * (psiAB - digamma(a + b + x));
    gb += m * (psiAB + digamma(b + x) - psiB - digamma(a + b + x));
    c4[j] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
    invB[j] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  const lnAlpha = Math.log(alpha);
  let sumLse = 0, sumLog = 0, sumInv = 0, sumW4 = 0, sumW4B = 0;
  const { x, tx, T, code } = d;
  for (let i = 0; i < n; i++) {
    const rx = r + x[i], aT = alpha + T[i], lT = Math.log(aT), a3 = -rx * lT;
    if (x[i] === 0) {
      sumLse += a3;
      sumLog += lT;
      sumInv += rx / aT;
      continue;
    }
    const at = alpha + tx[i], lt = Math.log(at), a4 = c4[code[i]] - rx * lt;
    // log(e^a3 + e^a4) and the share w4 of the second term, without overflow.
    const diff = a4 - a3;
    let w4: number;
    if (diff > 0) {
      const e = Math.exp(-diff);
      sumLse += a4 + Math.log1p(e);
      w4 = 1 / (1 + e);
    } else {
      const e = Math.exp(diff);
      sumLse += a3 + Math.log1p(e);
      w4 = e / (1 + e);
    }
    const w3 = 1 - w4;
    sumLog += w3 * lT + w4 * lt;
    sumInv += rx * (w3 / aT + w4 / at);
    sumW4 += w4;
    sumW4B += w4 * invB[code[i]];
  }
  const ll = sumK + n * r * lnAlpha + sumLse;
  grad[0] = (-r * (gr + n * lnAlpha - sumLog)) / n;
  grad[1] = (-alpha * (n * r / alpha - sumInv)) / n;
  grad[2] = (-a * (ga + sumW4 / a)) / n;
  grad[3] = (-b * (gb - sumW4B)) / n;
  return -ll / n;
}

const toTheta = (p: BgNbdParams) =>
  Float64Array.of(Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b));

function checkParams(p: BgNbdParams): void {
  for (const k of ["r", "alpha", "a", "b"] as const) {
    if (!(p[k] > 0 && Number.isFinite(p[k]))) {
      throw new RangeError(`BG/NBD parameter '${k}' must be a number > 0. Got ${p[k]} instead`);
    }
  }
}

/**
 * The BG/NBD log-likelihood of the customers at `params` (natural log, summed).
 *
 * @example
 * ```ts
 * import { bgnbdLogLikelihood } from "./_bgnbd.ts";
 * // One customer who bought once and never again during 10 weeks: P(x = 0) = (α / (α + T))^r.
 * const p = { r: 0.5, alpha: 2, a: 1, b: 3 };
 * const ll = bgnbdLogLikelihood(p, { frequency: [0], recency: [0], T: [10] });
 * if (Math.abs(ll - 0.5 * Math.log(2 / 12)) > 1e-12) throw new Error("wrong likelihood");
 * ```
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RfmData): number {
  checkParams(params);
  const d = prepareRfm(data);
  return -meanLogLikelihood(d, toTheta(params), new Float64Array(4)) * d.x.length;
}

/**
 * Fits BG/NBD by maximum likelihood: BFGS with the analytic gradient on log-parameters (so
 * they stay positive), from `start`, with restarts from the optimum.
 *
 * @example
 * ```ts
 * import { fitBgNbd } from "./_bgnbd.ts";
 * const m = fitBgNbd({
 *   frequency: [0, 1, 2, 0, 4, 1, 0, 3],
 *   recency: [0, 5, 8, 0, 9.5, 2, 0, 6],
 *   T: [10, 10, 9, 8, 10, 7, 9, 10],
 * });
 * if (!m.converged || !(m.params.r > 0)) throw new Error("fit failed");
 * ```
 */
export function fitBgNbd(data: RfmData, options: BgNbdFitOptions = {}): BgNbdModel {
  const o = { ...FIT_DEFAULTS, ...options };
  checkParams(o.start);
  const d = prepareRfm(data);
  const res = minimizeBfgs((t, g) => meanLogLikelihood(d, t, g), toTheta(o.start), {
    gtol: o.gtol,
    maxIterations: o.maxIterations,
  });
  const [r, alpha, a, b] = Array.from(res.x, Math.exp);
  return {
    kind: "personae.bgnbd",
    version: 1,
    params: { r, alpha, a, b },
    logLikelihood: -res.f * d.x.length,
    customers: d.x.length,
    iterations: res.iterations,
    converged: res.converged,
  };
}

/**
 * E[X(t)], the expected repeat purchases in (0, t] of a customer picked at random on their
 * first purchase: (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 *
 * @example
 * ```ts
 * import { bgnbdExpectedCumulative } from "./_bgnbd.ts";
 * const p = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
 * const e = bgnbdExpectedCumulative(p, 52); // BTYD walkthrough: 1.444004
 * if (Math.abs(e - 1.444004) > 1e-4) throw new Error(`E[X(52)] = ${e}`);
 * ```
 */
export function bgnbdExpectedCumulative(params: BgNbdParams, t: number): number {
  if (!(t >= 0)) throw new RangeError(`The horizon t must be a number ≥ 0. Got ${t} instead`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const lnTail = r * Math.log(alpha / (alpha + t)) + lnHyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * -Math.expm1(lnTail);
}

/**
 * E[Y(t) | x, t_x, T]: the expected repeat purchases in the next t time units of a customer
 * with repeat frequency x, recency t_x and age T (Fader, Hardie & Lee 2005, eq. 10).
 *
 * @example
 * ```ts
 * import { bgnbdConditionalExpected } from "./_bgnbd.ts";
 * const p = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
 * // Hardie's spreadsheet: 1.226 for x = 2, t_x = 30.43, T = 38.86 over 39 weeks.
 * const e = bgnbdConditionalExpected(p, 39, 2, 30.43, 38.86);
 * if (Math.abs(e - 1.226) > 1e-3) throw new Error(`E[Y(39)] = ${e}`);
 * ```
 */
export function bgnbdConditionalExpected(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const aT = alpha + T, z = t / (aT + t);
  const lnTail = (r + x) * Math.log(aT / (aT + t)) + lnHyp2f1(r + x, b + x, a + b + x - 1, z);
  const head = ((a + b + x - 1) / (a - 1)) * -Math.expm1(lnTail);
  return head / (1 + deadOdds(params, x, tx, T));
}

/** δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r+x): the odds of dead against alive. */
function deadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 0;
  return Math.exp(
    Math.log(p.a / (p.b + x - 1)) + (p.r + x) * Math.log((p.alpha + T) / (p.alpha + tx)),
  );
}

/**
 * P(alive | x, t_x, T): the chance the customer has not dropped out by age T. A customer with
 * no repeat purchase cannot have dropped out in BG/NBD (dropout happens only at a purchase).
 *
 * @example
 * ```ts
 * import { bgnbdPAlive } from "./_bgnbd.ts";
 * const p = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
 * if (bgnbdPAlive(p, 0, 0, 30) !== 1) throw new Error("x = 0 is always alive in BG/NBD");
 * if (!(bgnbdPAlive(p, 5, 2, 38) < bgnbdPAlive(p, 5, 37, 38))) throw new Error("recency helps");
 * ```
 */
export function bgnbdPAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + deadOdds(params, x, tx, T));
}

/** What {@link applyBgNbd} predicts per customer. */
export interface BgNbdPrediction {
  /** E[Y(horizon) | x, t_x, T]. */
  expectedPurchases: Float64Array;
  pAlive: Float64Array;
}

/**
 * Expected repeat purchases over `horizon` and P(alive) for every customer.
 *
 * @example
 * ```ts
 * import { applyBgNbd } from "./_bgnbd.ts";
 * const model = { params: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 } };
 * const out = applyBgNbd(model, { frequency: [0, 3], recency: [0, 30], T: [38, 38] }, 39);
 * if (!(out.expectedPurchases[1] > out.expectedPurchases[0])) throw new Error("x = 3 buys more");
 * ```
 */
export function applyBgNbd(
  model: Pick<BgNbdModel, "params">,
  data: RfmData,
  horizon: number,
): BgNbdPrediction {
  if (!(horizon >= 0)) {
    throw new RangeError(`The horizon must be a number ≥ 0. Got ${horizon} instead`);
  }
  checkParams(model.params);
  const d = prepareRfm(data);
  const n = d.x.length;
  const expectedPurchases = new Float64Array(n), pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    expectedPurchases[i] = bgnbdConditionalExpected(model.params, horizon, d.x[i], d.tx[i], d.T[i]);
    pAlive[i] = bgnbdPAlive(model.params, d.x[i], d.tx[i], d.T[i]);
  }
  return { expectedPurchases, pAlive };
}
