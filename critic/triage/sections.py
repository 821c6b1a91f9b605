"""The report's figures that are plain SQL over the store: headline, daily series, latency, cost, sources."""

from __future__ import annotations

import json
from typing import Any

from critic.config import PRICES, Config, price
from critic.store import Store
from critic.store.views import IN_PERIOD, LIKELY_BAD_ABOVE, shown_judgments
from critic.triage.period import Period


def headline(store: Store, period: Period) -> dict[str, Any]:
    """Interactions, share likely bad, judged share and judge cost in PERIOD."""
    row = store.con.execute(
        """
        WITH w AS (SELECT id FROM interactions WHERE ts >= ? AND ts < ?)
        SELECT (SELECT count(*) FROM w),
               (SELECT count(*) FROM labels WHERE interaction_id IN (SELECT id FROM w) AND p_bad > ?),
               (SELECT count(DISTINCT interaction_id) FROM judgments
                 WHERE status = 'ok' AND interaction_id IN (SELECT id FROM w)),
               (SELECT coalesce(sum(cost_usd), 0) FROM judgments WHERE interaction_id IN (SELECT id FROM w))
        """, [period.start, period.end, LIKELY_BAD_ABOVE]).fetchone() or (0, 0, 0, 0)
    n, bad, judged, cost = row
    return {"interactions": n, "likely_bad": bad, "share_bad": _share(bad, n), "threshold": LIKELY_BAD_ABOVE,
            "judged": judged, "judged_share": _share(judged, n), "judge_cost_usd": round(float(cost), 6)}


def with_change(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Each headline figure with its value last period and the change."""
    return {k: {"value": v, "previous": previous.get(k), "change": _change(v, previous.get(k))}
            for k, v in current.items()}


def daily(store: Store, period: Period) -> list[dict[str, Any]]:
    """Per day: interactions, share likely bad, mean P(bad), latency p50/p90/p99."""
    rows = store.con.execute(
        """
        SELECT CAST(i.ts AS DATE) AS day, count(*), avg(CASE WHEN l.p_bad > ? THEN 1 ELSE 0 END), avg(l.p_bad),
               quantile_cont(i.latency_ms, 0.5), quantile_cont(i.latency_ms, 0.9), quantile_cont(i.latency_ms, 0.99)
        FROM interactions i LEFT JOIN labels l ON l.interaction_id = i.id
        WHERE i.ts >= ? AND i.ts < ? GROUP BY day ORDER BY day
        """, [LIKELY_BAD_ABOVE, period.start, period.end]).fetchall()
    return [{"day": str(d), "interactions": n, "share_bad": _round(s), "mean_p_bad": _round(p),
             "p50_ms": _round(a, 1), "p90_ms": _round(b, 1), "p99_ms": _round(c, 1)} for d, n, s, p, a, b, c in rows]


def score_histogram(store: Store, period: Period) -> dict[str, list[int]]:
    """Per rubric: how many judged interactions in PERIOD got each label 1..7 (the latest ok judgment)."""
    rows = store.con.execute(
        f"""
        SELECT rubric, label, count(*) FROM {shown_judgments(IN_PERIOD)}
        GROUP BY ALL ORDER BY ALL
        """, [period.start, period.end]).fetchall()
    hist: dict[str, list[int]] = {}
    for rubric, label, n in rows:
        hist.setdefault(rubric, [0] * 7)
        if label is not None and 1 <= label <= 7:
            hist[rubric][label - 1] = n
    return hist


def latency(store: Store, period: Period, daily_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Percentiles per feature and model, spike days, and what the slowest 1% share against the rest."""
    con = store.con
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE triage_latency AS
        SELECT feature, model, prompt_version, latency_ms, ntile(10) OVER (ORDER BY length(coalesce(input, '')), id) AS
               input_decile, latency_ms >= quantile_cont(latency_ms, 0.99) OVER () AS slow
        FROM interactions WHERE ts >= ? AND ts < ? AND latency_ms IS NOT NULL
        """, [period.start, period.end])
    by = {dim: _percentiles(store, dim) for dim in ("feature", "model")}
    p99s = sorted(d["p99_ms"] for d in daily_rows if d["p99_ms"] is not None)
    typical = p99s[len(p99s) // 2] if p99s else None
    spikes = [{"day": d["day"], "p99_ms": d["p99_ms"], "typical_p99_ms": typical} for d in daily_rows
              if typical and d["p99_ms"] and d["p99_ms"] > 1.5 * typical]
    slow_n = con.execute("SELECT count(*) FILTER (WHERE slow), count(*) FROM triage_latency").fetchone() or (0, 0)
    shares = {dim: _slow_shares(store, dim) for dim in ("model", "prompt_version", "feature", "input_decile")}
    return {"by_feature": by["feature"], "by_model": by["model"], "spike_days": spikes,
            "slowest_1pct": {"n": slow_n[0], "of": slow_n[1], "shares": shares}}


def cost(store: Store, period: Period, config: Config) -> dict[str, Any]:
    """Spend per feature, model and prompt version: logged cost, else tokens × the model's price."""
    prices = _price_rows(config)
    store.con.execute("CREATE OR REPLACE TEMP TABLE triage_prices (model VARCHAR, p_in DOUBLE, p_out DOUBLE)")
    if prices:
        store.con.executemany("INSERT INTO triage_prices VALUES (?, ?, ?)", prices)
    spend = """coalesce(i.cost_usd, (i.input_tokens * p.p_in + i.output_tokens * p.p_out) / 1e6)"""
    out: dict[str, Any] = {}
    for dim in ("feature", "model", "prompt_version"):
        rows = store.con.execute(
            f"""SELECT coalesce(i.{dim}, '(none)') AS value, count(*), sum({spend}), count({spend})
                FROM interactions i LEFT JOIN triage_prices p ON p.model = i.model
                WHERE i.ts >= ? AND i.ts < ? GROUP BY value ORDER BY 3 DESC NULLS LAST, value""",
            [period.start, period.end]).fetchall()
        out[f"by_{dim}"] = [{"value": v, "interactions": n, "usd": _round(usd, 4), "priced": priced}
                            for v, n, usd, priced in rows]
    out["total_usd"] = round(sum(r["usd"] or 0 for r in out["by_feature"]), 4)
    return out


def sources(store: Store) -> dict[str, Any]:
    """The latest label fit: its model, note, and each source's coverage and learned weight."""
    row = store.con.execute(
        "SELECT created_at, label_model, model_version, note, sources FROM label_runs ORDER BY created_at DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return {"label_model": None, "note": "no label fit recorded; run `critic label`", "sources": []}
    created, model, version, note, found = row
    return {"label_model": model, "model_version": version, "fitted_at": str(created), "note": note,
            "sources": json.loads(found)}


def _percentiles(store: Store, dim: str) -> list[dict[str, Any]]:
    rows = store.con.execute(
        f"""SELECT coalesce({dim}, '(none)'), count(*), quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.9),
                   quantile_cont(latency_ms, 0.99) FROM triage_latency GROUP BY 1 ORDER BY 5 DESC""").fetchall()
    return [{"value": v, "n": n, "p50_ms": _round(a, 1), "p90_ms": _round(b, 1), "p99_ms": _round(c, 1)}
            for v, n, a, b, c in rows]


def _slow_shares(store: Store, dim: str) -> list[dict[str, Any]]:
    """Share of the slowest 1% and of the rest per value of DIM, most over-represented first."""
    rows = store.con.execute(
        f"""SELECT CAST({dim} AS VARCHAR) AS value,
                   count(*) FILTER (WHERE slow) / greatest((SELECT count(*) FROM triage_latency WHERE slow), 1),
                   count(*) FILTER (WHERE NOT slow) / greatest((SELECT count(*) FROM triage_latency WHERE NOT slow), 1)
            FROM triage_latency GROUP BY value""").fetchall()
    found = [{"value": v, "slow_share": round(s, 4), "rest_share": round(r, 4),
              "lift": round(s / r, 2) if r else None} for v, s, r in rows]
    return sorted(found, key=lambda x: (-(x["lift"] or 0), str(x["value"])))  # ties in a fixed order


def _price_rows(config: Config) -> list[tuple[str, float, float]]:
    """(model, input, output USD per million tokens) for every priced spec, keyed by the bare model name."""
    table = {spec.split(":", 1)[-1]: price(spec, config) for spec in [*PRICES, *config.prices]}
    return [(model, known[0], known[1]) for model, known in table.items() if known]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _change(now: Any, before: Any) -> float | None:
    if isinstance(now, (int, float)) and isinstance(before, (int, float)):
        return round(now - before, 6)
    return None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
