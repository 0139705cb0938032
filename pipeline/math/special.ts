/**
 * Special functions: ln Γ, the digamma function ψ, the upper regularized incomplete gamma
 * function Q (in logs, so tiny p-values keep their digits) and the Gauss hypergeometric function
 * ₂F₁ on [0, 1), also in logs because BG/NBD's conditional expectation multiplies a huge ₂F₁ by
 * a tiny power for heavy buyers.
 *
 * @module
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-16;
const TINY = 1e-300;

/**
 * ln Γ(x) for x > 0, to about 1e-15 relative. Shifts x up to ≥ 10 with
 * Γ(x) = Γ(x + m) / (x (x+1) … (x+m−1)), multiplying the factors and taking one log (cheaper
 * than a log per step), then uses Stirling's series; its first omitted term is below 1e-15 there.
 *
 * @example
 * ```ts
 * import { lgamma } from "./special.ts";
 * if (Math.abs(lgamma(5) - Math.log(24)) > 1e-13) throw new Error("ln Γ(5) is ln 24");
 * if (Math.abs(lgamma(0.5) - 0.5 * Math.log(Math.PI)) > 1e-14) throw new Error("Γ(1/2) = √π");
 * ```
 */
export function lgamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lgamma needs a number > 0. Got ${x} instead`);
  let prod = 1;
  while (x < 10) {
    prod *= x;
    x += 1;
  }
  const z2 = 1 / (x * x);
  // B(2k) / (2k (2k−1)) for the Bernoulli numbers 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730.
  const series = (1 / x) *
    (1 / 12 +
      z2 *
        (-1 / 360 + z2 * (1 / 1260 + z2 * (-1 / 1680 + z2 * (1 / 1188 + z2 * (-691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series - Math.log(prod);
}

/**
 * The digamma function ψ(x) = d ln Γ(x) / dx for x > 0 (the analytic gradients of the fits):
 * the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series.
 *
 * @example
 * ```ts
 * import { digamma } from "./special.ts";
 * const eulerGamma = 0.5772156649015329;
 * if (Math.abs(digamma(1) + eulerGamma) > 1e-14) throw new Error("ψ(1) is −γ");
 * ```
 */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma needs a number > 0. Got ${x} instead`);
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const z2 = 1 / (x * x);
  // B(2k) / (2k) for the same Bernoulli numbers.
  const series = z2 *
    (1 / 12 - z2 * (1 / 120 - z2 * (1 / 252 - z2 * (1 / 240 - z2 * (1 / 132 - z2 * 691 / 32760)))));
  return Math.log(x) - 0.5 / x - series + shift;
}

const RESCALE = 1e200;
const LN_RESCALE = Math.log(RESCALE);

/**
 * ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, by its power series. Every term is then
 * positive, so there is no cancellation; the partial sum is rescaled when it grows past 1e200,
 * since ₂F₁ behaves like (1 − z)^(c−a−b) and c − a − b is very negative for frequent buyers.
 * Near z = 1 the series needs many terms (about (a + b − c) / (1 − z) before they shrink); it
 * throws a RangeError rather than return an unconverged value.
 *
 * A negative c that is not an integer is allowed too (BG/NBD meets c = a + b − 1 < 0 when its
 * fit puts a + b below 1): the first terms then alternate in sign, every term from n > −c on
 * has the sign of the last, and a RangeError says so when the sum is not positive.
 *
 * @example
 * ```ts
 * import { lnHyp2f1 } from "./special.ts";
 * // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z
 * const z = 0.9, want = Math.log(-Math.log(1 - z) / z);
 * if (Math.abs(lnHyp2f1(1, 1, 2, z) - want) > 1e-13) throw new Error("wrong ₂F₁(1, 1; 2; z)");
 * ```
 */
export function lnHyp2f1(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  if (!(a > 0 && b > 0 && Number.isFinite(c) && (c > 0 || !Number.isInteger(c)))) {
    throw new RangeError(
      `lnHyp2f1 needs a, b > 0 and c > 0 or not an integer. Got ${a}, ${b}, ${c} instead`,
    );
  }
  if (!(z >= 0 && z < 1)) throw new RangeError(`lnHyp2f1 needs 0 ≤ z < 1. Got ${z} instead`);
  if (z === 0) return 0;
  if (c < 0) return lnHyp2f1NegativeC(a, b, c, z, maxTerms);
  let term = 1, sum = 1, offset = 0;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    // Each factor (a+m)/(c+m) and (b+m)/(m+1) is monotone in m, so every later ratio is below
    // rho, and the tail below a geometric series with that ratio.
    const rho = z * Math.max(1, (a + n + 1) / (c + n + 1)) * Math.max(1, (b + n + 1) / (n + 2));
    if (rho < 1 && term * rho < sum * (1 - rho) * 1e-17) return Math.log(sum) + offset;
    if (sum > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      offset += LN_RESCALE;
    }
  }
  throw new RangeError(
    `lnHyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms (z too close to 1)`,
  );
}

/** The series of {@link lnHyp2f1} with signed terms, for a negative, non-integer c. */
function lnHyp2f1NegativeC(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let term = 1, sum = 1, offset = 0;
  for (let n = 0; n < maxTerms; n++) {
    term *= ((a + n) * (b + n) / ((c + n) * (n + 1))) * z;
    sum += term;
    // Past n = −c every ratio is positive and the geometric bound of the positive case holds.
    if (c + n + 1 > 0) {
      const rho = z * Math.max(1, (a + n + 1) / (c + n + 1)) *
        Math.max(1, (b + n + 1) / (n + 2));
      if (rho < 1 && Math.abs(term) * rho < Math.abs(sum) * (1 - rho) * 1e-17) {
        if (!(sum > 0)) {
          throw new RangeError(
            `₂F₁(${a}, ${b}; ${c}; ${z}) = ${sum * Math.exp(offset)} is not positive: no log`,
          );
        }
        return Math.log(sum) + offset;
      }
    }
    if (Math.abs(sum) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      offset += LN_RESCALE;
    }
  }
  throw new RangeError(
    `lnHyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms (z too close to 1)`,
  );
}

/**
 * ln Q(a, x), the log of the upper regularized incomplete gamma function Γ(a, x) / Γ(a):
 * the power series of P below x = a + 1, the continued fraction of Q above (modified Lentz).
 * Kept in logs so tiny p-values keep their digits until the caller exponentiates.
 */
export function lnGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaQ needs a > 0. Got ${a} instead`);
  if (!(x >= 0)) throw new RangeError(`gammaQ needs x ≥ 0. Got ${x} instead`);
  if (x === 0) return 0;
  const front = -x + a * Math.log(x) - lgamma(a);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.log1p(-Math.min(1, Math.exp(front) * sum));
  }
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) break;
  }
  return front + Math.log(h);
}

/**
 * Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function.
 *
 * @example
 * ```ts
 * import { gammaQ } from "./special.ts";
 * // Q(1, x) = e^(−x).
 * if (Math.abs(gammaQ(1, 2) - Math.exp(-2)) > 1e-15) throw new Error("wrong Q");
 * ```
 */
export function gammaQ(a: number, x: number): number {
  return Math.exp(lnGammaQ(a, x));
}
