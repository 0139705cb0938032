/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves"; Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"). A
 * customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the
 * mean z̄ of x transactions is Gamma(px, νx). It is fitted on the repeat transactions of
 * customers with x ≥ 1 and assumes spend per transaction is independent of how often a customer
 * buys; {@link frequencySpendCorrelation} checks that assumption on the data.
 *
 * @module
 */

import { digamma, lgamma } from "../math/mod.ts";
import { minimizeBfgs } from "./_optimize.ts";

/** Gamma-Gamma parameters: transaction value ~ Gamma(shape p, rate ν), ν ~ Gamma(q, rate γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Per-customer repeat frequency x and mean value z̄ of those x repeat transactions. */
export interface SpendData {
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
}

/** A fitted Gamma-Gamma model: plain JSON, no customer rows. */
export interface GammaGammaModel {
  kind: "personae.gamma-gamma";
  version: 1;
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers fitted on: x ≥ 1 and z̄ > 0. */
  customers: number;
  /** Customers left out: no repeat purchase (x = 0), or a repeat mean of 0 or less. */
  excluded: { noRepeat: number; nonPositiveSpend: number };
  /** Pearson correlation of x and z̄ over the fitted customers; the model assumes it near 0. */
  frequencySpendCorrelation: number;
  iterations: number;
  converged: boolean;
}

/** Settings of {@link fitGammaGamma}. */
export interface GammaGammaFitOptions {
  /** Where the search starts. @default { p: 1, q: 1, gamma: 1 } */
  start?: GammaGammaParams;
  /** Gradient tolerance on the mean log-likelihood in log-parameter space. @default 1e-9 */
  gtol?: number;
  /** @default 500 */
  maxIterations?: number;
}

const FIT_DEFAULTS: Required<GammaGammaFitOptions> = {
  start: { p: 1, q: 1, gamma: 1 },
  gtol: 1e-9,
  maxIterations: 500,
};

interface Prepared {
  x: Float64Array;
  m: Float64Array;
  excluded: { noRepeat: number; nonPositiveSpend: number };
  distinct: Float64Array;
  count: Float64Array;
  /** Σ x ln z̄, Σ ln z̄, Σ x ln x and Σ x: the parts of the likelihood linear in p. */
  sums: { xLnM: number; lnM: number; xLnX: number; x: number };
}

function prepare(data: SpendData): Prepared {
  const n = data.frequency.length;
  if (data.monetary.length !== n) {
    throw new TypeError(
      `Gamma-Gamma needs frequency and monetary of equal length. Got ${n} and ` +
        `${data.monetary.length} instead`,
    );
  }
  const xs: number[] = [], ms: number[] = [];
  const excluded = { noRepeat: 0, nonPositiveSpend: 0 };
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i], m = data.monetary[i];
    if (!(Number.isInteger(x) && x >= 0)) {
      throw new RangeError(`Frequency of customer ${i + 1} must be an integer ≥ 0. Got ${x}`);
    }
    if (!Number.isFinite(m)) {
      throw new RangeError(`Monetary value of customer ${i + 1} must be a number. Got ${m}`);
    }
    if (x === 0) excluded.noRepeat++;
    else if (!(m > 0)) excluded.nonPositiveSpend++;
    else {
      xs.push(x);
      ms.push(m);
    }
  }
  if (xs.length < 2) {
    throw new RangeError(
      "Gamma-Gamma needs at least 2 customers with a repeat purchase and spend > 0. " +
        `Got ${xs.length}`,
    );
  }
  const x = Float64Array.from(xs), m = Float64Array.from(ms);
  const counts = new Map<number, number>();
  const sums = { xLnM: 0, lnM: 0, xLnX: 0, x: 0 };
  for (let i = 0; i < x.length; i++) {
    counts.set(x[i], (counts.get(x[i]) ?? 0) + 1);
    const lnM = Math.log(m[i]);
    sums.xLnM += x[i] * lnM;
    sums.lnM += lnM;
    sums.xLnX += x[i] * Math.log(x[i]);
    sums.x += x[i];
  }
  return {
    x,
    m,
    excluded,
    distinct: Float64Array.from(counts.keys()),
    count: Float64Array.from(counts.values()),
    sums,
  };
}

/**
 * Mean log-likelihood at θ = ln(p, q, γ) and its gradient in θ. Per customer,
 * ln f(z̄ | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x
 *   − (px+q) ln(γ + x z̄).
 * The gamma functions depend on x alone and the terms linear in p were summed once, so a pass
 * costs one log per customer.
 */
function meanLogLikelihood(d: Prepared, theta: Float64Array, grad: Float64Array): number {
  const p = Math.exp(theta[0]), q = Math.exp(theta[1]), g = Math.exp(theta[2]);
  const n = d.x.length;
  let ll = n * (q * Math.log(g) - lgamma(q)) + p * (d.sums.xLnM + d.sums.xLnX) - d.sums.lnM;
  let gp = d.sums.xLnM + d.sums.xLnX, gq = n * (Math.log(g) - digamma(q)), gg = (n * q) / g;
  for (let j = 0; j < d.distinct.length; j++) {
    const x = d.distinct[j], c = d.count[j];
    const px = p * x;
    ll += c * (lgamma(px + q) - lgamma(px));
    const psi = digamma(px + q);
    gp += c * x * (psi - digamma(px));
    gq += c * psi;
  }
  const { x, m } = d;
  for (let i = 0; i < n; i++) {
    const v = g + x[i] * m[i], lv = Math.log(v), k = p * x[i] + q;
    ll -= k * lv;
    gp -= x[i] * lv;
    gq -= lv;
    gg -= k / v;
  }
  grad[0] = (-p * gp) / n;
  grad[1] = (-q * gq) / n;
  grad[2] = (-g * gg) / n;
  return -ll / n;
}

function checkParams(p: GammaGammaParams): void {
  for (const k of ["p", "q", "gamma"] as const) {
    if (!(p[k] > 0 && Number.isFinite(p[k]))) {
      throw new RangeError(`Gamma-Gamma parameter '${k}' must be a number > 0. Got ${p[k]}`);
    }
  }
}

const toTheta = (p: GammaGammaParams) =>
  Float64Array.of(Math.log(p.p), Math.log(p.q), Math.log(p.gamma));

/**
 * The Gamma-Gamma log-likelihood at `params` over customers with x ≥ 1 and z̄ > 0 (others are
 * skipped, as in the fit).
 *
 * @example
 * ```ts
 * import { gammaGammaLogLikelihood } from "./_gamma_gamma.ts";
 * const data = { frequency: [1, 2, 0, 4], monetary: [20, 35, 0, 28] };
 * const ll = gammaGammaLogLikelihood({ p: 6, q: 4, gamma: 15 }, data);
 * if (!(ll < 0 && Number.isFinite(ll))) throw new Error("expected a finite log-likelihood");
 * ```
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  checkParams(params);
  const d = prepare(data);
  return -meanLogLikelihood(d, toTheta(params), new Float64Array(3)) * d.x.length;
}

/**
 * Pearson correlation between frequency and mean repeat spend over customers with x ≥ 1 and
 * z̄ > 0. Gamma-Gamma assumes the two independent; far from 0 (say |ρ| > 0.3), its spend
 * forecasts are biased.
 *
 * @example
 * ```ts
 * import { frequencySpendCorrelation } from "./_gamma_gamma.ts";
 * const rho = frequencySpendCorrelation({ frequency: [1, 2, 3, 0], monetary: [10, 20, 30, 0] });
 * if (Math.abs(rho - 1) > 1e-12) throw new Error("a straight line has ρ = 1");
 * ```
 */
export function frequencySpendCorrelation(data: SpendData): number {
  const { x, m } = prepare(data);
  const n = x.length;
  let mx = 0, mm = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    mm += m[i] / n;
  }
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (m[i] - mm);
    sxx += (x[i] - mx) ** 2;
    syy += (m[i] - mm) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Fits Gamma-Gamma by maximum likelihood on customers with a repeat purchase (x ≥ 1) and a
 * positive mean repeat spend: BFGS with the analytic gradient on log-parameters.
 *
 * @example
 * ```ts
 * import { fitGammaGamma } from "./_gamma_gamma.ts";
 * const m = fitGammaGamma({
 *   frequency: [1, 2, 3, 1, 5, 2, 0, 4],
 *   monetary: [20, 35, 22, 60, 30, 18, 0, 41],
 * });
 * if (m.customers !== 7 || m.excluded.noRepeat !== 1) throw new Error("x = 0 is left out");
 * ```
 */
export function fitGammaGamma(
  data: SpendData,
  options: GammaGammaFitOptions = {},
): GammaGammaModel {
  const o = { ...FIT_DEFAULTS, ...options };
  checkParams(o.start);
  const d = prepare(data);
  const res = minimizeBfgs((t, g) => meanLogLikelihood(d, t, g), toTheta(o.start), {
    gtol: o.gtol,
    maxIterations: o.maxIterations,
  });
  const [p, q, gamma] = Array.from(res.x, Math.exp);
  return {
    kind: "personae.gamma-gamma",
    version: 1,
    params: { p, q, gamma },
    logLikelihood: -res.f * d.x.length,
    customers: d.x.length,
    excluded: d.excluded,
    frequencySpendCorrelation: frequencySpendCorrelation(data),
    iterations: res.iterations,
    converged: res.converged,
  };
}

/**
 * E[M | x, z̄], each customer's expected value per transaction: a weighted mean of the population
 * mean pγ / (q − 1) and the customer's own z̄, with weight px / (px + q − 1) on z̄. Customers
 * with x = 0 get the population mean. Needs q > 1 (otherwise the mean is infinite).
 *
 * @example
 * ```ts
 * import { applyGammaGamma } from "./_gamma_gamma.ts";
 * const model = { params: { p: 6.25, q: 3.74, gamma: 15.44 } };
 * // Hardie's spreadsheet: customer 1 (x = 2, z̄ = 22.35) expects $24.65 per transaction.
 * const [e] = applyGammaGamma(model, { frequency: [2], monetary: [22.35] });
 * if (Math.abs(e - 24.65) > 0.02) throw new Error(`E[M] = ${e}`);
 * ```
 */
export function applyGammaGamma(
  model: Pick<GammaGammaModel, "params">,
  data: SpendData,
): Float64Array {
  const { p, q, gamma } = model.params;
  checkParams(model.params);
  if (!(q > 1)) {
    throw new RangeError(`Expected spend needs Gamma-Gamma q > 1. Got q = ${q} instead`);
  }
  const n = data.frequency.length;
  if (data.monetary.length !== n) {
    throw new TypeError(
      `Frequency and monetary differ in length: ${n} and ${data.monetary.length}`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i], m = x > 0 ? data.monetary[i] : 0;
    out[i] = (p * (gamma + x * m)) / (p * x + q - 1);
  }
  return out;
}
