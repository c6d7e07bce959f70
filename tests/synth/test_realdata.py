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
