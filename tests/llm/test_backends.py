"""The three LLM backends behind one interface: a real HTTP chat-completions server, a real tiny model, a replay file."""
from __future__ import annotations

import json
import time

import pytest

from codev.llm.backend import BackendConfig, BackendError, ChatRequest, make_backend, prompt_hash
from codev.llm.openai_client import EndpointConfig, EndpointError, OpenAIBackend, RateLimiter
from codev.llm.replay import ReplayMiss

from .chat_server import chat_server, completion, cut, error


def _answer(body: dict, call: int) -> tuple:
    """The first call per prompt answers 429 (asking for 300 ms), the second 500, then 200 with usage."""
    user = body["messages"][-1]["content"]
    if user == "bad":
        return 400, error("bad request")
    if call == 0:
        return 429, error("rate limited"), {"retry-after-ms": "300"}
    if call == 1:
        return 500, error("overloaded")
    return 200, completion(body["model"], "echo " + user, prompt_tokens=10, completion_tokens=3)


@pytest.fixture
def chat():
    with chat_server(_answer) as (url, calls):
        yield url, calls


def _requests(*users: str) -> list[ChatRequest]:
    return [ChatRequest(u, [{"role": "user", "content": u}]) for u in users]


def test_openai_backend_retries_429_and_500_and_accounts_tokens_and_cost(chat):
    url, calls = chat
    backend = make_backend(BackendConfig(kind="openai", base_url=url, model="m", backoff_s=0.01,
                                         concurrency=2, usd_per_mtok_prompt=1.0, usd_per_mtok_completion=2.0))
    got = {}
    started = time.monotonic()
    backend.complete(_requests("a", "b", "c"), lambda r, text: got.__setitem__(r.key, text))
    assert time.monotonic() - started >= 0.3  # the 429's retry-after-ms, not our 0.01 s backoff
    assert got == {"a": "echo a", "b": "echo b", "c": "echo c"}
    assert calls == {"a": 3, "b": 3, "c": 3}
    usage = backend.usage.to_json()
    assert usage == {"requests": 3, "prompt_tokens": 30, "completion_tokens": 9, "retries": 6,
                     "cost_usd": round((30 * 1.0 + 9 * 2.0) / 1e6, 6)}


def test_streamed_answers_are_assembled_and_a_cut_stream_is_retried():
    """stream: true: the answer arrives as server-sent events; a connection dropped mid-answer (no finish
    reason) is a transient failure, retried like a 503, and tokens come from the stream's final chunk."""
    seen = []

    def answer(body, call):
        seen.append(body.get("stream"))
        reply = completion(body["model"], "module m; // a long answer\nendmodule\n", prompt_tokens=7,
                           completion_tokens=5)
        return 200, cut(reply, 2) if call == 0 else reply

    with chat_server(answer) as (url, calls):
        backend = make_backend(BackendConfig(kind="openai", base_url=url, model="m", backoff_s=0.01, stream=True))
        got = {}
        backend.complete(_requests("a", "b"), lambda r, text: got.__setitem__(r.key, text))
    assert got == {k: "module m; // a long answer\nendmodule\n" for k in ("a", "b")}
    assert calls == {"a": 2, "b": 2} and seen == [True] * 4
    assert backend.usage.to_json()["retries"] == 2 and backend.usage.prompt_tokens == 14
    assert backend.usage.completion_tokens == 10


def test_openai_backend_hard_error_goes_to_on_error_without_retry(chat):
    url, calls = chat
    backend = make_backend(BackendConfig(kind="openai", base_url=url, model="m", backoff_s=0.01))
    got, errors = {}, {}
    backend.complete(_requests("bad", "ok"), lambda r, t: got.__setitem__(r.key, t),
                     lambda r, exc: errors.__setitem__(r.key, str(exc)))
    assert got == {"ok": "echo ok"} and "BadRequestError" in errors["bad"] and calls["bad"] == 1
    with pytest.raises(BackendError, match="BadRequestError"):
        backend.complete(_requests("bad"), lambda r, t: None)
    with pytest.raises(EndpointError, match="BadRequestError"):  # the endpoint's own class raises the same
        OpenAIBackend(EndpointConfig(base_url=url, model="m")).complete(_requests("bad"), lambda r, t: None)


def test_rate_limiter_spaces_request_starts():
    now, slept = [0.0], []
    limiter = RateLimiter(120, clock=lambda: now[0], sleep=slept.append)  # one start per 0.5 s
    for _ in range(3):
        limiter.wait()
    assert slept == [0.5, 1.0]
    assert RateLimiter(0).interval == 0.0


def test_replay_serves_by_prompt_hash_and_sample_index(tmp_path):
    messages = [{"role": "user", "content": "write an adder"}]
    path = tmp_path / "rec.jsonl"
    path.write_text(json.dumps({"header": "authored by hand"}) + "\n"
                    + json.dumps({"prompt_hash": prompt_hash(messages), "responses": ["first", "second"]}) + "\n")
    backend = make_backend(BackendConfig.from_mapping({"kind": "replay", "path": str(path)}))
    got, errors = [], []
    requests = [ChatRequest(i, messages, sample=i) for i in range(3)] + [ChatRequest("x", [{"role": "user", "content": "?"}])]
    backend.complete(requests, lambda r, t: got.append((r.key, t)), lambda r, exc: errors.append((r.key, exc)))
    assert got == [(0, "first"), (1, "second"), (2, "first")]
    assert errors[0][0] == "x" and isinstance(errors[0][1], ReplayMiss) and str(path) in str(errors[0][1])
    assert backend.usage.requests == 3


def test_backend_config_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown key.*temprature"):
        BackendConfig.from_mapping({"kind": "replay", "path": "x", "temprature": 1})
    with pytest.raises(ValueError, match="needs base_url and model"):
        BackendConfig.from_mapping({"kind": "openai"})
    with pytest.raises(BackendError, match="replay file not found"):
        make_backend(BackendConfig(kind="replay", path="/nonexistent.jsonl")).complete(_requests("a"), lambda r, t: None)


def test_hf_backend_loads_once_and_batches(tmp_path_factory, bench_root, monkeypatch):
    from codev.llm import hf_local
    from codev.llm.tiny import build_tiny_model, verilog_corpus

    model = build_tiny_model(tmp_path_factory.mktemp("tiny") / "m", verilog_corpus(bench_root, limit=30))
    loads = []
    real_load = hf_local.load
    monkeypatch.setattr(hf_local, "load", lambda config: loads.append(1) or real_load(config))
    backend = make_backend(BackendConfig(kind="hf", model=str(model), max_tokens=8, batch_size=2))
    got = []
    backend.complete(_requests("module a", "module b", "module c"), lambda r, t: got.append(r.key))
    backend.complete(_requests("module d"), lambda r, t: got.append(r.key))
    assert sorted(got) == ["module a", "module b", "module c", "module d"] and loads == [1]
    assert backend.usage.requests == 4 and 0 < backend.usage.completion_tokens <= 4 * 8
    one_shot = []  # the class other packages use directly (held-out scoring in training): one load per object
    hf_local.LocalModelBackend(hf_local.LocalModelConfig(str(model), max_tokens=4)).complete(
        _requests("module e"), lambda r, t: one_shot.append(r.key))
    assert one_shot == ["module e"] and len(loads) == 2
