"""What formal reads (the simulator's preprocessed text) and the lints that void a proof."""
from __future__ import annotations

import pytest

from testbench_gen.proof.formal_input import (compiled_text, parse_check_log, sensitivity_caveats,
                                        strip_comments_and_attributes)

TWO_FACED = """`define W 8
module m (* keep *) (input [`W-1:0] a, output y); // comment
`ifdef SYNTHESIS
  assign y = 1'b1;
`else
  (* full_case *) assign y = a[0]; /* block
  comment */
`endif
`ifdef NEVER
  initial #1 $display("dead");
`endif
endmodule
"""


def test_comments_and_attributes_are_blanked_strings_and_escaped_names_kept():
    text = 'wire \\a//b ; // c\nassign s = "//x(*y*)"; always @(*) q = (* k *) d; /* m\nl */ z'
    out = strip_comments_and_attributes(text)
    assert "\\a//b ;" in out and '"//x(*y*)"' in out and "@(*)" in out
    assert "// c" not in out and "(* k *)" not in out and "/* m" not in out
    assert out.count("\n") == text.count("\n")  # line numbers kept


@pytest.mark.parametrize("simulator", ["icarus", "verilator"])
def test_formal_reads_the_simulators_preprocessed_text(simulator, icarus):
    if simulator == "verilator":
        from testbench_gen.run.simulators import get_backend

        if not get_backend("verilator").available():
            pytest.skip("verilator not installed")
    text = compiled_text(TWO_FACED, simulator).text
    assert "assign y = a[0];" in text  # the simulator's branch, not yosys' SYNTHESIS one
    for gone in ("1'b1", "#1", "keep", "full_case", "comment", "`define", "`ifdef"):
        assert gone not in text, gone
    assert "[8-1:0]" in text


def test_incomplete_sensitivity_is_reported_complete_lists_are_not():
    src = """module m(input clk, input rst, input a, input b, input c, output reg y, output reg z,
                output reg w, output reg v);
  reg t;
  always @(a or b) begin t = a; y = t & c; end
  always @(a, b, c) z = a ^ b ^ c;
  always @* w = a & c;
  always @(posedge clk or posedge rst) if (rst) v <= 0; else v <= c;
endmodule
"""
    caveats = sensitivity_caveats(src)
    assert len(caveats) == 1 and "line 4: misses c" in caveats[0]
    mixed = "module m(input clk, input a, output reg q); always @(posedge clk or a) q <= a; endmodule"
    assert "mixes edge and level" in sensitivity_caveats(mixed)[0]
    via_function = ("module m(input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
                    "  function [7:0] f(input [7:0] x); f = x ^ b; endfunction\n"
                    "  always @(a) y = f(a) + $unsigned(a);\nendmodule\n")  # f reads b
    assert "calls f()" in sensitivity_caveats(via_function)[0]


def test_yosys_check_log_names_nets_per_design():
    log = """Checking module TopModule__c_1234...
Warning: multiple conflicting drivers for TopModule__c_1234.\\t [1]:
    port Y[1] of cell $add$gate.v:3$1 ($add)
Warning: multiple conflicting drivers for TopModule__c_1234.\\t [0]:
Warning: Wire TopModule__g_1234.\\flag is used but has no driver.
Warning: found logic loop in module TopModule__c_1234:
Warning: Wire other.\\x is used but has no driver.
"""
    owners = {"TopModule__c_1234": "candidate", "TopModule__g_1234": "golden"}
    assert parse_check_log(log, owners) == ["the candidate has multiple drivers on t",
                                            "the golden has undriven net(s) flag",
                                            "the candidate has a combinational loop"]


def test_the_simulator_behind_a_verdict_is_a_typed_field():
    from testbench_gen import Verdict, VerdictKind

    verdict = Verdict(VerdictKind.EQUIVALENT, "ok", backend="cocotb-verilator+formal", simulator="verilator")
    assert Verdict.from_json(verdict.to_json()).simulator == "verilator"
    old = verdict.to_json()
    del old["simulator"]  # a record written before the field existed still reads
    assert Verdict.from_json(old).simulator == ""
