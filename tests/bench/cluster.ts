/**
 * Cluster benchmark: our K-Means, mini-batch K-Means, DBSCAN and silhouette against
 * scikit-learn on the same seeded Gaussian blobs, written once to .npy files that both sides
 * read. Each side runs in its own process that times only the fit (best of a few runs) and
 * reports its peak RSS, so memory figures are comparable.
 *
 *   deno run -A tests/bench/cluster.ts [--out results.json] [--quick]
 *
 * @module
 */

import { dbscan } from "../../pipeline/cluster/_dbscan.ts";
import { kmeans } from "../../pipeline/cluster/_kmeans.ts";
import { miniBatchKMeans } from "../../pipeline/cluster/_kmeans_minibatch.ts";
import { adjustedRandIndex, silhouetteSamples } from "../../pipeline/cluster/cluster.ts";
import { permutation, rng } from "../../pipeline/math/random.ts";
import { blobs } from "../cluster_data.ts";
import { spareThreads } from "../../pipeline/cluster/_pool.ts";
import { type BenchRow, formatTable, peakRssMb, runPython } from "./_bench.ts";

const PY = new URL("./cluster.py", import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;

/** Writes a row-major float64 matrix as a NumPy .npy file (format 1.0). */
export function writeNpy(path: string, data: Float64Array, rows: number, cols: number): void {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1) + "\n";
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  head.set(new TextEncoder().encode(header), 10);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  Deno.writeFileSync(path, out);
}

/** Reads a C-order float64 .npy file written by {@link writeNpy} or NumPy. */
export function readNpy(path: string): { data: Float64Array; rows: number; cols: number } {
  const bytes = Deno.readFileSync(path);
  const len = new DataView(bytes.buffer).getUint16(8, true);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + len));
  if (!header.includes("'<f8'") || header.includes("'fortran_order': True")) {
    throw new TypeError(`${path}: expected a C-order float64 array, got ${header.trim()}`);
  }
  const [rows, cols] = header.match(/\((\d+), (\d+)\)/)!.slice(1).map(Number);
  // Headers are padded to 64 bytes, so the values start 8-byte aligned: view them, no copy.
  const data = new Float64Array(bytes.buffer, bytes.byteOffset + 10 + len, rows * cols);
  return { data, rows, cols };
}

function bestOf<T>(repeats: number, fn: () => T): { seconds: number; result: T } {
  let best = Infinity, result!: T;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    result = fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, result };
}

/** Our side of one case, run in a child process (same argument layout as cluster.py). */
function worker(args: string[]): Record<string, unknown> {
  const [kind, path] = args;
  const { data, rows: n, cols: d } = readNpy(path);
  // K-Means and the silhouette add worker threads only when a core is idle at the time (see
  // _cluster_pool.ts); mini-batch and DBSCAN always run on one thread.
  const pooled = kind === "kmeans" || kind === "silhouette";
  const res: Record<string, unknown> = { case: kind, threads: pooled ? spareThreads() : 0 };
  if (kind === "kmeans" || kind === "minibatch") {
    const [k, nInit, maxIter] = args.slice(2, 5).map(Number);
    const batch = kind === "minibatch" ? Number(args[5]) : 0;
    const reps = Number(args[kind === "minibatch" ? 6 : 5]);
    const p = { k, nInit, maxIter, tol: 1e-4, seed: 0 };
    const { seconds, result } = bestOf(
      reps,
      () =>
        kind === "minibatch"
          ? miniBatchKMeans(data, n, d, { ...p, batchSize: batch })
          : kmeans(data, n, d, p),
    );
    Object.assign(res, { seconds, inertia: result.inertia, n_iter: result.iterations });
    const labelsOut = args[kind === "minibatch" ? 7 : 6];
    if (labelsOut) Deno.writeFileSync(labelsOut, new Uint8Array(result.labels.buffer));
  } else if (kind === "dbscan") {
    const [eps, minSamples, reps] = args.slice(2, 5).map(Number);
    const { seconds, result } = bestOf(reps, () => dbscan(data, n, d, eps, minSamples));
    Deno.writeFileSync(args[5], new Uint8Array(result.labels.buffer));
    const noise = result.labels.filter((l) => l < 0).length;
    Object.assign(res, { seconds, clusters: result.clusters, noise });
  } else if (kind === "silhouette") {
    const labels = new Int32Array(Deno.readFileSync(args[2]).buffer);
    const { seconds, result } = bestOf(Number(args[3]), () => {
      const s = silhouetteSamples(data, n, d, labels);
      return s.reduce((a, b) => a + b, 0) / n;
    });
    Object.assign(res, { seconds, silhouette: result });
  }
  res.peak_rss_mb = peakRssMb();
  return res;
}

async function ours(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "--worker", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

function row(
  bench: string,
  kase: string,
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  quality: Record<string, number | string>,
  notes?: string,
): BenchRow {
  const s = a.seconds as number, t = b.seconds as number;
  quality = { ...quality, threads: 1 + (a.threads as number) };
  return {
    bench,
    case: kase,
    personae_s: s,
    baseline_s: t,
    ratio: s / t,
    personae_peak_rss_mb: a.peak_rss_mb as number,
    baseline_peak_rss_mb: b.peak_rss_mb as number,
    quality,
    notes,
  };
}

const sig = (v: unknown) => Number((v as number).toPrecision(7));

/**
 * Runs every case on both sides and returns the table rows. `quick` shrinks the data tenfold
 * (for a smoke run; the figures that count come from the full sizes).
 */
export async function benchCluster(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const scale = opts.quick ? 10 : 1;
  const dir = await Deno.makeTempDir({ prefix: "personae-bench-cluster-" });
  const rows: BenchRow[] = [];
  try {
    // K-Means: 8 blobs in 32 dimensions, far apart (converges in a few iterations) and
    // overlapping (many iterations, where the bounds matter most).
    const km = 200_000 / scale, k = 8, nInit = 3, maxIter = 300;
    for (const [name, spread] of [["separated", 10], ["overlapping", 0.6]] as const) {
      const { matrix } = blobs({ rows: km, cols: 32, k, seed: 1, spread, sd: 1 });
      const x = `${dir}/kmeans_${name}.npy`, lab = `${dir}/kmeans_${name}.i32`;
      writeNpy(x, matrix.data, matrix.rows, matrix.cols);
      const args = ["kmeans", x, String(k), String(nInit), String(maxIter), "3"];
      const a = await ours([...args, lab]);
      const b = await runPython(PY, args);
      rows.push(row("kmeans", `${km}x32 k=${k} ${name} n_init=${nInit}`, a, b, {
        inertia: sig(a.inertia),
        sk_inertia: sig(b.inertia),
        iter: a.n_iter as number,
        sk_iter: b.n_iter as number,
      }));
      if (name === "separated") {
        // Silhouette on a seeded 20,000-row sample of this data, with our labels.
        const m = 20_000 / scale, pick = permutation(km, rng(3)).subarray(0, m);
        const all = new Int32Array(Deno.readFileSync(lab).buffer);
        const sub = new Float64Array(m * 32), subLab = new Int32Array(m);
        pick.forEach((i, t) => {
          sub.set(matrix.data.subarray(i * 32, i * 32 + 32), t * 32);
          subLab[t] = all[i];
        });
        const sx = `${dir}/sil.npy`, sl = `${dir}/sil.i32`;
        writeNpy(sx, sub, m, 32);
        Deno.writeFileSync(sl, new Uint8Array(subLab.buffer));
        const sa = await ours(["silhouette", sx, sl, "2"]);
        const sb = await runPython(PY, ["silhouette", sx, sl, "2"]);
        rows.push(row("silhouette", `${m}x32 k=${k} sample`, sa, sb, {
          silhouette: sig(sa.silhouette),
          sk_silhouette: sig(sb.silhouette),
        }));
      }
    }
    // Mini-batch on the overlapping data.
    {
      const x = `${dir}/kmeans_overlapping.npy`;
      const args = ["minibatch", x, String(k), String(nInit), "100", "1024", "3"];
      const a = await ours(args);
      const b = await runPython(PY, args);
      rows.push(row("minibatch", `${km}x32 k=${k} overlapping batch=1024`, a, b, {
        inertia: sig(a.inertia),
        sk_inertia: sig(b.inertia),
        steps: a.n_iter as number,
        sk_steps: b.n_iter as number,
      }));
    }
    // DBSCAN: 5 blobs in 8 dimensions; eps near the k-distance knee of this data.
    {
      const n = 100_000 / scale, eps = opts.quick ? 2.2 : 1.5, minSamples = 10;
      const { matrix } = blobs({ rows: n, cols: 8, k: 5, seed: 2, spread: 10, sd: 1 });
      const x = `${dir}/dbscan.npy`, la = `${dir}/db_ours.i32`, lb = `${dir}/db_sk.i32`;
      writeNpy(x, matrix.data, n, 8);
      const a = await ours(["dbscan", x, String(eps), String(minSamples), "1", la]);
      const b = await runPython(PY, ["dbscan", x, String(eps), String(minSamples), "1", lb]);
      const ya = new Int32Array(Deno.readFileSync(la).buffer);
      const yb = new Int32Array(Deno.readFileSync(lb).buffer);
      const same = ya.filter((v, i) => v === yb[i]).length / n;
      rows.push(row("dbscan", `${n}x8 eps=${eps} min_samples=${minSamples}`, a, b, {
        ari_vs_sklearn: sig(adjustedRandIndex(ya, yb)),
        same_label: sig(same),
        clusters: a.clusters as number,
        sk_clusters: b.clusters as number,
        noise: a.noise as number,
        sk_noise: b.noise as number,
      }));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return rows;
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--worker") {
    console.log(JSON.stringify(worker(args.slice(1))));
  } else {
    const rows = await benchCluster({ quick: args.includes("--quick") });
    console.log(formatTable(rows));
    const at = args.indexOf("--out");
    if (at >= 0 && args[at + 1]) {
      await Deno.writeTextFile(args[at + 1], JSON.stringify(rows, null, 2) + "\n");
    }
  }
}
