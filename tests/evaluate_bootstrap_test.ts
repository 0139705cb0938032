/**
 * The bootstrap interval of the difference in Cramér's V, against numpy and scipy: the same
 * resamples (drawn here from the same seeded stream), V of each by scipy's chi-square, and the
 * interval's ends by numpy's percentile.
 */
import { ok } from "node:assert/strict";
import { rng } from "../pipeline/math/mod.ts";
import { bootstrapVDifferences, segmentationOf } from "../pipeline/evaluate/_tables.ts";
import { near, oracleTest, python } from "./_oracle.ts";

const ORACLE = `
import json, sys
import numpy as np
from scipy.stats import chi2_contingency
d = json.load(sys.stdin)
ev = np.array(d["event"])
def v(groups, rows):
    g = np.array(groups)[rows]; e = ev[rows]
    t = np.array([[np.sum((g == k) & (e == 1)), np.sum((g == k) & (e == 0))] for k in sorted(set(groups))])
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if min(t.shape) < 2: return None
    chi2 = chi2_contingency(t, correction=False)[0]
    return float(np.sqrt(chi2 / (t.sum() * (min(t.shape) - 1))))
out = []
for other in d["others"]:
    diffs = []
    for rows in d["draws"]:
        a, b = v(d["first"], rows), v(other, rows)
        if a is not None and b is not None: diffs.append(a - b)
    tail = (1 - d["confidence"]) / 2 * 100
    lo, hi = np.percentile(diffs, [tail, 100 - tail])
    out.append({"low": float(lo), "high": float(hi), "kept": len(diffs)})
print(json.dumps(out))
`;

oracleTest(
  "bootstrapVDifferences() gives numpy's percentiles of scipy's V differences",
  async () => {
    const n = 240, replicates = 300, confidence = 0.9, seed = 5;
    const r = rng(17);
    const first = Array.from({ length: n }, (_, i) => i % 4);
    const other = Array.from({ length: n }, (_, i) => (i * 7) % 3);
    // The event depends on the first segmentation, a little on the second.
    const event = Int8Array.from(
      first,
      (g, i) => (r.next() < 0.15 + 0.12 * g + 0.05 * other[i] ? 1 : 0),
    );
    const segs = [
      segmentationOf("Personae", first, [0, 1, 2, 3], String),
      segmentationOf("Other", other, [0, 1, 2], String),
    ];
    const [got] = bootstrapVDifferences(segs, event, replicates, confidence, seed);
    // The same resamples: every customer has a known outcome, so rows are drawn from all n.
    const draw = rng(seed);
    const draws = Array.from(
      { length: replicates },
      () => Array.from({ length: n }, () => draw.int(n)),
    );
    const [want] = await python<{ low: number; high: number; kept: number }[]>(ORACLE, {
      event: Array.from(event),
      first,
      others: [other],
      draws,
      confidence,
    });
    ok(want.kept === replicates - got.skipped, `${want.kept} vs ${replicates - got.skipped}`);
    near(got.low, want.low, 1e-12, "low end");
    near(got.high, want.high, 1e-12, "high end");
    ok(got.low < got.high);
  },
);
