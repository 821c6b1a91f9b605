# SPDX-License-Identifier: Apache-2.0
"""Verdicts from the command line and from files: mark one, import many, export them, and how far reviewers agree."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from typing import Any

import numpy as np

from critic import jsonl
from critic.agreement import cohen_kappa
from critic.errors import ConfigError, InputError
from critic.review import VERDICTS
from critic.store import Store
from critic.store.review import review_item, unknown_interactions, verdicts, write_verdicts

FIELDS = ("interaction_id", "verdict", "mode", "reviewer", "note")
EXPORTED = ("reason", "source", "created_at")  # what `critic review export` adds; an import keeps them


def reviewer_name(given: str | None = None) -> str:
    """Who is reviewing: GIVEN, else $CRITIC_REVIEWER, else the login name."""
    return given or os.environ.get("CRITIC_REVIEWER") or getpass.getuser()


def mark(
    store: Store,
    interaction_id: str,
    verdict: str,
    *,
    reviewer: str,
    mode: str | None = None,
    note: str | None = None,
    source: str = "cli",
) -> dict[str, Any]:
    """Record REVIEWER's VERDICT ('bad' or 'ok') on one logged interaction; the row written."""
    if verdict not in VERDICTS:
        raise ConfigError(f"verdict {verdict!r}: use bad or ok")
    if unknown_interactions(store, [interaction_id]):
        raise no_interaction(store, interaction_id)
    row = _row(interaction_id, verdict, reviewer, mode, note, source)
    write_verdicts(store, [row])
    return row


def no_interaction(store: Store, interaction_id: str) -> ConfigError:
    """The error for an id the store does not hold, saying where to find one."""
    return ConfigError(
        f"no interaction {interaction_id!r} in {store.path}; check the id (critic review queue lists them)"
    )


def import_verdicts(store: Store, path: str, reviewer: str) -> int:
    """Record every verdict in the JSONL file PATH ({interaction_id, verdict = bad|ok, mode?, reviewer?, note?}, and
    what `critic review export` adds: reason?, source?, created_at?), all or none: a malformed line or an unknown
    interaction fails with FILE:LINE and nothing is written."""
    rows, lines = [], []
    for lineno, record in jsonl.records(path):
        unknown = sorted(set(record) - set(FIELDS) - set(EXPORTED))
        if unknown:
            raise InputError(
                path, lineno, f"unknown field {unknown[0]!r}; a verdict has {', '.join(FIELDS + EXPORTED)}"
            )
        for name in FIELDS + EXPORTED:
            value = record.get(name)
            if value is not None and not isinstance(value, str):
                raise InputError(path, lineno, f"field {name!r} must be a string")
        if not record.get("interaction_id"):
            raise InputError(path, lineno, "each line needs an 'interaction_id'")
        if record.get("verdict") not in VERDICTS:
            raise InputError(path, lineno, f"'verdict' must be bad or ok, not {record.get('verdict')!r}")
        row = _row(
            record["interaction_id"],
            record["verdict"],
            record.get("reviewer") or reviewer,
            record.get("mode"),
            record.get("note"),
            record.get("source") or "import",
        )
        rows.append(row | {"reason": record.get("reason"), "created_at": _when(record, path, lineno, row)})
        lines.append(lineno)
    missing = set(unknown_interactions(store, [r["interaction_id"] for r in rows]))
    for row, lineno in zip(rows, lines):
        if row["interaction_id"] in missing:
            raise InputError(path, lineno, f"no interaction {row['interaction_id']!r} in {store.path}; ingest it first")
    write_verdicts(store, rows)
    return len(rows)


def _when(record: dict[str, Any], path: str, lineno: int, row: dict[str, Any]) -> datetime:
    """The verdict's time: the record's created_at (ISO 8601, UTC where no zone is given), else ROW's (now)."""
    if not record.get("created_at"):
        return row["created_at"]
    try:
        found = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            path, lineno, f"'created_at' {record['created_at']!r} is not an ISO 8601 time, e.g. 2026-11-23T10:00:00Z"
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def export_verdicts(store: Store) -> list[dict[str, Any]]:
    """Every verdict, oldest first, as JSON-ready dicts (import_verdicts reads them back)."""
    return [{**v, "created_at": v["created_at"].isoformat()} for v in verdicts(store)]


def golden_set(store: Store) -> list[dict[str, Any]]:
    """The reviewed interactions as a golden set for `critic check` (id, input, reference, context, the reviewed
    output as baseline, its verdict and failure mode), one per interaction, by id."""
    latest: dict[str, dict[str, Any]] = {}
    for v in verdicts(store):
        latest[v["interaction_id"]] = v
    out = []
    for interaction_id in sorted(latest):
        item = review_item(store, interaction_id) or {}
        v = latest[interaction_id]
        record = {"id": interaction_id, "input": item.get("input"), "output": item.get("output")}
        record |= {k: item[k] for k in ("reference", "context") if item.get(k) is not None}
        out.append(record | {"verdict": v["verdict"], "mode": v["mode"]})
    return out


def reviewer_agreement(store: Store) -> dict[str, Any]:
    """How far reviewers agree where two looked at the same interaction: items, agreement share, Cohen's κ."""
    by_item: dict[str, list[str]] = {}
    for v in verdicts(store):
        by_item.setdefault(v["interaction_id"], []).append(v["verdict"])
    pairs = [(vs[0], vs[1]) for vs in by_item.values() if len(vs) >= 2]
    if not pairs:
        return {"items": 0, "agreement": None, "kappa": None}
    a = np.array([x == "bad" for x, _ in pairs], dtype=int)
    b = np.array([y == "bad" for _, y in pairs], dtype=int)
    return {"items": len(pairs), "agreement": round(float((a == b).mean()), 4), "kappa": cohen_kappa(a, b)}


def _row(
    interaction_id: str, verdict: str, reviewer: str, mode: str | None, note: str | None, source: str
) -> dict[str, Any]:
    return {
        "interaction_id": interaction_id,
        "reviewer": reviewer,
        "verdict": verdict,
        "mode": mode or None,
        "note": note or None,
        "reason": None,
        "source": source,
        "created_at": datetime.now(UTC),
    }
