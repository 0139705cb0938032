import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { buildFeatures } from "../pipeline/features/features.ts";
import { buildMatrix } from "../pipeline/matrix/matrix.ts";

const FILE = new URL(
  "../../shared/datasets/customer-personality/marketing_campaign.csv",
  import.meta.url,
);
const OUTCOMES = [
  "Response",
  "AcceptedCmp1",
  "AcceptedCmp2",
  "AcceptedCmp3",
  "AcceptedCmp4",
  "AcceptedCmp5",
  "Complain",
];

Deno.test("a wide customer table (marketing_campaign.csv) becomes features and a matrix without NaN", () => {
  const raw = pl.readCSV(FILE.pathname, { sep: "\t" });
  const customers = raw.withColumns(
    pl.col("ID").cast(pl.Utf8).alias("customer_id"),
    pl.col("Dt_Customer").str.strptime(pl.Date, "%d-%m-%Y"),
  ).drop("ID");
  const { outputs, warnings } = buildFeatures({ customers }, { outcomes: OUTCOMES });
  assert.deepEqual(warnings, []);
  const { features, meta } = outputs;
  assert.equal(features.height, 2240);
  for (const o of OUTCOMES) assert.ok(!features.columns.includes(o), o);
  assert.equal(meta.find((m) => m.name === "Education")?.kind, "categorical");
  assert.ok(meta.find((m) => m.name === "MntWines")?.heavyTailed);
  assert.ok(!meta.find((m) => m.name === "Recency")?.heavyTailed);
  // No timestamps: the reference is the day after the latest Dt_Customer (2014-06-29).
  assert.equal(outputs.referenceDate, "2014-06-30T00:00:00.000Z");
  // The first customer joined on 04-09-2012: 664 days before 2014-06-30.
  assert.equal(features.getColumn("Dt_Customer_days_before").get(0), 664);

  const { outputs: m, warnings: fitWarnings } = buildMatrix(features, meta, { maxLevels: 5 });
  assert.deepEqual(fitWarnings.map((w) => w.message), [
    "Column 'z cost contact' is constant; dropped",
    "Column 'z revenue' is constant; dropped",
  ]);
  assert.equal(m.matrix.rows, 2240);
  assert.ok(m.matrix.columns!.includes("Income__missing")); // 24 of 2240 incomes are blank
  assert.ok(m.matrix.columns!.includes("Marital_Status=other"));
  assert.ok(!m.matrix.data.some((v) => !Number.isFinite(v)));
});

Deno.test("sentinel values that mean 'none' are read as missing, found in the data or given", () => {
  const n = 40;
  const customers = pl.DataFrame({
    customer_id: Array.from({ length: n }, (_, i) => `c${i}`),
    // 30 of 40 never contacted (-1); every real value is a day count >= 0.
    pdays: Array.from({ length: n }, (_, i) => (i < 30 ? -1 : 5 + i)),
    // 999 held by 8 customers, the rest far below it.
    gap: Array.from({ length: n }, (_, i) => (i < 8 ? 999 : i)),
    // A -1 that sits among negatives is a value, not a sentinel.
    delta: Array.from({ length: n }, (_, i) => i - 20),
    plan: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? "none" : "gold")),
  }).withColumns(pl.col("pdays").cast(pl.Float64));
  const { outputs, warnings } = buildFeatures({ customers }, {
    attributes: [
      { name: "pdays", kind: "numeric" },
      { name: "gap", kind: "numeric" },
      { name: "delta", kind: "numeric" },
      { name: "plan", kind: "categorical", missing: ["none"] },
    ],
  });
  const nulls = (c: string) => outputs.features.getColumn(c).nullCount();
  assert.equal(nulls("pdays"), 30);
  assert.equal(nulls("gap"), 8);
  assert.equal(nulls("delta"), 0);
  assert.equal(nulls("plan"), 10);
  assert.ok(warnings.some((w) => w.message.startsWith(`'pdays': 30 values of -1 read as "none"`)));
  const pdays = outputs.meta.find((m) => m.name === "pdays")!;
  assert.equal(pdays.nullReason, 'pdays is -1 ("none")');
});
