/**
 * A small quasi-Newton minimiser (BFGS) for the handful of parameters of the value models.
 * With analytic gradients it needs a few dozen passes over the data where Nelder–Mead needs
 * hundreds, which is what makes a million-customer fit take seconds.
 *
 * @module
 */

/** f(x), writing ∇f(x) into `grad`. Non-finite values mean "outside the domain". */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Settings of {@link minimizeBfgs}. */
export interface MinimizeOptions {
  /** Stop when every |∂f/∂xᵢ| is below this. @default 1e-9 */
  gtol?: number;
  /** Iterations per run, all restarts together. @default 500 */
  maxIterations?: number;
  /** Largest change of any coordinate in one step (the fits work on log parameters). @default 2 */
  maxStep?: number;
  /** Fresh starts (identity Hessian) from the optimum, to escape a stale Hessian. @default 2 */
  restarts?: number;
}

const DEFAULTS: Required<MinimizeOptions> = {
  gtol: 1e-9,
  maxIterations: 500,
  maxStep: 2,
  restarts: 2,
};

/** Where {@link minimizeBfgs} stopped. */
export interface MinimizeResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  /** True when the gradient test passed; false when it ran out of iterations or step. */
  converged: boolean;
}

const ARMIJO = 1e-4;
const WOLFE = 0.9;
/**
 * Changes of f below this share of |f| count as rounding noise: summing the log-likelihood of
 * thousands of customers loses far more than one ulp. (Hager & Zhang use 1e-6.)
 */
const FLAT = 1e-10;

const infNorm = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Minimises `f` from `x0` by BFGS on the inverse Hessian, with a backtracking (Armijo) line
 * search that also backs off non-finite values. The update is skipped when the curvature
 * yᵀs is not positive, which keeps the inverse Hessian positive definite without a Wolfe search.
 * After convergence it restarts from the optimum with a fresh Hessian, and stops when a restart
 * no longer improves f.
 *
 * @example
 * ```ts
 * import { minimizeBfgs } from "./_optimize.ts";
 * // Rosenbrock's banana, minimum at (1, 1).
 * const res = minimizeBfgs((x, g) => {
 *   const a = 1 - x[0], b = x[1] - x[0] * x[0];
 *   g[0] = -2 * a - 400 * x[0] * b;
 *   g[1] = 200 * b;
 *   return a * a + 100 * b * b;
 * }, Float64Array.of(-1.2, 1));
 * if (!res.converged || Math.abs(res.x[0] - 1) > 1e-6) throw new Error("missed (1, 1)");
 * ```
 */
export function minimizeBfgs(
  f: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const o = { ...DEFAULTS, ...options };
  const n = x0.length;
  let x = Float64Array.from(x0), g = new Float64Array(n);
  let fx = f(x, g), evaluations = 1, iterations = 0;
  if (!Number.isFinite(fx) || !g.every(Number.isFinite)) {
    throw new RangeError(`minimizeBfgs needs a finite start. Got f = ${fx} at [${x0}]`);
  }
  let converged = false;
  for (let run = 0; run <= o.restarts && iterations < o.maxIterations; run++) {
    const fStart = fx;
    converged = false;
    const H = identity(n);
    let scaled = false;
    const xNew = new Float64Array(n), gNew = new Float64Array(n);
    const d = new Float64Array(n), s = new Float64Array(n), y = new Float64Array(n);
    while (iterations < o.maxIterations) {
      if (infNorm(g) < o.gtol) {
        converged = true;
        break;
      }
      iterations++;
      // Direction d = −H g, shortened so no coordinate moves more than maxStep.
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v -= H[i * n + j] * g[j];
        d[i] = v;
      }
      let slope = 0;
      for (let i = 0; i < n; i++) slope += d[i] * g[i];
      if (!(slope < 0)) {
        // H lost positive definiteness to rounding: fall back to steepest descent.
        H.set(identity(n));
        for (let i = 0; i < n; i++) d[i] = -g[i];
        slope = -g.reduce((acc, v) => acc + v * v, 0);
      }
      const big = infNorm(d);
      let step = big > o.maxStep ? o.maxStep / big : 1;
      let fNew = NaN, accepted = false;
      for (let k = 0; k < 60 && step * big > 1e-15 * (1 + infNorm(x)); k++) {
        for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
        fNew = f(xNew, gNew);
        evaluations++;
        if (Number.isFinite(fNew) && gNew.every(Number.isFinite)) {
          if (fNew <= fx + ARMIJO * step * slope) {
            accepted = true;
            break;
          }
          // Near the optimum f changes by less than its rounding error, so Armijo cannot tell
          // progress; the gradient still can. Hager & Zhang's approximate Wolfe conditions.
          let slopeNew = 0;
          for (let i = 0; i < n; i++) slopeNew += gNew[i] * d[i];
          if (
            fNew <= fx + FLAT * Math.abs(fx) && slopeNew >= WOLFE * slope &&
            slopeNew <= (2 * ARMIJO - 1) * slope
          ) {
            accepted = true;
            break;
          }
        }
        step *= Number.isFinite(fNew) ? 0.5 : 0.1;
      }
      if (!accepted) break; // no decrease along a descent direction: at rounding level
      let ys = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        s[i] = xNew[i] - x[i];
        y[i] = gNew[i] - g[i];
        ys += y[i] * s[i];
        yy += y[i] * y[i];
      }
      [x, g, fx] = [Float64Array.from(xNew), Float64Array.from(gNew), fNew];
      if (ys > 1e-12 * Math.sqrt(yy) * infNorm(s)) {
        if (!scaled) {
          // Nocedal & Wright (6.20): scale the first Hessian guess to the observed curvature.
          const c = ys / yy;
          for (let i = 0; i < n * n; i++) H[i] *= c;
          scaled = true;
        }
        bfgsUpdate(H, s, y, ys);
      }
    }
    if (run > 0 && fStart - fx <= 1e-14 * (1 + Math.abs(fx))) break;
  }
  if (!converged) converged = infNorm(g) < o.gtol;
  return { x, f: fx, grad: g, iterations, evaluations, converged };
}

function identity(n: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  return H;
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / yᵀs. */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, ys: number): void {
  const n = s.length, rho = 1 / ys;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
    Hy[i] = v;
  }
  let yHy = 0;
  for (let i = 0; i < n; i++) yHy += y[i] * Hy[i];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] += rho * ((1 + rho * yHy) * s[i] * s[j] - Hy[i] * s[j] - s[i] * Hy[j]);
    }
  }
}

/**
 * Central-difference gradient of `f` at `x` (ignores the gradient `f` writes): the check that
 * an analytic gradient is right.
 *
 * @example
 * ```ts
 * import { numericGradient } from "./_optimize.ts";
 * const g = numericGradient((x) => x[0] * x[0] + 3 * x[1], Float64Array.of(2, 5));
 * if (Math.abs(g[0] - 4) > 1e-6 || Math.abs(g[1] - 3) > 1e-6) throw new Error("wrong gradient");
 * ```
 */
export function numericGradient(f: Objective, x: Float64Array, h = 1e-6): Float64Array {
  const out = new Float64Array(x.length), scratch = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const up = Float64Array.from(x), down = Float64Array.from(x);
    up[i] += h;
    down[i] -= h;
    out[i] = (f(up, scratch) - f(down, scratch)) / (2 * h);
  }
  return out;
}
