import assert from "node:assert/strict";
import { buildPersonas, type Persona, personasMarkdown } from "../pipeline/personas/personas.ts";
import { customers, drivers, META, PLANTED, SIZES, texts } from "./personas_data.ts";

const inputs = () => ({ drivers: drivers(), meta: META, sizes: SIZES });
const bySegment = (ps: Persona[], s: number) => ps.find((p) => p.segments[0] === s)!;

Deno.test("buildPersonas() names each planted group by its distinctive traits", async () => {
  const { outputs } = await buildPersonas(inputs());
  const names = outputs.personas.map((p) => p.name);
  assert.match(names[0], /frequent/i);
  assert.match(names[0], /digital/i);
  assert.match(names[1], /apparel/i);
  assert.match(names[1], /beauty/i);
  assert.match(names[1], /brows/i);
  assert.match(names[2], /deal/i);
  assert.match(names[3], /social/i);
  assert.match(names[3], /trend/i);
  assert.match(names[4], /window/i);
  assert.equal(new Set(names).size, 5, "every persona gets its own name");
});

Deno.test("buildPersonas() lists traits by |effect size|, one per concept, never a text vector", async () => {
  const { outputs } = await buildPersonas(inputs(), { traits: 4 });
  const deals = bySegment(outputs.personas, 2);
  assert.deepEqual(deals.traits.map((t) => t.feature), [
    "discount_mean",
    "discount_order_share",
    "promo_spend_share",
    "price_ratio_mean",
  ]);
  assert.equal(deals.traits[3].direction, "lower");
  const digital = bySegment(outputs.personas, 0);
  assert.ok(!digital.traits.some((t) => t.feature.startsWith("text_emb")));
  // Digital's spend share (d 2.41) and order share (d 2.57) are one concept: one trait.
  assert.equal(digital.traits.filter((t) => /digital/.test(t.feature)).length, 1);
  const apparel = bySegment(outputs.personas, 1);
  assert.equal(apparel.traits.filter((t) => /beauty/.test(t.feature)).length, 1);
});

Deno.test("trait phrases carry the segment's and the overall numbers", async () => {
  const { outputs } = await buildPersonas(inputs());
  const text = (s: number, f: string) =>
    bySegment(outputs.personas, s).traits.find((t) => t.feature === f)!.text;
  assert.equal(
    text(2, "discount_order_share"),
    "buys with a discount in 82% of orders vs 34% overall",
  );
  assert.equal(text(0, "order_share_digital"), "digital in 60% of orders vs 24% overall");
  // 14.9 / 7.3 = 2.04
  assert.equal(
    text(0, "frequency"),
    "orders 2× as often as the average customer (14.9 vs 7.3 orders)",
  );
  // 1.3 / 7.3 = 0.18: 82% less
  assert.match(text(4, "frequency"), /82% less often .*\(1\.3 vs 7\.3 orders\)/);
  assert.match(
    text(3, "social_share_per_month"),
    /4\.9× as often .*1\.1 vs 0\.23 per active month/,
  );
  assert.equal(text(2, "age"), "aged 44.8 on average vs 33.7 overall");
  for (const p of outputs.personas) {
    for (const t of p.traits) assert.match(t.text, /\d/, `${t.feature}: "${t.text}" has no number`);
  }
});

Deno.test("size, share of customers and share of revenue come from the sizes and drivers", async () => {
  const { outputs } = await buildPersonas(inputs());
  const p = bySegment(outputs.personas, 0);
  assert.equal(p.size, 719);
  assert.equal(p.share, 719 / 3000);
  // revenue of the segment over everyone's: 2223 · 719 / (755 · 3000)
  assert.ok(Math.abs(p.revenueShare! - (2223 * 719) / (755 * 3000)) < 1e-12);
  const total = outputs.personas.reduce((a, x) => a + x.share, 0);
  assert.ok(Math.abs(total - 1) < 1e-12);
  const none = await buildPersonas(inputs(), { revenueFeature: null });
  assert.equal(none.outputs.personas[0].revenueShare, null);
});

Deno.test("categories, channels, price sensitivity and social activity read the share features", async () => {
  const { outputs } = await buildPersonas(inputs());
  const digital = bySegment(outputs.personas, 0);
  assert.deepEqual(digital.categories[0], { name: "digital", share: 0.81, overall: 0.35 });
  assert.deepEqual(digital.channels.map((c) => c.name), ["app", "web"]);
  assert.equal(bySegment(outputs.personas, 2).price?.level, "high");
  assert.match(bySegment(outputs.personas, 2).price!.text, /82% of orders vs 34% overall/);
  assert.equal(bySegment(outputs.personas, 3).social?.level, "high");
  assert.equal(bySegment(outputs.personas, 2).social?.level, "average");
});

Deno.test("actions follow the traits and are phrased as suggestions", async () => {
  const { outputs } = await buildPersonas(inputs());
  const actions = (s: number) => bySegment(outputs.personas, s).actions.join(" | ");
  assert.match(actions(2), /coupon/i);
  assert.match(actions(3), /launch/i);
  assert.match(actions(4), /wishlist|first-order/i);
  assert.match(actions(0), /digital/i);
  assert.match(actions(0), /app/i);
  for (const p of outputs.personas) assert.ok(p.actions.length >= 1 && p.actions.length <= 4);
});

Deno.test("trust combines stability and classifier F1, unknown when neither was measured", async () => {
  const { outputs } = await buildPersonas({
    ...inputs(),
    stability: [{ segment: 0, meanJaccard: 0.92 }, { segment: 1, meanJaccard: 0.5 }],
    // classify's perClass rows as they come: `class` is the segment
    f1: [{ class: 0, f1: 0.95 }, { class: 1, f1: 0.9 }, { segment: 2, f1: 0.8 }],
  });
  const trust = (s: number) => bySegment(outputs.personas, s).trust;
  assert.equal(trust(0).level, "high");
  assert.equal(trust(1).level, "low");
  assert.equal(trust(2).level, "medium");
  assert.equal(trust(3).level, "unknown");
  assert.match(trust(0).text, /0\.92/);
  assert.match(trust(0).text, /0\.95/);
});

Deno.test("a segment under minSegmentSize is merged into 'Other' and never described", async () => {
  const planted = { ...PLANTED, 5: { events_cart: [4321, 5] as [number, number] } };
  const sizes = [...SIZES, { segment: 5, rows: 12 }];
  const who = customers(sizes);
  const secret = "Only the twelve of us buy velvet umbrellas here";
  const rows = texts(who, (_, s) => (s === 5 ? { text: secret } : {}));
  const base = { drivers: drivers(planted, sizes), meta: META, sizes, texts: rows, customers: who };

  const merged = await buildPersonas(base);
  const other = merged.outputs.personas.at(-1)!;
  assert.equal(other.kind, "other");
  assert.equal(other.name, "Other (small segments)");
  assert.deepEqual(other.segments, [5]);
  assert.equal(other.size, 12);
  assert.deepEqual([other.traits, other.actions, other.voice], [[], [], null]);
  const shared = JSON.stringify(merged.outputs);
  assert.ok(!shared.includes("velvet"), "a small segment's words reach no output");
  assert.ok(!/4,?321/.test(shared), "a small segment's figures reach no output");
  assert.ok(merged.warnings.some((w) => /fewer than 20 customers.*5 \(12\)/.test(w.message)));

  const withheld = await buildPersonas(base, { smallSegments: "withhold" });
  assert.equal(withheld.outputs.personas.length, 5);
  assert.ok(!withheld.outputs.personas.some((p) => p.segments.includes(5)));
  assert.ok(withheld.warnings.some((w) => /withheld/.test(w.message)));
  const lower = await buildPersonas(base, { minSegmentSize: 10 });
  assert.equal(lower.outputs.personas.length, 6);
});

Deno.test("no raw email or phone number reaches a persona, even from unmasked texts", async () => {
  const who = customers();
  const planted = ["amy.4821@example.com", "138 1234 5678", "+1 (555) 201-3344", "lee.77@shop.cn"];
  // The most typical deal text, with PII: it is the one the quotes should pick.
  const rows = texts(who, (id, s) => {
    if (s !== 2) return {};
    const k = Number(id.split("-")[1]) % planted.length;
    return {
      text: `Waited for the sale and got the discount coupon, contact ${planted[k]} for the coupon`,
    };
  });
  const { outputs } = await buildPersonas({ ...inputs(), texts: rows, customers: who });
  const shared = JSON.stringify(outputs) + outputs.markdown;
  for (const pii of planted) assert.ok(!shared.includes(pii), `${pii} leaked`);
  const quotes = bySegment(outputs.personas, 2).voice!.quotes.join(" ");
  assert.match(quotes, /\[EMAIL\]|\[PHONE\]/);
});

Deno.test("keywords are class-based TF-IDF: words of the segment, not words of everyone", async () => {
  const who = customers();
  const rows = texts(who).map((r) => ({ ...r, text: `${r.text}, ordered online` }));
  const { outputs } = await buildPersonas({ ...inputs(), texts: rows, customers: who });
  const deals = bySegment(outputs.personas, 2).voice!;
  assert.equal(deals.keywords[0], "coupon");
  for (const p of outputs.personas) {
    assert.ok(!p.voice!.keywords.includes("ordered"), `${p.name}: 'ordered' is in every text`);
  }
  assert.equal(deals.texts, 6);
  // Three distinct texts, twice each: quotes sit at least as near the centre as the median text,
  // which leaves the two nearest.
  assert.equal(deals.quotes.length, 2);
  assert.equal(new Set(deals.quotes).size, 2);
});

Deno.test("sentiment is the mean score, and null with a note when the text stage fell back", async () => {
  const who = customers();
  const scored = texts(who, (id) => ({ sentiment_score: id.endsWith("-0") ? -0.5 : 0.7 }));
  const a = await buildPersonas({ ...inputs(), texts: scored, customers: who });
  // 6 texts per segment: one at -0.5, five at 0.7
  assert.ok(Math.abs(bySegment(a.outputs.personas, 0).voice!.sentiment! - 0.5) < 1e-12);
  assert.ok(!a.warnings.some((w) => /Sentiment/.test(w.message)));

  const b = await buildPersonas({ ...inputs(), texts: texts(who), customers: who });
  const v = bySegment(b.outputs.personas, 0);
  assert.equal(v.voice!.sentiment, null);
  assert.ok(v.notes.some((n) => /Sentiment not available/.test(n)));
  assert.ok(b.warnings.some((w) => /Sentiment is not shown/.test(w.message)));
  assert.ok(!b.outputs.markdown.includes("Mean sentiment"));
});

Deno.test("entities are ranked per segment and person names are left out", async () => {
  const who = customers();
  const rows = texts(who, (_, s) => ({
    entities: s === 0 ? ["Lenovo (ORG)", "Alice Smith (PER)", "lenovo (ORG)"] : ["Zara (ORG)"],
  }));
  const { outputs } = await buildPersonas({ ...inputs(), texts: rows, customers: who });
  assert.deepEqual(bySegment(outputs.personas, 0).voice!.entities, ["Lenovo"]);
  assert.ok(!JSON.stringify(outputs).includes("Alice"));
});

Deno.test("zh personas use Chinese names, phrases and labels", async () => {
  const { outputs } = await buildPersonas(inputs(), { language: "zh" });
  assert.deepEqual(outputs.personas.map((p) => p.name), [
    "高频数码买家",
    "服饰与美妆浏览者",
    "优惠猎手",
    "社交潮流追随者",
    "橱窗购物者",
  ]);
  const deals = bySegment(outputs.personas, 2);
  assert.equal(
    deals.traits.find((t) => t.feature === "discount_order_share")!.text,
    "82% 的订单使用了折扣，整体为 34%",
  );
  assert.ok(outputs.markdown.startsWith("# 用户画像\n"));
  assert.match(outputs.markdown, /与众不同之处/);
  assert.match(deals.summary, /^占顾客的 19%（572 人）/);
});

Deno.test("the template writer is deterministic and ignores the order of its inputs", async () => {
  const who = customers();
  const a = await buildPersonas({ ...inputs(), texts: texts(who), customers: who });
  const b = await buildPersonas({ ...inputs(), texts: texts(who), customers: who });
  assert.deepEqual(a, b);
  const shuffled = {
    drivers: [...drivers()].reverse(),
    meta: [...META].reverse(),
    sizes: [...SIZES].reverse(),
    texts: texts(who),
    customers: who,
  };
  const c = await buildPersonas(shuffled);
  assert.deepEqual(c.outputs, a.outputs);
  assert.equal(personasMarkdown(a.outputs.personas), a.outputs.markdown);
});

Deno.test("personas.md has a section per persona with traits, actions and escaped text", async () => {
  const meta = META.map((m) =>
    m.name === "age" ? { ...m, name: "age", description: "Customer attribute '<b>age</b>'" } : m
  );
  const { outputs } = await buildPersonas({ ...inputs(), meta });
  const md = outputs.markdown;
  assert.equal(md.match(/^## \d\. /gm)?.length, 5);
  assert.match(md, /^## 3\. Deal seekers$/m);
  assert.match(md, /^- Buys with a discount in 82% of orders vs 34% overall$/m);
  assert.match(md, /\*\*Suggested actions\*\*/);
  assert.ok(!md.includes("<b>"));
});

Deno.test("buildPersonas() validates its options and inputs with clear messages", async () => {
  await assert.rejects(
    () => buildPersonas(inputs(), { minSegmentSize: 0 }),
    {
      name: "OptionError",
      message: "The 'minSegmentSize' option of personas must be an integer ≥ 1. Got 0 instead",
    },
  );
  await assert.rejects(
    () => buildPersonas(inputs(), { language: "fr" as "en" }),
    { message: `The 'language' option of personas must be "en" or "zh". Got "fr" instead` },
  );
  await assert.rejects(
    () => buildPersonas(inputs(), { writter: "llm" } as never),
    { message: /^Unknown option 'writter' of personas \(did you mean 'writer'\?\)/ },
  );
  await assert.rejects(
    () => buildPersonas({ drivers: [], meta: META } as never),
    { name: "TypeError", message: "The personas stage needs 'sizes' in its inputs, as an array" },
  );
});
