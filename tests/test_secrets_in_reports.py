"""Keys users paste into chats never reach a report, and a gateway's encoded echo of ours never reaches anything."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from critic.config import Config
from critic.secrets import scrub
from critic.store import Store
from critic.triage.period import last_full_week
from critic.triage.render import write_report
from critic.triage.report import build_report

PASTED = [  # one of each kind a user pastes (made-up values of the real shapes)
    "sk-proj-Zt8QwL3xN5vB7mK2pR4sT6uY9aC1dE0f",
    "sk-ant-api03-Hq7Wm2Kx9Lp4Rt6Yv8Zb1Nc3Df5Gh",
    "Bearer 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "api_key=Qm93Zx81Lk27Vb64",
    "AKIAZ7Q3M9X2P5L8K4J6",
    "ghp_Xy7Zq2Wm9Lk4Jh6Gf8Ds1Ap3Oi5Uy7Tr0Ee2Qw",
    "xoxb-203948572019-Mq8Zt3Lp0Vx",
    "sk_live_9Vt3Qx7Zm2Lk5Hp8Wr4Ny",
    "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYW5hIn0.Q2l0eV9vZl9zaWduYXR1cmVfMTIz",
]
OURS = "sk-proj-ourOwnKey7Qx9Zm2Lk5Hp8"


def test_each_kind_of_key_is_masked_and_ordinary_text_kept() -> None:
    for key in PASTED:
        assert key.split("=")[-1].split(" ")[-1] not in (scrub(f"here: {key} thanks") or ""), key
    kept = "Order 123456789 shipped; the key idea is basic; see section 2.3.1 of the tone rubric."
    assert scrub(kept) == kept


def test_an_environment_key_echoed_encoded_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OURS)
    for echoed in (
        quote(OURS, safe=""),
        base64.b64encode(f"Bearer {OURS}".encode()).decode(),
        base64.b64encode(f"x{OURS}".encode()).decode(),
    ):
        assert "[secret]" in (scrub(f"gateway said: {echoed}") or "")
        assert echoed not in (scrub(f"gateway said: {echoed}") or "")


def test_no_pasted_key_reaches_the_report(labelled_store: Store, tmp_path: Path) -> None:
    week = last_full_week(labelled_store)
    pasted = " ".join(PASTED)
    labelled_store.con.execute(
        "UPDATE interactions SET input = 'my keys: ' || ?, output = output || ' ' || ? WHERE ts >= ? AND ts < ?",
        [pasted, pasted, week.start, week.end],
    )
    paths = write_report(build_report(labelled_store, Config(), week), tmp_path / "report")
    for path in paths.values():
        text = Path(path).read_text(encoding="utf-8")
        leaked = [k for k in PASTED if k.split("=")[-1].split(" ")[-1] in text]
        assert not leaked, (path, leaked)
    assert "[secret]" in json.dumps(json.loads(Path(paths["json"]).read_text(encoding="utf-8")))
