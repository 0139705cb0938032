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
    "Column 'Z_CostContact' is constant; dropped",
    "Column 'Z_Revenue' is constant; dropped",
  ]);
  assert.equal(m.matrix.rows, 2240);
  assert.ok(m.matrix.columns!.includes("Income__missing")); // 24 of 2240 incomes are blank
  assert.ok(m.matrix.columns!.includes("Marital_Status=other"));
  assert.ok(!m.matrix.data.some((v) => !Number.isFinite(v)));
});
