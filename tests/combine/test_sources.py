"""Critic votes: by each judge's own distribution, and by absolute score for calibrated judges."""

from __future__ import annotations

from critic.combine.sources import BAD, GOOD, vote_rules
from critic.config import Config
from critic.store import Store
from critic.store.labels import all_votes


def _judged(store: Store, judge: str, scores: list[float], rubric: str = "tone") -> None:
    for i, score in enumerate(scores):
        store.con.execute(
            "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, expected, status, created_at) "
            "VALUES (?, ?, 'v1', ?, ?, 'ok', now())",
            [f"{judge}-{i:03d}", rubric, judge, score],
        )


def _votes(store: Store, config: Config, judge: str) -> dict[str, int]:
    return {
        i: vote
        for i, source, vote in all_votes(store, vote_rules(store, config))
        if source.startswith("critic:") and source.endswith(f"@{judge}")
    }


def test_every_judge_votes_by_its_own_distribution(store: Store) -> None:
    scores = [1.37 + i * 0.001 for i in range(100)]  # the embedded judge: every score ≤ 2, no absolute threshold
    _judged(store, "local", scores)
    votes = _votes(store, Config(), "local")
    assert sum(v == BAD for v in votes.values()) == 15 and GOOD not in votes.values()  # no "good" by rank by default
    assert all(votes[f"local-{i:03d}"] == BAD for i in range(15))  # its lowest-scored are the bad ones
    ranked = Config(raw={"label": {"thresholds": {"tone": {"bad_quantile": 0.3, "good_quantile": 0.6}}}})
    votes = _votes(store, ranked, "local")
    assert sum(v == BAD for v in votes.values()) == 30 and sum(v == GOOD for v in votes.values()) == 40


def test_a_narrow_band_judge_votes_with_its_lowest_and_highest_labels(store: Store) -> None:
    """Labels all in 3–5 never reach `expected ≤ 2`; its 3s vote bad, its 5s good (when asked), as whole ties."""
    _judged(store, "openai:gpt-4.1-mini", [3.0] * 30 + [4.0] * 50 + [5.0] * 20)
    with_good = Config(raw={"label": {"thresholds": {"tone": {"good_quantile": 0.85}}}})
    votes = _votes(store, with_good, "openai:gpt-4.1-mini")
    assert {i for i, v in votes.items() if v == BAD} == {f"openai:gpt-4.1-mini-{i:03d}" for i in range(30)}
    assert {i for i, v in votes.items() if v == GOOD} == {f"openai:gpt-4.1-mini-{i:03d}" for i in range(80, 100)}


def test_a_tie_too_large_for_the_share_does_not_vote(store: Store) -> None:
    _judged(store, "openai:gpt-4.1-mini", [4.0] * 60 + [5.0] * 40)  # 60% at its lowest label: no "lowest 15%"
    votes = _votes(store, Config(), "openai:gpt-4.1-mini")
    assert BAD not in votes.values()


def test_few_scores_vote_by_absolute_score_only(store: Store) -> None:
    _judged(store, "openai:gpt-4.1-mini", [1.0, 2.0, 2.5, 4.0, 6.0, 7.0])
    votes = _votes(store, Config(), "openai:gpt-4.1-mini")
    assert votes == {"openai:gpt-4.1-mini-000": BAD, "openai:gpt-4.1-mini-001": BAD}  # a high score is no "good" vote
    with_good = Config(raw={"label": {"thresholds": {"tone": {"good": 6}}}})
    assert _votes(store, with_good, "openai:gpt-4.1-mini") == {
        "openai:gpt-4.1-mini-000": BAD,
        "openai:gpt-4.1-mini-001": BAD,
        "openai:gpt-4.1-mini-004": GOOD,
        "openai:gpt-4.1-mini-005": GOOD,
    }


def test_after_a_cascade_the_judges_score_wins_where_it_exists(store: Store) -> None:
    """A student's vote stands only where no other judge scored that interaction on that rubric."""
    _judged(store, "student:tone@v1", [1.0, 1.0, 1.0])
    store.con.execute("UPDATE judgments SET interaction_id = replace(interaction_id, 'student:tone@v1', 'x')")
    _judged(store, "openai:gpt-4.1-mini", [7.0])
    store.con.execute("UPDATE judgments SET interaction_id = 'x-001' WHERE judge = 'openai:gpt-4.1-mini'")
    store.con.execute(
        "INSERT INTO interactions (id, ts, output, ingested_at) "
        "SELECT DISTINCT interaction_id, now(), 'o', now() FROM judgments"
    )
    student = _votes(store, Config(), "student:tone@v1")
    assert student == {"x-000": BAD, "x-002": BAD}  # x-001 was escalated: the judge scored it 7, no vote from either
    assert _votes(store, Config(), "openai:gpt-4.1-mini") == {}
