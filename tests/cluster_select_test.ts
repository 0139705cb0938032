import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type KScore, pickK } from "../pipeline/cluster/_select.ts";

const row = (
  k: number,
  silhouette: number,
  smallestShare: number,
  stability: number | null = null,
): KScore => ({
  k,
  silhouette,
  smallestShare,
  stability,
  inertia: 0,
  daviesBouldin: 0,
  calinskiHarabasz: 0,
  silhouetteRows: 100,
  clusters: k,
  chosen: false,
});
const rule = (tolerance: number, minShare = 0, minStability = 0.8) => ({
  tolerance,
  minShare,
  minStability,
});
const pickedK = (table: KScore[], r: ReturnType<typeof rule>) => {
  const { at } = pickK(table, r);
  return at < 0 ? null : table[at].k;
};

Deno.test("pickK() takes the best silhouette; near-ties go to the more stable, then smaller k", () => {
  const table = [row(2, 0.30, 0.4), row(3, 0.405, 0.2), row(4, 0.41, 0.1), row(5, 0.35, 0.1)];
  equal(pickedK(table, rule(0.01)), 3, "unmeasured stability: a tie goes to the smaller k");
  equal(pickedK(table, rule(0)), 4);
  const measured = [row(3, 0.405, 0.2, 0.85), row(4, 0.41, 0.1, 0.9), row(5, 0.409, 0.1, 0.95)];
  const { at, choice } = pickK(measured, rule(0.01));
  equal(measured[at].k, 5, "the most stable of the tied");
  equal(choice!.criterion, "stability");
  equal(choice!.runnerUp, 4, "the runner-up is the next best silhouette");
  equal(pickK(measured, rule(0)).choice!.criterion, "silhouette");
});

Deno.test("pickK() passes over a k whose smallest segment is too small to act on", () => {
  // k = 6 scores best only by splitting off 1% of customers.
  const table = [row(4, 0.19, 0.15), row(5, 0.214, 0.14), row(6, 0.228, 0.012)];
  equal(pickedK(table, rule(0.01, 0.02)), 5);
  equal(pickedK(table, rule(0.01, 0)), 6);
});

Deno.test("pickK() passes over a k whose segments reshuffle under resampling", () => {
  // k = 4 has the best silhouette but its bootstrap refits agree poorly (ARI 0.5).
  const table = [row(3, 0.30, 0.2, 0.9), row(4, 0.40, 0.2, 0.5), row(5, 0.32, 0.1, 0.85)];
  const { at, choice } = pickK(table, rule(0.01, 0.02, 0.8));
  equal(table[at].k, 5);
  deepStrictEqual(
    { bar: choice!.stabilityBar, relaxed: choice!.relaxedStability, runnerUp: choice!.runnerUp },
    { bar: 0.8, relaxed: false, runnerUp: 3 },
  );
  equal(pickedK(table, rule(0.01, 0.02, 0.4)), 4, "with a lower bar, the best silhouette wins");
});

Deno.test("pickK() lowers the stability bar to the most stable k − 0.05 when none reaches it", () => {
  const table = [row(3, 0.30, 0.2, 0.50), row(4, 0.35, 0.2, 0.62), row(5, 0.40, 0.1, 0.70)];
  const { at, choice } = pickK(table, rule(0.01, 0.02, 0.8));
  equal(table[at].k, 5);
  ok(choice!.relaxedStability);
  ok(Math.abs(choice!.stabilityBar! - 0.65) < 1e-12);
  equal(choice!.runnerUp, null, "k = 4 (0.62) is under the lowered bar: no runner-up");
});

Deno.test("pickK() falls back to every k, saying so, when none is big enough", () => {
  const table = [row(2, 0.2, 0.01), row(3, 0.3, 0.005)];
  const { at, choice } = pickK(table, rule(0, 0.02));
  equal(at, 1);
  ok(choice!.relaxedShare);
  deepStrictEqual(pickK([row(2, NaN, 0.5)], rule(0, 0.02)), { at: -1, choice: null });
});
