/**
 * Synthetic e-commerce data with five planted customer groups: customers, orders, events,
 * social and texts tables as CSV, plus `truth.csv` (customer_id, group) that no stage reads.
 *
 * Deterministic by seed: every customer draws from its own generator seeded by (seed, index),
 * so rows stream out one customer at a time and memory stays flat at any size.
 *
 * ```sh
 * deno task generate --customers 3000 --seed 42 --out data/sample
 * deno task generate --customers 1000000 --out /tmp/big        # tens of millions of rows
 * deno task generate --customers 2000 --dirty --out /tmp/dirty # with every kind of defect
 * ```
 *
 * @module
 */

import { type Rng, rng } from "../pipeline/math/random.ts";
import {
  BASE_PRICE,
  CATEGORIES,
  CHANNELS,
  EVENT_TYPES,
  type Profile,
  PROFILES,
  REGIONS,
  SOCIAL_KINDS,
} from "./_profiles.ts";
import { type PlantedPii, writeText } from "./_texts.ts";
import { CsvSink, type Defect, injectDefects } from "./_sink.ts";

/** Options of {@link generate}. */
export interface GenerateOptions {
  customers: number;
  seed: number;
  out: string;
  /** Inject every kind of row-level defect and list them in `defects.csv`. @default false */
  dirty?: boolean;
  /** Share of texts that carry an email or phone number. @default 0.04 */
  piiRate?: number;
  /** Called every 1% of customers. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link generate} wrote. */
export interface GenerateSummary {
  customers: number;
  rows: Record<string, number>;
  planted: PlantedPii[];
  defects: Defect[];
}

const WINDOW_START = Date.UTC(2025, 0, 1);
const WINDOW_DAYS = 365;
const DAY = 86_400_000;
const SIGNUP_START = Date.UTC(2021, 0, 1);

function poisson(r: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * r.normal()));
  const l = Math.exp(-mean);
  let k = 0, p = r.next();
  while (p > l) {
    k++;
    p *= r.next();
  }
  return k;
}

function choose(r: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = r.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function blend(a: readonly number[], b: readonly number[], w: number): number[] {
  return a.map((x, i) => (1 - w) * x + w * b[i]);
}

/** A customer's own profile: the group's, blended now and then with another group's. */
function personalProfile(r: Rng, group: Profile): Profile {
  if (r.next() >= 0.3) return group;
  const other = PROFILES[r.int(PROFILES.length)];
  const w = 0.1 + 0.3 * r.next();
  const mix = (a: number, b: number) => (1 - w) * a + w * b;
  return {
    ...group,
    orders: mix(group.orders, other.orders),
    orderCategories: blend(group.orderCategories, other.orderCategories, w),
    events: mix(group.events, other.events),
    eventCategories: blend(group.eventCategories, other.eventCategories, w),
    discountProb: mix(group.discountProb, other.discountProb),
    promoProb: mix(group.promoProb, other.promoProb),
    social: mix(group.social, other.social),
    newProductShare: mix(group.newProductShare, other.newProductShare),
    channels: blend(group.channels, other.channels, w),
  };
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function customerId(i: number): string {
  return `C${String(i + 1).padStart(7, "0")}`;
}

/** Writes the five tables and the truth file into `options.out`. */
export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const { customers: n, seed, out } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`The 'customers' option must be an integer >= 1. Got ${n} instead`);
  }
  const piiRate = options.piiRate ?? 0.04;
  await Deno.mkdir(out, { recursive: true });
  const sinks = {
    customers: new CsvSink(`${out}/customers.csv`, [
      "customer_id",
      "signup_date",
      "age",
      "gender",
      "region",
      "income",
      "language",
    ]),
    orders: new CsvSink(`${out}/orders.csv`, [
      "order_id",
      "customer_id",
      "ts",
      "category",
      "amount",
      "quantity",
      "discount",
      "promo",
      "channel",
    ]),
    events: new CsvSink(`${out}/events.csv`, ["customer_id", "ts", "event_type", "category"]),
    social: new CsvSink(`${out}/social.csv`, [
      "customer_id",
      "ts",
      "kind",
      "target",
      "new_product",
    ]),
    texts: new CsvSink(`${out}/texts.csv`, [
      "customer_id",
      "ts",
      "source",
      "language",
      "rating",
      "text",
    ]),
    truth: new CsvSink(`${out}/truth.csv`, ["customer_id", "group"]),
  };
  const planted: PlantedPii[] = [];
  const shares = PROFILES.map((p) => p.share);
  const step = Math.max(1, Math.floor(n / 100));
  let orderSeq = 0;

  for (let i = 0; i < n; i++) {
    const r = rng(seed * 1_000_003 + i);
    const group = PROFILES[choose(r, shares)];
    const p = personalProfile(r, group);
    const id = customerId(i);
    const activity = Math.exp(0.35 * r.normal() - 0.06);
    const lang = r.next() < 0.35 ? "zh" : "en";
    const signup = SIGNUP_START + r.int(1600) * DAY;
    const age = Math.max(18, Math.min(80, Math.round(p.age[0] + p.age[1] * r.normal())));
    const income = r.next() < 0.03
      ? ""
      : String(Math.round(Math.exp(10.3 + 0.02 * (age - 35) + 0.4 * r.normal())));
    sinks.customers.row([
      id,
      timestamp(signup).slice(0, 10),
      String(age),
      r.next() < p.femaleShare ? "F" : "M",
      REGIONS[r.int(REGIONS.length)],
      income,
      lang,
    ]);
    sinks.truth.row([id, String(group.id)]);

    const start = Math.max(WINDOW_START, signup);
    const span = WINDOW_START + WINDOW_DAYS * DAY - start;
    const when = () => start + Math.floor(r.next() * span);
    const nOrders = poisson(r, p.orders * activity);
    for (let k = 0; k < nOrders; k++) {
      const cat = CATEGORIES[choose(r, p.orderCategories)];
      const quantity = 1 + poisson(r, 0.4);
      const discounted = r.next() < p.discountProb;
      const discount = discounted
        ? Math.min(0.8, Math.max(0.05, p.discountMean + 0.08 * r.normal()))
        : 0;
      const unit = BASE_PRICE[cat] * p.priceLevel * Math.exp(0.45 * r.normal());
      const amount = unit * quantity * (1 - discount);
      sinks.orders.row([
        `O${String(++orderSeq).padStart(9, "0")}`,
        id,
        timestamp(when()),
        cat,
        amount.toFixed(2),
        String(quantity),
        discount.toFixed(2),
        discounted && r.next() < p.promoProb / p.discountProb ? "1" : "0",
        CHANNELS[choose(r, p.channels)],
      ]);
    }
    const nEvents = poisson(r, p.events * activity);
    for (let k = 0; k < nEvents; k++) {
      sinks.events.row([
        id,
        timestamp(when()),
        EVENT_TYPES[choose(r, p.eventTypes)],
        CATEGORIES[choose(r, p.eventCategories)],
      ]);
    }
    const nSocial = poisson(r, p.social * activity);
    for (let k = 0; k < nSocial; k++) {
      const isNew = r.next() < p.newProductShare;
      sinks.social.row([
        id,
        timestamp(when()),
        SOCIAL_KINDS[choose(r, p.socialKinds)],
        `${CATEGORIES[choose(r, p.eventCategories)]}-${isNew ? "new" : "catalog"}`,
        isNew ? "1" : "0",
      ]);
    }
    const nTexts = poisson(r, p.texts);
    for (let k = 0; k < nTexts; k++) {
      const sentiment = choose(r, group.sentiment) as 0 | 1 | 2;
      const { text, pii } = writeText(r, group.id, lang, sentiment, piiRate);
      if (pii) planted.push(pii);
      const isReview = nOrders > 0 && r.next() < 0.6;
      const rating = isReview
        ? String(sentiment === 0 ? 4 + r.int(2) : 3 - sentiment + r.int(2))
        : "";
      sinks.texts.row([
        id,
        timestamp(when()),
        isReview ? "review" : group.id === 3 ? "post" : pick(r, ["post", "support"]),
        lang,
        rating,
        text,
      ]);
    }
    if ((i + 1) % step === 0) options.onProgress?.(i + 1, n);
  }

  const defects = options.dirty ? injectDefects(sinks, rng(seed ^ 0x5eed)) : [];
  const rows: Record<string, number> = {};
  for (const [name, sink] of Object.entries(sinks)) rows[name] = await sink.close();
  if (options.dirty) {
    const d = new CsvSink(`${out}/defects.csv`, ["table", "line", "column", "reason"]);
    for (const x of defects) d.row([x.table, String(x.line), x.column, x.reason]);
    await d.close();
  }
  return { customers: n, rows, planted, defects };
}

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)];
}
