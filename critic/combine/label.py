"""`critic label`: build the label matrix from the store, fit Snorkel's LabelModel, store P(bad)."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from critic.combine.endmodel import EndModel, correct_with_gold, features, fit_end_model
from critic.combine.sources import (
    ABSTAIN,
    BAD,
    GOOD,
    load_user_sources,
    user_votes,
    vote_rules,
)
from critic.config import Config
from critic.errors import CriticError
from critic.signals import HEURISTICS
from critic.store import Store, Window
from critic.store.labels import (
    choose_for_label,
    chosen_interactions,
    failed_or_empty,
    gold_marks,
    label_of,
    vote_matrix,
    write_labels,
)
from critic.store.review import chosen_audit, chosen_gold
from critic.store.views import LIKELY_BAD_ABOVE


@dataclass
class SourceStats:
    """One labeling source: how often it voted, overlapped and conflicted, its learned weight."""

    name: str
    coverage: float
    overlaps: float
    conflicts: float
    weight: float | None
    votes_bad: int
    votes_good: int
    faulty: int = 0
    gold_accuracy: float | None = None
    gold_votes: int = 0  # its votes on reviewed (or metadata.gold) rows: what gold_accuracy rests on
    agreement: float | None = None  # share of its votes the other sources' majority agreed with
    trusted: bool = True
    distrusted_because: str | None = None
    end_weight: float | None = None  # its evidence's standardized weight in the end model


@dataclass
class LabelResult:
    """What `critic label` did."""

    interactions: int
    sources: list[SourceStats]
    label_model: str  # snorkel | majority | none
    note: str
    model_version: str = ""
    likely_bad: int = 0
    end_model: EndModel | None = None
    rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    gold: dict[str, Any] | None = None  # how P(bad) fares on people's verdicts (out of fold, before they override it)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "interactions": self.interactions,
            "label_model": self.label_model,
            "note": self.note,
            "model_version": self.model_version,
            "likely_bad": self.likely_bad,
            "end_model": self.end_model.as_dict() if self.end_model else None,
            "sources": [asdict(s) for s in self.sources],
        }


def label_matrix(
    store: Store, config: Config, window: Window
) -> tuple[list[str], list[str], np.ndarray, dict[str, int]]:
    """(interaction ids, source names, matrix with one row per interaction, faults per user source)."""
    ids = choose_for_label(store, window)
    names, matrix = vote_matrix(store, vote_rules(store, config), ABSTAIN)
    user = load_user_sources(config)
    faults: dict[str, int] = {}
    if user and ids:
        extra, faults = user_votes(chosen_interactions(store), user)
        matrix, names = np.hstack([matrix, extra]), names + list(user)
    return ids, names, matrix, faults


def _fit_trusted(
    matrix: np.ndarray, names: list[str], scores: dict[str, np.ndarray], prior: float | None = None
) -> tuple[np.ndarray, str, str, np.ndarray | None, list[float | None], dict[int, str], set[int]]:
    """fit_probabilities without the sources the data contradicts: first those the other sources' votes
    and the judges' scores contradict (returned apart too: their evidence leaves the end model as well),
    then those the label model, fitted without them, finds no better than chance (only their votes go:
    a weak vote may come from a score that still ranks)."""
    agreement, distrust = source_trust(matrix, names, scores)
    contradicted = set(distrust)
    trusted = matrix.copy()
    trusted[:, list(distrust)] = ABSTAIN
    silence = _judges_silence(trusted, names, scores)
    votes, model, note, weights = fit_probabilities(trusted, prior_votes=silence, prior=prior)
    if model == "snorkel":
        fitted = prior if prior is not None else _prior(silence, (silence != ABSTAIN).any(axis=1))  # the fit's prior
        more = below_chance(trusted, weights, fitted)
        if more:
            distrust.update(more)
            trusted[:, list(more)] = ABSTAIN
            votes, model, note, weights = fit_probabilities(
                trusted, prior_votes=_judges_silence(trusted, names, scores), prior=prior
            )
    if distrust:
        note += "; not trusted: " + ", ".join(names[j] for j in sorted(distrust))
    return votes, model, note, weights, agreement, distrust, contradicted


def _judges_silence(matrix: np.ndarray, names: list[str], scores: dict[str, np.ndarray]) -> np.ndarray:
    """MATRIX where a judge scored an interaction and did not vote: a "not bad" for the class prior only.

    Each judge's rank vote calls a fixed share bad; three rubrics' lowest shares would make the prior
    their union. Counting a judge's silence on what it scored, an interaction is bad by majority only
    when most of what looked at it said so."""
    votes = matrix.copy()
    for j, name in enumerate(names):
        key = name.partition(":")[2]
        trusted = (matrix[:, j] != ABSTAIN).any()  # a judge not trusted (all its votes withdrawn) says nothing here
        if name.startswith("critic:") and key in scores and trusted:
            votes[np.isfinite(scores[key]) & (votes[:, j] == ABSTAIN), j] = GOOD
    return votes


def fit_probabilities(
    matrix: np.ndarray, seed: int = 0, prior_votes: np.ndarray | None = None, prior: float | None = None
) -> tuple[np.ndarray, str, str, np.ndarray | None]:
    """(P(bad) per row, model used, why, learned source weights) — Snorkel where it is identifiable.

    The class prior is PRIOR when given (the audit sample's bad share), else the majority vote's share of
    bad, from PRIOR_VOTES when given (the matrix with a judge's silence on what it scored counted as
    "not bad"), else from MATRIX."""
    voting = matrix[:, (matrix != ABSTAIN).any(axis=0)] if matrix.size else matrix
    n_sources = voting.shape[1] if voting.ndim == 2 else 0
    if n_sources == 0:
        return np.full(len(matrix), np.nan), "none", "no source voted on any interaction; nothing to label", None
    classes = set(np.unique(voting[voting != ABSTAIN]).tolist())
    if n_sources < 3 or len(classes) < 2:
        why = (
            f"only {n_sources} source(s) voted; the label model needs at least 3"
            if n_sources < 3
            else "every vote agrees, so source accuracies cannot be told apart"
        )
        covered = (voting != ABSTAIN).any(axis=1)
        prior = _prior(voting, covered)
        return (
            np.where(covered, _majority(voting), prior),
            "majority",
            why + f"; used majority vote (ties: 0.5; no vote: the class prior {prior:.2f})",
            None,
        )
    from snorkel.labeling.model import LabelModel

    # Snorkel assumes balanced classes unless told; most traffic is fine, so the prior comes from
    # the majority vote, a row no source voted on counting as fine (most sources only ever say "bad").
    basis = voting if prior_votes is None else prior_votes
    whence = (
        " from the majority vote"
        + ("" if prior_votes is None else " (a judge that scored an interaction and did not vote bad: not bad)")
        + ", no vote counting as fine"
    )
    if prior is None:
        prior = _prior(basis, (basis != ABSTAIN).any(axis=1))
    else:
        whence = " from the reviewed audit sample"
    model = LabelModel(cardinality=2, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(
            L_train=voting, n_epochs=500, seed=seed, log_freq=1000, progress_bar=False, class_balance=[1 - prior, prior]
        )
        probs = model.predict_proba(voting)[:, BAD]
    weights = np.full(matrix.shape[1], np.nan)
    weights[(matrix != ABSTAIN).any(axis=0)] = model.get_weights()
    return (
        probs,
        "snorkel",
        (f"Snorkel LabelModel over {n_sources} voting sources; class prior P(bad) = {prior:.2f}{whence}"),
        weights,
    )


FEEDBACK = ("event:thumb_down", "event:thumb_up")  # what the user said, in so many words
FEEDBACK_WEIGHT = 0.5  # how far a thumb moves the end model's target from the label model's P(bad) to the verdict


def feedback_targets(names: list[str], matrix: np.ndarray, soft: np.ndarray) -> np.ndarray:
    """The end model's targets: the user's own verdict where there is one (thumbs down 1, up 0; both: the
    label model's), the label model's P(bad) elsewhere. The user is the source of truth: the label model
    may rate a sparse thumb below a broad judge, but what a judge's score means is learned from them."""
    target = soft.copy()
    column = {n: matrix[:, names.index(n)] if n in names else np.full(len(soft), ABSTAIN) for n in FEEDBACK}
    down, up = column[FEEDBACK[0]] == BAD, column[FEEDBACK[1]] == GOOD
    target[down & ~up] = FEEDBACK_WEIGHT + (1 - FEEDBACK_WEIGHT) * target[down & ~up]
    target[up & ~down] = (1 - FEEDBACK_WEIGHT) * target[up & ~down]
    return target


MIN_OVERLAP = 20  # votes beside others' (and rows without its vote) before a source's agreement counts
Z_CONTRADICTED = 2.0  # how far (in standard errors) the others must lean against a source's votes


def source_trust(
    matrix: np.ndarray, names: list[str], scores: dict[str, np.ndarray]
) -> tuple[list[float | None], dict[int, str]]:
    """(agreement per source, {column: why it is not trusted}) for the sources the other sources contradict.

    A source's agreement is the share of its votes that the majority of the other sources voting
    on the same interaction agreed with (ties and rows no other source voted on left out). Most
    sources vote one way only, so agreement is judged against the rows where the source is silent:
    a source is contradicted when the others call its bad-voted interactions bad *less* often than
    the interactions it did not vote on (or its good-voted ones bad more often), by at least
    Z_CONTRADICTED standard errors over MIN_OVERLAP votes. SCORES ({"RUBRIC@JUDGE": expected score per
    row, NaN where none}) speak too, as a vote each: below the judge's median bad, above it fine — a
    judge's ranking counts even where its votes are silent (not against that judge's own source).
    """
    split = {key: _median_votes(values) for key, values in scores.items()}
    agreement: list[float | None] = []
    distrust: dict[int, str] = {}
    for j in range(matrix.shape[1]):
        own = names[j].partition(":")[2]
        others = np.column_stack([np.delete(matrix, j, axis=1)] + [v for k, v in split.items() if k != own])
        bad, good = (others == BAD).sum(axis=1), (others == GOOD).sum(axis=1)
        decided = bad != good
        majority = np.where(bad > good, BAD, GOOD)
        voted = decided & (matrix[:, j] != ABSTAIN)
        agreement.append(round(float((matrix[voted, j] == majority[voted]).mean()), 4) if voted.any() else None)
        why = _contradicted(matrix[:, j], majority, decided)
        if why is not None:
            distrust[j] = why
    return agreement, distrust


def below_chance(matrix: np.ndarray, accuracy: np.ndarray | None, prior: float) -> dict[int, str]:
    """{column: why} for sources the label model estimates no better than chance: the class prior for a bad
    vote, its complement for a good one. When most sources look so, the fit is suspect, not the sources:
    nothing is returned."""
    if accuracy is None:
        return {}
    found = {}
    for j in np.flatnonzero(~np.isnan(accuracy)):
        chance = _chance(matrix[:, j], prior)
        if chance is not None and accuracy[j] <= chance:
            found[int(j)] = (
                f"the label model estimates its accuracy at {accuracy[j]:.2f}, no better than chance ({chance:.2f})"
            )
    return found if 2 * len(found) < int((~np.isnan(accuracy)).sum()) else {}


def _median_votes(values: np.ndarray) -> np.ndarray:
    """A judge's scores as votes for judging other sources: below its median bad, above fine, else silent."""
    median = np.nanmedian(values) if np.isfinite(values).any() else np.nan
    return np.where(values < median, BAD, np.where(values > median, GOOD, ABSTAIN))


def _contradicted(votes: np.ndarray, majority: np.ndarray, decided: np.ndarray) -> str | None:
    silent = decided & (votes == ABSTAIN)
    if silent.sum() < MIN_OVERLAP:
        return None
    base = float((majority[silent] == BAD).mean())
    for side, word in ((BAD, "bad"), (GOOD, "fine")):
        rows = decided & (votes == side)
        if rows.sum() < MIN_OVERLAP:
            continue
        rate = float((majority[rows] == BAD).mean())
        pooled = float((majority[rows | silent] == BAD).mean())
        se = np.sqrt(pooled * (1 - pooled) * (1 / rows.sum() + 1 / silent.sum())) or 1.0
        z = (rate - base) / se
        if (side == BAD and z < -Z_CONTRADICTED) or (side == GOOD and z > Z_CONTRADICTED):
            return (
                f"the other sources call {rate:.0%} of what it votes {word} bad, and {base:.0%} of what it "
                f"does not vote on ({int(rows.sum())} and {int(silent.sum())} interactions)"
            )
    return None


def _chance(votes: np.ndarray, prior: float) -> float | None:
    """The accuracy a source voting at random with its own mix of bad and good votes would have."""
    n_bad, n_good = int((votes == BAD).sum()), int((votes == GOOD).sum())
    if n_bad + n_good == 0:
        return None
    return (n_bad * prior + n_good * (1 - prior)) / (n_bad + n_good)


def evidence_features(source: str, columns: Any) -> list[str]:
    """The end model's features that carry SOURCE's evidence (a judge's score, an event's count, a signal)."""
    kind, _, name = source.partition(":")
    wanted = {
        "critic": [f"score:{name}", f"low:{name}", f"missing:{name}"],
        "event": [f"events:{name}"],
        "heuristic": [HEURISTICS.get(name, name)],
    }.get(kind, [])
    return [f for f in wanted if f in columns]


def _prior(voting: np.ndarray, covered: np.ndarray) -> float:
    """P(bad) before evidence: the majority vote's share of bad over all rows, a row with no vote counting as fine."""
    return float(np.clip(np.where(covered, _majority(voting), 0.0).mean(), 0.01, 0.99)) if covered.any() else 0.5


def _majority(matrix: np.ndarray) -> np.ndarray:
    bad = (matrix == BAD).sum(axis=1)
    good = (matrix == GOOD).sum(axis=1)
    total = bad + good
    return np.where(total > 0, bad / np.maximum(total, 1), 0.5)


def _judge_scores(frame: Any) -> dict[str, np.ndarray]:
    """{"RUBRIC@JUDGE": the end model's score feature per row, NaN where that judge did not score it}."""
    keys = [c.partition(":")[2] for c in frame.columns if c.startswith("score:")]
    return {k: np.where(frame[f"missing:{k}"] > 0, np.nan, frame[f"score:{k}"]).astype(float) for k in keys}


def run_label(store: Store, config: Config, window: Window) -> LabelResult:
    """Fit and store P(bad) for every interaction in WINDOW; per-source statistics in the result."""
    ids, names, matrix, faults = label_matrix(store, config, window)
    frame = features(store).reindex(ids)
    verdict = _verdicts(store)
    prior = audit_prior(chosen_audit(store))
    fitted = _fit_trusted(matrix, names, _judge_scores(frame), prior)
    votes, model, note, weights, agreement, distrust, contradicted = fitted
    gold = _gold(store)
    if verdict is not None:
        gold = np.where(verdict != ABSTAIN, verdict, ABSTAIN if gold is None else gold)
    stats = _source_stats(names, matrix, weights, faults, gold)
    for j, s in enumerate(stats):
        s.agreement, s.trusted, s.distrusted_because = agreement[j], j not in distrust, distrust.get(j)
    if model == "none" or not ids:
        return LabelResult(len(ids), stats, model, note)
    dropped = [f for j in contradicted for f in evidence_features(names[j], frame.columns)]
    kept = frame.drop(columns=dropped)
    probs, drivers, end = fit_end_model(kept, feedback_targets(names, matrix, votes))
    if verdict is not None and end.kind != "none":  # people's verdicts correct it (cross-fitted on the reviewed)
        corrected = correct_with_gold(kept, probs, verdict)  # BAD 1, GOOD 0, ABSTAIN -1
        probs, end.note = corrected.probs, end.note + (f"; {corrected.note}" if corrected.note else "")
        drivers = [
            [f"people's verdicts: {feature}", *[x for x in d if x != feature][:2]] if feature else d
            for feature, d in zip(corrected.raised_by or [None] * len(drivers), drivers)
        ]
    for s in stats:
        found: list[float] = sorted((end.weights[f] for f in evidence_features(s.name, end.weights)), key=abs)
        s.end_weight = round(found[-1], 4) if found else None
    probs, drivers = _failed_calls_are_bad(store, probs, drivers)
    on_gold = gold_figures(probs, verdict) if verdict is not None else None
    if verdict is not None:  # reviewed: P(bad) is the verdict
        probs = np.where(verdict != ABSTAIN, verdict, probs).astype(float)
        drivers = [
            ["reviewed: bad" if v == BAD else "reviewed: fine"] if v != ABSTAIN else d for v, d in zip(verdict, drivers)
        ]
    version = hashlib.sha256(json.dumps([model, names, [s.weight for s in stats], end.as_dict()]).encode()).hexdigest()[
        :12
    ]
    result = LabelResult(len(ids), stats, model, note, version, end_model=end, gold=on_gold)
    now = datetime.now(UTC)
    rows = [
        {
            "interaction_id": i,
            "p_bad": float(p),
            "label_model": model,
            "model_version": version,
            "sources_bad": json.dumps([n for n, v in zip(names, r) if v == BAD]),
            "sources_good": json.dumps([n for n, v in zip(names, r) if v == GOOD]),
            "created_at": now,
            "p_bad_votes": float(pv),
            "drivers": json.dumps(d),
        }
        for i, p, pv, d, r in zip(ids, probs, votes, drivers, matrix.tolist())
    ]
    write_labels(
        store,
        rows,
        {
            "created_at": now,
            "model_version": version,
            "label_model": model,
            "note": note,
            "interactions": len(ids),
            "sources": [asdict(s) for s in stats],
            "end_model": end.as_dict(),
        },
    )
    result.likely_bad = int((probs > LIKELY_BAD_ABOVE).sum())
    result.rows = [
        {
            "id": r["interaction_id"],
            "p_bad": r["p_bad"],
            "p_bad_votes": r["p_bad_votes"],
            "sources_bad": r["sources_bad"],
            "sources_good": r["sources_good"],
            "drivers": r["drivers"],
        }
        for r in rows
    ]
    return result


def _failed_calls_are_bad(
    store: Store, probs: np.ndarray, drivers: list[list[str]]
) -> tuple[np.ndarray, list[list[str]]]:
    """P(bad) = 1 for a failed call (finish_reason 'error') and for an empty reply: the user got an error or
    nothing, whatever else was seen."""
    rows = failed_or_empty(store)
    failed = np.array([bool(f) for f, _ in rows], dtype=bool)
    empty = np.array([bool(e) for _, e in rows], dtype=bool)
    probs = np.where(failed | empty, 1.0, probs)
    return probs, [["failed call"] if f else ["empty reply"] if e else d for f, e, d in zip(failed, empty, drivers)]


def explain_label(store: Store, interaction_id: str) -> dict[str, Any]:
    """Why one interaction got its P(bad): both probabilities, the sources that voted, the end model's drivers."""
    row = label_of(store, interaction_id)
    if row is None:
        raise CriticError(f"no label for {interaction_id!r} in {store.path}; check the id, or run critic label first")
    p_bad, votes, bad, good, drivers = row.values()
    return {
        "id": interaction_id,
        "p_bad": p_bad,
        "p_bad_votes": p_bad if votes is None else votes,
        "sources_bad": json.loads(bad or "[]"),
        "sources_good": json.loads(good or "[]"),
        "drivers": json.loads(drivers or "[]"),
    }


MIN_AUDIT = 20  # reviewed audit verdicts before their bad share replaces the majority vote's as the class prior
PRECISION_AT = 10


def audit_prior(found: list[str]) -> float | None:
    """The class prior from the reviewed audit sample (a uniform sample: an unbiased share), once it has
    MIN_AUDIT verdicts; clipped to [0.01, 0.99] like the vote-based prior."""
    if len(found) < MIN_AUDIT:
        return None
    return float(np.clip(sum(v == "bad" for v in found) / len(found), 0.01, 0.99))


def gold_figures(probs: np.ndarray, verdict: np.ndarray) -> dict[str, Any]:
    """How P(bad) (cross-fitted, before verdicts override it) ranks the reviewed interactions: ROC AUC and
    precision among the PRECISION_AT it rates worst."""
    rows = verdict != ABSTAIN
    y, p = verdict[rows] == BAD, probs[rows]
    out: dict[str, Any] = {"reviewed": int(rows.sum()), "bad": int(y.sum()), "auc": None, "precision_at_k": None}
    if 0 < y.sum() < len(y):
        from sklearn.metrics import roc_auc_score

        out["auc"] = round(float(roc_auc_score(y, p)), 4)
    if len(y):
        k = min(PRECISION_AT, len(y))
        out |= {"k": k, "precision_at_k": round(float(y[np.argsort(-p, kind="stable")[:k]].mean()), 4)}
    return out


def _verdicts(store: Store) -> np.ndarray | None:
    """People's verdicts per chosen interaction (BAD, GOOD, else ABSTAIN), or None when nobody reviewed any."""
    found = np.array([BAD if v == "bad" else GOOD if v == "ok" else ABSTAIN for v in chosen_gold(store)], dtype=int)
    return found if (found != ABSTAIN).any() else None


def _gold(store: Store) -> np.ndarray | None:
    """Gold labels from metadata.gold ('bad'/'good', 1/0), where any interaction carries one."""
    marks = gold_marks(store)
    gold = np.array([BAD if g in ("bad", "1") else GOOD if g in ("good", "0") else ABSTAIN for g in marks])
    return gold if (gold != ABSTAIN).any() else None


def _source_stats(
    names: list[str], matrix: np.ndarray, weights: np.ndarray | None, faults: dict[str, int], gold: np.ndarray | None
) -> list[SourceStats]:
    """Snorkel's LFAnalysis figures per source, its learned weight, and its accuracy on gold rows."""
    if not names or not len(matrix):
        return []
    from snorkel.labeling import LFAnalysis

    analysis = LFAnalysis(matrix)
    with warnings.catch_warnings():  # scipy warns about a dtype cast inside Snorkel's sparse matrix code
        warnings.simplefilter("ignore", FutureWarning)
        coverage, overlaps, conflicts = analysis.lf_coverages(), analysis.lf_overlaps(), analysis.lf_conflicts()
    accuracy: list[float | None] = [None] * len(names)
    on_gold = [0] * len(names)
    if gold is not None:  # computed here: Snorkel's lf_empirical_accuracies reports 0 for a source with no vote
        rows = gold != ABSTAIN
        voted = matrix[rows] != ABSTAIN
        on_gold = [int(n) for n in voted.sum(axis=0)]
        right = ((matrix[rows] == gold[rows][:, None]) & voted).sum(axis=0)
        accuracy = [round(float(r) / n, 4) if n else None for r, n in zip(right, on_gold)]
    return [
        SourceStats(
            name=name,
            coverage=round(float(coverage[j]), 4),
            overlaps=round(float(overlaps[j]), 4),
            conflicts=round(float(conflicts[j]), 4),
            weight=None if weights is None or np.isnan(weights[j]) else round(float(weights[j]), 4),
            votes_bad=int((matrix[:, j] == BAD).sum()),
            votes_good=int((matrix[:, j] == GOOD).sum()),
            faulty=faults.get(name, 0),
            gold_accuracy=accuracy[j],
            gold_votes=on_gold[j],
        )
        for j, name in enumerate(names)
    ]
