/**
 * Report sections that read straight off their inputs: the personas at a glance (with expected
 * value when the run has it) and how to reproduce the run.
 *
 * @module
 */

import type { Persona } from "../personas/mod.ts";
import { formatNumber, formatPercent, stringsFor, upperFirst } from "../personas/mod.ts";
import { escapeHtml as h, tableHtml } from "./_html.ts";
import type { reportWords } from "./_words.ts";
import type { ReportInputs } from "./report.ts";

type Words = ReturnType<typeof reportWords>;

/** The personas as one table: name, segments, size, shares, expected value and trust. */
export function personaTable(
  inputs: ReportInputs,
  w: Words,
  colorOf: (p: Persona) => string,
): string {
  if (inputs.personas.length === 0) return "";
  const s = stringsFor(inputs.personas[0].language);
  // Expected value, when the data has orders: the summary answers "what is each worth".
  const valued = inputs.personas.some((p) => p.value);
  const value = (p: Persona) =>
    valued
      ? `<td class="num">${
        p.value ? h(`${inputs.currency ?? ""}${formatNumber(p.value.meanValue)}`) : ""
      }</td>` +
        `<td class="num">${p.value ? h(formatPercent(p.value.share)) : ""}</td>`
      : "";
  const rows = inputs.personas.map((p) =>
    `<tr><td><span class="swatch" style="--seg: ${h(colorOf(p))}"></span>${h(p.name)}</td>` +
    `<td>${h(p.segments.join(", "))}</td>` +
    `<td class="num">${h(formatNumber(p.size))}</td>` +
    `<td class="num">${h(formatPercent(p.share))}</td>` +
    `<td class="num">${p.revenueShare === null ? "" : h(formatPercent(p.revenueShare))}</td>` +
    value(p) +
    `<td>${p.kind === "segment" ? h(upperFirst(s.trust[p.trust.level])) : ""}</td></tr>`
  ).join("\n");
  return `<div class="table-wrap"><table><thead><tr><th>${h(w.name)}</th><th>${h(w.segment)}</th>` +
    `<th class="num">${h(w.size)}</th><th class="num">${h(w.share)}</th>` +
    `<th class="num">${h(w.revenue)}</th>` +
    (valued ? `<th class="num">${h(w.clv)}</th><th class="num">${h(w.valueShare)}</th>` : "") +
    `<th>${h(w.trust)}</th></tr></thead>\n<tbody>\n${rows}\n` +
    `</tbody></table></div>`;
}

/** The config, seed, command, stages and versions that reproduce the run. */
export function reproduce(inputs: ReportInputs, w: Words): string {
  const m = inputs.manifest;
  const command = inputs.command ??
    (m.config?.path ? `deno task run ${m.config.path}` : "deno task run <config.json>");
  const facts: [string, string][] = [
    [w.config, m.config?.path ?? ""],
    [w.configHash, m.config?.sha256 ?? ""],
    [w.seed, m.seed === undefined ? "" : String(m.seed)],
    [w.started, m.startedAt ?? ""],
    [w.finished, m.finishedAt ?? ""],
    [w.duration, m.seconds === undefined ? "" : `${formatNumber(m.seconds)} ${w.seconds}`],
  ];
  const dl = `<dl class="facts">${
    facts.filter(([, v]) => v !== "").map(([k, v]) =>
      `<dt>${h(k)}</dt><dd${k === w.configHash ? ' class="mono"' : ""}>${h(v)}</dd>`
    ).join("")
  }</dl>`;
  const versions = Object.keys(m.versions ?? {}).sort().map((k) =>
    `<div><dt>${h(k)}</dt><dd>${h(m.versions![k])}</dd></div>`
  ).join("");
  // Seconds only when the manifest has them: the runner leaves them out so the bytes repeat.
  const stages = (m.stages ?? []).map((x) => ({
    stage: w.stageName(x.name),
    status: w.stageStatus[x.status ?? ""] ?? x.status ?? "",
    seconds: x.seconds ?? null,
  }));
  return dl + `<h4>${h(w.command)}</h4><pre class="command">${h(command)}</pre>` +
    (stages.length > 0
      ? `<h4>${h(w.stages)}</h4>${
        tableHtml(stages, { headers: { ...w.headers, seconds: w.secondsHeader } })
      }`
      : "") +
    (versions ? `<h4>${h(w.versions)}</h4><dl class="versions">${versions}</dl>` : "");
}
