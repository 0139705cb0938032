/**
 * The clustering methods the cluster stage knows. Adding one (say a Gaussian mixture) is a file
 * implementing `ClusterMethod` (see _method.ts) and one line in {@link ALL} below.
 *
 * @module
 */

import { DBSCAN } from "./_dbscan_method.ts";
import { KMEANS } from "./_kmeans_method.ts";
import type { ClusterMethod, ClusterModelBase } from "./_method.ts";

const ALL = [KMEANS, DBSCAN] as const;

type Method = (typeof ALL)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends
  (x: infer I) => void ? I : never;

/** The name of a clustering method: "kmeans" | "dbscan". */
export type MethodName = Method["name"];

/** A fitted model of any method. */
export type ClusterModel = Method extends infer M
  ? M extends ClusterMethod<infer T, infer _R> ? T : never
  : never;

/** Every method's own option rules, merged. */
export type MethodRules = UnionToIntersection<Method["rules"]>;

/** Method names in the order they are documented. */
export const METHOD_NAMES = ALL.map((m) => m.name) as MethodName[];

/** Every method's option rules in one table. */
export const METHOD_RULES = ALL.reduce((all, m) => Object.assign(all, m.rules), {}) as MethodRules;

/** The method of a name (or of a fitted model). */
export function methodOf(name: string): ClusterMethod<ClusterModelBase> {
  const m = ALL.find((x) => x.name === name);
  if (!m) throw new TypeError(`Unknown cluster method '${name}'`);
  return m as unknown as ClusterMethod<ClusterModelBase>;
}
