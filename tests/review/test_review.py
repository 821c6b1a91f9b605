"""critic review: the queue, verdicts from the CLI and files, and verdicts as gold in label."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.combine.label import run_label
from critic.config import Config
from critic.errors import ConfigError, InputError
from critic.review.queue import _counts, bad_rate, build_queue, parse_shares, wilson
from critic.review.verdicts import import_verdicts, mark, reviewer_agreement
from critic.store import Store, Window
from critic.store.review import gold, pending
from critic.triage.period import last_full_week


def _queue(store: Store, n: int = 30, shares: str | None = None):
    week = last_full_week(store)
    return week, build_queue(store, week.start, week.end, week.label, n, parse_shares(shares))


def test_the_queue_says_why_and_splits_by_share(labelled_store: Store) -> None:
    week, items = _queue(labelled_store, 30)
    reasons = [q.reason for q in items]
    assert len(items) == 30 and {r: reasons.count(r) for r in set(reasons)} == {
        "worst": 6,
        "informative": 18,
        "audit": 6,
    }
    worst = [q.p_bad for q in items if q.reason == "worst"]
    others = [q.p_bad for q in items if q.reason == "informative"]
    assert min(worst) >= max(others)  # the worst are the highest P(bad)
    informative = [abs(p - 0.5) for p in others]
    assert np.mean(informative) < np.mean([abs(p - 0.5) for p in worst])  # nearer 0.5 than the worst
    assert [i for i, _, _ in pending(labelled_store)] == [q.interaction_id for q in items]  # kept, in queue order
    assert reasons[:3] == ["worst", "informative", "audit"]  # interleaved: stopping early still audits
    assert all(q.p_bad is not None for q in items)  # an audit pick shows its P(bad) too


def test_nothing_reviewed_is_queued_again_and_the_audit_draw_is_stable(labelled_store: Store) -> None:
    week, first = _queue(labelled_store, 20)
    audit = [q.interaction_id for q in first if q.reason == "audit"]
    for q in first[:10]:
        mark(labelled_store, q.interaction_id, "bad", reviewer="ana")
    _, second = _queue(labelled_store, 20)
    assert not {q.interaction_id for q in first[:10]} & {q.interaction_id for q in second}
    again = [q.interaction_id for q in second if q.reason == "audit"]
    still = [a for a in audit if a not in {q.interaction_id for q in first[:10]}]
    assert again[: len(still)] == still  # one permutation per period: the unreviewed part of the draw comes first


def test_informative_picks_are_spread_not_near_copies(labelled_store: Store) -> None:
    """The queue's informative picks come from the 8×k most informative, spread in the end model's feature space."""
    from critic.combine.endmodel import features
    from critic.review.queue import POOL_PER_ITEM, _information, _spread
    from critic.store import Window
    from critic.store.review import queue_candidates

    week = last_full_week(labelled_store)
    candidates = {i: c for i, *c in queue_candidates(labelled_store, week.start, week.end)}
    ranked = sorted(candidates, key=lambda i: (-_information(*candidates[i]), i))
    window = Window(week.start.isoformat(), week.end.isoformat())
    pool = ranked[: POOL_PER_ITEM * 10]
    assert _spread(labelled_store, window, pool[:10], 10) == pool[:10]  # nothing to choose from: as ranked
    picked = _spread(labelled_store, window, pool, 10)
    assert picked[0] == ranked[0] and len(set(picked)) == 10 and set(picked) <= set(pool)
    frame = features(labelled_store)  # the week's, as _spread left them
    z = ((frame - frame.mean()) / frame.std().replace(0, 1)).fillna(0.0)

    def closest(ids: list[str]) -> float:
        v = z.loc[ids].to_numpy(float)
        d = np.linalg.norm(v[:, None] - v[None], axis=2)
        return float(d[~np.eye(len(ids), dtype=bool)].min())

    assert closest(picked) > closest(ranked[:10])  # the top ten by information alone hold near-copies


def test_the_informative_picks_hold_no_exchange_twice(labelled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample logs canned exchanges more than once; a reviewer sees each at most once among the informative,
    however far apart their other features (latency, events) put them."""
    import pandas as pd

    from critic.review import queue
    from critic.store.review import exchanges, period_ids

    week = last_full_week(labelled_store)
    ids = period_ids(labelled_store, week.start, week.end)
    scattered = pd.DataFrame(np.random.default_rng(0).normal(size=(len(ids), 3)), index=ids)
    monkeypatch.setattr(queue, "features", lambda store: scattered)
    _, items = _queue(labelled_store, 40, "informative=1")
    digests = exchanges(labelled_store, [q.interaction_id for q in items])
    assert len(items) == 40 and len(set(digests.values())) == 40


def test_the_spread_never_repeats_an_interaction(labelled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Identical feature rows (canned replies): each interaction once, then the rest of the pool by information."""
    import pandas as pd

    from critic.review import queue
    from critic.review.queue import _spread
    from critic.store import Window

    rows = {"a": (1.0, 0.0), "b": (1.0, 0.0), "c": (1.0, 0.0), "d": (5.0, 1.0), "e": (5.0, 1.0), "f": (3.0, 0.0)}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["score:tone@j", "refusal"])
    monkeypatch.setattr(queue, "features", lambda store: frame)
    window = Window("2000-01-01", "2000-01-02")
    assert _spread(labelled_store, window, ["a", "b", "d", "c", "e"], 4) == ["a", "d", "b", "c"]
    assert _spread(labelled_store, window, ["a", "b", "c", "d"], 2) == ["a", "d"]


def test_shares_parse_and_fail_clearly() -> None:
    assert parse_shares("worst=1") == {"worst": 1.0, "informative": 0.0, "audit": 0.0}
    assert sum(_counts(7, parse_shares(None)).values()) == 7
    with pytest.raises(ConfigError, match="reasons are"):
        parse_shares("best=1")
    with pytest.raises(ConfigError, match="REASON=SHARE"):
        parse_shares("worst=lots")


def test_wilson_interval_matches_a_hand_computed_value() -> None:
    low, high = wilson(2, 10)  # Wilson 95% for 2/10: 0.0567 to 0.5098
    assert low == pytest.approx(0.0567, abs=1e-4) and high == pytest.approx(0.5098, abs=1e-4)


def test_the_audit_estimate_counts_only_the_uniform_sample(labelled_store: Store) -> None:
    week, items = _queue(labelled_store, 40, "worst=0.5,audit=0.5")
    for q in items:
        mark(labelled_store, q.interaction_id, "bad" if q.reason == "worst" else "ok", reviewer="ana")
    rate = bad_rate(labelled_store, week.start, week.end)
    assert rate.audited == 20 and rate.bad == 0 and rate.rate == 0.0 and rate.high is not None and rate.high < 0.2


def test_mark_refuses_unknown_ids_and_verdicts(labelled_store: Store) -> None:
    with pytest.raises(ConfigError, match="no interaction 'nope'"):
        mark(labelled_store, "nope", "bad", reviewer="ana")
    first = _queue(labelled_store, 1)[1][0].interaction_id
    with pytest.raises(ConfigError, match="use bad or ok"):
        mark(labelled_store, first, "meh", reviewer="ana")


def test_import_is_all_or_nothing_and_names_the_line(labelled_store: Store, tmp_path: Path) -> None:
    ids = [q.interaction_id for q in _queue(labelled_store, 3)[1]]
    path = tmp_path / "v.jsonl"
    lines = [
        {"interaction_id": ids[0], "verdict": "bad", "mode": "refusal"},
        {"interaction_id": "ghost", "verdict": "ok"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    with pytest.raises(InputError, match=r"v.jsonl:2: no interaction 'ghost'"):
        import_verdicts(labelled_store, str(path), "ana")
    assert gold(labelled_store) == {}  # nothing half-written
    path.write_text(json.dumps({"interaction_id": ids[0], "verdict": "maybe"}) + "\n")
    with pytest.raises(InputError, match=r"v.jsonl:1: 'verdict' must be bad or ok"):
        import_verdicts(labelled_store, str(path), "ana")
    path.write_text(json.dumps({"interaction_id": ids[0], "verdict": "ok", "created_at": "last tuesday"}) + "\n")
    with pytest.raises(InputError, match=r"v.jsonl:1: 'created_at' 'last tuesday' is not an ISO 8601 time"):
        import_verdicts(labelled_store, str(path), "ana")
    assert gold(labelled_store) == {}
    path.write_text(
        "".join(
            json.dumps({"interaction_id": i, "verdict": v, "reviewer": r}) + "\n"
            for i, v, r in [
                (ids[0], "bad", "ana"),
                (ids[1], "ok", "ana"),
                (ids[0], "bad", "ben"),
                (ids[1], "bad", "ben"),
            ]
        )
    )
    assert import_verdicts(labelled_store, str(path), "ana") == 4
    found = reviewer_agreement(labelled_store)
    assert found["items"] == 2 and found["agreement"] == 0.5  # both kept, disagreement reported
    assert gold(labelled_store)[ids[1]] == "bad"  # the latest verdict is the gold


def test_verdicts_are_gold_in_label(labelled_store: Store, planted: dict[str, str]) -> None:
    week, items = _queue(labelled_store, 60, "worst=0.5,audit=0.5")
    for q in items:  # a reviewer who knows the planted failures
        mark(labelled_store, q.interaction_id, "bad" if q.interaction_id in planted else "ok", reviewer="ana")
    result = run_label(labelled_store, Config(), Window())
    p_bad = {r["id"]: r["p_bad"] for r in result.rows}
    verdicts = gold(labelled_store)
    assert all(p_bad[i] == (1.0 if v == "bad" else 0.0) for i, v in verdicts.items())
    assert result.gold is not None and result.gold["reviewed"] == 60 and result.gold["auc"] is not None
    assert result.gold["auc"] > 0.8 and result.gold["bad"] == sum(i in planted for i in verdicts)
    assert "reviewed audit sample" in result.note  # 30 audit verdicts: the class prior comes from them
    drivers = {r["id"]: json.loads(r["drivers"]) for r in result.rows}
    assert all(drivers[i] == [f"reviewed: {'bad' if v == 'bad' else 'fine'}"] for i, v in verdicts.items())
    for source in result.sources:  # an accuracy on gold rests on the source's votes there, or there is none
        assert (source.gold_accuracy is None) == (source.gold_votes == 0), source
    assert any(s.gold_votes for s in result.sources)
    for line in (d for d in drivers.values() if d and d[0].startswith("people's verdicts: ")):
        assert len(line) == len(set(line)) and line[0].removeprefix("people's verdicts: ") not in line[1:]


def test_a_source_that_never_voted_on_gold_has_no_gold_accuracy() -> None:
    """Snorkel's lf_empirical_accuracies reports 0 there; critic reports none, and how many votes a figure rests on."""
    from critic.combine.label import _source_stats

    matrix = np.array([[1, -1], [0, -1], [1, 1], [0, 0]])
    gold = np.array([1, 1, -1, -1])  # the first two rows reviewed: bad, bad
    first, second = _source_stats(["a", "b"], matrix, None, {}, gold)
    assert (first.gold_accuracy, first.gold_votes) == (0.5, 2)
    assert (second.gold_accuracy, second.gold_votes) == (None, 0)


def test_review_cli_round_trip(labelled_store: Store, runner: CliRunner, tmp_path: Path) -> None:
    db = labelled_store.path
    labelled_store.close()
    queued = runner.invoke(cli, ["review", "queue", "--db", db, "--n", "5", "--format", "json"])
    assert queued.exit_code == 0, queued.output
    rows = json.loads(queued.output)
    assert len(rows) == 5 and set(rows[0]) == {"interaction_id", "reason", "p_bad"}
    first = rows[0]["interaction_id"]
    marked = runner.invoke(
        cli, ["review", "mark", first, "--bad", "--mode", "refusal", "--db", db, "--reviewer", "ana"]
    )
    assert marked.exit_code == 0 and f"{first}: bad by ana" in marked.output
    assert runner.invoke(cli, ["review", "mark", first, "--db", db]).exit_code == 2  # neither --bad nor --ok
    both = runner.invoke(cli, ["review", "mark", first, "--bad", "--ok", "--db", db])
    assert both.exit_code == 2 and "one of --bad or --ok" in both.output
    missing = runner.invoke(cli, ["review", "mark", "ghost", "--ok", "--db", db])
    assert missing.exit_code == 1 and "no interaction 'ghost'" in missing.output
    golden = tmp_path / "golden.jsonl"
    exported = runner.invoke(cli, ["review", "export", "--db", db, "--golden", str(golden)])
    assert exported.exit_code == 0
    line = json.loads(exported.stdout.splitlines()[0])
    assert line["interaction_id"] == first and line["verdict"] == "bad" and line["mode"] == "refusal"
    item = json.loads(golden.read_text().splitlines()[0])
    assert item["id"] == first and item["verdict"] == "bad" and item["output"]
    again = runner.invoke(cli, ["review", "queue", "--db", db, "--n", "5", "--format", "json"])
    assert first not in {r["interaction_id"] for r in json.loads(again.output)}
    exported_file = tmp_path / "verdicts.jsonl"
    exported_file.write_text(exported.stdout)  # what export writes, import reads back: reviewer, reason, time kept
    imported = runner.invoke(cli, ["review", "import", str(exported_file), "--db", db, "--reviewer", "someone"])
    assert imported.exit_code == 0, imported.output
    reexported = json.loads(runner.invoke(cli, ["review", "export", "--db", db]).stdout.splitlines()[0])
    assert reexported == line
    bogus = runner.invoke(cli, ["review", "queue", "--db", db, "--shares", "worst=abc"])
    assert bogus.exit_code == 2 and "--shares" in bogus.output
    empty = runner.invoke(cli, ["review", "queue", "--db", db, "--week", "2031-W10"])
    assert empty.exit_code == 0 and "no interactions logged in 2031-W10" in empty.output


def test_a_golden_set_holds_no_personal_data_unless_asked(labelled_store: Store, tmp_path: Path) -> None:
    db = labelled_store.path
    (iid, text) = labelled_store.con.execute(
        "SELECT id, input FROM interactions WHERE input LIKE '%@example.com%' ORDER BY id LIMIT 1"
    ).fetchone()
    mark(labelled_store, iid, "ok", reviewer="ana")
    labelled_store.close()
    email = next(w for w in text.split() if "@example.com" in w).rstrip(".,")
    for flags, kept in (([], False), (["--keep-pii"], True)):
        golden = tmp_path / "golden.jsonl"
        done = CliRunner().invoke(cli, ["review", "export", "--db", db, "--golden", str(golden), *flags])
        assert done.exit_code == 0, done.output
        (item,) = [json.loads(line) for line in golden.read_text().splitlines()]
        assert (email in item["input"]) is kept and ("[EMAIL]" in item["input"]) is not kept


def test_review_show_prints_what_the_page_shows(labelled_store: Store, runner: CliRunner) -> None:
    db = labelled_store.path
    week, items = _queue(labelled_store, 5)
    first = items[0].interaction_id
    mark(labelled_store, first, "bad", reviewer="ana", mode="refusal", note="no refund help")
    (output,) = labelled_store.con.execute("SELECT output FROM interactions WHERE id = ?", [first]).fetchone()
    labelled_store.close()
    text = runner.invoke(cli, ["review", "show", first, "--db", db])
    assert text.exit_code == 0, text.output
    assert " ".join(output.split())[:60] in text.output and "scores:" in text.output and "why: P(bad)" in text.output
    assert "verdict: bad by ana" in text.output and "mode refusal; note no refund help" in text.output
    shown = json.loads(runner.invoke(cli, ["review", "show", first, "--db", db, "--format", "json"]).stdout)
    assert shown["id"] == first and shown["output"] == output and shown["verdicts"][0]["reviewer"] == "ana"
    unknown = runner.invoke(cli, ["review", "show", "ghost", "--db", db])
    assert unknown.exit_code == 1 and "no interaction 'ghost'" in unknown.output


def test_the_report_shows_verdicts_drops_fine_cases_and_estimates_the_bad_rate(labelled_store: Store) -> None:
    from critic.triage.report import build_report

    week, items = _queue(labelled_store, 40, "worst=0.5,audit=0.5")
    worst = [q.interaction_id for q in items if q.reason == "worst"]
    for i in worst[:5]:
        mark(labelled_store, i, "ok", reviewer="ana")  # people say these were fine: they leave the problems
    audited = [q.interaction_id for q in items if q.reason == "audit"]
    for i in audited:
        mark(labelled_store, i, "bad" if i == audited[0] else "ok", reviewer="ana")
    report = build_report(labelled_store, Config(), week)
    members = {e["id"] for c in report["clusters"] for e in c["examples"]} | {w["id"] for w in report["worst"]}
    assert not members & set(worst[:5])
    shown = [w for w in report["worst"] if w["verdict"]] + [u for u in report["unclustered"] if u["verdict"]]
    assert all(w["verdict"] in ("bad", "ok") for w in shown)
    audit = report["review"]["audit"]
    assert audit["audited"] == 20 and audit["bad"] == 1 and audit["ci95"][0] < 0.05 < audit["ci95"][1]
    assert report["review"]["reviewed"] == 25


def test_langfuse_annotations_become_verdicts(store: Store) -> None:
    """The real Langfuse exports (tests/data/langfuse): a person's yes/no annotation is a verdict; free text, a
    correction, a category on a longer scale and scores from the API or an evaluator stay events."""
    from critic.ingest import ingest_files
    from critic.store.review import verdicts

    folder = Path(__file__).resolve().parents[1] / "data" / "langfuse"
    ingest_files(store, [str(p) for p in sorted(folder.glob("*.json")) if p.name != "expected.json"], Config())
    found = {(v["interaction_id"], v["reviewer"]): (v["verdict"], v["mode"], v["source"]) for v in verdicts(store)}
    assert found == {
        ("timeline-shapes-s42-error-cascade-obs-2", "user-1"): ("bad", "Accuracy", "langfuse"),  # "Incorrect"
        ("support-agent-s42-obs-12", "user-1"): ("ok", "Toxicity", "langfuse"),  # Toxicity False, Accuracy Correct
    }
