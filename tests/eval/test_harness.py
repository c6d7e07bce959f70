"""How answers are assembled per benchmark, and real Icarus runs of right, wrong and broken answers."""
from __future__ import annotations

import dataclasses

import pytest

from codev.eval import rules
from codev.eval.benchmarks import load_benchmark
from codev.eval.harness import Bounds, answer_source, score, strip_module_header

MUX_BODY = "  assign out = sel ? b : a;\nendmodule\n"
MUX_WRONG = "module TopModule(input a, input b, input sel, output out);\n  assign out = sel ? a : b;\nendmodule\n"


@pytest.fixture(scope="module")
def problems(bench_root):
    def get(bench: str, pid: str):
        return next(p for p in load_benchmark(bench, bench_root) if p.id == pid)

    return get


def test_strip_header_keeps_body_and_moves_helpers_after():
    code = "module helper(input x, output y); assign y = x; endmodule\nmodule top #(parameter W=(2)) (input [W-1:0] a, output y);\n  helper h(a[0], y);\nendmodule\n"
    body = strip_module_header(code, "top")
    assert body.startswith("  helper h(a[0], y);\nendmodule\n")
    assert body.rstrip().endswith("module helper(input x, output y); assign y = x; endmodule")
    assert strip_module_header("module other; endmodule", "top") is None


def test_v1_reference_is_assembled_exactly_like_the_official_harness(problems):
    p = problems("verilogeval-v1-human", "mux2to1")
    # official: test + "\n" + prompt + "\n" + canonical_solution (we add the test in the runner)
    assert answer_source(p, p.reference) == p.header + "\n" + "\n\tassign out = sel ? b : a;\n\t\nendmodule\n"


def test_v2_code_complete_prepends_interface_only_without_module(problems):
    p = problems("verilogeval-v2-code-complete", "Prob022_mux2to1")
    assert answer_source(p, MUX_BODY) == p.header + "\n" + MUX_BODY
    assert answer_source(p, MUX_WRONG) == MUX_WRONG
    spec = problems("verilogeval-v2-spec-to-rtl", "Prob022_mux2to1")
    assert answer_source(spec, MUX_BODY) == MUX_BODY


def test_v1_full_module_answer_passes_and_wrong_one_fails(problems, iverilog_major):
    p = problems("verilogeval-v1-human", "mux2to1")
    right = "module top_module(input a, input b, input sel, output out);\n  assign out = sel ? b : a;\nendmodule\n"
    assert score(p, right).verdict == rules.PASS
    wrong = score(p, right.replace("sel ? b : a", "sel ? a : b"))
    assert wrong.verdict == rules.FAIL and wrong.code.startswith("failed: ") and "Mismatches" in wrong.log


def test_v2_verdicts_from_real_runs(problems, iverilog_major):
    p = problems("verilogeval-v2-code-complete", "Prob022_mux2to1")
    assert score(p, MUX_BODY).verdict == rules.PASS
    wrong = score(p, MUX_WRONG)
    assert (wrong.verdict, wrong.code) == (rules.FAIL, "R")
    broken = score(p, "module TopModule(input a, input b, input sel, output out);\n  assign out = ;\nendmodule\n")
    assert (broken.verdict, broken.code) == (rules.COMPILE_ERROR, "S")
    assert "syntax error" in broken.log and "/tmp" not in broken.log  # sandbox paths removed


def test_never_ending_simulation_is_a_timeout(problems, iverilog_major):
    p = problems("verilogeval-v2-spec-to-rtl", "Prob022_mux2to1")
    hang = (  # a zero-delay loop -Winfloop cannot see: the simulation never reaches the next time step
        "module TopModule(input a, input b, input sel, output out);\n  reg r;\n"
        "  always @(posedge sel) while (1) r = ~r;\n  assign out = sel ? b : a;\nendmodule\n"
    )
    result = score(p, hang, Bounds(verilogeval_v2_s=1.0))
    assert (result.verdict, result.code) == (rules.TIMEOUT, "T")
    assert 1.0 <= result.seconds < 20


def test_rtllm_runs_in_a_copy_of_the_design_folder(problems, iverilog_major):
    p = problems("rtllm-v2", "alu")  # its testbench $readmemh's reference.dat by relative path
    assert score(p, p.reference).verdict == rules.PASS
    no_data = dataclasses.replace(p, data_dir=None)
    assert score(no_data, p.reference).verdict == rules.FAIL


def test_empty_answer_is_no_code(problems):
    p = problems("rtllm-v2", "alu")
    assert score(p, None).verdict == rules.NO_CODE
    assert score(p, "  \n").verdict == rules.NO_CODE
