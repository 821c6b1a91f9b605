"""Run DeepEval's GEval on the bench items against the loopback server (runs inside DeepEval's own venv).

    python run_deepeval.py ITEMS.jsonl BASE_URL API_KEY [MAX_CONCURRENT]

Prints one JSON line: {"judged", "seconds", "failed"}.
"""

import json
import os
import sys
import time

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_GRPC_LOGGING", "NO")

from deepeval import evaluate
from deepeval.evaluate.configs import AsyncConfig, DisplayConfig, ErrorConfig
from deepeval.metrics import GEval
from deepeval.models import GPTModel
from deepeval.test_case import LLMTestCase, LLMTestCaseParams

CRITERIA = (
    "Accuracy: whether the reply answers the request correctly, with no false or invented facts "
    "and nothing the input or context contradicts."
)


def main() -> None:
    path, base_url, key = sys.argv[1:4]
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else None
    items = [json.loads(line) for line in open(path, encoding="utf-8")]
    model = GPTModel(model="gpt-4.1-mini", base_url=base_url, api_key=key)
    metric = GEval(
        name="accuracy",
        criteria=CRITERIA,
        model=model,
        evaluation_params=[LLMTestCaseParams.INPUT, LLMTestCaseParams.ACTUAL_OUTPUT],
    )
    cases = [LLMTestCase(input=i["input_text"], actual_output=i["output"]) for i in items]
    config = AsyncConfig(max_concurrent=concurrency) if concurrency else AsyncConfig()
    t = time.perf_counter()
    result = evaluate(
        test_cases=cases,
        metrics=[metric],
        async_config=config,
        display_config=DisplayConfig(show_indicator=False, print_results=False),
        error_config=ErrorConfig(ignore_errors=True),
    )
    seconds = time.perf_counter() - t
    scored = sum(1 for r in result.test_results for m in (r.metrics_data or []) if m.score is not None)
    print(json.dumps({"judged": scored, "seconds": round(seconds, 2), "failed": len(cases) - scored}))


if __name__ == "__main__":
    main()
