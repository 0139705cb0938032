/**
 * Worker entry for the clustering pool: receives the shared buffers of a fit, then runs the
 * chunks it is handed until told to exit.
 *
 * @module
 */

import { serveChunks } from "./_cluster_pool.ts";
import { runChunk, stateFrom } from "./_kmeans_chunks.ts";

interface Init {
  kind: "kmeans";
  buffers: Parameters<typeof stateFrom>[0];
  ctl: SharedArrayBuffer;
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Init>) => void) | null;
  close(): void;
};

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { buffers, ctl } = e.data;
  const state = stateFrom(buffers);
  serveChunks(ctl, (op, c) => runChunk(state, op, c));
  scope.close();
};
