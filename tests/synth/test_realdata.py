"""The real-data path: separate models per role, a required base model for difficulty, and a clear error
when the replay backend is asked about a corpus it has no recordings for."""
from __future__ import annotations

import pytest
import yaml

from codev.config import read_mapping

from codev.synth.config import ConfigError, config_from_mapping

from .conftest import DEFAULT_CONFIG

LLM = {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m"}


def test_spec_writer_solver_and_difficulty_models_are_separate():
    config = config_from_mapping({"sources": [{"kind": "seed"}], "roundtrip": {
        "llm": LLM, "solver_llm": {**LLM, "model": "solver"}}, "difficulty": {"llm": {**LLM, "model": "base"}}})
    assert config.spec_llm().model == "m" and config.solver_llm().model == "solver"
    assert config.difficulty_llm().model == "base"


def test_difficulty_needs_its_own_model():
    with pytest.raises(ConfigError, match="difficulty.llm is missing"):
        config_from_mapping({"sources": [{"kind": "seed"}], "roundtrip": {"llm": LLM}})
    off = config_from_mapping({"sources": [{"kind": "seed"}], "roundtrip": {"llm": LLM},
                               "difficulty": {"enabled": False}})
    assert not off.difficulty.enabled


def test_replay_on_an_own_corpus_says_to_set_an_endpoint(tmp_path, synth_cli, bench_root, iverilog):
    corpus = tmp_path / "rtl"
    corpus.mkdir()
    (corpus / "blink.v").write_text("module blink(input clk, input rst, output reg led);\n"
                                    "  always @(posedge clk) if (rst) led <= 1'b0; else led <= ~led;\nendmodule\n")
    data = read_mapping(DEFAULT_CONFIG)
    data.pop("generator")
    data["sources"] = [{"kind": "folder", "path": str(corpus), "licence": "MIT"}]
    data["decontam"]["bench_root"] = str(bench_root)
    path = tmp_path / "own.yaml"
    path.write_text(yaml.safe_dump(data))
    status, _, err = synth_cli("run", "--config", path, "--out", tmp_path / "out", "--no-progress")
    assert status == 2 and "set `llm:` to an endpoint" in err and "Traceback" not in err


@pytest.mark.slow  # two seed pipeline runs (about 40 s on 2 loaded cores)
def test_a_flaky_streaming_rate_limited_endpoint_gives_the_recorded_run(tmp_path, synth_cli, bench_root, iverilog):
    """`codev synth run` against a local OpenAI-compatible server that streams (server-sent events), rate-limits
    (429 with retry-after-ms), fails transiently (503) and drops a stream mid-answer, serving the built-in
    recorded answers: the run finishes with the funnel and datasets the replay backend gives."""
    import json
    import threading

    from codev.llm.backend import prompt_hash
    from codev.llm.replay import load_recordings
    from codev.synth.config import BUILTIN_DIR

    from ..llm.chat_server import chat_server, completion, cut, error
    from .conftest import read_jsonl, seed_config

    tables = {"m": load_recordings(BUILTIN_DIR / "replay_roundtrip.jsonl"),  # the solver and the base model
              "base": load_recordings(BUILTIN_DIR / "replay_base.jsonl")}  # are asked the same prompts
    served: dict[str, int] = {}  # answers given per prompt: sample i of k gets recording i, as replay does
    lock = threading.Lock()
    behaviour = {"streamed": 0, "rate_limited": 0, "unavailable": 0, "cut": 0}

    def reply(body, call):
        key, table = prompt_hash(body["messages"]), tables[body["model"]]
        if call % 4 == 0:
            behaviour["rate_limited"] += 1
            return 429, error("rate limited"), {"retry-after-ms": "20"}
        if call % 4 == 1:
            behaviour["unavailable"] += 1
            return 503, error("overloaded")
        with lock:
            index = served.get(body["model"] + key, 0)
            answer = completion(body["model"], table[key][index % len(table[key])], 20, 10)
            if call % 4 == 2:  # the connection drops mid-answer: the answer is not consumed
                behaviour["cut"] += 1
                return 200, cut(answer, 2)
            served[body["model"] + key] = index + 1
        behaviour["streamed"] += bool(body.get("stream"))
        return 200, answer

    replayed = seed_config(tmp_path, bench_root, chunk=16)
    status, _, err = synth_cli("run", "--config", replayed, "--out", tmp_path / "replay", "--no-progress")
    assert status == 0, err
    with chat_server(reply) as (url, calls):
        data = read_mapping(replayed)
        llm = {"kind": "openai", "base_url": url, "model": "m", "stream": True, "retries": 4, "backoff_s": 0.01,
               "concurrency": 1, "requests_per_minute": 6000, "temperature": 0.0}
        data["roundtrip"]["llm"] = llm
        data["difficulty"]["llm"] = {**llm, "model": "base", "temperature": 0.8}
        config = tmp_path / "endpoint.yaml"
        config.write_text(yaml.safe_dump(data))
        status, stdout, err = synth_cli("run", "--config", config, "--out", tmp_path / "live", "--no-progress")
    assert status == 0, err
    assert json.loads((tmp_path / "live" / "funnel.json").read_text()) == \
        json.loads((tmp_path / "replay" / "funnel.json").read_text())
    for name in ("sft.jsonl", "rl.jsonl"):
        assert sorted(r["id"] for r in read_jsonl(tmp_path / "live" / name)) == \
            sorted(r["id"] for r in read_jsonl(tmp_path / "replay" / name))
    answered = behaviour["streamed"]
    assert answered and behaviour["rate_limited"] >= answered and behaviour["unavailable"] >= answered
    assert behaviour["cut"] >= answered
    report = (tmp_path / "live" / "report.md").read_text()
    assert '"retries": ' in report and "openai " in report
