"""Ingest logged traffic into the store: validate everything, then write it all in one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from critic.config import Config
from critic.errors import InputError
from critic.ingest import formats, normalize, readers, shapes
from critic.store import Store
from critic.store.review import verdicts_from_annotations

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IngestResult:
    """What one ingest added: new interactions, new events, records already in the store, and
    records of a known log format that are no LLM call (retriever or tool spans, say), by reason."""

    interactions: int
    events: int
    duplicates: int
    skipped: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ingest_files(
    store: Store,
    args: Sequence[str],
    config: Config,
    progress: Progress | None = None,
    *,
    only: str | None = None,
    strict: bool = False,
) -> IngestResult:
    """Load every file in ARGS ('-' is stdin) into STORE, or nothing at all if any record is bad.

    Each record's format is detected (critic's records, OpenAI logs, OTLP JSON spans and logs,
    Langfuse objects, LiteLLM payloads); ONLY names one (critic.ingest.formats.NAMES) to require it
    instead. Records of another tool's format that are no LLM call are skipped and counted by reason;
    STRICT refuses them instead, naming the first one's file and line.
    """
    step = progress or (lambda _msg: None)
    con = store.con
    with readers.workdir() as tmp:
        sources = [readers.resolve_source(arg, Path(tmp)) for arg in args]
        step("reading")
        sources = readers.prepare(sources, Path(tmp))
        readers.stage(con, sources)
        shapes.define(con)
        try:
            skipped = formats.expand(con, only, strict=strict)
        except formats.ForeignRecord as exc:
            raise InputError(
                sources[exc.src].name, readers.record_location(sources[exc.src], exc.rn), str(exc)
            ) from exc
        step("validating")
        normalize.classify(con)
        normalize.validate(con, config.event_kinds)
        bad = normalize.first_problem(con)
        if bad is not None:
            raise _input_error(sources, *bad)
        step("writing")
        with store.transaction():
            new_i, new_e, dups = normalize.insert(con, [s.name for s in sources])
            verdicts_from_annotations(store)  # a person's annotation in Langfuse is a verdict
    for table in ("staged", "shaped", "problems", "nested", "new_interactions", "all_events"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return IngestResult(new_i, new_e, dups, sum(skipped.values()), skipped)


def _input_error(sources: list[readers.Source], src: int, rn: int, problem: str, total: int) -> InputError:
    source = sources[src]
    marked = re.search(re.escape(normalize.DUPLICATE_OF) + r"(\d+):(\d+)", problem)
    if problem.startswith("duplicate id ") and marked:  # name the earlier record by its file and line
        first = sources[int(marked.group(1))]
        where = f"{first.name}:{readers.record_location(first, int(marked.group(2)))}"
        problem = problem[: marked.start()] + where + problem[marked.end() :]
    more = (
        f" ({total - 1} more bad records after this one; nothing was ingested)"
        if total > 1
        else " (nothing was ingested)"
    )
    return InputError(source.name, readers.record_location(source, rn), problem + more)
