"""The real openai and anthropic clients against the loopback provider server."""

from __future__ import annotations

import asyncio
import importlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.config import Config
from critic.errors import JudgeError
from critic.judge.backends import BACKENDS, canonical_spec, judge_spec, resolve_judge, revision
from critic.judge.backends.base import PermanentError, TransientError
from critic.judge.records import JudgeReply, JudgeRequest, parse_label, verdict
from critic.rubrics import builtin_rubrics, resolve_rubric
from critic.store import Store
from tests.fakes.provider import ProviderServer

TONE = builtin_rubrics()["tone"]


def request(output: str = "Happy to help!") -> JudgeRequest:
    fields = {"input": "where is my order?", "output": output}
    return JudgeRequest(TONE.render(fields), TONE, fields)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _judge(spec: str, url: str, req: JudgeRequest) -> JudgeReply:
    judge = resolve_judge(spec, base_url=url, timeout_s=2)
    try:
        return await judge.judge(req)
    finally:
        await judge.aclose()


def test_openai_logprobs_give_probabilities_and_expected_score(
    provider: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    reply = run(_judge("openai:gpt-4.1-mini", provider.url, request("Obviously, read it.")))
    assert reply.method == "logprobs" and reply.output_tokens == 1
    v = verdict(reply)
    assert v.label == 2 and v.probs is not None
    assert v.probs[2] == pytest.approx(0.7 / 0.95) and v.probs[3] == pytest.approx(0.2 / 0.95)
    assert v.expected == pytest.approx((2 * 0.7 + 3 * 0.2 + 1 * 0.05) / 0.95)


def test_openai_without_logprobs_falls_back_to_the_label(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with ProviderServer(logprobs=False) as server:
        reply = run(_judge("openai:local-llama", server.url, request()))
        assert server.stats.calls == 2  # the refused logprobs call, then the plain one
    assert reply.method == "label" and reply.probs is None
    v = verdict(reply)
    assert v.status == "ok" and v.probs == {v.label: 1.0}


def test_openai_sends_one_token_temperature_zero_single_prompt(
    provider: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    run(_judge("openai:gpt-4.1-mini", provider.url, request()))
    assert provider.stats.prompts == [request().prompt]


def test_anthropic_label_only(provider: ProviderServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    reply = run(_judge("anthropic:claude-haiku-4-5", provider.root, request("I cannot help with that.")))
    assert reply.text == "2" and reply.method == "label" and reply.input_tokens > 0
    assert verdict(reply).expected == 2.0


@pytest.mark.parametrize(
    ("fault", "kind"), [("429", TransientError), ("500", TransientError), ("timeout", TransientError)]
)
@pytest.mark.parametrize("spec", ["openai:gpt-4.1-mini", "anthropic:claude-haiku-4-5"])
def test_faults_are_classified(spec: str, fault: str, kind: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with ProviderServer(stall_s=3.0) as server:
        server.faults_queue = [fault]
        url = server.url if spec.startswith("openai") else server.root
        with pytest.raises(kind) as err:
            run(_judge(spec, url, request()))
    if fault == "429":
        assert err.value.rate_limited and err.value.retry_after == pytest.approx(0.05)


def test_garbage_reply_is_unparseable_never_scored(provider: ProviderServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    provider.faults_queue = ["garbage"]
    reply = run(_judge("anthropic:claude-haiku-4-5", provider.root, request()))
    assert verdict(reply).status == "unparseable" and verdict(reply).expected is None


def test_missing_keys_fail_before_any_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(JudgeError, match="OPENAI_API_KEY"):
        resolve_judge("openai:gpt-4.1-mini")
    with pytest.raises(JudgeError, match="ANTHROPIC_API_KEY"):
        resolve_judge("anthropic:claude-haiku-4-5")


def test_unknown_judge_spec() -> None:
    with pytest.raises(JudgeError, match="unknown judge"):
        resolve_judge("gemini:pro")


def test_bad_request_is_permanent(provider: ProviderServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with pytest.raises(PermanentError, match="404"):
        run(_judge("openai:gpt-4.1-mini", provider.root + "/nope", request()))


@pytest.mark.parametrize(
    ("text", "label"),
    [("7", 7), (" 3\n", 3), ("5.", 5), ("8", None), ("7/10", None), ("The answer is 6", None), ("", None), ("0", None)],
)
def test_parse_label_is_strict(text: str, label: int | None) -> None:
    assert parse_label(text) == label


def test_local_and_gemma_are_two_judges(sample_store: Store, runner: CliRunner, db_path: Path) -> None:
    """`local` scores tone with its student, `local:gemma-3-270m` with the likelihood: stored apart, never mixed."""
    assert canonical_spec(None) == "local" and canonical_spec("local:gemma-3-270m") == "local:gemma-3-270m"
    tone = resolve_rubric("tone")
    sample_store.con.execute(
        "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, label, expected, status, method, "
        "created_at) SELECT id, 'tone', ?, 'local', 4, 4.0, 'ok', ?, now() FROM interactions",
        [tone.version, revision("local", "tone")],
    )
    sample_store.close()
    calls = {}
    for spec in ("local", "local:gemma-3-270m"):
        result = runner.invoke(
            cli, ["eval", "--db", str(db_path), "--rubric", "tone", "--judge", spec, "--dry-run", "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        calls[spec] = json.loads(result.stdout)["calls"]
    assert calls["local"] == 0 and calls["local:gemma-3-270m"] > 0


def test_judge_spec_falls_back_to_environment_then_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRITIC_JUDGE", "openai:env-model")
    assert judge_spec(None, Config(judge="anthropic:config-model")) == "openai:env-model"
    monkeypatch.delenv("CRITIC_JUDGE")
    assert judge_spec(None, Config(judge="anthropic:config-model")) == "anthropic:config-model"
    assert judge_spec("openai:flag", Config(judge="anthropic:config-model")) == "openai:flag"


def test_a_bad_judge_timeout_is_one_line(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRITIC_JUDGE_TIMEOUT", "abc")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    result = runner.invoke(cli, ["explain", "x", "--rubric", "tone", "--judge", "openai:m"])
    assert result.exit_code == 1 and "CRITIC_JUDGE_TIMEOUT='abc'" in result.output
    assert "Traceback" not in result.output


def test_every_backend_in_the_table_resolves() -> None:
    for provider, (target, _usage) in BACKENDS.items():
        module, _, cls = target.partition(":")
        assert isinstance(getattr(importlib.import_module(module), cls), type), provider


def test_each_backend_states_its_own_facts() -> None:
    from critic.judge.backends import BACKENDS, backend_class

    for provider in BACKENDS:
        cls = backend_class(provider)
        assert cls.provider == provider and isinstance(cls.priced, bool) and isinstance(cls.needs_store, bool)
    assert backend_class("local").model_optional and not backend_class("local").priced
    assert backend_class("student").needs_store


def test_an_unknown_judge_is_explained_without_loading_any_provider_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom critic.judge.backends import resolve_judge\n"
        "try:\n    resolve_judge('nope:x')\nexcept Exception as exc:\n    print(exc)\n"
        "print(sorted(m for m in ('openai', 'anthropic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "unknown judge 'nope:x'; use one of 'local', 'openai:MODEL' (any OpenAI-compatible" in out
    assert out.strip().endswith("[]")
