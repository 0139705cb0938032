import { assertSnapshot } from "./_snapshot.ts";
import assert from "node:assert/strict";
import { buildReport, escapeHtml } from "../pipeline/report/report.ts";
import { embedSvg, tableHtml } from "../pipeline/report/_html.ts";
import { reportInputs, tinySvg } from "./report_data.ts";

const SNAPSHOT = new URL("./snapshots/report.html", import.meta.url);
const VOID = new Set(["meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"]);

/** Checks that every element is closed in order; returns the first problem, or null. */
function tagProblem(html: string): string | null {
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "<style></style>");
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, rawName, selfClose] = m;
    const name = rawName.toLowerCase();
    if (selfClose || VOID.has(name)) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) return `</${name}> at ${m.index} closes the wrong element`;
  }
  return stack.length === 0 ? null : `unclosed: ${stack.join(", ")}`;
}

/** Text outside tags: what a reader sees (and where a plain-text link may appear). */
function visibleText(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]*>/g, " ");
}

Deno.test("buildReport() writes one well-formed, self-contained HTML document", async () => {
  const html = buildReport(await reportInputs());
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.equal(tagProblem(html), null);
  assert.ok(!/<script/i.test(html), "no script");
  assert.ok(!/\son\w+\s*=/i.test(html), "no event handler attributes");
  assert.ok(!/<(img|link|iframe|object|embed|audio|video)\b/i.test(html), "no external elements");
  assert.ok(!/@import|url\((?!#)/i.test(html), "no stylesheet loads");
  // Every http(s) URL is plain text: a warning mentions one, no attribute carries one.
  const inTags = [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]).join("\n");
  assert.ok(!/https?:\/\//i.test(inTags), "no URL inside a tag");
  assert.match(visibleText(html), /https:\/\/huggingface\.co\/docs/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

Deno.test("the report opens on the segments, with warnings as one line and in full at the end", async () => {
  const inputs = await reportInputs();
  const html = buildReport(inputs);
  const order = ["summary", "personas", "segments", "overview", "model", "importance", "k", "more"]
    .map((id) => html.indexOf(`<section id="${id}">`));
  assert.ok(order.every((i) => i > 0), `missing section: ${order}`);
  assert.deepEqual([...order].sort((a, b) => a - b), order, "sections in reading order");
  assert.ok(html.indexOf('<section id="reproduce">') > order.at(-1)!);
  const summary = html.slice(order[0], order[1]);
  for (const p of inputs.personas) assert.ok(summary.includes(escapeHtml(p.name)), p.name);
  assert.match(summary, /<p class="banner" role="note">.*<a href="#notes">/);
  const notes = html.indexOf('<section id="notes">');
  assert.ok(notes > html.indexOf('<section id="reproduce">'), "technical notes at the end");
  const folded = html.slice(notes);
  assert.match(folded, /^<section id="notes">\n<details class="notes">/);
  for (const x of inputs.manifest.warnings ?? []) {
    const text = x.message.replace(/^FALLBACK\b:?\s*/i, "").replace(/`/g, "").slice(0, 30);
    assert.ok(folded.includes(escapeHtml(text).slice(0, 20)), text);
  }
  assert.ok(!/`/.test(html.replace(/<style>[\s\S]*?<\/style>/, "")), "no markdown literals");
  assert.ok(!html.includes("(×"), "counts in words");
  assert.equal(html.match(/<article class="card/g)?.length, inputs.personas.length);
  for (const p of inputs.personas) assert.ok(html.includes(`>${escapeHtml(p.name)}</h3>`), p.name);
  assert.match(html, /<tr class="chosen"><td>logistic<\/td>/);
  assert.match(html, /deno task run data\/sample\/config\.json/);
  assert.match(html, /5f2c5f2c/);
  assert.match(html, /<td class="num">21,914<\/td>/);
});

Deno.test("a section without its chart or table says so instead of vanishing", async () => {
  const html = buildReport({ ...(await reportInputs()), charts: {}, tables: {} });
  for (const id of ["model", "importance", "k"]) {
    const sec = html.slice(html.indexOf(`<section id="${id}">`));
    assert.match(sec.slice(0, sec.indexOf("</section>")), /Not available in this run/, id);
  }
  assert.ok(!html.includes('<section id="more">'));
});

Deno.test("all text is escaped: names, warnings, table cells, dataset fields", async () => {
  const inputs = await reportInputs();
  const evil = `<img src=x onerror="alert(1)"> & 'quotes'`;
  const html = buildReport({
    ...inputs,
    title: evil,
    dataset: { ...inputs.dataset, description: evil },
    personas: inputs.personas.map((p, i) => (i === 0 ? { ...p, name: evil, summary: evil } : p)),
    warnings: [{ stage: "x<y>", message: evil }],
    tables: { comparison: [{ model: evil, score: 0.5 }] },
  });
  assert.ok(!html.includes("<img"), "no tag from text");
  assert.ok(!html.includes('onerror="'), "no attribute from text");
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;"));
  assert.ok(html.includes('<span class="stage">x&lt;y&gt;</span>'));
  assert.equal(tagProblem(html), null);
});

Deno.test("embedSvg() removes what could run or load and keeps ids apart between charts", () => {
  const hostile = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" ` +
    `xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)"><script>alert(2)</script>` +
    `<image href="https://example.com/a.png"/><use xlink:href="#clip"/>` +
    `<rect style="fill: url(http://example.com/p)" fill="url(#clip)"/></svg>`;
  const out = embedSvg(hostile, "c7");
  assert.ok(!/script|onload|https?:|<\?xml/i.test(out), out);
  assert.match(out, /<use xlink:href="#c7-clip"\/>/);
  assert.match(out, /fill="url\(#c7-clip\)"/);
  const html = buildReport({
    manifest: {},
    personas: [],
    charts: { sizes: tinySvg("a", "red"), map: tinySvg("b", "blue") },
  });
  assert.ok(html.includes('id="c1-clip"') && html.includes('id="c2-clip"'));
  assert.ok(html.includes("url(#c2-clip)"));
});

Deno.test("tableHtml() right-aligns numbers, groups thousands and names the columns", () => {
  const t = tableHtml([{ model: "tree", cvMacroF1Sd: 0.01234, rows: 12000, chosen: true }]);
  assert.match(t, /<th>Model<\/th><th class="num">CV macro F1 SD<\/th><th class="num">Rows<\/th>/);
  assert.match(t, /<td class="num">0\.012<\/td><td class="num">12,000<\/td><td>✓<\/td>/);
  assert.equal(tableHtml([]), "");
});

Deno.test("a zh report speaks Chinese in its headings and cards", async () => {
  const html = buildReport(await reportInputs("zh"));
  assert.ok(html.includes('<html lang="zh-Hans">'));
  for (const h of ["概览", "分群一览", "用户画像", "模型质量", "驱动因素", "如何复现"]) {
    assert.ok(html.includes(`<h2>${h}</h2>`), h);
  }
  assert.ok(html.includes(">优惠猎手</h3>"));
  assert.ok(html.includes("建议的营销动作"));
});

Deno.test("the report is the same for the same inputs and matches its snapshot", async () => {
  const a = buildReport(await reportInputs());
  const b = buildReport(await reportInputs());
  assert.equal(a, b);
  // One tag per line, so that a snapshot diff points at the element that changed.
  const normalized = a.replace(/></g, ">\n<");
  assertSnapshot(SNAPSHOT, normalized);
});

Deno.test("the overview says how many rows were set aside because their customer was rejected", async () => {
  const inputs = await reportInputs();
  const html = buildReport({
    ...inputs,
    dataset: {
      ...inputs.dataset,
      tables: {
        customers: { read: 100, kept: 98, quarantined: 2, customerRejected: 0 },
        orders: {
          read: 1000,
          kept: 895,
          quarantined: 105,
          customerRejected: 105,
          byReason: { "customer rejected": 105 },
        },
      },
    },
  });
  assert.ok(html.includes('<th class="num">Of which: customer rejected</th>'), "the column");
  assert.ok(
    /<td class="num">1,000<\/td><td class="num">895<\/td><td class="num">105<\/td><td class="num">105<\/td>/
      .test(html.replace(/>\s+</g, "><")),
    "the orders row",
  );
  assert.ok(html.includes("customer rejected (105)"), "the reason");
});

Deno.test("the report says in one sentence why k was chosen and names the runner-up", async () => {
  const inputs = await reportInputs();
  const html = buildReport({
    ...inputs,
    kChoice: {
      k: 5,
      runnerUp: 4,
      criterion: "stability",
      kMin: 3,
      kMax: 8,
      minShare: 0.02,
      stabilityBar: 0.8,
      tolerance: 0.01,
      relaxedShare: false,
      relaxedStability: false,
    },
  });
  const why = html.match(/<p class="why-k">([^<]*)<\/p>/)?.[1] ?? "";
  assert.ok(why.startsWith("5 segments: its silhouette is within 0.01 of the best"), why);
  assert.ok(why.includes("(ARI ≥ 0.80)") && why.endsWith("runner-up: 4."), why);
  assert.ok(!buildReport(inputs).includes('class="why-k"'), "no sentence without a choice");
});
