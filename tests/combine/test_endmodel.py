"""The end model: trained on the LabelModel's soft labels, it ranks failures better than its own inputs."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from critic.combine.endmodel import MIN_GOLD, MIN_ROWS, correct_with_gold, fit_end_model
from critic.combine.label import label_matrix
from critic.combine.sources import ABSTAIN, BAD
from critic.config import Config
from critic.signals import NAMES as SIGNALS
from critic.store import Store, Window
from critic.store.signals import signals_sql
from tests.conftest import SAMPLE


def test_continuous_evidence_beats_the_votes_it_was_trained_on() -> None:
    """Soft labels from thresholded votes; a continuous score that carries the signal ranks better."""
    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.1
    score = np.where(y, 3.0, 5.0) + rng.normal(0, 1.2, len(y))  # a noisy judge's expected score
    thumbs = (rng.random(len(y)) < np.where(y, 0.4, 0.05)).astype(float)
    soft = np.clip(0.1 + 0.6 * (score <= 2) + 0.3 * thumbs, 0, 1)  # what votes at ≤ 2 and thumbs give
    frame = pd.DataFrame({"score:tone@j": score, "events:thumb_down": thumbs})
    p, drivers, model = fit_end_model(frame, soft)
    assert model.kind == "logistic" and model.folds == 5
    assert roc_auc_score(y, p) > roc_auc_score(y, soft) + 0.05
    assert model.weights["score:tone@j"] < 0 < model.weights["events:thumb_down"]
    worst = int(np.argmax(p))
    assert drivers[worst] and set(drivers[worst]) <= {"score:tone@j", "events:thumb_down"}


def _blind_spot(n: int = 3000) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Failures of two kinds; the soft labels see only the first (a judge's low score), not the second (a signal
    no source votes on)."""
    rng = np.random.default_rng(1)
    judged, unseen = rng.random(n) < 0.06, rng.random(n) < 0.06
    score = np.where(judged, 2.5, 5.0) + rng.normal(0, 1.0, n)
    signal = np.where(unseen, 1.0, 0.0) + rng.normal(0, 0.3, n)
    soft = np.clip(0.05 + 0.8 * (score < 3.5), 0, 1)
    return pd.DataFrame({"score:tone@j": score, "signal": signal}), soft, (judged | unseen).astype(int)


def test_verdicts_teach_what_the_soft_labels_missed() -> None:
    """A hundred verdicts chosen where the model is unsure correct P(bad) on the rows nobody reviewed."""
    frame, soft, y = _blind_spot()
    probs, _, _ = fit_end_model(frame, soft)
    unsure = np.argsort(np.abs(probs - np.median(probs)))[:100]
    bad = np.full(len(y), -1)
    bad[unsure] = y[unsure]
    corrected = correct_with_gold(frame, probs, bad)
    rest = bad < 0
    assert roc_auc_score(y[rest], corrected.probs[rest]) > roc_auc_score(y[rest], probs[rest]) + 0.05
    assert corrected.note is not None and "corrected by 100 people's verdicts" in corrected.note
    # the failures the soft labels missed are raised through the signal they show, and named so
    unseen = rest & (y == 1) & (frame["score:tone@j"].to_numpy() > 4.0)
    named = np.array([f == "signal" for f in corrected.raised_by])
    assert named[unseen].mean() > 0.3 and unseen[named].mean() > 0.8  # many of them, and few others
    assert {f for f in corrected.raised_by if f} == {"signal"}


def test_a_verdict_never_scores_its_own_row_and_too_few_change_nothing() -> None:
    frame, soft, y = _blind_spot()
    probs, _, _ = fit_end_model(frame, soft)
    bad = np.full(len(y), -1)
    chosen = np.r_[np.flatnonzero(y == 1)[:30], np.flatnonzero(y == 0)[:70]]
    bad[chosen] = y[chosen]
    corrected = correct_with_gold(frame, probs, bad).probs
    flipped = bad.copy()
    flipped[chosen[0]] = 1 - flipped[chosen[0]]  # the row's own verdict: its cross-fitted figure must not move
    assert correct_with_gold(frame, probs, flipped).probs[chosen[0]] == corrected[chosen[0]]
    few = np.full(len(y), -1)
    both = np.r_[chosen[:5], chosen[-(MIN_GOLD - 6) :]]  # both kinds, one verdict short of MIN_GOLD
    assert len(both) == MIN_GOLD - 1 and set(y[both]) == {0, 1}
    few[both] = y[both]
    untouched = correct_with_gold(frame, probs, few)
    assert untouched.note is None and untouched.probs is probs and untouched.raised_by == []
    one_kind = np.where(np.arange(len(y)) < 50, 0, -1)
    assert correct_with_gold(frame, probs, one_kind).note is None


def test_too_few_rows_keep_the_label_model_and_say_why() -> None:
    frame = pd.DataFrame({"score:tone@j": np.arange(10.0)})
    soft = np.linspace(0.1, 0.9, 10)
    p, _, model = fit_end_model(frame, soft)
    assert model.kind == "none" and f"at least {MIN_ROWS}" in model.note and (p == soft).all()


def test_end_model_beats_the_label_model_and_every_single_source(judged_sample: Store) -> None:
    with (SAMPLE / "truth.csv").open() as f:
        planted = {r["id"]: bool(r["failure_mode"]) for r in csv.DictReader(f)}
    ids, names, matrix, _ = label_matrix(judged_sample, Config(), Window())
    y = np.array([planted[i] for i in ids])
    got = {
        i: (p, v)
        for i, p, v in judged_sample.con.execute("SELECT interaction_id, p_bad, p_bad_votes FROM labels").fetchall()
    }
    end = roc_auc_score(y, [got[i][0] for i in ids])
    votes = roc_auc_score(y, [got[i][1] for i in ids])
    single = [roc_auc_score(y, np.where(matrix[:, j] == ABSTAIN, 0.5, matrix[:, j] == BAD)) for j in range(len(names))]
    for rubric in ("accuracy", "helpfulness", "tone"):
        scores = dict(
            judged_sample.con.execute(
                "SELECT interaction_id, expected FROM judgments WHERE rubric = ? AND status = 'ok'", [rubric]
            ).fetchall()
        )
        single.append(roc_auc_score(y, [-scores.get(i, 4.0) for i in ids]))
    # the end model beats every source and stays near the label model, which rank votes made stronger (0.965 vs
    # 0.972 at this seed; before rank votes the end model led, 0.977 vs 0.962 with the bench's seed)
    assert end >= votes - 0.01 and end >= max(single) + 0.03, (end, votes, max(single))
    assert end >= 0.95  # bench/RESULTS.md, *End model*: 0.977 with the bench's seed


def test_explain_names_what_pushed_p_bad_up(judged_sample: Store) -> None:
    from critic.combine.label import explain_label

    worst = judged_sample.con.execute("SELECT interaction_id FROM labels ORDER BY p_bad DESC LIMIT 1").fetchone()
    found = explain_label(judged_sample, worst[0])
    assert found["p_bad"] > 0.5 and found["drivers"] and all(isinstance(d, str) for d in found["drivers"])


def test_drivers_name_only_evidence_the_interaction_has(judged_sample: Store) -> None:
    """A driver is an event the interaction received or a signal that fired on it, never the absence of one
    (before: "pushed up by events:thumb_up" on interactions without a thumbs-up)."""

    events = {
        (i, f"events:{k}") for i, k in judged_sample.con.execute("SELECT interaction_id, kind FROM events").fetchall()
    }
    judged_sample.con.execute("CREATE OR REPLACE TEMP TABLE all_ids AS SELECT id FROM interactions")
    fired = {
        (row[0], name)
        for row in judged_sample.con.execute(f"SELECT * FROM ({signals_sql('all_ids')})").fetchall()
        for name, value in zip(SIGNALS, row[1:])
        if value
    }
    named = [
        (i, d)
        for i, drivers in judged_sample.con.execute("SELECT interaction_id, drivers FROM labels").fetchall()
        for d in json.loads(drivers or "[]")
    ]
    assert any(d.startswith("events:") for _, d in named)  # events do drive some
    assert all((i, d) in events for i, d in named if d.startswith("events:"))
    assert all((i, d) in fired for i, d in named if d in SIGNALS and d != "failed")


def test_a_fold_whose_others_saw_one_kind_keeps_the_end_models_figure() -> None:
    frame, soft, y = _blind_spot()
    probs, _, _ = fit_end_model(frame, soft)
    bad = np.full(len(y), -1)
    chosen = np.r_[np.flatnonzero(y == 1)[:1], np.flatnonzero(y == 0)[:9]]  # one bad among ten
    bad[chosen] = y[chosen]
    corrected = correct_with_gold(frame, probs, bad)
    assert corrected.note is not None and corrected.probs[chosen[0]] == probs[chosen[0]]
