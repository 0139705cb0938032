"""scikit-learn baseline of the classifiers, for tests/bench/classify.ts.

Arguments: folder, columns, repeats, tree depth, number of trees, forest depth. Reads x.f64
(row-major float64), y.i32, train.u32 and test.u32 from the folder, fits LogisticRegression
(lbfgs, multinomial, C=1, tol=1e-4, max_iter=100), DecisionTreeClassifier and
RandomForestClassifier (n_jobs=1) on the training rows, and prints one JSON line: per model the
median fit time over `repeats` fits (the forest once) and the test accuracy; peak RSS; versions.
"""

import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _peak import peak_rss_mb  # noqa: E402
import time
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier


def main():
    folder, cols, repeats, tree_depth, n_trees, forest_depth = sys.argv[1:7]
    cols, repeats = int(cols), int(repeats)
    x = np.fromfile(f"{folder}/x.f64", dtype=np.float64).reshape(-1, cols)
    y = np.fromfile(f"{folder}/y.i32", dtype=np.int32)
    train = np.fromfile(f"{folder}/train.u32", dtype=np.uint32).astype(np.intp)
    test = np.fromfile(f"{folder}/test.u32", dtype=np.uint32).astype(np.intp)
    x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]

    models = {
        "logistic": (lambda: LogisticRegression(C=1.0, solver="lbfgs", tol=1e-4, max_iter=100), repeats),
        "tree": (lambda: DecisionTreeClassifier(max_depth=int(tree_depth), random_state=0), repeats),
        "forest": (
            lambda: RandomForestClassifier(
                n_estimators=int(n_trees),
                max_depth=int(forest_depth),
                max_features="sqrt",
                n_jobs=1,
                random_state=0,
            ),
            1,
        ),
    }
    out = {}
    for name, (make, times) in models.items():
        seconds = []
        for _ in range(times):
            model = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t0 = time.perf_counter()
                model.fit(x_train, y_train)
                seconds.append(time.perf_counter() - t0)
        result = {"seconds": sorted(seconds)[len(seconds) // 2], "accuracy": float(model.score(x_test, y_test))}
        if name == "logistic":
            result["iterations"] = int(np.max(model.n_iter_))
        out[name] = result
    out["peak_rss_mb"] = peak_rss_mb()
    out["versions"] = f"scikit-learn {sklearn.__version__}, numpy {np.__version__}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
