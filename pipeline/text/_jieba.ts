/**
 * Chinese word segmentation with jieba (`@node-rs/jieba`: jieba-rs, the Rust port of jieba,
 * with its 350,000-word dictionary and an HMM for words the dictionary lacks), which keeps brand
 * and product names whole where `Intl.Segmenter` breaks them into characters (耐克 → 耐 | 克,
 * 丝芙兰 → 丝 | 芙 | 兰). Extra words (a brand list, say) can be added as a user dictionary.
 *
 * The package ships prebuilt native binaries per platform through npm optionalDependencies. It
 * is loaded once, when this module is imported; if it cannot be loaded (a platform without a
 * binary, or no FFI permission), {@linkcode jiebaStatus} says why and callers fall back to
 * `Intl.Segmenter` with a warning (the text stage reports it).
 *
 * Measured on all 74,761 Chinese reviews of ../shared/datasets/chinese-reviews (one core, Deno
 * 2.9): jieba with HMM 1.7 million words/s against 0.96 million for `Intl.Segmenter` ("zh"); the
 * dictionary loads in about 0.26 s, once per process (and once per user dictionary).
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** The jieba package's API, as far as it is used here. */
interface JiebaInstance {
  cut(sentence: string, hmm?: boolean): string[];
  loadDict(dict: Uint8Array): void;
}
interface JiebaModule {
  Jieba: { withDict(dict: Uint8Array): JiebaInstance };
}

let loaded: JiebaModule | null = null;
let failure: string | null = null;
try {
  loaded = await import("@node-rs/jieba") as unknown as JiebaModule;
} catch (e) {
  failure = (e instanceof Error ? e.message : String(e)).split("\n")[0].replace(/\.+$/, "");
}

let dictionary: Uint8Array | null = null;
/**
 * jieba's dictionary (dict.txt of the package, 5 MB), read on first use rather than at import:
 * a run without Chinese texts never reads it.
 */
function dict(): Uint8Array {
  // The package's dict.js reads the same file, but at import time.
  dictionary ??= Deno.readFileSync(new URL("./dict.txt", import.meta.resolve("@node-rs/jieba")));
  return dictionary;
}

/** Whether jieba could be loaded here, and why not. */
export function jiebaStatus(): { available: true } | { available: false; reason: string } {
  return loaded ? { available: true } : { available: false, reason: failure ?? "unknown" };
}

/**
 * Frequency given to user-dictionary words: far above any word of jieba's own dictionary (the
 * most frequent, 的, has 318,825), so a listed name is always kept whole.
 */
const USER_WORD_FREQUENCY = 1_000_000;

const instances = new Map<string, JiebaInstance>();

/**
 * A jieba segmenter with its dictionary plus `userWords` (one instance per distinct list, kept
 * for the process: loading the dictionary takes a quarter of a second). Throws when jieba is not
 * available; check {@linkcode jiebaStatus} first.
 */
export function jieba(userWords: readonly string[] = []): JiebaInstance {
  if (!loaded) throw new Error(`The jieba segmenter is not available: ${failure}`);
  const words = [...new Set(userWords.map((w) => w.trim()).filter((w) => w !== ""))].sort();
  const key = words.join("\n");
  let instance = instances.get(key);
  if (!instance) {
    instance = loaded.Jieba.withDict(dict());
    if (words.length > 0) {
      // One "word frequency" per line; a space inside a name would end the word early.
      const lines = words.filter((w) => !/\s/.test(w)).map((w) => `${w} ${USER_WORD_FREQUENCY}`);
      instance.loadDict(Buffer.from(lines.join("\n") + "\n"));
    }
    instances.set(key, instance);
  }
  return instance;
}
