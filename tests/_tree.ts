/**
 * Helpers the run tests share: every artifact of a run folder by sha-256, and the temporary
 * files a run may have left behind.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";

/**
 * sha-256 of every file of a run folder by relative path, without manifest.json (timings) and
 * the runner's own .state/ folder.
 */
export function hashTree(dir: string, skip = new Set(["manifest.json"])): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of [...Deno.readDirSync(d)].sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        if (r !== ".state") walk(join(d, e.name), r);
      } else if (!skip.has(r)) {
        out[r] = createHash("sha256").update(Deno.readFileSync(join(d, e.name))).digest("hex");
      }
    }
  };
  walk(dir, "");
  return out;
}

/** Every file under `dir` whose name ends in .tmp, relative to `dir`. */
export function temporaryFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) walk(join(d, e.name), r);
      else if (e.name.endsWith(".tmp")) out.push(r);
    }
  };
  walk(dir, "");
  return out.sort();
}
