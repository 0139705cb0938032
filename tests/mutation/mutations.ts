/**
 * The mutations tests/mutation/run.ts applies: plausible one-line bugs in the core functions,
 * each with the test files that should catch it. `find` must occur exactly once in `file`.
 *
 * @module
 */

/** One plausible bug and the tests that guard against it. */
export interface Mutation {
  id: string;
  file: string;
  find: string;
  replace: string;
  tests: string[];
}

const CLASSIFY = ["tests/classify_test.ts"];
const CLUSTER = ["tests/cluster_metrics_test.ts"];
const TIES = ["tests/kmeans_ties_test.ts"];
const INGEST = ["tests/ingest_boundaries_test.ts", "tests/ingest_test.ts"];
const STATS = ["tests/evaluate_stats_test.ts", "tests/evaluate_bootstrap_test.ts"];
const PRIVACY = ["tests/privacy_test.ts"];

export const MUTATIONS: Mutation[] = [
  // Metrics of the classifier.
  {
    id: "precision-over-support",
    file: "pipeline/classify/_metrics.ts",
    find: "const precision = predicted === 0 ? 0 : matrix[c][c] / predicted;",
    replace: "const precision = support === 0 ? 0 : matrix[c][c] / support;",
    tests: CLASSIFY,
  },
  {
    id: "recall-over-predicted",
    file: "pipeline/classify/_metrics.ts",
    find: "const recall = support === 0 ? 0 : matrix[c][c] / support;",
    replace: "const recall = predicted === 0 ? 0 : matrix[c][c] / predicted;",
    tests: CLASSIFY,
  },
  {
    id: "f1-without-the-2",
    file: "pipeline/classify/_metrics.ts",
    find: "(2 * precision * recall) / (precision + recall)",
    replace: "(precision * recall) / (precision + recall)",
    tests: CLASSIFY,
  },
  {
    id: "macro-f1-of-precisions",
    file: "pipeline/classify/_metrics.ts",
    find: "perClass.reduce((s, m) => s + m.f1, 0) / k,",
    replace: "perClass.reduce((s, m) => s + m.precision, 0) / k,",
    tests: CLASSIFY,
  },
  // Cluster scores.
  {
    id: "ari-pairs-miscounted",
    file: "pipeline/cluster/_metrics.ts",
    find: "const tp = sq - n, fp",
    replace: "const tp = sq, fp",
    tests: CLUSTER,
  },
  {
    id: "silhouette-over-min",
    file: "pipeline/cluster/_metrics.ts",
    find: "const m = Math.max(a, b);",
    replace: "const m = Math.min(a, b);",
    tests: CLUSTER,
  },
  {
    id: "davies-bouldin-best-not-worst",
    file: "pipeline/cluster/_metrics.ts",
    find: "if (gap > 0) worst = Math.max(worst, (spread[a] + spread[b]) / gap);",
    replace: "if (gap > 0) worst = Math.min(worst || Infinity, (spread[a] + spread[b]) / gap);",
    tests: CLUSTER,
  },
  {
    id: "calinski-harabasz-dof-swapped",
    file: "pipeline/cluster/_metrics.ts",
    find: "(between * (n - k)) / (within * (k - 1))",
    replace: "(between * (k - 1)) / (within * (n - k))",
    tests: CLUSTER,
  },
  // K-Means assignment: the lowest index on ties, in JavaScript and in WebAssembly.
  {
    id: "kmeans-js-tie-to-last",
    file: "pipeline/cluster/_kmeans_kernel.ts",
    find: "      if (v < b1) {",
    replace: "      if (v <= b1) {",
    tests: TIES,
  },
  {
    id: "kmeans-wasm-tie-to-last",
    file: "pipeline/cluster/_wasm_kernel.ts",
    find: "...get(18), ...get(16), 0x63, ...IF, // v < b1",
    replace: "...get(18), ...get(16), 0x65, ...IF, // v <= b1",
    tests: TIES,
  },
  // Ingest's boundaries and accounting.
  {
    id: "future-cutoff-without-the-day",
    file: "pipeline/ingest/_table.ts",
    find: "new Date(maxDate.getTime() + 86_400_000)",
    replace: "new Date(maxDate.getTime())",
    tests: INGEST,
  },
  {
    id: "future-cutoff-exclusive",
    file: "pipeline/ingest/_table.ts",
    find: "valueChecks.push([pc.gtEq(end), tag(",
    replace: "valueChecks.push([pc.gt(end), tag(",
    tests: INGEST,
  },
  {
    id: "negative-below-minus-one",
    file: "pipeline/ingest/_table.ts",
    find: "out.push([v.lt(0), tag(",
    replace: "out.push([v.lt(-1), tag(",
    tests: INGEST,
  },
  {
    id: "duplicate-keeps-the-last",
    file: "pipeline/ingest/_keys.ts",
    find: "const dup = seq.neq(seq.min().over(first, ...rest));",
    replace: "const dup = seq.neq(seq.max().over(first, ...rest));",
    tests: INGEST,
  },
  {
    id: "cascade-not-counted",
    file: "pipeline/ingest/ingest.ts",
    find: "customerRejected: byReason[CUSTOMER_REJECTED] ?? 0,",
    replace: "customerRejected: 0,",
    tests: ["tests/ingest_cascade_test.ts"],
  },
  // Intervals.
  {
    id: "bootstrap-tail-not-halved",
    file: "pipeline/evaluate/_tables.ts",
    find: "const tail = (1 - confidence) / 2;",
    replace: "const tail = 1 - confidence;",
    tests: STATS,
  },
  {
    id: "quantile-without-interpolation",
    file: "pipeline/evaluate/_stats.ts",
    find: "return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);",
    replace: "return sorted[lo];",
    tests: STATS,
  },
  {
    id: "wilson-centre-unshifted",
    file: "pipeline/evaluate/_stats.ts",
    find: "const centre = (p + z2 / (2 * n)) / denom;",
    replace: "const centre = p / denom;",
    tests: STATS,
  },
  {
    id: "cramers-v-dimension-off-by-one",
    file: "pipeline/evaluate/_stats.ts",
    find: "cramersV: Math.min(1, Math.sqrt(phi2 / m)),",
    replace: "cramersV: Math.min(1, Math.sqrt(phi2 / (m + 1))),",
    tests: STATS,
  },
  // Masking of personal data.
  {
    id: "mask-ascii-emails-only",
    file: "pipeline/privacy.ts",
    find: "out = out.replace(EMAIL_RE, email).replace(EMAIL_INTL_RE, email);",
    replace: "out = out.replace(EMAIL_RE, email);",
    tests: PRIVACY,
  },
  {
    id: "phone-needs-eleven-digits",
    file: "pipeline/privacy.ts",
    find: "if (digits < 8 || digits > 15) return m;",
    replace: "if (digits < 11 || digits > 15) return m;",
    tests: PRIVACY,
  },
  {
    id: "luhn-subtracts-ten",
    file: "pipeline/privacy.ts",
    find: "if (d > 9) d -= 9;",
    replace: "if (d > 9) d -= 10;",
    tests: PRIVACY,
  },
  {
    id: "mask-only-the-text-column",
    file: "pipeline/ingest/ingest.ts",
    find: "tables[name] = maskFrame(frame, textColumns(frame, ids), counts, perColumn);",
    replace:
      'tables[name] = maskFrame(frame, textColumns(frame, ids).filter((c) => c === "text"), counts, perColumn);',
    tests: ["tests/privacy_columns_test.ts"],
  },
  {
    id: "quarantined-records-unmasked",
    file: "pipeline/ingest/_quarantine.ts",
    find: "text = maskFrame(text, maskable, policy.masked);",
    replace: "",
    tests: ["tests/privacy_columns_test.ts"],
  },
  // Outputs and the runner.
  {
    id: "csv-escape-forgets-minus-and-tab",
    file: "pipeline/runner/_csv.ts",
    find: `const RISKY = "^[=+\\\\-@\\\\t\\\\r']";`,
    replace: `const RISKY = "^[=+@']";`,
    tests: ["tests/csv_safety_test.ts"],
  },
  {
    id: "cache-trusts-changed-files",
    file: "pipeline/runner/_artifacts.ts",
    find: "if (actual !== sha) return `${file} changed since it was written`;",
    replace: "",
    tests: ["tests/cache_integrity_test.ts"],
  },
  {
    id: "lock-not-checked",
    file: "pipeline/runner/_lock.ts",
    find: "if (!file.tryLockSync(true)) {",
    replace: "if (!file.tryLockSync(true) && false) {",
    tests: ["tests/run_folder_test.ts"],
  },
  {
    id: "unseen-levels-counted-once",
    file: "pipeline/score/score.ts",
    find: "const rows = u.levels.reduce((a, [, n]) => a + n, 0);",
    replace: "const rows = u.levels.length;",
    tests: ["tests/score_checks_test.ts"],
  },
];
