"""pandas baseline of the features stage, for tests/bench/features.ts.

Reads customers, orders and events CSVs from the folder given as the first argument, computes
the same per-customer features as pipeline/features.ts (purchase, preference, price, browsing),
and prints one JSON line: timings, peak RSS and, per feature, [sum over non-null, null count]
so the benchmark can check that both sides computed the same numbers.
"""

import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _peak import peak_rss_mb  # noqa: E402
import time

import numpy as np
import pandas as pd

TOP_CATEGORIES = 8
TOP_CHANNELS = 6
TOP_EVENT_TYPES = 8
ABANDON = pd.Timedelta(days=7)
DAY_S = 86400.0


def ranked(weights):
    """Levels by weight, largest first, ties by name (as pipeline/_features_util.ts ranks them)."""
    items = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return [k for k, _ in items]


def read(folder):
    low = {"category": "category", "channel": "category", "event_type": "category"}
    cust = pd.read_csv(f"{folder}/customers.csv", usecols=["customer_id", "signup_date"])
    cust["signup_date"] = pd.to_datetime(cust["signup_date"], format="%Y-%m-%d")
    orders = pd.read_csv(f"{folder}/orders.csv", dtype={**low, "order_id": str})
    orders["ts"] = pd.to_datetime(orders["ts"], format="%Y-%m-%d %H:%M:%S")
    events = pd.read_csv(f"{folder}/events.csv", dtype=low)
    events["ts"] = pd.to_datetime(events["ts"], format="%Y-%m-%d %H:%M:%S")
    return cust, orders, events


def features(cust, orders, events):
    ref = max(orders["ts"].max(), events["ts"].max()) + pd.Timedelta(days=1)
    out = pd.DataFrame(index=pd.Index(cust["customer_id"], name="customer_id"))

    # Order lines: unit price, relative price, category flags.
    o = orders
    unit = np.where(o["quantity"] > 0, o["amount"] / o["quantity"], o["amount"])
    o["unit"] = unit
    med = o.groupby("category", observed=True)["unit"].median()
    o["ratio"] = o["unit"] / o["category"].map(med).astype(float)
    cats = ranked(o.groupby("category", observed=True)["amount"].sum().to_dict())
    top = cats[:TOP_CATEGORIES]
    o["disc_pos"] = (o["discount"] > 0).astype(float)
    o["promo_amt"] = o["amount"].where(o["promo"] == 1, 0.0)
    flag_cols = []
    for c in top:
        o[f"has_{c}"] = (o["category"] == c).astype(float)
        flag_cols.append(f"has_{c}")
    if len(cats) > len(top):
        o["has_other"] = (~o["category"].isin(top)).astype(float)
        flag_cols.append("has_other")

    agg = {
        "ts": ("ts", "min"),
        "amount": ("amount", "sum"),
        "items": ("quantity", "sum"),
        "ratio_sum": ("ratio", "sum"),
        "ratio_n": ("ratio", "count"),
        "disc_any": ("disc_pos", "max"),
        "disc_sum": ("discount", "sum"),
        "disc_n": ("discount", "count"),
        "promo": ("promo_amt", "sum"),
        "channel": ("channel", "first"),
    }
    agg.update({f: (f, "max") for f in flag_cols})
    po = o.groupby(["customer_id", "order_id"], sort=False, observed=True).agg(**agg)
    po = po.reset_index().sort_values(["customer_id", "ts"], kind="stable")

    g = po.groupby("customer_id", sort=False)
    freq = g.size().astype(float)
    total = g["amount"].sum()
    last, first = g["ts"].max(), g["ts"].min()
    gaps = po["ts"].diff().dt.total_seconds() * 1000.0
    gaps[po["customer_id"].ne(po["customer_id"].shift())] = np.nan
    gap_sd = gaps.groupby(po["customer_id"]).std()
    gap_mean = (last - first).dt.total_seconds() * 1000.0 / (freq - 1)
    sums = g[["items", "ratio_sum", "ratio_n", "disc_any", "disc_sum", "disc_n", "promo", *flag_cols]].sum()

    def ratio(a, b):
        return (a / b).where(b > 0)

    out["recency_days"] = (ref - last).dt.total_seconds() / DAY_S
    out["frequency"] = freq
    out["monetary_total"] = total
    out["monetary_mean"] = ratio(total, freq)
    out["basket_size"] = ratio(sums["items"], freq)
    out["interval_mean_days"] = (gap_mean / (DAY_S * 1000.0)).where(freq > 1)
    out["interval_cv"] = ratio(gap_sd, gap_mean).where(freq > 2)
    out["price_ratio_mean"] = ratio(sums["ratio_sum"], sums["ratio_n"])
    out["discount_order_share"] = ratio(sums["disc_any"], freq)
    out["discount_mean"] = ratio(sums["disc_sum"], sums["disc_n"])
    out["promo_spend"] = sums["promo"]
    out["promo_spend_share"] = ratio(sums["promo"], total)

    channels = ranked(o["channel"].value_counts().to_dict())
    ch_counts = po.groupby(["customer_id", "channel"], observed=True).size().unstack(fill_value=0)
    known = ch_counts.sum(axis=1)
    for ch in channels[:TOP_CHANNELS]:
        out[f"channel_share_{ch}"] = ratio(ch_counts[ch], known)
    for f in flag_cols:
        out[f"order_share_{f[4:]}"] = ratio(sums[f], freq)

    spend = o.groupby(["customer_id", "category"], observed=True)["amount"].sum()
    spend = spend[spend != 0]
    by_cat = spend.unstack(fill_value=0.0)
    sp_total = by_cat.sum(axis=1)
    for c in top:
        out[f"spend_share_{c}"] = ratio(by_cat[c], sp_total)
    if len(cats) > len(top):
        rest = by_cat[[c for c in by_cat.columns if c not in top]].sum(axis=1)
        out["spend_share_other"] = ratio(rest, sp_total)
    pos = spend[spend > 0]
    p = pos / pos.groupby(level=0).transform("sum")
    out["category_entropy"] = (-(p * np.log2(p))).groupby(level=0).sum()

    # Browsing.
    types = ranked(events["event_type"].value_counts().to_dict())
    counts = events.groupby(["customer_id", "event_type"], observed=True).size().unstack(fill_value=0)
    for t in types[:TOP_EVENT_TYPES]:
        out[f"events_{t}"] = counts[t].astype(float)
    out["browse_breadth"] = events.groupby("customer_id")["category"].nunique().astype(float)
    views = counts["view"].reindex(out.index).fillna(0.0)
    carts = events.loc[events["event_type"] == "cart", ["customer_id", "category", "ts"]]
    carts = carts.assign(category=carts["category"].astype(str)).sort_values("ts")
    bought = orders[["customer_id", "category", "ts"]].rename(columns={"ts": "ots"})
    bought = bought.assign(category=bought["category"].astype(str)).sort_values("ots")
    m = pd.merge_asof(carts, bought, left_on="ts", right_on="ots", by=["customer_id", "category"],
                      direction="forward", tolerance=ABANDON)
    ag = m.groupby("customer_id").agg(n=("ts", "size"), miss=("ots", lambda s: s.isna().sum()))
    out["cart_abandonment"] = ratio(ag["miss"].astype(float), ag["n"].astype(float))

    for c in ["frequency", "monetary_total", "promo_spend", "browse_breadth"] + \
            [f"events_{t}" for t in types[:TOP_EVENT_TYPES]]:
        out[c] = out[c].fillna(0.0)
    first_event = events.groupby("customer_id")["ts"].min()
    first_any = pd.concat([first, first_event], axis=1).min(axis=1).reindex(out.index)
    signup = cust.set_index("customer_id")["signup_date"]
    start = signup.fillna(first_any)
    out["tenure_days"] = (ref - start).dt.total_seconds() / DAY_S
    out["browse_conversion"] = ratio(out["frequency"], views)
    return out




def main():
    folder = sys.argv[1]
    t0 = time.perf_counter()
    cust, orders, events = read(folder)
    t1 = time.perf_counter()
    out = features(cust, orders, events)
    t2 = time.perf_counter()
    checks = {c: [float(np.nansum(out[c].to_numpy(dtype=float))), int(out[c].isna().sum())]
              for c in out.columns}
    print(json.dumps({
        "read_s": t1 - t0,
        "features_s": t2 - t1,
        "total_s": t2 - t0,
        "peak_rss_mb": peak_rss_mb(),
        "rows": [len(cust), len(orders), len(events)],
        "checks": checks,
    }))


if __name__ == "__main__":
    main()
