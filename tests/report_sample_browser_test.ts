/**
 * The sample's report as a reader sees it, measured in headless Chromium: the first section
 * lists every segment, no feature identifier is visible (page text or chart text), the model
 * warnings are folded away, and at phone width (390 px) the page does not scroll sideways and
 * no chart text is drawn smaller than 10 px.
 *
 * The report runs no script (its CSP forbids it), so a wrapper page holds it in an iframe and
 * writes its measurements into itself, read back with --dump-dom.
 * Skipped, with a message, when Chromium is not installed.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runJob } from "../pipeline/runner/job.ts";
import type { FeatureMeta } from "../pipeline/types.ts";

const SAMPLE = new URL("../data/sample/config.json", import.meta.url).pathname;
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
  .find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
const SKIP = CHROMIUM ? "" : " (skipped: no Chromium at /usr/bin/chromium)";
if (!CHROMIUM) {
  console.warn("report_sample_browser_test: Chromium not found, install chromium to run it");
}

/** What the page reports about itself once laid out. */
interface Measured {
  viewport: number;
  scrollWidth: number;
  /** The smallest rendered font size of any chart text, in CSS pixels, and its text. */
  smallestChartText: { px: number; text: string };
  /** Text a reader sees (closed <details> content is not rendered, so not included). */
  visibleText: string;
  chartText: string;
  /** Names listed in the first section after the title. */
  firstSection: { id: string; text: string };
  /** Text inside closed <details> elements. */
  foldedText: string;
}

// Headless Chromium will not make a window narrower than 500 px, so the report is laid out in
// an iframe of the wanted width (srcdoc: same origin as the page that measures it).
const MEASURE = `<script>
const frame = document.getElementById("report");
frame.addEventListener("load", () => {
  const win = frame.contentWindow, doc = win.document;
  let px = Infinity, smallest = "";
  for (const t of doc.querySelectorAll("figure svg text")) {
    if (!t.textContent.trim()) continue;
    const m = t.getScreenCTM();
    if (!m) continue;
    const size = parseFloat(win.getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    if (size < px) { px = size; smallest = t.textContent; }
  }
  const first = doc.querySelector("main > section");
  const out = {
    viewport: win.innerWidth,
    scrollWidth: doc.documentElement.scrollWidth,
    smallestChartText: { px, text: smallest },
    visibleText: doc.body.innerText,
    chartText: [...doc.querySelectorAll("svg text")].map((t) => t.textContent).join("\\n"),
    firstSection: { id: first.id, text: first.innerText },
    foldedText: [...doc.querySelectorAll("details:not([open])")].map((d) => d.textContent)
      .join("\\n"),
  };
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
});
</script>`;

/** Lays the report out at `width` px in Chromium and returns the page's own measurements. */
async function measure(html: string, width: number): Promise<Measured> {
  const dir = await Deno.makeTempDir({ prefix: "personae-measure-" });
  try {
    const page = join(dir, "report.html");
    const srcdoc = html.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><body style="margin:0"><iframe id="report" ` +
        `style="width:${width}px;height:2000px;border:0" srcdoc="${srcdoc}"></iframe>` +
        `${MEASURE}</body></html>`,
    );
    const out = await new Deno.Command(CHROMIUM!, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--no-first-run",
        `--user-data-dir=${dir}/profile`,
        `--window-size=${width + 100},2000`,
        "--virtual-time-budget=5000",
        "--dump-dom",
        `file://${page}`,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const json = dom.match(/<pre id="measured">([\s\S]*?)<\/pre>/);
    assert.ok(json, `no measurement in the page: ${new TextDecoder().decode(out.stderr)}`);
    const unescape = (s: string) =>
      s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    return JSON.parse(unescape(json[1]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Names in code style (snake_case, camelCase, digits): what a reader must never see. */
function identifiers(meta: FeatureMeta[]): string[] {
  return meta.map((m) => m.name).filter((n) => /[_A-Z0-9]/.test(n.slice(1)));
}

Deno.test({
  name:
    `the sample's report leads with every segment, hides identifiers and warnings, and fits a phone${SKIP}`,
  ignore: !CHROMIUM,
  sanitizeResources: false,
  async fn() {
    const run = await Deno.makeTempDir({ prefix: "personae-sample-" });
    try {
      await runJob(SAMPLE, { runDir: run });
      const html = await Deno.readTextFile(join(run, "report.html"));
      const read = async (f: string) => JSON.parse(await Deno.readTextFile(join(run, f)));
      const personas: { name: string }[] = await read("personas.json");
      const meta: FeatureMeta[] = [
        ...await read("feature_meta.json"),
        ...await read("text_meta.json").catch(() => []),
      ];
      const manifest: { warnings: { stage: string; message: string }[] } = await read(
        "manifest.json",
      );

      for (const width of [1280, 390]) {
        const m = await measure(html, width);
        assert.equal(m.firstSection.id, "summary");
        for (const p of personas) {
          assert.ok(m.firstSection.text.includes(p.name), `${width} px: '${p.name}' at the top`);
        }
        for (const id of identifiers(meta)) {
          assert.ok(!m.visibleText.includes(id), `${width} px: '${id}' in the visible text`);
          assert.ok(!m.chartText.includes(id), `${width} px: '${id}' in a chart`);
        }
        // Every model warning is there, but only inside the folded technical notes.
        const models = manifest.warnings.filter((x) => /\bmodel\b/.test(x.message));
        assert.ok(models.length > 0, "the sample runs without language models");
        for (const x of models) {
          const words = x.message.replace(/^FALLBACK\b:?\s*/i, "").replace(/`/g, "").slice(0, 40);
          assert.ok(m.foldedText.includes(words), `folded: ${words}`);
          assert.ok(!m.visibleText.includes(words), `visible: ${words}`);
        }
        if (width === 390) {
          assert.equal(m.viewport, 390);
          assert.ok(
            m.scrollWidth <= m.viewport,
            `the page is ${m.scrollWidth} px wide at ${m.viewport} px`,
          );
          assert.ok(
            m.smallestChartText.px >= 10 - 1e-6,
            `chart text '${m.smallestChartText.text}' is ${m.smallestChartText.px.toFixed(1)} px`,
          );
        }
      }
    } finally {
      await Deno.remove(run, { recursive: true });
    }
  },
});
