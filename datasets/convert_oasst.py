"""Convert OpenAssistant en_100 (../shared/datasets/oasst_en100) into critic interactions and events.

    python datasets/convert_oasst.py [--src ../shared/datasets/oasst_en100] [--out datasets/oasst]

Every assistant reply becomes one interaction whose input is the conversation up to it (chat
messages) and whose output is the reply. Its +1 / -1 emoji counts become thumb_up / thumb_down
events (one per vote); the human sibling rank and the raw emoji counts go into metadata.
The export has no timestamps, so each tree gets a synthetic one (2023-02-01 plus one hour per
tree, one minute per turn); the events follow their reply by one second per vote.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EPOCH = datetime(2023, 2, 1, tzinfo=UTC)


def _iso(ts: datetime) -> str:
    return ts.isoformat().replace("+00:00", "Z")


def _walk(node: dict[str, Any], path: list[dict[str, str]], tree: str, ts: datetime, out: tuple[list, list]) -> None:
    role = "user" if node["role"] == "prompter" else "assistant"
    if role == "assistant":
        interactions, events = out
        emojis = node.get("emojis") or {}
        iid = node["message_id"]
        interactions.append(
            {
                "id": iid,
                "ts": _iso(ts),
                "session_id": tree,
                "feature": "oasst",
                "model": node.get("model_name") or "oasst-volunteer",
                "prompt_version": "oasst-2023-02",
                "input": list(path),
                "output": node["text"],
                "metadata": {
                    "rank": node.get("rank"),
                    "emojis": emojis,
                    "parent_id": node.get("parent_id"),
                    "synthetic": node.get("synthetic"),
                    "review_result": node.get("review_result"),
                    "message_tree_id": tree,
                },
            }
        )
        votes = [("thumb_up", emojis.get("+1", 0)), ("thumb_down", emojis.get("-1", 0))]
        second = 1
        for kind, count in votes:
            for _ in range(count):
                events.append({"interaction_id": iid, "kind": kind, "ts": _iso(ts + timedelta(seconds=second))})
                second += 1
    for k, reply in enumerate(node.get("replies") or []):
        _walk(reply, path + [{"role": role, "content": node["text"]}], tree, ts + timedelta(minutes=k + 1), out)


def convert(src: Path, dst: Path) -> tuple[int, int]:
    """Write interactions.jsonl and events.jsonl into DST; return their counts."""
    interactions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    with (src / "en_100_tree.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            tree = json.loads(line)
            _walk(tree["prompt"], [], tree["message_tree_id"], EPOCH + timedelta(hours=n), (interactions, events))
    dst.mkdir(parents=True, exist_ok=True)
    for name, rows in (("interactions.jsonl", interactions), ("events.jsonl", events)):
        with (dst / name).open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(interactions), len(events)


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=here.parent.parent / "shared" / "datasets" / "oasst_en100")
    parser.add_argument("--out", type=Path, default=here / "oasst")
    args = parser.parse_args()
    print(convert(args.src, args.out))


if __name__ == "__main__":
    main()
