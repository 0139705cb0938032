/**
 * The stage table as a graph: checked when built (duplicate names and outputs, unknown inputs
 * with "did you mean", cycles named) and ordered; and the part of it a run selects.
 *
 * @module
 */

import { didYouMean } from "../errors.ts";
import type { Stage } from "./run.ts";

/** A stage table checked for duplicate names and outputs, unknown inputs and cycles. */
export function buildGraph(stages: Stage[]): Stage[] {
  const names = new Set<string>();
  const producer = new Map<string, string>();
  for (const s of stages) {
    if (names.has(s.name)) throw new TypeError(`Stage '${s.name}' is defined twice`);
    names.add(s.name);
    for (const o of s.outputs) {
      const other = producer.get(o.name);
      if (other) {
        throw new TypeError(
          `Output '${o.name}' is produced by both '${other}' and '${s.name}'`,
        );
      }
      producer.set(o.name, s.name);
    }
  }
  for (const s of stages) {
    for (const i of [...s.inputs, ...(s.optional ?? [])]) {
      if (!producer.has(i)) {
        throw new TypeError(
          `Stage '${s.name}' needs input '${i}', which no stage produces${
            didYouMean(i, producer.keys())
          }`,
        );
      }
    }
  }
  // Order topologically (stable: table order among ready stages); a leftover means a cycle.
  const ordered: Stage[] = [];
  const done = new Set<string>();
  const pending = [...stages];
  while (pending.length) {
    const k = pending.findIndex((s) =>
      [...s.inputs, ...(s.optional ?? [])].every((i) => done.has(producer.get(i)!))
    );
    if (k < 0) {
      throw new TypeError(
        `The stages ${
          pending.map((s) => `'${s.name}'`).join(", ")
        } form a cycle through their inputs`,
      );
    }
    const [s] = pending.splice(k, 1);
    ordered.push(s);
    done.add(s.name);
  }
  return ordered;
}

/** The stages from `from` to `until` (both included); unknown names are refused. */
export function selectRange(stages: Stage[], from?: string, until?: string): Set<string> {
  const names = stages.map((s) => s.name);
  for (const n of [from, until]) {
    if (n !== undefined && !names.includes(n)) {
      throw new TypeError(
        `Unknown stage '${n}'${didYouMean(n, names)}; stages: ${names.join(", ")}`,
      );
    }
  }
  const a = from ? names.indexOf(from) : 0;
  const b = until ? names.indexOf(until) : names.length - 1;
  return new Set(names.slice(a, b + 1));
}
