"""`critic distill --human` on a real dialogue set, held out by context (issue 25, item 3).

    python bench/bench_distill_dialogue.py [--folds 5]

OpenAssistant en_100 (../shared/datasets/oasst_en100: 100 conversation trees, 641 ranked assistant
replies in 212 sibling groups): each ranked reply becomes a `--human` row — the conversation up to it
as input, the reply as output, the siblings' parent as `group`, and its rank mapped onto 1–7 (best
7, worst 1; only the order within a group means anything). `critic distill --human` trains a
helpfulness student on it with folds grouped by that parent, so every fold's figure is on
conversations the student never saw; the per-group Spearman is the figure (constant groups
skipped). Beside it, with no training on this data: the shipped helpfulness student (trained on
HH-RLHF) scoring the same rows.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.agreement import grouped
from critic.cli import cli
from critic.judge.backends.local import shipped_student
from critic.judge.backends.student import features

OASST = ROOT.parent / "shared" / "datasets" / "oasst_en100" / "en_100_tree.jsonl"


def human_rows() -> list[dict[str, Any]]:
    """One row per ranked assistant reply in a sibling group of at least two ranked replies."""
    rows: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], transcript: str) -> None:
        said = f"{transcript}\n\n{'Human' if node['role'] == 'prompter' else 'Assistant'}: {node['text']}"
        replies = [r for r in node.get("replies") or [] if r["role"] == "assistant" and r.get("rank") is not None]
        if len(replies) >= 2:
            worst = max(r["rank"] for r in replies)
            for r in replies:
                human = 7.0 - 6.0 * r["rank"] / worst if worst else 4.0
                rows.append(
                    {
                        "id": r["message_id"],
                        "input": said.strip(),
                        "output": r["text"],
                        "human": human,
                        "group": node["message_id"],
                    }
                )
        for child in node.get("replies") or []:
            walk(child, said)

    for line in OASST.read_text(encoding="utf-8").splitlines():
        walk(json.loads(line)["prompt"], "")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = human_rows()
    print(f"OASST en_100: {len(rows)} ranked replies in {len({r['group'] for r in rows})} sibling groups")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "oasst_human.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = CliRunner().invoke(
            cli,
            [
                "distill",
                "--rubric",
                "helpfulness",
                "--human",
                str(path),
                "--name",
                "oasst",
                "--folds",
                str(args.folds),
                "--db",
                str(Path(tmp) / "s.duckdb"),
                "--format",
                "json",
            ],
        )
        if result.exit_code:
            raise SystemExit(result.output)
        trained = json.loads(result.stdout)
    cv = trained["cv"]
    print("\n| student | data it learned from | held out | per-group Spearman with the ranks | pooled Spearman |")
    print("| --- | --- | --- | ---: | ---: |")
    print(
        f"| `critic distill --human` ({args.folds} folds) | the other folds' groups | by sibling group | "
        f"{cv['grouped']['spearman']:.3f} | {cv['spearman']:.3f} |"
    )
    student = shipped_student("helpfulness")
    assert student is not None
    x = features.featurize_many([{"input": r["input"], "output": r["output"]} for r in rows])
    expected = student.expected(x)
    human = np.array([r["human"] for r in rows])
    groups = np.array([r["group"] for r in rows])
    shipped = grouped(expected, human, groups)["spearman"]
    print(f"| shipped helpfulness student | HH-RLHF helpful pairs | all of OASST | {shipped:.3f} | – |")
    print(f"\ncv figures: {json.dumps(cv)}")


if __name__ == "__main__":
    main()
