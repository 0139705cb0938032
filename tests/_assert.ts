/** Assertions the value and uplift tests share. */
import assert from "node:assert/strict";

/** |actual − expected| ≤ tol, absolute; null never passes. */
export function assertClose(
  actual: number | null,
  expected: number,
  tol: number,
  what: string,
): void {
  if (actual === null || !(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected} ± ${tol}, got ${actual}`);
  }
}

/** `fn` throws an instance of `cls` whose message matches `pattern`. */
export function assertThrows(
  fn: () => unknown,
  cls: new (...a: never[]) => Error,
  pattern: RegExp,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `Expected ${cls.name}, got ${e}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}
