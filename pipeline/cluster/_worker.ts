/**
 * Worker entry for the clustering pool: receives the shared buffers of a fit, then runs the
 * chunks it is handed until told to exit.
 *
 * @module
 */

import { serveChunks } from "./_pool.ts";
import { runChunk, stateFrom } from "./_kmeans_chunks.ts";
import { runSilChunk, silFrom } from "./_silhouette_chunks.ts";

type Init =
  | { kind: "kmeans"; init: Parameters<typeof stateFrom>[0]; ctl: SharedArrayBuffer }
  | { kind: "silhouette"; init: Parameters<typeof silFrom>[0]; ctl: SharedArrayBuffer };

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Init>) => void) | null;
  close(): void;
};

scope.onmessage = (e) => {
  scope.onmessage = null;
  const init = e.data;
  if (init.kind === "kmeans") {
    const state = stateFrom(init.init);
    serveChunks(init.ctl, (op, c) => runChunk(state, op, c));
  } else {
    const state = silFrom(init.init);
    serveChunks(init.ctl, (_op, c) => runSilChunk(state, c));
  }
  scope.close();
};
