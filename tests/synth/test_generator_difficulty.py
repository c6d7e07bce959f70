"""Generator items pass the same difficulty filter as round-trip items before RL: a base model (a local
OpenAI-compatible server) that solves some generator problems makes them `too_easy`; the rest reach RL
with their pass counts, and the report calibrates each family and level by the measured pass rate."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from codev.config import read_mapping

from ..llm.chat_server import chat_server, completion
from .conftest import DEFAULT_CONFIG, read_jsonl


@pytest.mark.slow  # a whole pipeline run with a generator (about 70 s on 2 loaded cores)
def test_generator_items_are_difficulty_filtered(tmp_path, synth_cli, bench_root, iverilog):
    out = tmp_path / "run"
    goldens: dict[str, str] = {}

    def reply(body, call):
        user = body["messages"][-1]["content"]
        if not goldens and (out / "generator" / "rl.jsonl").exists():
            for row in read_jsonl(out / "generator" / "rl.jsonl"):
                goldens[json.loads(row["interface"])["top"]] = row["golden"]
        top = next((t for t in goldens if re.search(rf"\b{re.escape(t)}\b", user)), None)
        if top and "counter" not in top and "fsm" not in top:  # the base model solves every other kind
            return 200, completion(body["model"], f"<think>easy</think><answer>```verilog\n{goldens[top]}```</answer>")
        return 200, completion(body["model"], "I am not sure.")

    with chat_server(reply) as (url, calls):
        data = read_mapping(DEFAULT_CONFIG)
        data["difficulty"].update(generator=True, k=2, llm={"kind": "openai", "base_url": url, "model": "base",
                                                             "retries": 1, "backoff_s": 0.01})
        data["generator"] = {"n": 4, "seed": 3, "formal": False, "batch": 4, "families": ["counter", "mux", "fsm",
                                                                                        "adder"], "max_level": 2}
        data["decontam"]["bench_root"] = str(bench_root)
        config = tmp_path / "c.yaml"
        config.write_text(yaml.safe_dump(data))
        status, stdout, err = synth_cli("run", "--config", config, "--out", out, "--no-progress")
    assert status == 0, err
    funnel = {s["name"]: s for s in json.loads(stdout)["funnel"]}
    row = funnel["generator_difficulty"]
    generated = read_jsonl(out / "generator" / "rl.jsonl")
    hard = [r for r in generated if re.search(r"counter|fsm", json.loads(r["interface"])["top"])]
    assert row["in"] == len(generated) == 4 and row["kept"] == len(hard) and 0 < len(hard) < 4
    assert row["dropped"].get("too_easy", 0) == 4 - len(hard)
    rl = [r for r in read_jsonl(out / "rl.jsonl") if r["source"].startswith("generator/")]
    assert len(rl) == len(hard) and all(json.loads(r["meta"])["passes"] == 0 for r in rl)
    sft = [r for r in read_jsonl(out / "sft.jsonl") if r["source"].startswith("generator/")]
    assert len(sft) == 4  # SFT keeps every generator item: easy ones still teach
    assert "generator levels calibrated" in (out / "report.md").read_text()
    calibration = read_mapping(out / "calibration.yaml")
    for family, levels in calibration["families"].items():  # the server solves all but counters and FSMs
        assert all(cell["pass_rate"] == (0.0 if family in ("counter", "fsm") else 1.0) for cell in levels.values())
    assert all(json.loads(r["meta"])["level_pass_rate"] == 0.0 for r in rl)
