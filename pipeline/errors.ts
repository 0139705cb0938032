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

  /** `cause`: the library error behind it, shown only with PERSONAE_DEBUG=1. */
  constructor(message: string, where: InputLocation = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "InputError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * A file-system error in words, without the operating system's codes and paths: "no such file",
 * "permission denied", "no space left on device". The caller names the file.
 *
 * @example
 * ```ts
 * import { describeFsError } from "./errors.ts";
 * let why = "";
 * try {
 *   Deno.readTextFileSync("/no/such/file");
 * } catch (e) {
 *   why = describeFsError(e);
 * }
 * if (why !== "no such file") throw new Error(why);
 * ```
 */
export function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotCapable) {
    return "Deno's permissions do not allow it (see the task's --allow-read/--allow-write)";
  }
  if (e instanceof Deno.errors.IsADirectory) return "it is a folder, not a file";
  if (e instanceof Deno.errors.AlreadyExists) return "it already exists";
  const message = e instanceof Error ? e.message : String(e);
  const known: [RegExp, string][] = [
    [/no space left|os error 28|ENOSPC|disk is full/i, "no space left on device"],
    [
      /read-only file ?system|os error 30|EROFS|ReadOnlyFilesystem/i,
      "the file system is read-only",
    ],
    [/quota exceeded|os error 122|EDQUOT/i, "disk quota exceeded"],
    [/file too large|os error 27|EFBIG/i, "the file is too large for this file system or limit"],
    [/not a directory|os error 20/i, "a part of the path is not a folder"],
    [/is a directory|os error 21/i, "it is a folder, not a file"],
    [/permission denied|os error 13/i, "permission denied"],
    [/no such file|os error 2\b/i, "no such file"],
    [/input\/output error|os error 5\b/i, "input/output error (a failing disk or network share)"],
  ];
  for (const [re, words] of known) if (re.test(message)) return words;
  // Unknown: keep the message's first line, without the path the caller already names.
  return message.split("\n")[0].replace(/:\s*(open|read|write|rename|stat)[a-z]* '.*'$/, "");
}

/**
 * A file the program could not write (a full disk, a read-only or vanished folder). The message
 * names the file and says what happened; nothing half-written is left behind.
 */
export class OutputError extends Error {
  readonly file: string;

  constructor(file: string, cause: unknown, advice = "") {
    super(`Cannot write ${file}: ${describeFsError(cause)}${advice}`, { cause });
    this.name = "OutputError";
    this.file = file;
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
