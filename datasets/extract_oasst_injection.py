"""Rebuild ordinary.jsonl: the first 300 English assistant replies of the OpenAssistant en_100 sample.

    python tests/data/injection/extract_oasst.py ../shared/datasets/oasst_en100/en_100_message.jsonl

The argument is the path to en_100_message.jsonl (or en_100_tree.jsonl; both hold the same
messages in the same order). Each line holds one message tree with nested `replies`; the trees are
walked in file order, depth first, a message before its replies, and replies in the order stored.
Every message with role "assistant", lang "en" and deleted false is kept until 300 are found.
Texts longer than 1,500 characters are cut at the last whitespace at or before character 1,500.
Output: ordinary.jsonl beside this script (or the path given as a second argument), one
{"id": "oasst-<message_id>", "text": ..., "style": "oasst"} per line. Standard library only.

Source: LAION-AI/Open-Assistant, commit f1e6ed9526f5817531f3ab85441a40b3671ddccb,
model/model_eval/manual/data/en_100_message.jsonl (Apache-2.0).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

LIMIT = 300
MAX_CHARS = 1500


def truncate(text: str, limit: int = MAX_CHARS) -> str:
    """Return text unchanged if short enough, else cut at the last whitespace at or before limit."""
    if len(text) <= limit:
        return text
    cut = limit
    for i in range(limit, 0, -1):  # the character at `limit` may itself be the whitespace to cut at
        if text[i].isspace():
            cut = i
            break
    return text[:cut].rstrip()


def walk(message: dict) -> Iterator[dict]:
    yield message
    for reply in message.get("replies") or []:
        yield from walk(reply)


def assistant_replies(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            root = row["prompt"] if "prompt" in row and "message_id" not in row else row
            for msg in walk(root):
                if msg.get("role") == "assistant" and msg.get("lang") == "en" and not msg.get("deleted"):
                    yield msg


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(argv[1])
    out = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent / "ordinary.jsonl"
    rows = []
    for msg in assistant_replies(src):
        rows.append({"id": f"oasst-{msg['message_id']}", "text": truncate(msg["text"]), "style": "oasst"})
        if len(rows) == LIMIT:
            break
    if len(rows) < LIMIT:
        print(f"only {len(rows)} assistant replies in {src}, need {LIMIT}", file=sys.stderr)
        return 1
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
