/**
 * The report's value and campaign sections: what the segments are worth (with the holdout
 * check when there was one), and what each arm of an experiment did in each segment, with the
 * recommendation table. Plain data in, HTML out; segments are named as the personas name them.
 *
 * @module
 */

import type { Persona } from "../personas/mod.ts";
import { formatNumber, formatPercent } from "../personas/mod.ts";
import { POOLED_SEGMENT } from "../privacy.ts";
import type { ExperimentOutputs } from "../evaluate/mod.ts";
import type { ArmComparison } from "../uplift/mod.ts";
import type { HoldoutSummary, ValueSummary } from "../value/mod.ts";
import { escapeHtml as h, tableHtml } from "./_html.ts";
import type { reportWords } from "./_words.ts";

type Words = ReturnType<typeof reportWords>;

/** What the report shows of the value stage's summary (`value.json`). */
export type ReportValue =
  & Pick<
    ValueSummary,
    "horizon" | "bgnbd" | "gammaGamma" | "frequencySpendCorrelation" | "total" | "bySegment"
  >
  & { holdout: Omit<HoldoutSummary, "tracking"> | null };

/** One arm against control (overall when `segment` is absent), as `uplift.json` gives it. */
export type ReportEffect = Omit<ArmComparison, "control"> & {
  segment?: number;
  pAdjusted?: number | null;
};

/** What the report shows of the experiment stage's output (`uplift.json`). */
export type ReportUplift =
  & Pick<
    ExperimentOutputs,
    "control" | "confidence" | "adjust" | "heterogeneity" | "recommendations"
  >
  & { overall: ReportEffect[]; bySegment: ReportEffect[] };

/** Segment names as the personas give them (the pooled small segments under "other"). */
export function segmentNamer(personas: readonly Persona[]): (segment: number) => string {
  const names = new Map<number, string>();
  for (const p of personas) {
    if (p.kind === "segment") names.set(p.segments[0], p.name);
    else names.set(POOLED_SEGMENT, p.name);
  }
  return (s) => names.get(s) ?? (s === -1 ? "Noise" : `Segment ${s}`);
}

const sig = (v: number, digits = 3) => String(Number(v.toPrecision(digits)));
const pv = (p: number | null | undefined) =>
  p === null || p === undefined ? "" : p < 1e-4 ? "<0.0001" : sig(p, 2);

/** A difference in the outcome's own unit: rates in percentage points, amounts as they are. */
function diff(e: Pick<ReportEffect, "method">, v: number | null, sign = true): string {
  if (v === null) return "";
  const text = e.method === "newcombe-wilson" ? `${sig(v * 100)} pp` : sig(v);
  return sign && v > 0 ? `+${text}` : text;
}

const level = (u: ReportUplift) => `${sig(u.confidence * 100)}%`;

function effectRow(e: ReportEffect, u: ReportUplift, name?: (s: number) => string) {
  const rate = e.method === "newcombe-wilson";
  const shown = (v: number) => (rate ? `${sig(v * 100)}%` : sig(v));
  const unit = rate ? " pp" : "";
  const bare = (v: number | null) => diff(e, v, false).replace(/ pp$/, "");
  return {
    ...(e.segment === undefined || !name ? {} : { segment: name(e.segment) }),
    arm: e.arm,
    outcome: e.outcome,
    [`n (arm / ${u.control})`]: `${formatNumber(e.n)} / ${formatNumber(e.nControl)}`,
    [`mean (arm / ${u.control})`]: `${shown(e.mean)} / ${shown(e.meanControl)}`,
    difference: diff(e, e.difference),
    [`${level(u)} interval`]: e.ciLow === null
      ? ""
      : `${bare(e.ciLow)} to ${bare(e.ciHigh)}${unit}`,
    "relative lift": e.relativeLift === null ? "" : formatPercent(e.relativeLift),
    p: pv(e.pValue),
    ...(e.pAdjusted === undefined ? {} : { [`p (${u.adjust})`]: pv(e.pAdjusted) }),
    method: rate ? "Newcombe" : "Welch",
  };
}

/** The body of "Campaign results by segment". */
export function campaignSection(
  u: ReportUplift,
  figure: (key: string) => string,
  w: Words,
  name: (segment: number) => string,
): string {
  const recs = u.recommendations.map((r) => ({
    segment: name(r.segment),
    outcome: r.outcome,
    send: r.arm ?? w.noClearWinner,
    why: r.reason,
  }));
  const het = u.heterogeneity.map((x) => ({
    arm: x.arm,
    outcome: x.outcome,
    Q: x.q === null ? "" : sig(x.q),
    df: x.df,
    p: pv(x.pValue),
    "I²": x.i2 === null ? "" : formatPercent(x.i2),
  }));
  return figure("uplift") +
    tableHtml(recs, { caption: w.recommendations }) +
    tableHtml(u.overall.map((e) => effectRow(e, u)), { caption: w.overallEffects }) +
    tableHtml(het, { caption: w.heterogeneity }) +
    tableHtml(u.bySegment.map((e) => effectRow(e, u, name)), { caption: w.segmentEffects });
}

/** The body of "What the segments are worth", with the holdout check when there was one. */
export function valueSection(
  v: ReportValue,
  figure: (key: string) => string,
  w: Words,
  name: (segment: number) => string,
): string {
  const fits = [
    {
      model: "BG/NBD (repeat purchases)",
      parameters: `r ${sig(v.bgnbd.r, 4)}, α ${sig(v.bgnbd.alpha, 4)}, a ${sig(v.bgnbd.a, 4)}, ` +
        `b ${sig(v.bgnbd.b, 4)}`,
      "log-likelihood": v.bgnbd.logLikelihood,
      customers: v.total.customers,
    },
    {
      model: "Gamma-Gamma (spend per purchase)",
      parameters: `p ${sig(v.gammaGamma.p, 4)}, q ${sig(v.gammaGamma.q, 4)}, ` +
        `γ ${sig(v.gammaGamma.gamma, 4)} (frequency–spend correlation ${
          sig(v.frequencySpendCorrelation, 2)
        })`,
      "log-likelihood": v.gammaGamma.logLikelihood,
      customers: v.gammaGamma.customers,
    },
  ];
  const segments = v.bySegment.map((r) => ({
    segment: name(r.segment),
    customers: r.customers,
    [w.clv]: Number(r.meanValue.toFixed(2)),
    [w.valueShare]: formatPercent(r.share),
  }));
  let html = figure("value") +
    tableHtml(segments, { caption: `${w.clv}, ${formatNumber(v.horizon)} weeks` }) +
    tableHtml(fits, { caption: w.fits });
  const ho = v.holdout;
  if (ho) {
    const rows = [
      {
        "": `Repeat purchases, ${ho.from} to ${ho.to} (${formatNumber(ho.weeks)} weeks)`,
        actual: ho.actualRepeatTransactions,
        "BG/NBD": formatNumber(ho.predictedRepeatTransactions),
        naive: formatNumber(ho.naiveRepeatTransactions),
      },
      {
        "": "Mean absolute error per customer",
        actual: "",
        "BG/NBD": sig(ho.mae),
        naive: sig(ho.maeNaive),
      },
    ];
    const bins = ho.byFrequency.map((b) => ({
      "calibration purchases": b.frequency,
      customers: b.customers,
      actual: sig(b.actual),
      "BG/NBD": sig(b.expected),
      naive: sig(b.naive),
    }));
    html += `<h3>${h(w.holdoutTitle)}</h3><p class="lede">${h(w.holdoutLede)}</p>` +
      tableHtml(rows) + figure("tracking") + tableHtml(bins, { caption: w.byFrequency });
  }
  return html;
}
