/**
 * Limited-memory BFGS for smooth unconstrained minimisation on Float64Array, with a strong-Wolfe
 * line search. Stops like SciPy's L-BFGS-B (which scikit-learn calls): when the largest
 * gradient component is at most `gtol`, or when the relative decrease of the objective in one
 * iteration is at most `ftol`.
 *
 * @module
 */

/** Objective: writes the gradient at `x` into `g` and returns the value at `x`. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

/** Solver settings. */
export interface LbfgsOptions {
  /** Stop when max |gradient| ≤ gtol. */
  gtol: number;
  /** Stop when (f_old − f_new) / max(|f_old|, |f_new|, 1) ≤ ftol. */
  ftol: number;
  maxIter: number;
  /** Pairs of correction vectors kept (SciPy's `maxcor`). */
  memory: number;
}

/** What the solver reached. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why it stopped, in words. */
  reason: string;
}

// Sufficient-decrease and curvature constants of SciPy's L-BFGS-B line search.
const C1 = 1e-3, C2 = 0.9;
const MAX_LINE_EVALS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** Minimiser of the cubic through two points with slopes, kept inside the bracket. */
function cubicStep(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b), width = hi - lo;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  let t = NaN;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    t = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
  }
  // Keep away from the ends so the bracket always shrinks.
  if (!Number.isFinite(t) || t < lo + 0.1 * width || t > hi - 0.1 * width) t = (lo + hi) / 2;
  return t;
}

/**
 * Minimises `fg` from `x0` (not modified). Deterministic: the same inputs give the same
 * iterates bit for bit.
 */
export function lbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length, m = opts.memory;
  const x = Float64Array.from(x0), g = new Float64Array(n);
  const xNew = new Float64Array(n), gNew = new Float64Array(n), d = new Float64Array(n);
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m), alpha = new Float64Array(m);
  let stored = 0, head = 0; // ring buffer: newest pair at (head - 1) mod m
  let evaluations = 1;
  let f = fg(x, g);
  const evalAt = (step: number): number => {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
    evaluations++;
    return fg(xNew, gNew);
  };
  if (maxAbs(g) <= opts.gtol) {
    return { x, f, iterations: 0, evaluations, converged: true, reason: "gradient below gtol" };
  }
  for (let iter = 1; iter <= opts.maxIter; iter++) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      alpha[k] = rho[k] * dot(S[k], d);
      const y = Y[k];
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * y[i];
    }
    if (stored > 0) {
      const k = (head - 1 + m) % m;
      const gamma = 1 / (rho[k] * dot(Y[k], Y[k]));
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const beta = rho[k] * dot(Y[k], d);
      const s = S[k];
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * s[i];
    }
    let dg0 = dot(g, d);
    if (!(dg0 < 0)) {
      // Not a descent direction (lost curvature): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg0 = dot(g, d);
    }
    const step0 = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const ls = lineSearch(evalAt, gNew, d, f, dg0, step0);
    if (ls === null) {
      return {
        x,
        f,
        iterations: iter - 1,
        evaluations,
        converged: false,
        reason: "line search found no acceptable step",
      };
    }
    // xNew / gNew hold the accepted point. Keep the pair only when it carries curvature; the
    // slot it would take may still hold the oldest pair, so test before writing.
    let sy = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      const dy = gNew[i] - g[i];
      sy += (xNew[i] - x[i]) * dy;
      yy += dy * dy;
    }
    if (sy > 2.2e-16 * yy) {
      const s = S[head], y = Y[head];
      for (let i = 0; i < n; i++) {
        s[i] = xNew[i] - x[i];
        y[i] = gNew[i] - g[i];
      }
      rho[head] = 1 / dot(s, y);
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    const fOld = f;
    f = ls;
    x.set(xNew);
    g.set(gNew);
    if (maxAbs(g) <= opts.gtol) {
      return {
        x,
        f,
        iterations: iter,
        evaluations,
        converged: true,
        reason: "gradient below gtol",
      };
    }
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= opts.ftol) {
      return {
        x,
        f,
        iterations: iter,
        evaluations,
        converged: true,
        reason: "relative decrease of the objective below ftol",
      };
    }
  }
  return {
    x,
    f,
    iterations: opts.maxIter,
    evaluations,
    converged: false,
    reason: `reached maxIter (${opts.maxIter})`,
  };
}

/**
 * Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6) along `d`. `evalAt(step)`
 * evaluates the objective at x + step·d and writes its gradient into `gNew`. On success the
 * accepted point is the last one evaluated and its value is returned; null when none was found.
 */
function lineSearch(
  evalAt: (step: number) => number,
  gNew: Float64Array,
  d: Float64Array,
  f0: number,
  dg0: number,
  step0: number,
): number | null {
  let last = NaN;
  let evals = 0;
  const phi = (step: number): [number, number] => {
    evals++;
    last = step;
    const v = evalAt(step);
    return [v, dot(gNew, d)];
  };
  // Leaves the accepted step as the last evaluated one, so xNew / gNew belong to it.
  const accept = (step: number, value: number): number => step === last ? value : phi(step)[0];
  const zoom = (
    lo: number,
    fLo: number,
    dLo: number,
    hi: number,
    fHi: number,
    dHi: number,
  ): number | null => {
    while (evals < MAX_LINE_EVALS) {
      const a = cubicStep(lo, fLo, dLo, hi, fHi, dHi);
      const [fa, da] = phi(a);
      if (fa > f0 + C1 * a * dg0 || fa >= fLo) {
        hi = a, fHi = fa, dHi = da;
      } else {
        if (Math.abs(da) <= -C2 * dg0) return fa;
        if (da * (hi - lo) >= 0) hi = lo, fHi = fLo, dHi = dLo;
        lo = a, fLo = fa, dLo = da;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Out of evaluations: settle for sufficient decrease when the low end has it.
    return lo > 0 && fLo <= f0 + C1 * lo * dg0 ? accept(lo, fLo) : null;
  };
  let prev = 0, fPrev = f0, dPrev = dg0;
  let a = step0;
  for (let i = 0; evals < MAX_LINE_EVALS; i++) {
    const [fa, da] = phi(a);
    if (!Number.isFinite(fa)) {
      // Overshot into overflow: shrink towards the last good step.
      a = prev + (a - prev) / 4;
      continue;
    }
    if (fa > f0 + C1 * a * dg0 || (i > 0 && fa >= fPrev)) {
      return zoom(prev, fPrev, dPrev, a, fa, da);
    }
    if (Math.abs(da) <= -C2 * dg0) return fa;
    if (da >= 0) return zoom(a, fa, da, prev, fPrev, dPrev);
    prev = a, fPrev = fa, dPrev = da;
    a *= 2;
  }
  return null;
}
