"""scikit-learn baseline for the cluster benchmark (run by tests/bench/cluster.ts).

Usage: cluster.py CASE ARGS... ; prints one JSON object as its last line of stdout.
  kmeans     X.npy K N_INIT MAX_ITER REPEATS
  minibatch  X.npy K N_INIT MAX_ITER BATCH REPEATS
  dbscan     X.npy EPS MIN_SAMPLES REPEATS LABELS_OUT.i32
  silhouette X.npy LABELS.i32 REPEATS
Only the fit (or score) is timed, not loading; the best of REPEATS runs is reported, with
VmHWM (see _peak.py), in MiB.
"""
import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _peak import peak_rss_mb  # noqa: E402
import time

import numpy as np
from sklearn.cluster import DBSCAN, KMeans, MiniBatchKMeans
from sklearn.metrics import silhouette_score


def best_of(repeats, fn):
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    case, path = sys.argv[1], sys.argv[2]
    X = np.load(path)
    res = {"case": case}
    if case == "kmeans":
        k, n_init, max_iter, reps = map(int, sys.argv[3:7])
        s, m = best_of(reps, lambda: KMeans(k, n_init=n_init, max_iter=max_iter, random_state=0).fit(X))
        res.update(seconds=s, inertia=float(m.inertia_), n_iter=int(m.n_iter_))
    elif case == "minibatch":
        k, n_init, max_iter, batch, reps = map(int, sys.argv[3:8])
        s, m = best_of(
            reps,
            lambda: MiniBatchKMeans(
                k, n_init=n_init, max_iter=max_iter, batch_size=batch, random_state=0
            ).fit(X),
        )
        res.update(seconds=s, inertia=float(m.inertia_), n_iter=int(m.n_steps_))
    elif case == "dbscan":
        eps, min_samples, reps, out = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        s, m = best_of(reps, lambda: DBSCAN(eps=eps, min_samples=min_samples).fit(X))
        m.labels_.astype(np.int32).tofile(out)
        labels = m.labels_
        res.update(seconds=s, clusters=int(labels.max() + 1), noise=int((labels == -1).sum()))
    elif case == "silhouette":
        labels = np.fromfile(sys.argv[3], dtype=np.int32)
        reps = int(sys.argv[4])
        s, v = best_of(reps, lambda: silhouette_score(X, labels))
        res.update(seconds=s, silhouette=float(v))
    else:
        raise SystemExit(f"unknown case {case}")
    res["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(res))


main()
