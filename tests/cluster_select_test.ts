import { deepStrictEqual } from "node:assert/strict";
import { type KScore, pickK } from "../pipeline/cluster/_select.ts";

const row = (k: number, silhouette: number, smallestShare: number): KScore => ({
  k,
  silhouette,
  smallestShare,
  inertia: 0,
  daviesBouldin: 0,
  calinskiHarabasz: 0,
  silhouetteRows: 100,
  clusters: k,
  chosen: false,
});

Deno.test("pickK() takes the best silhouette, near-ties going to the smaller k", () => {
  const table = [row(2, 0.30, 0.4), row(3, 0.405, 0.2), row(4, 0.41, 0.1), row(5, 0.35, 0.1)];
  deepStrictEqual(pickK(table, 0.01), { at: 1, relaxed: false });
  deepStrictEqual(pickK(table, 0), { at: 2, relaxed: false });
});

Deno.test("pickK() passes over a k whose smallest segment is too small to act on", () => {
  // k = 6 scores best only by splitting off 1% of customers.
  const table = [row(4, 0.19, 0.15), row(5, 0.214, 0.14), row(6, 0.228, 0.012)];
  deepStrictEqual(pickK(table, 0.01, 0.02), { at: 1, relaxed: false });
  deepStrictEqual(pickK(table, 0.01, 0), { at: 2, relaxed: false });
});

Deno.test("pickK() falls back to every k, saying so, when none is big enough", () => {
  const table = [row(2, 0.2, 0.01), row(3, 0.3, 0.005)];
  deepStrictEqual(pickK(table, 0, 0.02), { at: 1, relaxed: true });
  deepStrictEqual(pickK([row(2, NaN, 0.5)], 0, 0.02), { at: -1, relaxed: true });
});
