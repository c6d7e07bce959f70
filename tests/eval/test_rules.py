"""The official pass rules on hand-written tool output."""
from __future__ import annotations

import pytest

from codev.eval import rules
from codev.eval.rules import verilogeval_v2_letter


def test_v1_any_stderr_fails_even_with_zero_mismatches():
    ok = "Hint: ...\nMismatches: 0 in 212 samples\n"
    assert rules.verilogeval_v1(True, ok, "", False).verdict == rules.PASS
    assert rules.verilogeval_v1(True, ok, "x.sv:3: warning: implicit definition\n", False).verdict == rules.FAIL
    assert rules.verilogeval_v1(True, "Mismatches: 3 in 212 samples", "", False).code == "failed: 3 out of 212 samples."
    assert rules.verilogeval_v1(True, "no summary", "", False).code == "failed: info string not matched."
    assert rules.verilogeval_v1(False, "", "x.sv:4: syntax error\n", False).verdict == rules.COMPILE_ERROR
    assert rules.verilogeval_v1(True, "", "", True).verdict == rules.TIMEOUT


@pytest.mark.parametrize(
    "log, letter",
    [
        ("Mismatches: 0 in 100 samples\n", "."),
        ("x.sv:3: syntax error\nMismatches: 0 in 100 samples\n", "S"),
        ("VCD info\nTIMEOUT\nMismatches: 0 in 200000 samples\n", "T"),
        ("x.sv:5: error: Unknown module type: TopModule\n", "m"),
        ("x.sv:2: error: Unable to bind wire/reg/memory `clk' in `tb'\n", "c"),
        ("x.sv:2: error: Unable to bind wire/reg/memory `q' in `tb'\n1 error(s)\n", "p"),
        ("x.sv:7: error: something else\n", "C"),
        ("x.sv:8: warning: always_comb process has no sensitivities.\n", "n"),
        ("x.sv:9: error: reg q; is declared here as wire.\n", "w"),
        ("x.sv:1: error: This assignment requires an explicit cast.\n", "e"),
        ("Mismatches: 12 in 100 samples\n", "R"),
        ("Mismatches: 0 in 100 samples (indented or suffixed lines do not count)  \n", "R"),
    ],
)
def test_v2_letters_follow_sv_iv_analyze(log, letter):
    assert verilogeval_v2_letter(log, "module TopModule; endmodule") == letter


def test_v2_reset_hint_letter_from_the_sample_source():
    assert verilogeval_v2_letter("Mismatches: 5 in 10 samples\n", "always @(posedge clk, posedge reset)") == "r"


def test_v2_verdicts():
    assert rules.verilogeval_v2(True, "Mismatches: 0 in 9 samples\n", "", False).verdict == rules.PASS
    assert rules.verilogeval_v2(False, "x.sv:1: syntax error\n", "", False) == rules.Outcome(rules.COMPILE_ERROR, "S")
    assert rules.verilogeval_v2(True, "TIMEOUT\n", "", True) == rules.Outcome(rules.TIMEOUT, "T")
    # the testbench's own watchdog printed TIMEOUT but the simulation ended: an ordinary failure
    assert rules.verilogeval_v2(True, "TIMEOUT\nMismatches: 0 in 9 samples\n", "", False).verdict == rules.FAIL


def test_rtllm_pass_word():
    assert rules.rtllm(True, "===========Your Design Passed===========", False).verdict == rules.PASS
    assert rules.rtllm(True, "all tests pass", False).verdict == rules.PASS
    assert rules.rtllm(True, "===========Error===========", False).verdict == rules.FAIL
    assert rules.rtllm(True, "Passed", True).verdict == rules.TIMEOUT
    assert rules.rtllm(False, "", False).verdict == rules.COMPILE_ERROR
