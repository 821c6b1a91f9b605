"""critic side by side with DeepEval (GEval) and promptfoo (llm-rubric) on the same items and server.

    python bench/bench_peers.py [--n 500] [--latency 0.2]

One command: installs the peers into their own throwaway environments under bench/out/peers/
(DeepEval from PyPI into a venv; promptfoo@0.118.0 from npm, which runs on this machine's
Node 20), starts the loopback OpenAI-compatible server (tests/fakes/provider.py) with a
200 ms latency, and judges the same N OpenAssistant replies on one criterion (accuracy) with
each tool at its default concurrency and at 64, then re-runs each unchanged. Each run has its
own API key, so the server counts calls and tokens per run. Tokens are the server's own count
(words, numbers and punctuation; tiktoken's encoding files would need a download), the same
for every tool. The server gives each tool the smallest reply its parser accepts (critic: one
digit; DeepEval: {"steps": […]} then {"score", "reason": ""}; promptfoo: {"pass", "score",
"reason": ""}), so the peers' output tokens are a lower bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.provider import ProviderServer

OUT = ROOT / "bench" / "out" / "peers"
PRICE = (0.40, 1.60)  # USD per million input / output tokens (gpt-4.1-mini list price)
RUBRIC = (
    "The reply answers the request {{input}} correctly, with no false or invented facts and nothing "
    "the input contradicts."
)


def minimal_reply(prompt: str) -> str:
    """The smallest reply each tool's parser accepts, told apart by what its prompt asks for."""
    if '"pass"' in prompt:  # promptfoo's llm-rubric
        return '{"pass": true, "score": 1, "reason": ""}'
    if '"score"' in prompt and '"reason"' in prompt:  # DeepEval's GEval score (its prompt also lists the steps)
        return '{"score": 7, "reason": ""}'
    if '"steps"' in prompt:  # DeepEval's GEval step generation
        return '{"steps": ["Check the facts."]}'
    return "4"  # critic: one label


def items(n: int, folder: Path) -> Path:
    """N real, distinct OpenAssistant replies (datasets/oasst), as logged; peers read input and output as text.

    Distinct items keep the comparison per judgment: on the templated sample traffic half the
    prompts repeat, and both critic (prompt hash) and promptfoo (response cache) judge a repeat once.
    """
    rows = [json.loads(line) for line in (ROOT / "datasets" / "oasst" / "interactions.jsonl").read_text().splitlines()]
    seen, chosen = set(), []
    for row in rows:
        row["input_text"] = _text(row["input"])
        if (row["input_text"], row["output"]) not in seen:
            seen.add((row["input_text"], row["output"]))
            chosen.append(row)
    path = folder / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in chosen[:n]))
    return path


def _text(value: object) -> str:
    """A chat input (a list of messages) as plain text for the peers."""
    if isinstance(value, list):
        return "\n".join(f"{m.get('role')}: {m.get('content')}" for m in value if isinstance(m, dict))
    return str(value or "")


def install_peers() -> tuple[Path, Path]:
    """(DeepEval's python, promptfoo's folder), installed on first use."""
    venv = OUT / "deepeval-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "deepeval"], check=True)
    node = OUT / "promptfoo"
    if not (node / "node_modules" / ".bin" / "promptfoo").exists():
        node.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        subprocess.run(["npm", "install", "--ignore-scripts", "promptfoo@0.118.0"], cwd=node, check=True, env=env)
        subprocess.run(["npm", "rebuild", "better-sqlite3"], cwd=node, check=True)
    return venv / "bin" / "python", node


def run_critic(data: Path, server: ProviderServer, key: str, concurrency: int | None, work: Path) -> dict[str, float]:
    db = work / "critic.duckdb"
    if not db.exists():
        subprocess.run(
            [sys.executable, "-m", "critic.cli", "ingest", "--db", str(db), str(data)], check=True, capture_output=True
        )
    cmd = [
        sys.executable,
        "-m",
        "critic.cli",
        "eval",
        "--db",
        str(db),
        "--rubric",
        "accuracy",
        "--judge",
        "openai:gpt-4.1-mini",
        "--base-url",
        server.url,
        "--format",
        "json",
    ]
    if concurrency:
        cmd += ["--concurrency", str(concurrency)]
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, "OPENAI_API_KEY": key})
    result = json.loads(out.stdout)
    return {"seconds": time.perf_counter() - t, "judged": result["judged"] + result.get("cached", 0)}


def run_deepeval(
    python: Path, data: Path, server: ProviderServer, key: str, concurrency: int | None
) -> dict[str, float]:
    cmd = [str(python), str(ROOT / "bench" / "peers" / "run_deepeval.py"), str(data), server.url, key]
    if concurrency:
        cmd.append(str(concurrency))
    t = time.perf_counter()
    out = subprocess.run(
        cmd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DEEPEVAL_TELEMETRY_OPT_OUT": "1", "HOME": str(OUT / "home")},
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": time.perf_counter() - t, "judged": result["judged"]}


def run_promptfoo(
    node: Path, data: Path, server: ProviderServer, key: str, concurrency: int | None, work: Path
) -> dict[str, float]:
    tests = [
        {"vars": {"input": r["input_text"], "output": r["output"]}}
        for r in map(json.loads, data.read_text().splitlines())
    ]
    config = {
        "prompts": ["{{output}}"],
        "providers": ["echo"],
        "tests": tests,
        "defaultTest": {
            "assert": [{"type": "llm-rubric", "value": RUBRIC}],
            "options": {
                "provider": {"id": "openai:chat:gpt-4.1-mini", "config": {"apiBaseUrl": server.url, "apiKey": key}}
            },
        },
    }
    path = work / "promptfooconfig.json"
    path.write_text(json.dumps(config))
    results = work / "results.json"
    cmd = [
        str(node / "node_modules" / ".bin" / "promptfoo"),
        "eval",
        "-c",
        str(path),
        "-o",
        str(results),
        "--no-table",
        "--no-progress-bar",
    ]
    if concurrency:
        cmd += ["-j", str(concurrency)]
    env = {
        **os.environ,
        "PROMPTFOO_DISABLE_TELEMETRY": "1",
        "PROMPTFOO_DISABLE_UPDATE": "1",
        "PROMPTFOO_CONFIG_DIR": str(work / "promptfoo-home"),
        "OPENAI_API_KEY": key,
    }
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)  # exits 100 when assertions fail
    seconds = time.perf_counter() - t
    found = json.loads(results.read_text())
    rows = found.get("results", {}).get("results", [])
    judged = sum(1 for r in rows if (r.get("gradingResult") or {}).get("componentResults"))
    return {"seconds": seconds, "judged": judged}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--tools", default="critic,deepeval,promptfoo")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    python, node = install_peers()
    rows = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        ProviderServer(latency_s=args.latency, reply=minimal_reply, keep_prompts=False) as server,
    ):
        data = items(args.n, Path(tmp))
        for tool in args.tools.split(","):
            for concurrency in (None, 64):
                work = Path(tmp) / f"{tool}-{concurrency}"
                work.mkdir()
                for attempt in ("first", "again"):
                    key = f"sk-{tool}-{concurrency}-{attempt}"
                    if tool == "critic":
                        run = run_critic(data, server, key, concurrency, work)
                    elif tool == "deepeval":
                        run = run_deepeval(python, data, server, key, concurrency)
                    else:
                        run = run_promptfoo(node, data, server, key, concurrency, work)
                    stats = server.clients.get(key)
                    calls = stats.calls if stats else 0
                    rows.append(_row(tool, concurrency, attempt, run, calls, stats, args.n))
                    print(json.dumps(rows[-1]), flush=True)
    _table(rows)


def _row(
    tool: str, concurrency: int | None, attempt: str, run: dict[str, float], calls: int, stats: object, n: int
) -> dict[str, object]:
    tokens_in = getattr(stats, "input_tokens", 0)
    tokens_out = getattr(stats, "output_tokens", 0)
    judged = max(int(run["judged"]), 1)
    cost = (tokens_in * PRICE[0] + tokens_out * PRICE[1]) / 1e6 / judged * 1e6
    return {
        "tool": tool,
        "concurrency": concurrency or "default",
        "run": attempt,
        "items": n,
        "judged": run["judged"],
        "calls": calls,
        "calls_per_judgment": round(calls / judged, 2),
        "input_tokens_per_judgment": round(tokens_in / judged, 1),
        "output_tokens_per_judgment": round(tokens_out / judged, 2),
        "seconds": round(run["seconds"], 1),
        "judgments_per_s": round(run["judged"] / run["seconds"], 1),
        "usd_per_1M_judgments": round(cost, 0),
    }


def _table(rows: list[dict[str, object]]) -> None:
    print(
        "\n| tool | concurrency | run | judged | calls/judgment | input tok/judgment | output tok/judgment | wall s | "
        "judgments/s | $ per 1M judgments |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['tool']} | {r['concurrency']} | {r['run']} | {r['judged']} | {r['calls_per_judgment']} | "
            f"{r['input_tokens_per_judgment']} | {r['output_tokens_per_judgment']} | {r['seconds']} | "
            f"{r['judgments_per_s']} | {r['usd_per_1M_judgments']:,.0f} |"
        )


if __name__ == "__main__":
    main()
