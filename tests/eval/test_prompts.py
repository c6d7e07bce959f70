"""Prompt styles: the official VerilogEval v2 0-shot prompts byte for byte, and CodeV-R1's."""
from __future__ import annotations

import json

import pytest

from codev.eval.benchmarks import load_benchmark
from codev.eval.flavours import build_prompt
from codev.eval.flavours.base import template
from codev.llm.prompts import template as model_template


@pytest.mark.parametrize(
    "bench, rendered",
    [("verilogeval-v2-spec-to-rtl", "spec-to-rtl"), ("verilogeval-v2-code-complete", "complete-iccad2023")],
)
def test_official_v2_prompts_equal_sv_generate_output(bench_root, bench, rendered):
    path = bench_root / "verilogeval_v2" / "codev_0shot_prompts" / f"{rendered}_0shot_n1.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found (CodeV-R1's rendered prompts: in ../shared/benchmarks, not in a fetched copy)")
    upstream = {r["task_id"]: r for r in map(json.loads, path.read_text().splitlines())}
    problems = load_benchmark(bench, bench_root)
    assert len(problems) == len(upstream) == 156
    for p in problems:
        prompt = build_prompt(p, "official")
        assert (prompt.system, prompt.user) == (upstream[p.id]["sys"], upstream[p.id]["fullprompt"]), p.id


def test_codev_r1_style(bench_root):
    system = model_template("codev_r1_system")
    assert system.startswith("You are a helpful assistant.") and "enclose the final verilog code in ```verilog ```" in system

    cc = next(p for p in load_benchmark("verilogeval-v2-code-complete", bench_root) if p.id == "Prob022_mux2to1")
    msgs = build_prompt(cc, "codev-r1").messages()
    assert [m["role"] for m in msgs] == ["system", "user"] and msgs[0]["content"] == system
    assert "//" not in msgs[1]["content"] and "The module head should be:" in msgs[1]["content"]
    assert msgs[1]["content"].rstrip().endswith(");")

    spec = next(p for p in load_benchmark("verilogeval-v2-spec-to-rtl", bench_root) if p.id == "Prob022_mux2to1")
    user = build_prompt(spec, "codev-r1").user
    assert "[BEGIN]" not in user and user.startswith("Question:\nI would like you to implement a module named TopModule")

    v1 = next(p for p in load_benchmark("verilogeval-v1-human", bench_root) if p.id == "mux2to1")
    assert build_prompt(v1, "codev-r1").user == (v1.prompt + "The module head should be:\n" + v1.header).strip() + "\n"


def test_official_v1_and_rtllm(bench_root):
    v1 = next(p for p in load_benchmark("verilogeval-v1-machine", bench_root) if p.id == "mux2to1")
    prompt = build_prompt(v1, "official")
    assert prompt.system == template("verilogeval_code_complete_system")
    assert prompt.user.rstrip().endswith(v1.header.rstrip()) and "// Implement the Verilog module" in prompt.user
    rtllm = next(p for p in load_benchmark("rtllm-v2", bench_root) if p.id == "alu")
    assert build_prompt(rtllm, "official").messages() == [{"role": "user", "content": rtllm.prompt}]
    with pytest.raises(ValueError):
        build_prompt(rtllm, "few-shot")
