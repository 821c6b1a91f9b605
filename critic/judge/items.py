"""Evaluation items: outputs judged for `check`, `calibrate --human`, `audit` and the pytest plugin.

They are kept in their own table, `eval_items`, never among the logged traffic in
`interactions`, so a check run on a shared store changes nothing that `label`, `triage` or
`compare` read. An item's id is a hash of its item id and output: an unchanged output is the
same item, and its judgment comes from the cache.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from critic import jsonl
from critic.config import Config
from critic.data import resource
from critic.errors import InputError
from critic.ingest import shapes
from critic.judge.backends.base import Judge
from critic.judge.run import Runner, Selection, select_work
from critic.rubrics import Rubric
from critic.store import Store
from critic.store.judgments import item_scores, write_eval_items

CONTEXT_FIELDS = ("input", "reference", "context")
Items = dict[str, dict[str, Any]]


def read_items(path: str, *, need_output: bool = True) -> Items:
    """{id: record} from a JSONL of {id, output?, ...}; a malformed line fails with FILE:LINE."""
    records: Items = {}
    for lineno, record in jsonl.records(path):
        if record.get("id") is None:
            raise InputError(path, lineno, "each line needs an 'id'")
        if str(record["id"]) in records:
            raise InputError(path, lineno, f"duplicate id {record['id']!r}; ids must be unique in a file")
        records[str(record["id"])] = text_fields(path, lineno, record, need_output=need_output)
    return records


def text_fields(path: str, lineno: int, record: dict[str, Any], *, need_output: bool = True) -> dict[str, Any]:
    """RECORD with its judged fields as text, read as `critic ingest` reads them: `input` a string or chat
    messages (the last user turn is judged), `output` a string, a message or content parts, `context` a
    string or a list of documents; a field that is none of these fails with FILE:LINE, never dropped."""
    out = dict(record)
    value = record.get("output")
    if value is not None or need_output:
        text = None if isinstance(value, (int, float, bool)) else shapes.output_text(value)
        if not isinstance(text, str):
            raise InputError(path, lineno, "'output' must be a string, a chat message or a list of content parts")
        out["output"] = text
    value = record.get("input")
    if value is not None and not isinstance(value, str):
        chat = shapes.messages(value)
        turns = [m["content"] for m in chat or [] if m["role"] == "user"]
        if not turns:
            raise InputError(
                path,
                lineno,
                "'input' must be a string or a list of chat messages with a user turn "
                '({"role": "user", "content": ...})',
            )
        out["input"], out["messages"] = turns[-1], chat
    value = record.get("context")
    if value is not None and not isinstance(value, str):
        docs = shapes.documents_text(value) if isinstance(value, (list, dict)) else None
        if docs is None:
            raise InputError(path, lineno, "'context' must be a string or a list of documents (strings)")
        out["context"] = docs
    if record.get("reference") is not None and not isinstance(record["reference"], str):
        raise InputError(path, lineno, "'reference' must be a string")
    return out


def golden(name: str) -> Items:
    """{id: record} of the shipped example golden set's NAME.jsonl (inputs, baseline, candidate_worse, …)."""
    return read_items(str(resource("golden", f"{name}.jsonl")), need_output=name != "inputs")


def item_id(item: str, output: str) -> str:
    return f"check:{item}:{hashlib.sha256(output.encode()).hexdigest()[:16]}"


def store_items(store: Store, records: list[dict[str, Any]]) -> list[str]:
    """Keep {id, output, input?, reference?, context?} records as evaluation items; their item ids, in order."""
    now = datetime.now(UTC)
    rows: dict[str, dict[str, Any]] = {}
    ids = []
    for record in records:
        iid = item_id(str(record["id"]), record["output"])
        rows[iid] = {
            "id": iid,
            "created_at": now,
            "output": record["output"],
            **{k: record[k] if isinstance(record.get(k), str) else None for k in CONTEXT_FIELDS},
        }
        ids.append(iid)
    write_eval_items(store, list(rows.values()))
    return ids


def store_sides(store: Store, baseline: Items, candidate: Items, golden_items: Items) -> dict[str, tuple[str, str]]:
    """Keep both sides on the items they share; {item id: (baseline item id, candidate item id)}."""
    items = sorted(set(baseline) & set(candidate))
    ids = store_items(store, [{**golden_items.get(i, {}), **side[i]} for side in (baseline, candidate) for i in items])
    return {item: (ids[k], ids[len(items) + k]) for k, item in enumerate(items)}


def judge_items(
    store: Store,
    judge: Judge,
    config: Config,
    rubrics: list[Rubric],
    ids: list[str],
    concurrency: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Judge the evaluation items IDS on RUBRICS where not judged yet (cached otherwise); how many were judged now."""
    work = select_work(store, rubrics, judge.spec, Selection(ids=tuple(ids), table="eval_items"))
    if progress:
        progress(len(ids) * len(rubrics) - len(work))  # already judged
    runner = Runner(store, judge, config, concurrency=concurrency, budget_usd=None, progress=progress)
    result = asyncio.run(runner.run(work))
    result.raise_if_all_failed()
    return result.judged


def judge_pairs(
    store: Store,
    judge: Judge,
    config: Config,
    rubrics: list[Rubric],
    pairs: dict[str, tuple[str, str]],
    concurrency: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Judge every item of both sides that is not judged yet; how many were judged now."""
    ids = sorted({i for pair in pairs.values() for i in pair})
    return judge_items(store, judge, config, rubrics, ids, concurrency, progress)


def expected_scores(store: Store, judge_spec: str, rubric: Rubric, ids: list[str]) -> dict[str, float]:
    """{id: expected score} of the ok judgments of IDS by JUDGE_SPEC on this rubric version."""
    return item_scores(store, judge_spec, rubric.name, rubric.version, ids)
