"""The report's figures read straight from the store: headline, daily series, latency, cost, sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from critic.config import PRICES, Config, listed_price
from critic.judge.backends.local import trust_for
from critic.review.queue import bad_rate
from critic.scale import LABELS
from critic.signals.hidden import hidden_text, visible
from critic.signals.manipulation import reasons
from critic.store import Store
from critic.store.review import reviewed_claims
from critic.store.triage import (
    daily_figures,
    headline_counts,
    label_counts,
    latency_tail,
    latest_label_run,
    shown_judges,
    shown_scores,
    spend,
    steering_attempts,
)
from critic.store.views import LIKELY_BAD_ABOVE
from critic.triage.period import Period


def headline(store: Store, period: Period) -> dict[str, Any]:
    """Interactions, share likely bad, judged share and judge cost in PERIOD."""
    n, bad, judged, cost = headline_counts(store, period.start, period.end)
    return {
        "interactions": n,
        "likely_bad": bad,
        "share_bad": _share(bad, n),
        "threshold": LIKELY_BAD_ABOVE,
        "judged": judged,
        "judged_share": _share(judged, n),
        "judge_cost_usd": round(float(cost), 6),
    }


def with_change(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Each headline figure with its value last period and the change."""
    return {
        k: {"value": v, "previous": previous.get(k), "change": _change(v, previous.get(k))} for k, v in current.items()
    }


def daily(store: Store, period: Period) -> list[dict[str, Any]]:
    """Per day: interactions, share likely bad, mean P(bad), latency p50/p90/p99."""
    rows = daily_figures(store, period.start, period.end)
    return [
        {
            "day": str(d),
            "interactions": n,
            "share_bad": _round(s),
            "mean_p_bad": _round(p),
            "p50_ms": _round(a, 1),
            "p90_ms": _round(b, 1),
            "p99_ms": _round(c, 1),
        }
        for d, n, s, p, a, b, c in rows
    ]


def judges(store: Store, period: Period) -> list[dict[str, Any]]:
    """Per rubric: the judge whose scores the report shows, how many it judged, and for the embedded judge how far
    it agrees with people (so nobody mistakes a rough estimate for a verdict)."""
    return [
        {
            "rubric": rubric,
            "judge": judge,
            "judged": n,
            "trust": trust_for(judge, rubric),
        }
        for rubric, judge, n in shown_judges(store, period.start, period.end)
    ]


def score_histogram(store: Store, period: Period) -> dict[str, list[int]]:
    """Per rubric: how many judged interactions in PERIOD got each label 1..7 (the shown judgment)."""
    hist: dict[str, list[int]] = {}
    for rubric, label, n in label_counts(store, period.start, period.end):
        hist.setdefault(rubric, [0] * len(LABELS))
        if label in LABELS:
            hist[rubric][LABELS.index(label)] = n
    return hist


def latency(store: Store, period: Period, daily_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Percentiles per feature and model, spike days, and what the slowest 1% share against the rest."""
    tail = latency_tail(
        store, period.start, period.end, ("feature", "model"), ("model", "prompt_version", "feature", "input_decile")
    )
    by = {dim: _percentiles(rows) for dim, rows in tail.percentiles.items()}
    p99s = sorted(d["p99_ms"] for d in daily_rows if d["p99_ms"] is not None)
    typical = p99s[len(p99s) // 2] if p99s else None
    spikes = [
        {"day": d["day"], "p99_ms": d["p99_ms"], "typical_p99_ms": typical}
        for d in daily_rows
        if typical and d["p99_ms"] and d["p99_ms"] > 1.5 * typical
    ]
    shares = {dim: _slow_shares(rows) for dim, rows in tail.shares.items()}
    return {
        "by_feature": by["feature"],
        "by_model": by["model"],
        "spike_days": spikes,
        "slowest_1pct": {"n": tail.slow, "of": tail.timed, "shares": shares},
    }


def cost(store: Store, period: Period, config: Config) -> dict[str, Any]:
    """Spend per feature, model and prompt version: logged cost, else tokens × the model's price."""
    by = spend(store, period.start, period.end, _price_rows(config), ("feature", "model", "prompt_version"))
    out: dict[str, Any] = {}
    for dim, rows in by.items():
        out[f"by_{dim}"] = [
            {"value": v, "interactions": n, "usd": _round(usd, 4), "priced": priced} for v, n, usd, priced in rows
        ]
    out["total_usd"] = round(sum(r["usd"] or 0 for r in out["by_feature"]), 4)
    return out


def sources(store: Store) -> dict[str, Any]:
    """The latest label fit: its model, note, and each source's coverage and learned weight."""
    row = latest_label_run(store)
    if row is None:
        return {"label_model": None, "note": "no label fit recorded; run `critic label`", "sources": []}
    created, model, version, note, found = row
    return {"label_model": model, "model_version": version, "fitted_at": str(created), "note": note, "sources": found}


def review(store: Store, period: Period) -> dict[str, Any]:
    """What people reviewed: how many of PERIOD's interactions, the bad share the audit sample estimates (Wilson
    95%), and how precise critic's "likely bad" of the previous period was on what people reviewed of it."""
    rate = bad_rate(store, period.start, period.end)
    previous = period.previous()
    flagged = [
        v for p, v in reviewed_claims(store, previous.start, previous.end) if p is not None and p > LIKELY_BAD_ABOVE
    ]
    bad = sum(v == "bad" for v in flagged)
    return {
        "reviewed": len(reviewed_claims(store, period.start, period.end)),
        "audit": {
            "audited": rate.audited,
            "pending": rate.pending,
            "bad": rate.bad,
            "bad_rate": _round(rate.rate),
            "ci95": None if rate.low is None else [_round(rate.low), _round(rate.high)],
        },
        "previous_precision": {
            "period": previous.label,
            "reviewed_likely_bad": len(flagged),
            "bad": bad,
            "precision": _round(bad / len(flagged)) if flagged else None,
        },
    }


SECURITY_LISTED = 50  # steering attempts listed in full; the count covers all


def security(store: Store, period: Period, text: Callable[[str], str | None]) -> dict[str, Any]:
    """Outputs that try to steer the judge, listed whatever P(bad) says: each with what gave it away and its
    shown scores, marked suspect (the judge may have obeyed; critic's own votes ignore them, critic.store.labels).
    TEXT redacts an output."""
    found, total = steering_attempts(store, period.start, period.end, SECURITY_LISTED)
    previous = period.previous()
    _, before = steering_attempts(store, previous.start, previous.end, 1)
    scores = shown_scores(store, [a.id for a in found])
    return {
        "steering_attempts": total,
        "previous": before,
        "listed": len(found),
        "events": [
            {
                "id": a.id,
                "p_bad": _round(a.p_bad),
                "verdict": a.verdict,
                "feature": a.feature,
                "model": a.model,
                "caught_by": reasons(a.output),
                "suspect_scores": {rubric: round(v, 2) for rubric, v in scores.get(a.id, {}).items()},
                # what a person sees, then what the invisible characters spell; redacted before the cut
                "output": (text(visible(a.output)) or "")[:300],
                "hidden": (text(hidden_text(a.output)) or "")[:300],
            }
            for a in found
        ],
    }


def _percentiles(rows: list[tuple[Any, int, float | None, float | None, float | None]]) -> list[dict[str, Any]]:
    return [
        {"value": v, "n": n, "p50_ms": _round(a, 1), "p90_ms": _round(b, 1), "p99_ms": _round(c, 1)}
        for v, n, a, b, c in rows
    ]


def _slow_shares(rows: list[tuple[Any, float, float]]) -> list[dict[str, Any]]:
    """Share of the slowest 1% and of the rest per value, most over-represented first."""
    found = [
        {"value": v, "slow_share": round(s, 4), "rest_share": round(r, 4), "lift": round(s / r, 2) if r else None}
        for v, s, r in rows
    ]
    return sorted(found, key=lambda x: (-(x["lift"] or 0), str(x["value"])))  # ties in a fixed order


def _price_rows(config: Config) -> list[tuple[str, float, float]]:
    """(model, input, output USD per million tokens) for every priced spec, keyed by the bare model name."""
    table = {spec.split(":", 1)[-1]: listed_price(spec, config) for spec in [*PRICES, *config.prices]}
    return [(model, known[0], known[1]) for model, known in table.items() if known]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _change(now: Any, before: Any) -> float | None:
    if isinstance(now, (int, float)) and isinstance(before, (int, float)):
        return round(now - before, 6)
    return None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
