/**
 * Number formats shared by the persona phrases and the report: counts, amounts, percentages and
 * ratios, the same for every language (digits read the same in English and Chinese).
 *
 * @module
 */

/** A count or amount: thousands separators from 1,000, one decimal under 100, two under 1. */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return groupThousands(Math.round(v));
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return trimZero(v.toFixed(1));
  if (a === 0) return "0";
  return trimZero(v.toFixed(2));
}

/** A share in [0, 1] as a percentage: whole percents, one decimal under 10%. */
export function formatPercent(v: number): string {
  const p = v * 100;
  if (p !== 0 && Math.abs(p) < 0.05) return p > 0 ? "<0.1%" : ">-0.1%";
  return `${Math.abs(p) < 10 ? trimZero(p.toFixed(1)) : String(Math.round(p))}%`;
}

/** A ratio as "2.4×" (one decimal). */
export function formatTimes(v: number): string {
  return `${trimZero(v.toFixed(1))}×`;
}

function trimZero(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function groupThousands(n: number): string {
  const s = String(Math.abs(n));
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return (n < 0 ? "-" : "") + out;
}
