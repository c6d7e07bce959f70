"""`codev synth reason` against a local OpenAI-compatible server: well-formed, equivalent answers become SFT
rows (the model's own <think>); malformed and wrong ones are dropped with their reason; a rate-limited
request is retried."""
from __future__ import annotations

import json
import random
import re

import pytest
import yaml

from codev.synth.answers import Answer, parse_answer
from codev.synth.generator import FAMILIES
from codev.synth.generator.rows import rows

from ..llm.chat_server import chat_server, completion, error
from .conftest import read_jsonl


def test_only_well_formed_answers_parse():
    code = "```verilog\nmodule m(input a, output y); assign y = a; endmodule\n```"
    assert isinstance(parse_answer(f"<think>a wire</think>\n<answer>{code}</answer>"), Answer)
    assert parse_answer(f"<answer>{code}</answer>") == "no <think> block"
    assert parse_answer(f"<think>x</think>{code}") == "no <answer> block"
    assert parse_answer(f"<think> </think><answer>{code}</answer>") == "empty <think> block"
    assert parse_answer(f"Sure! <think>x</think><answer>{code}</answer>").startswith("text outside")
    assert parse_answer("<think>x</think><answer>no code here</answer>") == "no code in <answer>"


@pytest.fixture
def generated(tmp_path):
    """Four generator items written as a generator output folder's rl.jsonl."""
    designs = []
    for i, name in enumerate(("mux", "adder", "comparator", "decoder")):
        family = FAMILIES[name]
        designs.append(family.build(family.sample(random.Random(f"reason-cmd/{i}"), 2), 2))
    folder = tmp_path / "gen"
    folder.mkdir()
    (folder / "rl.jsonl").write_text("".join(json.dumps(rows(d, {})[0].to_row()) + "\n" for d in designs))
    return folder, designs


def test_reason_command_keeps_checked_answers(tmp_path, generated, synth_cli, iverilog):
    folder, (mux, adder, comparator, decoder) = generated
    wrong = comparator.golden.replace("assign", "assign /* wrong */", 1).replace("==", "!=", 1)

    def reply(body, call):
        user = body["messages"][-1]["content"]
        if re.search(rf"\b{mux.top}\b", user):
            if call == 0:
                return 429, error("slow down"), {"Retry-After": "0"}
            return 200, completion(body["model"], f"<think>\nA case on sel.\n</think>\n<answer>\n```verilog\n"
                                                   f"{mux.golden}```\n</answer>")
        if re.search(rf"\b{adder.top}\b", user):  # the answer but no reasoning: not an SFT row
            return 200, completion(body["model"], f"```verilog\n{adder.golden}```")
        if re.search(rf"\b{comparator.top}\b", user):
            return 200, completion(body["model"], f"<think>compare</think><answer>```verilog\n{wrong}```</answer>")
        # the decoder: wrong first sample, right second one
        code = decoder.golden if call >= 1 else decoder.golden.replace("<<", ">>")
        return 200, completion(body["model"], f"<think>one-hot</think><answer>```verilog\n{code}```</answer>")

    with chat_server(reply) as (url, calls):
        config = tmp_path / "reason.yaml"
        config.write_text(yaml.safe_dump({"sources": [{"kind": "seed"}], "reason": {
            "samples": 2, "llm": {"kind": "openai", "base_url": url, "model": "reasoner", "api_key": "test",
                                  "retries": 2, "backoff_s": 0.01, "temperature": 0.0}}}))
        status, out, err = synth_cli("reason", "--input", folder, "--config", config, "--out", tmp_path / "r",
                                     "--no-progress", "--jobs", "1")
    assert status == 0, err
    sft = read_jsonl(tmp_path / "r" / "sft.jsonl")
    assert sorted(r["id"] for r in sft) == sorted(rows(d, {})[0].id for d in (mux, decoder))
    for row in sft:
        assert row["messages"][-1]["content"].startswith("<think>") and row["source"].startswith("reason/generator/")
    dropped = {r["id"]: r["reason"] for r in read_jsonl(tmp_path / "r" / "dropped.jsonl")}
    assert dropped == {rows(adder, {})[0].id: "malformed", rows(comparator, {})[0].id: "mismatch"}
    assert calls  # every request reached the server


def test_reason_without_a_model_is_a_usage_error(tmp_path, generated, synth_cli):
    folder, _ = generated
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"sources": [{"kind": "seed"}]}))
    status, _, err = synth_cli("reason", "--input", folder, "--config", config, "--out", tmp_path / "r")
    assert status == 2 and "reason.llm is missing" in err and "Traceback" not in err
