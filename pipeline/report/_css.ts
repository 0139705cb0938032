/**
 * The report's stylesheet: system fonts (with DejaVu and CJK fallbacks), a readable measure,
 * persona cards in a grid, and print rules (A4, cards never split, colours kept).
 *
 * @module
 */

/** The report's CSS, inlined in a `<style>` element. */
export const REPORT_CSS = `
:root {
  --ink: #1f2933; --muted: #616e7c; --faint: #9aa5b1; --line: #e4e7eb; --soft: #f5f7fa;
  --accent: #3e63dd; --warn-bg: #fff8e6; --warn-line: #f0b429; --warn-ink: #7a4d05;
  --bad-bg: #fdecec; --bad-line: #e12d39; --good: #2f8132; --mid: #b7791f; --low: #c53030;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
    "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 32px 28px 56px; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 {
  font-size: 21px; margin: 44px 0 6px; padding-top: 18px; border-top: 1px solid var(--line);
}
h3 { font-size: 18px; margin: 0; line-height: 1.3; }
h4 {
  font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted);
  margin: 16px 0 6px;
}
p { margin: 0 0 10px; }
.lede { color: var(--muted); margin: 0 0 14px; max-width: 70ch; }
.subtitle { color: var(--muted); font-size: 16px; margin: 0; }
.meta { color: var(--faint); font-size: 13px; margin-top: 6px; }
header.report { padding-bottom: 8px; }
nav.toc { margin: 18px 0 0; font-size: 13px; color: var(--muted); }
nav.toc a { color: var(--muted); text-decoration: none; }
nav.toc a:hover { color: var(--accent); text-decoration: underline; }
nav.toc a + a::before { content: "·"; margin: 0 8px; color: var(--faint); display: inline-block; }

.alerts {
  margin: 22px 0 0; border: 1px solid var(--warn-line); border-left-width: 6px;
  background: var(--warn-bg); border-radius: 10px; padding: 14px 18px; color: var(--warn-ink);
}
.alerts h2 { border: 0; margin: 0 0 8px; padding: 0; font-size: 17px; color: var(--warn-ink); }
.alerts ul { margin: 0; padding-left: 20px; }
.alerts li { margin: 4px 0; }
.alerts .fallback { color: #8a1c1c; }
.badge {
  display: inline-block; font-size: 11px; font-weight: 600; letter-spacing: 0.04em;
  text-transform: uppercase; border-radius: 999px; padding: 1px 8px; margin-right: 6px;
  vertical-align: 1px; background: #fff; border: 1px solid currentColor;
}
.stage { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; opacity: 0.8; }

.banner {
  margin: 0 0 14px; border: 1px solid var(--warn-line); border-left-width: 6px;
  background: var(--warn-bg); border-radius: 8px; padding: 8px 14px; color: var(--warn-ink);
}
.banner.ok { border-color: var(--line); background: var(--soft); color: var(--muted); }
.banner a { color: inherit; font-weight: 600; }
ul.glance {
  list-style: none; padding: 0; margin: 10px 0 14px; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
}
.glance-row {
  border: 1px solid var(--line); border-left: 5px solid var(--seg, var(--accent));
  border-radius: 10px; padding: 10px 12px; min-width: 0;
}
.glance-name { font-weight: 600; font-size: 16px; color: var(--ink); text-decoration: none; }
.glance-name .swatch { background: var(--seg); }
.glance-size { display: block; color: var(--muted); font-size: 12.5px; }
.glance-row dl { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0; }
.glance-row dl div { display: flex; flex-direction: column-reverse; }
.glance-row dt { color: var(--muted); font-size: 11.5px; }
.glance-row dd { margin: 0; font-weight: 600; font-size: 16px; font-variant-numeric: tabular-nums; }
.glance-action { font-size: 13.5px; margin: 4px 0 0; color: #323f4b; }
.glance-action::before { content: "→ "; color: var(--seg, var(--accent)); font-weight: 700; }
.trust-high dd { color: var(--good); } .trust-medium dd { color: var(--mid); }
.trust-low dd { color: var(--low); }
.why-k { font-size: 14px; background: var(--soft); border-radius: 8px; padding: 8px 12px; }
dl.trust-legend { margin: 4px 0 0; font-size: 13.5px; }
dl.trust-legend div { display: flex; gap: 8px; margin: 2px 0; }
dl.trust-legend dt { font-weight: 600; min-width: 5em; }
dl.trust-legend dd { margin: 0; color: var(--muted); }
details.notes { margin-top: 44px; border-top: 1px solid var(--line); padding-top: 18px; }
details.notes summary { font-size: 21px; font-weight: 600; cursor: pointer; }
details.notes ul { padding-left: 20px; font-size: 13.5px; overflow-wrap: anywhere; }
details.notes li { margin: 6px 0; }

.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 14px 0; }
.tile { background: var(--soft); border-radius: 10px; padding: 12px 14px; }
.tile b { display: block; font-size: 24px; line-height: 1.2; }
.tile span { color: var(--muted); font-size: 13px; }

.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 18px; align-items: start; }
figure { margin: 12px 0; }
figure { min-width: 0; }
.chart-box { overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }

.table-wrap { overflow-x: auto; margin: 10px 0; }
table { border-collapse: collapse; font-size: 13.5px; width: 100%; }
caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 6px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.chosen td { background: #eef2ff; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--seg); margin-right: 8px; }

.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 18px; margin-top: 14px; }
.card {
  border: 1px solid var(--line); border-top: 5px solid var(--seg, var(--accent));
  border-radius: 12px; padding: 16px 18px 14px; background: #fff;
  box-shadow: 0 1px 2px rgba(15, 23, 42, 0.05);
}
.card header { display: flex; align-items: baseline; justify-content: space-between; gap: 10px; }
.card .seg { color: var(--faint); font-size: 12px; white-space: nowrap; }
.stats { display: flex; gap: 8px; margin: 12px 0; }
.stats div { flex: 1; background: var(--soft); border-radius: 8px; padding: 6px 10px; }
.stats b { display: block; font-size: 19px; line-height: 1.25; }
.stats span { color: var(--muted); font-size: 12px; }
.trust-high b { color: var(--good); } .trust-medium b { color: var(--mid); }
.trust-low b { color: var(--low); } .trust-unknown b { color: var(--faint); }
.summary { font-size: 14px; color: #323f4b; }
ul.traits, ul.actions { margin: 0; padding: 0; list-style: none; }
ul.traits li { position: relative; padding-left: 20px; margin: 3px 0; font-size: 14px; }
ul.traits li::before { position: absolute; left: 2px; top: 0; font-size: 11px; }
ul.traits li.higher::before { content: "▲"; color: var(--good); }
ul.traits li.lower::before { content: "▼"; color: var(--low); }
ul.actions li { position: relative; padding-left: 20px; margin: 4px 0; font-size: 14px; }
ul.actions li::before { content: "→"; position: absolute; left: 0; color: var(--seg, var(--accent)); font-weight: 700; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.bar { display: grid; grid-template-columns: 84px 1fr 40px; align-items: center; gap: 6px; font-size: 12.5px; margin: 3px 0; }
.bar .label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar .track { position: relative; height: 9px; background: var(--soft); border-radius: 5px; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 5px; background: var(--seg, var(--accent)); opacity: 0.85; }
.bar .mark { position: absolute; top: -3px; bottom: -3px; width: 2px; background: var(--ink); opacity: 0.55; }
.bar .val { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.legend { font-size: 11.5px; color: var(--faint); margin-top: 2px; }
dl.levels { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 14px 0 0; font-size: 13.5px; }
dl.levels dt { color: var(--muted); }
dl.levels dd { margin: 0; }
.level { font-weight: 600; }
.chips { display: flex; flex-wrap: wrap; gap: 5px; margin: 6px 0; }
.chip { background: var(--soft); border-radius: 999px; padding: 1px 9px; font-size: 12.5px; }
.chip.entity { background: #eef2ff; }
blockquote {
  margin: 8px 0; padding: 6px 12px; border-left: 3px solid var(--seg, var(--accent));
  background: var(--soft); border-radius: 0 8px 8px 0; font-size: 13.5px; color: #3e4c59;
}
.say-line { font-size: 13.5px; margin: 4px 0; }
.note { color: var(--muted); font-size: 12.5px; font-style: italic; margin: 6px 0 0; }
.card footer { border-top: 1px solid var(--line); margin-top: 14px; padding-top: 8px; font-size: 12.5px; color: var(--muted); }
.card.other { border-top-color: var(--faint); background: var(--soft); }

code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
pre.command { background: #1f2933; color: #f5f7fa; padding: 12px 14px; border-radius: 8px; overflow-x: auto; font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 13.5px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
dl.versions { columns: 3 220px; column-gap: 24px; margin: 6px 0; font-size: 13px; }
dl.versions div { display: flex; justify-content: space-between; gap: 12px; padding: 3px 0; border-bottom: 1px solid var(--line); break-inside: avoid; }
dl.versions dt { color: var(--muted); }
dl.versions dd { margin: 0; font-variant-numeric: tabular-nums; }
footer.report { margin-top: 40px; color: var(--faint); font-size: 12px; }

@media (max-width: 720px) {
  main { padding: 20px 14px 40px; }
  h1 { font-size: 24px; }
  .figures, .cards, ul.glance { grid-template-columns: 1fr; }
  .two { grid-template-columns: 1fr; }
  .stats { flex-wrap: wrap; }
  .card header { flex-wrap: wrap; }
  /* Charts keep their drawn size, so their text stays legible, and scroll inside their box. */
  .chart-box svg { max-width: none; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 6px; }
  nav.toc { line-height: 1.9; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  .card, figure, .glance-row, table { break-inside: avoid; }
  details.notes > * { display: block; }
  .cards { grid-template-columns: 1fr 1fr; }
  .card { box-shadow: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
