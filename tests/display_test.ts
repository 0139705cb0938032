import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  chart,
  Displayable,
  format,
  formatNumber,
  html,
  JUPYTER_DISPLAY,
  markdown,
  table,
} from "../pipeline/notebook/display.ts";
import { segmentSizesChart, toPng } from "../pipeline/charts/charts.ts";

/** What the Deno kernel calls: the method under Symbol.for("Jupyter.display"). */
function bundle(value: unknown): Record<string, string> {
  const method = (value as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ];
  assert.equal(typeof method, "function", "not displayable by the Deno kernel");
  return method.call(value);
}

/** Text of the <td> cells of an HTML table, row by row. */
function cells(markup: string): string[][] {
  return [...markup.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1])
  ).filter((r) => r.length > 0);
}

Deno.test("the display symbol is the one the Deno kernel looks up", () => {
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  assert.ok(table([{ a: 1 }]) instanceof Displayable);
});

Deno.test("table() of objects escapes cells, formats numbers and counts rows × columns", () => {
  const t = bundle(table([
    { name: "<script>alert('x')</script>", n: 1234.56789, k: 3, ok: true },
    { name: "A & B", n: null, k: 10n, extra: "only here" },
  ], { caption: "Customers <top>" }));
  assert.deepEqual(Object.keys(t).sort(), ["text/html", "text/plain"]);
  const h = t["text/html"];
  assert.ok(!h.includes("<script>") && !h.includes("<top>"));
  assert.ok(!/<(script|iframe|style)/i.test(h), "no JavaScript or stylesheet needed");
  assert.deepEqual(cells(h), [
    ["&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "1234.57", "3", "true", "null"],
    ["A &amp; B", "null", "10", "null", "only here"],
  ]);
  assert.ok(h.includes("<caption") && h.includes("Customers &lt;top&gt;"));
  assert.ok(h.includes("2 rows × 5 columns"));
  assert.ok(!h.includes("showing"));
  // Numeric columns are right-aligned, text columns left-aligned.
  assert.match(h, /<th style="[^"]*text-align:right[^"]*">n<\/th>/);
  assert.match(h, /<th style="[^"]*text-align:left[^"]*">name<\/th>/);
});

Deno.test("table() cuts at maxRows and says how many rows there are", () => {
  const rows = Array.from({ length: 45 }, (_, i) => ({ i }));
  const h = bundle(table(rows, { maxRows: 5 }))["text/html"];
  assert.equal(cells(h).length, 5);
  assert.deepEqual(cells(h).map((r) => r[0]), ["0", "1", "2", "3", "4"]);
  assert.ok(h.includes("45 rows × 1 column (showing first 5 rows)"));
  assert.equal(cells(bundle(table(rows))["text/html"]).length, 20, "20 rows by default");
  assert.throws(() => table(rows, { maxRows: 0 }), {
    name: "RangeError",
    message: "The 'maxRows' option of table must be an integer >= 1. Got 0 instead",
  });
});

Deno.test("table() of a Polars DataFrame shows dtypes, dates and the full shape", () => {
  const df = pl.DataFrame({
    customer_id: ["c1", "c2", "c3"],
    amount: [12.5, 0.1 + 0.2, NaN],
  }).withColumns(pl.lit(new Date(Date.UTC(2024, 2, 1))).alias("signup"));
  const t = bundle(table(df, { maxRows: 2, maxColumns: 2 }));
  const h = t["text/html"];
  assert.deepEqual(cells(h), [["c1", "12.5"], ["c2", "0.3"]]);
  assert.ok(h.includes("Float64") && h.includes("String"));
  assert.ok(h.includes("3 rows × 3 columns (showing first 2 rows and first 2 columns)"));
  const all = bundle(table(df))["text/html"];
  assert.deepEqual(cells(all).map((r) => r[2]), ["2024-03-01", "2024-03-01", "2024-03-01"]);
  assert.equal(cells(all)[2][1], "NaN");
});

Deno.test("table() gives an aligned plain-text fallback", () => {
  const plain = bundle(table([{ a: "x", bb: 12 }, { a: "long", bb: 3 }]))["text/plain"];
  assert.equal(
    plain,
    ["a     bb", "----  --", "x     12", "long  3", "2 rows × 2 columns"].join("\n"),
  );
});

Deno.test("table() cuts long text but keeps it in the tooltip", () => {
  const h = bundle(table([{ t: "abcdefghij" }], { maxChars: 5 }))["text/html"];
  assert.ok(h.includes('title="abcdefghij">abcd…</td>'));
});

Deno.test("table() rejects what is neither a frame nor an array", () => {
  assert.throws(() => table(42 as unknown as object[]), TypeError);
});

Deno.test("format() is locale-free and handles every cell type", () => {
  assert.equal(formatNumber(1234567), "1234567");
  assert.equal(formatNumber(0.000012345), "1.234e-5");
  assert.equal(formatNumber(2 / 3), "0.666667");
  assert.equal(formatNumber(-Infinity), "-Infinity");
  assert.equal(format(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02 03:04:05");
  assert.equal(format([1, 2n]), '[1,"2"]');
  assert.equal(format(new Float64Array([0.5, 1])), "[0.5,1]");
  assert.equal(format({ a: "x" }), '{"a":"x"}');
});

Deno.test("chart() wraps an SVG with a PNG of it at twice its size and its title as plain text", () => {
  const svg = segmentSizesChart([{ segment: 0, count: 2 }], { title: "Sizes & shares" });
  const shown = chart(svg);
  const b = bundle(shown);
  assert.deepEqual(Object.keys(b).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  assert.equal(b["image/svg+xml"], svg);
  assert.equal(b["text/plain"], "Sizes & shares");
  // The PNG is base64 text, as Jupyter carries binary outputs, and is toPng's own rendering.
  const png = Uint8Array.from(atob(b["image/png"]), (c) => c.charCodeAt(0));
  assert.deepEqual(png, toPng(svg, { scale: 2 }).png);
  assert.deepEqual(shown.warnings, []);
  assert.throws(() => chart("<div>no</div>"), TypeError);
});

Deno.test("chart() passes on toPng's warning when Chinese text has no font", () => {
  const svg = segmentSizesChart([{ segment: 0, count: 2 }], { title: "细分市场" });
  const shown = chart(svg, { cjkFonts: [] });
  assert.equal(shown.warnings.length, 1);
  assert.match(shown.warnings[0].message, /empty boxes: no CJK font was found/);
  assert.ok(bundle(shown)["image/png"].length > 0, "the chart is still drawn");
});

Deno.test("html() passes markup through; markdown() uses text/markdown", () => {
  const h = bundle(html("<b>Bold</b> &amp; plain"));
  assert.deepEqual(h, { "text/html": "<b>Bold</b> &amp; plain", "text/plain": "Bold & plain" });
  const m = bundle(markdown("# Title\n\n*text*"));
  assert.deepEqual(m, { "text/markdown": "# Title\n\n*text*", "text/plain": "# Title\n\n*text*" });
  assert.equal(String(markdown("x")), "x");
});
