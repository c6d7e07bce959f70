"""How answers are assembled per benchmark, and real Icarus runs of right, wrong and broken answers."""
from __future__ import annotations

import dataclasses

import pytest

from codev.eval import rules
from codev.eval.benchmarks import load_benchmark
from codev.eval.assemble import official, repaired
from codev.eval.extract import sv_generate_code
from codev.eval.flavours.base import FENCE, HEADER, TRAILER
from codev.eval.flow import Bounds
from codev.eval.harness import score
from codev.eval.verilog_text import drop_trailer, strip_module_header
from codev.eval.records import CODE, CONTINUATION, REFERENCE, RESPONSE, Answer

MUX_BODY = "  assign out = sel ? b : a;\nendmodule\n"
MUX_WRONG = "module TopModule(input a, input b, input sel, output out);\n  assign out = sel ? a : b;\nendmodule\n"


@pytest.fixture(scope="module")
def problems(bench_root):
    def get(bench: str, pid: str):
        return next(p for p in load_benchmark(bench, bench_root) if p.id == pid)

    return get


def _answer(problem, text, kind=RESPONSE):
    return Answer(problem.benchmark, problem.id, 0, text, kind)


def test_strip_header_keeps_body_and_moves_helpers_after():
    code = "module helper(input x, output y); assign y = x; endmodule\nmodule top #(parameter W=(2)) (input [W-1:0] a, output y);\n  helper h(a[0], y);\nendmodule\n"
    body = strip_module_header(code, "top")
    assert body.startswith("  helper h(a[0], y);\nendmodule\n")
    assert body.rstrip().endswith("module helper(input x, output y); assign y = x; endmodule")
    assert strip_module_header("module other; endmodule", "top") is None


def test_header_search_ignores_comments_and_strings():
    text = "// The module top_module simply connects (in) to out\n  assign out = in;\nendmodule\n"
    assert strip_module_header(text, "top_module") is None
    assert strip_module_header('initial $display("module top_module(x);");\nendmodule\n', "top_module") is None
    assert drop_trailer(text) == text  # nothing but a comment after endmodule would be kept too
    assert drop_trailer(text + "// done\n") == text + "// done\n"
    assert drop_trailer(text + "This module passes the input through.\n") == text
    # a comment with parentheses inside a real header does not end the header early
    header = "module top_module( // (ports\n  input in, output out);\n  assign out = in;\nendmodule\n"
    assert strip_module_header(header, "top_module") == "  assign out = in;\nendmodule\n"


def test_v1_reference_is_assembled_exactly_like_the_official_harness(problems):
    p = problems("verilogeval-v1-human", "mux2to1")
    # official: test + "\n" + prompt + "\n" + canonical_solution (the runner adds the test)
    ref = official(p, _answer(p, p.reference, REFERENCE))
    assert ref.source == p.header + "\n" + "\n\tassign out = sel ? b : a;\n\t\nendmodule\n"


def test_v1_official_is_verbatim_and_repairs_are_a_separate_variant(problems):
    p = problems("verilogeval-v1-human", "mux2to1")
    whole = "module top_module(input a, input b, input sel, output out);\n  assign out = sel ? b : a;\nendmodule\n"
    for kind in (CONTINUATION, RESPONSE):
        assert official(p, _answer(p, whole, kind)).source == p.header + "\n" + whole  # header twice: as upstream
        fixed = repaired(p, _answer(p, whole, kind))
        assert fixed.source == p.header + "\n" + "  assign out = sel ? b : a;\nendmodule\n"
        assert fixed.repairs == (HEADER,)
    fenced = repaired(p, _answer(p, "Here it is:\n```verilog\n  assign out = sel ? b : a;\nendmodule\n```\n", CONTINUATION))
    assert fenced.repairs == (FENCE,) and fenced.source == p.header + "\n  assign out = sel ? b : a;\nendmodule\n"
    body = "  assign out = sel ? b : a;\nendmodule\n"
    assert repaired(p, _answer(p, body, CONTINUATION)) is None  # nothing to repair: the official verdict stands
    prose = repaired(p, _answer(p, body + "\nThis selects b when sel is high.\n", CONTINUATION))
    assert prose.repairs == (TRAILER,) and prose.source == p.header + "\n" + body


def test_v2_official_is_sv_generates_file(problems):
    p = problems("verilogeval-v2-code-complete", "Prob022_mux2to1")
    got = official(p, _answer(p, MUX_BODY))
    assert (got.source, got.extraction) == ("\n" + p.header + "\n\n" + MUX_BODY + "\n", "sv-generate")
    assert official(p, _answer(p, MUX_BODY, CODE)).source == MUX_BODY  # a harness-written file: as is
    assert repaired(p, _answer(p, MUX_BODY)) is None  # same code up to blank lines
    spec = problems("verilogeval-v2-spec-to-rtl", "Prob022_mux2to1")
    assert official(spec, _answer(spec, "[BEGIN]\n" + MUX_WRONG + "[DONE]\n")).source == "\n" + MUX_WRONG


def test_sv_generate_extraction_rules():
    ifc = "module TopModule(input a, output b);"
    # two fences: only the first block; the interface comes first unless the response declares the module
    two = "text\n```verilog\n  assign b = a;\nendmodule\n```\nmore\n```\nx\n```\n"
    assert sv_generate_code(two, "code-complete-iccad2023", ifc) == (
        "\n" + ifc + "\n\n  assign b = a;\nendmodule\n\n// VERILOG-EVAL: abnormal backticks count\n\n")
    # no fences, module declared: from the module line to the first endmodule, plus upstream's note
    declared = "Sure:\nmodule TopModule(input a, output b);\n  assign b = a;\nendmodule\ntrailing words\n"
    assert sv_generate_code(declared, "code-complete-iccad2023", ifc) == (
        "\nmodule TopModule(input a, output b);\n  assign b = a;\nendmodule\n\n"
        "// VERILOG-EVAL: errant inclusion of module definition\n\n")
    assert sv_generate_code("  assign b = a;\n", "code-complete-iccad2023", ifc).endswith(
        "// VERILOG-EVAL: endmodule not found\n\n")
    # spec-to-rtl: [BEGIN] without [DONE] writes nothing; no markers: the fence/endmodule fallback
    assert sv_generate_code("[BEGIN]\nmodule TopModule; endmodule\n", "spec-to-rtl", "") == "\n"
    assert sv_generate_code("module TopModule;\nendmodule\nbye\n", "spec-to-rtl", "") == "\nmodule TopModule;\nendmodule\n\n"


def test_v1_repeated_header_fails_official_and_passes_repaired(problems, iverilog_major):
    p = problems("verilogeval-v1-human", "mux2to1")
    right = "module top_module(input a, input b, input sel, output out);\n  assign out = sel ? b : a;\nendmodule\n"
    answer = _answer(p, right, CONTINUATION)
    verbatim = score(p, official(p, answer).source)
    assert (verbatim.verdict, verbatim.code) == (rules.COMPILE_ERROR, "failed: syntax error.")  # as upstream
    assert score(p, repaired(p, answer).source).verdict == rules.PASS
    wrong = score(p, repaired(p, _answer(p, right.replace("sel ? b : a", "sel ? a : b"), CONTINUATION)).source)
    assert wrong.verdict == rules.FAIL and wrong.code.startswith("failed: ") and "Mismatches" in wrong.log


def test_v1_comment_mentioning_the_header_passes_official(problems, iverilog_major):
    p = problems("verilogeval-v1-human", "wire")
    text = "\n// The module top_module simply connects the input to the output (a wire).\nassign out = in;\nendmodule\n"
    answer = _answer(p, text, CONTINUATION)
    assert score(p, official(p, answer).source).verdict == rules.PASS
    assert repaired(p, answer) is None


def test_v2_verdicts_from_real_runs(problems, iverilog_major):
    p = problems("verilogeval-v2-code-complete", "Prob022_mux2to1")
    assert score(p, official(p, _answer(p, MUX_BODY)).source).verdict == rules.PASS
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
