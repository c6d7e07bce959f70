"""Red-team findings turned into tests: each is a hostile candidate the checker once passed."""
from __future__ import annotations

import shutil

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.design.policy import scan

HDR16 = "module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n"
ADD16 = HDR16 + "  assign s = a + b;\nendmodule\n"
SYNTH_ONLY_GARBAGE = HDR16 + "`ifdef SYNTHESIS\n  assign s = 17'd0;\n`else\n  assign s = a + b;\n`endif\nendmodule\n"

# `ifdef on a tool's predefined macro (SYNTHESIS, VERILATOR), made to look candidate-defined
PREDEFINED_TESTS = {
    "dead define": "`define G\n`undef G\n`ifdef G\n`define SYNTHESIS\n`endif\n" + SYNTH_ONLY_GARBAGE,
    "macro body": "`define M `define SYNTHESIS 1\n" + SYNTH_ONLY_GARBAGE,
    "continued body": "`define M a \\\n`define SYNTHESIS 1\n" + SYNTH_ONLY_GARBAGE,
}


@pytest.mark.parametrize("text", PREDEFINED_TESTS.values(), ids=PREDEFINED_TESTS.keys())
def test_ifdef_on_a_predefined_macro_is_rejected(text):
    assert any("not defined above" in v.construct for v in scan(text))


def test_own_macros_in_conditionals_still_pass():
    text = ("`define WIDE\n`ifdef WIDE\n`define W 16\n`else\n`define W 8\n`endif\n`undef WIDE\n"
            "`ifndef WIDE\n`define SUM(x, y) ((x) + (y))\n`endif\n"
            + HDR16 + "  assign s = `SUM(a[`W-1:0], b);\nendmodule\n")
    assert scan(text) == []


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_predefined_macro_trick_is_rejected_alone_and_in_batch():
    bad = HDR16 + "  assign s = a - b;\nendmodule\n"
    opts = CheckOptions(cycles=200, seeds=1)
    attacker = PREDEFINED_TESTS["dead define"]
    assert check(ADD16, [attacker], opts)[0].kind is VerdictKind.REJECTED
    kinds = [v.kind for v in check(ADD16, [ADD16, bad, attacker], opts)]
    assert kinds == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.REJECTED]


@pytest.mark.parametrize("attr", ["(*/**/ keep *)", "(* /* x */ keep *)", "(*// c\n keep *)"])
def test_attribute_behind_a_comment_is_rejected(attr):
    text = HDR16 + f"  {attr} wire [16:0] r = a + b;\n  assign s = r;\nendmodule\n"
    assert any(v.construct.startswith("attribute") for v in scan(text))


def test_star_sensitivity_with_a_comment_is_not_an_attribute():
    text = HDR16 + "  reg [16:0] r;\n  always @(*/* all */) r = a + b;\n  assign s = r;\nendmodule\n"
    assert scan(text) == []


HDRC = "module TopModule(input clk, input reset, input en, output reg [7:0] q);\n"
CNT = HDRC + "  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd1;\nendmodule\n"
# counts by 2 (wrong from the first enabled cycle), then hangs the simulator once q reaches 40
WRONG_THEN_HANG = HDRC + """  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd2;
  reg r;
  always @(posedge clk) if (q == 8'd40) while (1) r = ~r;
endmodule
"""


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_wrong_then_hang_is_a_mismatch_not_a_timeout():
    opts = CheckOptions(cycles=400, seeds=2, min_timeout=2.0)
    alone = check(CNT, [WRONG_THEN_HANG], opts)[0]
    assert alone.kind is VerdictKind.MISMATCH and "then the run stopped" in alone.reason
    kinds = [v.kind for v in check(CNT, [CNT, WRONG_THEN_HANG], opts)]
    assert kinds == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]


@pytest.mark.slow  # cocotb builds and runs each design in its own process, the hang for its budget
def test_wrong_then_hang_is_a_mismatch_under_cocotb_too():
    """cocotb's driver wrote its trace only at the end: a hang lost every line, so a design wrong
    from cycle 2 got `timeout` (a reward does not count that as wrong). It now writes as it goes."""
    from testbench_gen.run.cocotb_driver import CocotbBackend

    if not CocotbBackend().available():
        pytest.skip("cocotb not installed")
    opts = CheckOptions(backend="cocotb", cycles=200, seeds=1, min_timeout=2.0, timeout=6.0)
    kinds = [v.kind for v in check(CNT, [CNT, WRONG_THEN_HANG, CNT.replace("8'd1", "8'd3")], opts)]
    assert kinds == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.MISMATCH]


MUX = "module TopModule(input en, input [7:0] d, output [7:0] y);\n  assign y = en ? d : 8'd0;\nendmodule\n"
# each is equivalent under 2-state Verilator and wrong in 4-state simulation and in hardware
TWO_STATE_ARTEFACTS = [
    MUX.replace("assign y = en ? d : 8'd0;", "assign y = en ? d : 8'd0;\n  assign y = 8'd0;"),  # short
    MUX.replace("8'd0;", "8'bz;"),  # floats where the golden drives 0
    MUX.replace("assign y = en ? d : 8'd0;", "reg [1:0] m;\n  assign y = (m == 2'b01) ? 8'd0 : en ? d : 8'd0;"),
]


@pytest.mark.skipif(shutil.which("verilator") is None or shutil.which("iverilog") is None,
                    reason="needs verilator and iverilog")
def test_auto_on_verilator_spot_checks_equivalents_in_four_states():
    from testbench_gen.config import StrategyOptions

    # a probe of 1 ms sends the golden to Verilator, as a slow golden (conwaylife) would be
    opts = CheckOptions(backend="auto", cycles=400, seeds=2, strategy=StrategyOptions(probe_seconds=0.001))
    verdicts = check(MUX, [MUX, *TWO_STATE_ARTEFACTS], opts)
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT] + [VerdictKind.MISMATCH] * 3
    assert all("spot check" in v.reason for v in verdicts[1:])
