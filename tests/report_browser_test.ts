/**
 * Renders the report in headless Chromium: it must draw (a PNG screenshot of a full page), log
 * nothing to the console and request nothing but the file itself. Network requests are read
 * from Chromium's NetLog: requests the page makes carry the file's origin, unlike the browser's
 * own background requests. Skipped, with one line saying what to install, when Chromium is not
 * on PATH (and failing instead under CI=true: see _tools.ts).
 *
 * Set REPORT_SCREENSHOT=/path/report.png to keep the screenshot.
 */

import assert from "node:assert/strict";
import { buildReport } from "../pipeline/report/report.ts";
import {
  confusionChart,
  importanceChart,
  kSelectionChart,
  segmentMapChart,
  segmentSizesChart,
} from "../pipeline/charts/charts.ts";
import { rng } from "../pipeline/math/random.ts";
import { reportInputs } from "./report_data.ts";
import { findTools } from "./_tools.ts";

const tools = await findTools("chromium");

interface Rendered {
  png: Uint8Array;
  consoleLines: string[];
  pageRequests: string[];
}

/** Screenshots an HTML file and collects console messages and the page's network requests. */
async function render(html: string, size: [number, number]): Promise<Rendered> {
  const dir = await Deno.makeTempDir({ prefix: "personae-report-" });
  try {
    const page = `${dir}/report.html`, shot = `${dir}/shot.png`, net = `${dir}/net.json`;
    await Deno.writeTextFile(page, html);
    const out = await new Deno.Command(tools.path("chromium"), {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${dir}/profile`,
        "--enable-logging=stderr",
        "--v=0",
        `--log-net-log=${net}`,
        `--screenshot=${shot}`,
        `--window-size=${size[0]},${size[1]}`,
        `file://${page}`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    return {
      png: await Deno.readFile(shot),
      consoleLines: stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l)),
      pageRequests: pageRequests(JSON.parse(await Deno.readTextFile(net))),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** URLs the page itself asked for (its requests carry the file origin), except itself. */
function pageRequests(log: {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: Record<string, unknown> }[];
}): string[] {
  const start = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  return log.events.filter((e) => e.type === start && typeof e.params?.url === "string")
    .filter((e) =>
      String(e.params!.network_isolation_key ?? "").includes("file://") ||
      e.params!.initiator === "null"
    )
    .map((e) => String(e.params!.url))
    .filter((url) => !url.startsWith("file:") && !url.startsWith("data:"));
}

function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset);
  assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG"); // "PNG"
  return [view.getUint32(16), view.getUint32(20)];
}

function charts(names: Record<number, string>): Record<string, string> {
  const r = rng(7);
  const n = 600, x: number[] = [], y: number[] = [], segment: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 5;
    segment.push(s);
    x.push(3 * Math.cos(s * 1.3) + r.normal());
    y.push(3 * Math.sin(s * 1.3) + r.normal());
  }
  const sizes = [719, 711, 572, 515, 483];
  const counts = sizes.map((_, i) => sizes.map((v, j) => (i === j ? Math.round(v / 5) : i + j)));
  return {
    sizes: segmentSizesChart(sizes.map((count, segment) => ({ segment, count })), {
      segmentNames: names,
    }),
    map: segmentMapChart({ x, y, segment }, { segmentNames: names }),
    confusion: confusionChart({ labels: [0, 1, 2, 3, 4], counts }, { segmentNames: names }),
    importance: importanceChart([
      { feature: "discount_mean", mean: 0.12, sd: 0.01, group: "price" },
      { feature: "social_share_per_month", mean: 0.1, sd: 0.02, group: "social" },
      { feature: "spend_share_digital", mean: 0.08, sd: 0.01, group: "preference" },
      { feature: "events_view", mean: 0.06, sd: 0.01, group: "browsing" },
    ]),
    kSelection: kSelectionChart(
      [3, 4, 5, 6, 7].map((k) => ({
        k,
        silhouette: 0.1 + 0.02 * (k === 5 ? 3 : k % 3),
        daviesBouldin: 2 - 0.1 * k,
        inertia: 1000 / k,
      })),
      { chosenK: 5 },
    ),
  };
}

tools.test({
  name: "the report renders in headless Chromium with no console message and no network",
  sanitizeResources: false,
  async fn() {
    const base = await reportInputs();
    const names = Object.fromEntries(base.personas.map((p) => [p.segments[0], p.name]));
    const html = buildReport({ ...base, charts: charts(names) });
    const r = await render(html, [1280, 2400]);
    assert.deepEqual(pngSize(r.png), [1280, 2400]);
    // A blank page compresses to a few kilobytes; text, cards and charts do not.
    assert.ok(r.png.length > 60_000, `screenshot only ${r.png.length} bytes`);
    assert.deepEqual(r.consoleLines, []);
    assert.deepEqual(r.pageRequests, []);
    const keep = Deno.env.get("REPORT_SCREENSHOT");
    if (keep) await Deno.writeFile(keep, r.png);
  },
});

tools.test({
  name: "the browser check catches a page that logs or loads from the network",
  sanitizeResources: false,
  async fn() {
    const bad = `<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png">` +
      `<script>console.error("boom")</script></body></html>`;
    const r = await render(bad, [400, 300]);
    assert.ok(r.consoleLines.some((l) => l.includes("boom")), r.consoleLines.join("\n"));
    assert.deepEqual(r.pageRequests, ["http://192.0.2.1/x.png"]);
  },
});
