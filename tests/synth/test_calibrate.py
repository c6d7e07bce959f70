"""Generator levels calibrated by a model's measured pass rate (`codev synth calibrate`): every generator item
is sampled k times from the config's difficulty model and checked; calibration.yaml holds passes and the pass
rate per family and level, the band per level and whether the rate falls with the level. Measured here with
the tiny local model (a real Hugging Face model, CI's stand-in for a base model) and with a local
OpenAI-compatible server that solves one family and not the other."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from codev.config import read_mapping
from codev.synth.generator import GeneratorConfig, generate

from ..llm.chat_server import chat_server, completion
from .conftest import DEFAULT_CONFIG, read_jsonl

FAMILIES = ("mux", "counter")


@pytest.fixture(scope="module")
def generated(tmp_path_factory, iverilog):
    """Six verified generator items of two families at levels 1-2 (no decontamination: no benchmarks needed)."""
    out = tmp_path_factory.mktemp("gen") / "gen"
    generate(GeneratorConfig.from_mapping({"n": 6, "seed": 5, "families": list(FAMILIES), "max_level": 2,
                                           "formal": False, "decontam": False, "batch": 6, "jobs": 2}), out)
    rows = read_jsonl(out / "rl.jsonl")
    assert len(rows) == 6
    return out, rows


def cells(rows) -> dict[tuple[str, int], int]:
    found: dict[tuple[str, int], int] = {}
    for row in rows:
        meta = json.loads(row["meta"])
        found[(meta["family"], int(meta["level"]))] = found.get((meta["family"], int(meta["level"])), 0) + 1
    return found


def config_with(tmp_path, llm: dict, k: int):
    data = read_mapping(DEFAULT_CONFIG)
    data["difficulty"].update(llm=llm, k=k)
    path = tmp_path / "models.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_calibration_with_the_tiny_model_measures_every_item_and_resumes(generated, tmp_path, synth_cli,
                                                                        bench_root):
    from codev.llm.tiny import build_tiny_model, verilog_corpus

    folder, rows = generated
    model = build_tiny_model(tmp_path / "tiny", verilog_corpus(bench_root, limit=30))
    config = config_with(tmp_path, {"kind": "hf", "model": str(model), "max_tokens": 24, "batch_size": 6}, k=2)
    status, stdout, err = synth_cli("calibrate", "--input", folder, "--config", config, "--out", tmp_path / "cal",
                                    "--no-progress")
    assert status == 0, err
    found = read_mapping(tmp_path / "cal" / "calibration.yaml")
    assert found["k"] == 2 and found["model"].startswith("hf ")
    expected = cells(rows)
    got = {(family, level): cell for family, levels in found["families"].items() for level, cell in levels.items()}
    assert {key: cell["items"] for key, cell in got.items()} == expected
    for cell in got.values():  # every sample was checked: a random 0.1M-parameter model passes none
        assert cell["samples"] == 2 * cell["items"] and cell["unchecked"] == 0
        assert cell["passes"] == 0 and cell["pass_rate"] == 0.0
    assert sorted(found["levels"]) == sorted({level for _, level in expected})
    checkpoint = [json.loads(line) for line in (tmp_path / "cal" / "checkpoint.jsonl").read_text().splitlines()]
    assert len(checkpoint) == len(rows) and all(len(r["item"]["data"]["sample_verdicts"]) == 2 for r in checkpoint)
    # a rerun resumes: no new sample, same calibration
    asked = (tmp_path / "cal" / "llm" / "difficulty.jsonl").read_text()
    status, _, err = synth_cli("calibrate", "--input", folder, "--config", config, "--out", tmp_path / "cal",
                               "--no-progress")
    assert status == 0, err
    assert (tmp_path / "cal" / "llm" / "difficulty.jsonl").read_text() == asked
    assert read_mapping(tmp_path / "cal" / "calibration.yaml") == found


def test_calibration_separates_a_family_the_model_solves_from_one_it_does_not_and_the_filter_drops_it(generated, tmp_path, synth_cli):
    folder, rows = generated
    goldens = {json.loads(r["interface"])["top"]: r["golden"] for r in rows}

    def reply(body, call):
        user = body["messages"][-1]["content"]
        top = next((t for t in goldens if re.search(rf"\b{re.escape(t)}\b", user)), None)
        if top and "mux" in top:  # solves every mux, no counter
            return 200, completion(body["model"], f"<think>select</think><answer>```verilog\n{goldens[top]}```</answer>")
        return 200, completion(body["model"], "<think>?</think><answer>```verilog\nmodule x; endmodule\n```</answer>")

    with chat_server(reply) as (url, _):
        config = config_with(tmp_path, {"kind": "openai", "base_url": url, "model": "base", "retries": 1,
                                        "backoff_s": 0.01}, k=3)
        status, stdout, err = synth_cli("calibrate", "--input", folder, "--config", config, "--out",
                                        tmp_path / "cal", "--no-progress")
        # the difficulty filter on the same generator output: what a model solves does not reach RL
        status_rl, _, err_rl = synth_cli("difficulty", "--input", folder, "--config", config, "--out",
                                         tmp_path / "rl", "--no-progress")
    assert status_rl == 0, err_rl
    rl = read_jsonl(tmp_path / "rl" / "rl.jsonl")
    assert sorted(r["id"] for r in rl) == sorted(r["id"] for r in rows if json.loads(r["meta"])["family"] == "counter")
    assert all(json.loads(r["meta"])["level_pass_rate"] == 0.0 and json.loads(r["meta"])["k"] == 3 for r in rl)
    assert {r["reason"] for r in read_jsonl(tmp_path / "rl" / "dropped.jsonl")} == {"too_easy"}
    assert status == 0, err
    found = read_mapping(tmp_path / "cal" / "calibration.yaml")
    for family, levels in found["families"].items():
        for cell in levels.values():
            assert cell["samples"] == 3 * cell["items"]
            assert cell["pass_rate"] == (1.0 if family == "mux" else 0.0), (family, cell)
    for level, summary in found["levels"].items():
        families_here = {f for (f, lvl) in cells(rows) if lvl == level}
        assert summary["band"] == [0.0 if "counter" in families_here else 1.0, 1.0 if "mux" in families_here else 0.0]
    assert json.loads(stdout.strip().splitlines()[-1])["monotone"] == found["monotone"]


def test_calibrate_without_a_difficulty_model_is_a_one_line_error(generated, tmp_path, synth_cli):
    data = read_mapping(DEFAULT_CONFIG)
    data["difficulty"] = {"enabled": False}
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    status, _, err = synth_cli("calibrate", "--input", generated[0], "--config", config, "--out", tmp_path / "o")
    assert status == 2 and "difficulty.llm is missing" in err and "Traceback" not in err
