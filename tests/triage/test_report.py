"""The report as data: the JSON contract, the planted failure modes found, PII never shown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from critic import embed as embed_module
from critic.combine.label import run_label
from critic.config import Config
from critic.errors import ConfigError
from critic.ingest import ingest_files
from critic.store import Store, Window
from critic.triage.period import span_period, week_period
from critic.triage.render import render_html, render_md
from critic.triage.report import build_report, dumps
from critic.triage.signature import is_weak

WEEK = week_period("2026-W47")
ALL = span_period("2026-10-26", "2026-11-23")
SEPARABLE = ("refusal", "rude_tone", "truncated")  # modes the output text and the sources tell apart unjudged


def test_json_contract(labelled_store: Store) -> None:
    report = json.loads(dumps(build_report(labelled_store, Config(), WEEK)))
    assert report["period"]["start"].startswith("2026-11-16") and report["period"]["end"].startswith("2026-11-23")
    assert {"interactions", "share_bad", "judged_share", "judge_cost_usd"} <= set(report["headline"])
    assert report["headline"]["interactions"]["value"] == 495 and report["headline"]["interactions"]["previous"] == 518
    clusters = report["clusters"]
    assert clusters, "the sample week has likely-bad interactions"
    for c in clusters:
        assert {"key", "name", "size", "share_bad", "status", "interaction_ids", "lift"} <= set(c)
        assert c["size"] == len(c["interaction_ids"]) and 3 <= len(c["examples"]) <= 5 or c["size"] < 3
    order = [(is_weak(c["signature"]), -c["expected_bad"]) for c in clusters]
    assert order == sorted(order), "problems with a named cause first, then worst first"
    members = [i for c in clusters for i in c["interaction_ids"]]
    assert len(members) == len(set(members)), "an interaction belongs to one cluster"
    assert len(members) + report["clustering"]["unclustered"] == report["headline"]["likely_bad"]["value"]
    keys = {c["key"] for c in clusters}
    assert all(w["cluster"] in keys | {None} for w in report["worst"])
    assert [w["p_bad"] for w in report["worst"]] == sorted((w["p_bad"] for w in report["worst"]), reverse=True)
    assert set(report["latency"]) >= {"by_feature", "by_model", "spike_days", "slowest_1pct"}
    assert set(report["cost"]) >= {"by_feature", "by_model", "by_prompt_version", "total_usd"}


@pytest.mark.parametrize("period", [WEEK, ALL], ids=["week", "four-weeks"])
def test_planted_failure_modes_come_out_as_distinct_clusters_near_the_top(
    labelled_store: Store, planted: dict[str, str], period: object
) -> None:
    report = build_report(labelled_store, Config(), period)  # type: ignore[arg-type]
    top = report["clusters"][:10]
    main = {}
    for mode in SEPARABLE:
        flagged = [i for c in report["clusters"] for i in c["interaction_ids"] if planted.get(i) == mode]
        best = max(top, key=lambda c: sum(planted.get(i) == mode for i in c["interaction_ids"]))
        hits = sum(planted.get(i) == mode for i in best["interaction_ids"])
        assert hits >= 0.8 * len(flagged), f"{mode}: only {hits} of {len(flagged)} in one top-10 cluster"
        assert hits >= 0.6 * best["size"], f"{mode}: its cluster {best['name']!r} is mostly something else"
        main[mode] = best["key"]
    assert len(set(main.values())) == len(SEPARABLE), f"planted modes share a cluster: {main}"
    for mode in ("wrong_language", "invented_numbers"):  # need a judge to separate fully; most land in the top 10
        flagged = [i for c in report["clusters"] for i in c["interaction_ids"] if planted.get(i) == mode]
        in_top = [i for c in top for i in c["interaction_ids"] if planted.get(i) == mode]
        assert len(in_top) >= 0.6 * len(flagged), f"{mode}: {len(in_top)} of {len(flagged)} in the top 10"


def test_lift_names_where_a_problem_lives(labelled_store: Store, planted: dict[str, str]) -> None:
    report = build_report(labelled_store, Config(), ALL)
    refusal = max(report["clusters"], key=lambda c: sum(planted.get(i) == "refusal" for i in c["interaction_ids"]))
    assert "gpt-4.1-mini" in refusal["lift"]["model"] and "support_chat" in refusal["lift"]["feature"]
    assert Counter(refusal["sources"]).most_common(1)[0][0] == "heuristic:refusal"


def test_latency_spike_day_is_found(labelled_store: Store) -> None:
    latency = build_report(labelled_store, Config(), WEEK)["latency"]
    assert "2026-11-18" in [d["day"] for d in latency["spike_days"]]  # the generator's planted slow day
    model_share = latency["slowest_1pct"]["shares"]["model"][0]
    assert model_share["value"] == "llama-3.1-8b" and model_share["lift"] > 1.5


def test_planted_pii_never_appears_unless_asked(labelled_store: Store) -> None:
    report = build_report(labelled_store, Config(), ALL, top=2000)
    shown = dumps(report) + render_md(report) + render_html(report)
    for needle in ("@example.com", "+1 415 555", "4111 1111 1111"):
        assert needle not in shown
    assert "[EMAIL]" in shown or "[PHONE]" in shown or "[CARD]" in shown, "no PII-carrying example was shown"
    raw = build_report(labelled_store, Config(), ALL, top=2000, redact_pii=False)
    assert any(n in dumps(raw) for n in ("@example.com", "+1 415 555", "4111 1111 1111"))


def test_without_labels_the_report_says_to_label_first(sample_store: Store) -> None:
    with pytest.raises(ConfigError, match="critic label"):
        build_report(sample_store, Config(), WEEK)


def test_tfidf_fallback_is_stated(labelled_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRITIC_EMBEDDINGS", "tfidf")
    embed_module._sentence_model.cache_clear()
    try:
        report = build_report(labelled_store, Config(), WEEK)
    finally:
        embed_module._sentence_model.cache_clear()
    assert report["clustering"]["method"] == "tf-idf"
    assert "unavailable" in report["clustering"]["note"] and report["clusters"]
    assert "unavailable" in render_md(report) and "unavailable" in render_html(report)


def test_beyond_max_clustered_a_sample_is_clustered_and_sizes_scale(labelled_store: Store) -> None:
    report = build_report(labelled_store, Config(), WEEK, max_clustered=40)
    clustering = report["clustering"]
    bad = clustering["likely_bad"]
    assert clustering["sampled"] and clustering["clustered"] == 40 and bad > 40
    assert sum(c["size"] for c in report["clusters"]) + clustering["unclustered"] == 40
    assert all(c["estimated_size"] == round(c["size"] * bad / 40) for c in report["clusters"])
    listed = (
        {i for c in report["clusters"] for i in c["interaction_ids"]}
        | set(report["unassigned_ids"])
        | {u["id"] for u in report["unclustered"]}
    )
    assert len(listed) == bad  # every likely-bad interaction is reachable from the report
    assert len(report["worst"]) == 20 and report["worst"][0]["p_bad"] >= max(
        e["p_bad"] for c in report["clusters"] for e in c["examples"]
    )
    assert f"seeded sample of 40 of {bad}" in render_md(report)


def test_with_a_noisy_judge_failure_modes_are_problems_named_by_signature(
    judged_sample: Store, planted: dict[str, str]
) -> None:
    """Each mode a text signal can see is one top-10 problem (purity and recall ≥ 0.6), its topics inside.

    Rude tone is left out: with this judge it is found pure but at recall 0.40 (bench/RESULTS.md, *End model*).
    """
    report = build_report(judged_sample, Config(), WEEK)
    week = {
        r[0]
        for r in judged_sample.con.execute(
            "SELECT id FROM interactions WHERE ts >= ? AND ts < ?", [WEEK.start, WEEK.end]
        ).fetchall()
    }
    names = {
        "refusal": "refusal",
        "wrong_language": "reply not in the question's language",
        "truncated": "truncated or empty",
        "invented_numbers": "numbers found nowhere",
    }
    for mode, name in names.items():
        total = sum(planted.get(i) == mode for i in week)
        best = max(report["clusters"][:10], key=lambda c: sum(planted.get(i) == mode for i in c["interaction_ids"]))
        hits = sum(planted.get(i) == mode for i in best["interaction_ids"])
        assert hits / len(best["interaction_ids"]) >= 0.6 and hits / total >= 0.6, (mode, hits, total, best["name"])
        assert best["name"].startswith(name) and best["topics"], best["name"]


def test_problems_are_named_from_redacted_text(labelled_store: Store, tmp_path: Path) -> None:
    """An email in many bad replies must not name a problem by its fragments (priya, okonkwo, examplecorp)."""
    rows = [
        {
            "id": f"mail-{k}",
            "ts": "2026-11-18T10:00:00Z",
            "input": "Who do I write to?",
            "output": f"I'm sorry, I can't help with that. Write to priya.okonkwo@examplecorp.com about case {k}.",
            "events": [{"kind": "thumb_down"}, {"kind": "regenerate"}],
        }
        for k in range(30)
    ]
    path = tmp_path / "mail.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(labelled_store, [str(path)], Config())
    run_label(labelled_store, Config(), Window())
    report = build_report(labelled_store, Config(), WEEK)
    named = " ".join(c["name"] + " " + " ".join(t["name"] for t in c.get("topics", [])) for c in report["clusters"])
    assert any("mail-" in i for c in report["clusters"] for i in c["interaction_ids"])
    assert not {"priya", "okonkwo", "examplecorp"} & set(named.split()), named
    raw = build_report(labelled_store, Config(), WEEK, redact_pii=False)  # the same report unredacted does say it
    assert {"priya", "okonkwo", "examplecorp"} & set(" ".join(c["name"] for c in raw["clusters"]).split())


def test_the_report_says_which_judge_scored_and_how_far_to_trust_it(labelled_store: Store) -> None:
    labelled_store.con.execute(
        "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, expected, status, created_at) "
        "SELECT id, 'tone', 'v1', 'local', 4.0, 'ok', now() FROM interactions WHERE ts >= ? AND ts < ? LIMIT 40",
        [WEEK.start, WEEK.end],
    )
    report = build_report(labelled_store, Config(), WEEK)
    (tone,) = [j for j in report["judges"] if j["rubric"] == "tone"]
    assert tone["judge"] == "local" and tone["judged"] == 40
    assert "shipped student" in tone["trust"] and "held-out" in tone["trust"] and "not a verdict" in tone["trust"]
    assert "held-out" in render_md(report) and "not a verdict" in render_html(report)
