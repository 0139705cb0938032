"""scipy.optimize baseline for the value benchmark (run by tests/bench/value.ts).

Usage: value.py SUMMARY.f64 ; prints one JSON object as its last line of stdout.
SUMMARY.f64 holds n rows of float64 (x, t_x, T, zbar), row-major. Both models are fitted as
Personae fits them: maximum likelihood on log-parameters from all-ones starts, minimising the
mean negative log-likelihood with BFGS and an analytic gradient, here written the way a numpy
user would (vectorised per customer with scipy.special's gammaln and digamma, as lifetimes
does). Only the fits are timed; VmHWM (see _peak.py) is reported in MiB.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _peak import peak_rss_mb  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import digamma, gammaln  # noqa: E402

GTOL = 1e-9


def bgnbd_objective(theta, x, tx, T):
    r, alpha, a, b = np.exp(theta)
    n = len(x)
    rep = x > 0
    bx1 = np.where(rep, b + x - 1, 1.0)
    lT, lt = np.log(alpha + T), np.log(alpha + tx)
    a3 = -(r + x) * lT
    a4 = np.where(rep, np.log(a) - np.log(bx1) - (r + x) * lt, -np.inf)
    lse = np.logaddexp(a3, a4)
    w4 = np.exp(a4 - lse)
    w3 = 1 - w4
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha)
          + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x) + lse)
    dr = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * lT - w4 * lt
    dalpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    da = digamma(a + b) - digamma(a + b + x) + w4 / a
    db = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w4 / bx1
    grad = -np.array([r * dr.sum(), alpha * dalpha.sum(), a * da.sum(), b * db.sum()]) / n
    return -ll.sum() / n, grad


def gg_objective(theta, x, m):
    p, q, g = np.exp(theta)
    n = len(x)
    px = p * x
    lv = np.log(g + m * x)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * lv)
    dp = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - lv)
    dq = digamma(px + q) - digamma(q) + np.log(g) - lv
    dg = q / g - (px + q) / (g + m * x)
    grad = -np.array([p * dp.sum(), q * dq.sum(), g * dg.sum()]) / n
    return -ll.sum() / n, grad


def fit(objective, k, args):
    t0 = time.perf_counter()
    res = minimize(objective, np.zeros(k), args=args, jac=True, method="BFGS",
                   options={"gtol": GTOL, "maxiter": 1000})
    seconds = time.perf_counter() - t0
    return res, seconds


def main():
    rows = np.fromfile(sys.argv[1], dtype=np.float64).reshape(-1, 4)
    x, tx, T, m = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    out = {"method": f"scipy.optimize.minimize BFGS, analytic gradient, gtol={GTOL}"}
    res, s = fit(bgnbd_objective, 4, (x, tx, T))
    r, alpha, a, b = np.exp(res.x)
    out["bgnbd"] = dict(seconds=s, params=dict(r=r, alpha=alpha, a=a, b=b), ll=-res.fun * len(x),
                        iterations=int(res.nit), evaluations=int(res.nfev), message=res.message)
    rep = (x > 0) & (m > 0)
    res, s = fit(gg_objective, 3, (x[rep], m[rep]))
    p, q, g = np.exp(res.x)
    out["gg"] = dict(seconds=s, params=dict(p=p, q=q, gamma=g), ll=-res.fun * int(rep.sum()),
                     iterations=int(res.nit), evaluations=int(res.nfev), message=res.message)
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


main()
