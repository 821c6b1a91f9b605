"""`critic compare`: a preference between two variants from pointwise P(bad) and rubric scores.

Never a judge call with two outputs side by side: every number here comes from interactions
judged one at a time. Where both variants answered the same input, the comparison is paired on
that input; otherwise unpaired. Intervals are 95% bootstrap intervals (seeded).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critic.combine import DIMENSIONS
from critic.errors import CriticError
from critic.store import Store
from critic.store.labels import labelled_count
from critic.store.variants import (
    p_bad_by_variant,
    primary_judges,
    scores_by_variant,
    variants,
)

N_BOOT = 2000
MIN_N = 5  # below this on either side a bootstrap interval means nothing


@dataclass
class Metric:
    """One quantity compared between A and B; lower is better for p_bad, higher for rubric scores."""

    name: str
    a_mean: float | None
    a_ci: tuple[float, float] | None
    b_mean: float | None
    b_ci: tuple[float, float] | None
    diff: float | None  # A − B
    diff_ci: tuple[float, float] | None
    p_a_better: float | None
    verdict: str
    n_a: int = 0
    n_b: int = 0
    paired: bool = False


@dataclass
class Comparison:
    by: str
    a: str
    b: str
    metrics: list[Metric] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mean_ci(values: np.ndarray, rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    boots = rng.choice(values, size=(N_BOOT, len(values)), replace=True).mean(axis=1)
    return float(values.mean()), (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5)))


def compare_values(
    name: str,
    a: np.ndarray,
    b: np.ndarray,
    *,
    higher_is_better: bool,
    seed: int = 0,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> Metric:
    """Compare A and B; paired on PAIRS (aligned arrays) when given, else unpaired bootstrap."""
    rng = np.random.default_rng(seed)
    if len(a) < MIN_N or len(b) < MIN_N:
        return Metric(name, None, None, None, None, None, None, None, "insufficient data", len(a), len(b))
    paired = pairs is not None and len(pairs[0]) >= 2
    if pairs is not None and paired:  # the means printed are the means compared: over the paired inputs
        a, b = pairs
    a_mean, a_ci = _mean_ci(a, rng)
    b_mean, b_ci = _mean_ci(b, rng)
    if paired:
        d = a - b
        boots = rng.choice(d, size=(N_BOOT, len(d)), replace=True).mean(axis=1)
        diff = float(d.mean())
    else:
        boots = rng.choice(a, size=(N_BOOT, len(a))).mean(axis=1) - rng.choice(b, size=(N_BOOT, len(b))).mean(axis=1)
        diff = a_mean - b_mean
    ci = (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5)))
    p_a_better = float((boots > 0).mean() if higher_is_better else (boots < 0).mean())
    if ci[0] > 0 or ci[1] < 0:
        a_wins = (ci[0] > 0) == higher_is_better
        verdict = "A better" if a_wins else "B better"
    else:
        verdict = "no detectable difference"
    return Metric(name, a_mean, a_ci, b_mean, b_ci, diff, ci, p_a_better, verdict, len(a), len(b), paired=paired)


def compare(
    store: Store, by: str, a: str | None, b: str | None, rubrics: tuple[str, ...] = (), judge: str | None = None
) -> Comparison:
    """Compare variants A and B of BY (the two largest when not given) on P(bad) and rubric scores.

    Scores of one rubric are never pooled across judges or rubric versions: each rubric is
    compared on one (judge, version), the latest judged unless JUDGE names one.
    """
    if by not in DIMENSIONS:
        raise CriticError(f"--by must be one of {', '.join(DIMENSIONS)}")
    found = variants(store, by)
    if len(found) < 2:
        shown = f"only {found[0]!r}" if found else "none"
        raise CriticError(
            f"compare needs two values of {by} in the store, found {shown}; log "
            f"{by} with each interaction (critic ingest reads it as a field), or compare by another of "
            f"{', '.join(DIMENSIONS)}"
        )
    a = a or found[0]
    b = b or next(v for v in found if v != a)
    if a not in found or b not in found:
        missing = a if a not in found else b
        raise CriticError(
            f"no interactions with {by} = {missing!r}; the values in the store are {', '.join(map(repr, found))}"
        )
    result = Comparison(by, a, b)
    if labelled_count(store):
        result.metrics.append(_metric(p_bad_by_variant(store, by), a, b, "p_bad", higher_is_better=False))
    for rubric, scored_by, version in judged_rubrics(store, rubrics, judge):
        result.metrics.append(
            _metric(
                scores_by_variant(store, by, rubric, scored_by, version), a, b, f"score:{rubric}", higher_is_better=True
            )
        )
    if not result.metrics:
        raise CriticError("nothing to compare: run critic eval and/or critic label first")
    return result


def judged_rubrics(store: Store, rubrics: tuple[str, ...] = (), judge: str | None = None) -> list[tuple[str, str, str]]:
    """(rubric, judge, rubric version) to compare per rubric: the rubric's primary judge (critic.store.views, the
    judge the report shows) or JUDGE, and the version it judged last, on logged traffic."""
    found = {r: (r, j, v) for r, j, v in primary_judges(store, judge)}
    missing = [r for r in rubrics if r not in found]
    if missing:
        by = f" by {judge}" if judge else ""
        raise CriticError(
            f"no ok judgments of rubric {missing[0]!r}{by} on logged traffic; judged: "
            f"{', '.join(found) or 'none'} (run critic eval first)"
        )
    return [found[r] for r in (rubrics or tuple(found))]


def _metric(df: pd.DataFrame, a: str, b: str, name: str, *, higher_is_better: bool) -> Metric:
    """Variants A and B compared on DF's (input, variant, value) rows: paired by input where most inputs are shared."""
    side_a = df[df.variant == a]
    side_b = df[df.variant == b]
    both = (
        side_a.groupby("input")
        .value.mean()
        .to_frame("a")
        .join(side_b.groupby("input").value.mean().to_frame("b"), how="inner")
    )
    pairs = (
        (both.a.to_numpy(float), both.b.to_numpy(float)) if len(both) >= 0.5 * min(len(side_a), len(side_b)) else None
    )
    return compare_values(
        name, side_a.value.to_numpy(float), side_b.value.to_numpy(float), higher_is_better=higher_is_better, pairs=pairs
    )
