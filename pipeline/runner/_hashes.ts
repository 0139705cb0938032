/**
 * What a stage's cache key is made of besides its options and inputs: the code it runs (every
 * pipeline module it imports, transitively), the files a config names, and the versions of Deno
 * and the pinned packages.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { LoadedConfig } from "../config.ts";
import { describeFsError, InputError } from "../errors.ts";

const repoDir = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

/** Deno's version and the npm packages pinned in deno.lock. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
  try {
    const lock = JSON.parse(Deno.readTextFileSync(join(repoDir, "deno.lock")));
    for (const spec of lock.specifiers ? Object.keys(lock.specifiers) : []) {
      const m = spec.match(/^npm:(@?[^@]+)@/);
      if (m) out[m[1]] = lock.specifiers[spec];
    }
  } catch {
    out.lock = "deno.lock not found";
  }
  return out;
}

export const sha = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");
const pipelineDir = dirname(dirname(fromFileUrl(import.meta.url)));

const LOCAL_IMPORT = /(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+\.ts)["']/g;

/**
 * The stage's modules and every pipeline module they import, transitively: editing any code a
 * stage runs changes its version, with no list to keep up to date by hand. The stage-table
 * modules (stages.ts, _stages_*.ts) count as text only: they import every stage, and following
 * them would tie each stage's version to all the others' code.
 */
export function codeClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.startsWith("runner/")) return;
    const text = Deno.readTextFileSync(join(pipelineDir, file));
    for (const m of text.matchAll(LOCAL_IMPORT)) {
      const target = join(dirname(file), m[1]);
      if (!target.startsWith("..")) visit(target);
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

export function codeHash(files: string[]): string {
  return sha(
    codeClosure(files).map((f) => `${f}\u0000${Deno.readTextFileSync(join(pipelineDir, f))}`)
      .join("\u0000"),
  );
}

/** sha-256 of a file, streamed. */
export async function fileHash(path: string): Promise<string> {
  const h = createHash("sha256");
  using f = await Deno.open(path);
  for await (const chunk of f.readable) h.update(chunk);
  return h.digest("hex");
}

/** sha-256 of an input file a config names; an unreadable one is bad input, named. */
export async function inputHash(path: string, loaded: LoadedConfig): Promise<string> {
  try {
    return await fileHash(path);
  } catch (e) {
    const name = relative(loaded.dir, path) || path;
    throw new InputError(`Cannot read ${name}: ${describeFsError(e)}`, { file: name }, e);
  }
}
