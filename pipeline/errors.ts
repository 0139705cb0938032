/**
 * The error raised for bad input: a file that cannot be read, a config that does not validate,
 * a table without a required column. It carries where the problem is, so the CLI can print one
 * clear line and exit with the input-error code.
 *
 * @module
 */

/** Where in the input a problem is. Lines and columns are 1-based. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: number | string;
}

/** Bad input that stops the run before any work. */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number | string;

  constructor(message: string, where: InputLocation = {}) {
    super(message);
    this.name = "InputError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** The closest of `candidates` to `name` when it is close enough to suggest ("did you mean"). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined, bestScore = Infinity;
  const a = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(a, c.toLowerCase());
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3))
    ? best
    : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? "" : ` (did you mean '${c}'?)`;
}
