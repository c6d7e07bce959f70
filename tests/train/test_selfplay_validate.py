"""Self-play validation: every reject reason from a real checker run (one batched call), and valid tasks."""
from __future__ import annotations

import json

import pytest

from codev.synth.checking import Checker
from codev.synth.decontam import BenchmarkIndex, DecontamConfig
from tests.benchdata import THERMOSTAT_RESTYLED
from codev.train.selfplay.config import ValidationSettings
from codev.train.selfplay.tasks import Proposal, Task
from codev.train.selfplay.validate import REASONS, Validator, self_check_reason, spec_has_code
from testbench_gen import Verdict, VerdictKind, infer_interface

XOR5 = "module flip(input [3:0] a, output [3:0] y);\n  assign y = a ^ 4'h5;\nendmodule\n"
SPEC = "Output y is input a with bits 0 and 2 inverted."
CASES = {  # name -> (proposal, expected reason; "" = valid)
    "unreadable": (Proposal("induction", None, problem="no <answer>"), "parse"),
    "huge": (Proposal("induction", "module m(input a, output y); assign y = a;\n" + "// pad\n" * 2000
                      + "endmodule\n"), "too_long"),
    "spec_code": (Proposal("spec", XOR5, "y = a ^ 5, i.e. assign y = a ^ 4'h5;"), "spec_has_code"),
    "syntax": (Proposal("induction", "module m(input [3:0] a, output [3:0] y); assign y = a + ; endmodule"),
               "compile"),
    "random": (Proposal("deduction", "module m(input clk, input [3:0] a, output reg [3:0] y); integer s; "
                                     "initial s = $random; always @(posedge clk) y <= a ^ s[3:0]; endmodule"),
               "policy"),
    "finish": (Proposal("induction", "module m(input [3:0] a, output [3:0] y); initial $finish; "
                                     "assign y = a ^ 4'h3; endmodule"), "invalid_golden"),
    # reads its own instance name, which differs from run to run: the golden disagreed with its own copy
    # ("nondeterministic") until the checker's policy learnt to reject %m; now the policy stops it first
    "instance_name": (Proposal("induction", "module m(input [3:0] a, output [3:0] y); reg [8*64-1:0] s; "
                                            "initial $sformat(s, \"%m\"); assign y = a ^ s[3:0] ^ s[11:8] ^ "
                                            "s[19:16] ^ s[27:24] ^ s[35:32] ^ s[43:40]; endmodule"),
                      "policy"),
    "no_outputs": (Proposal("induction", "module m(input [3:0] a); wire [3:0] w = a; endmodule"), "interface"),
    "constant": (Proposal("deduction", "module m(input [3:0] a, output [3:0] y); assign y = 4'd3; endmodule"),
                 "trivial"),
    "wire": (Proposal("induction", "module m(input [3:0] a, input [3:0] b, output [3:0] y); "
                                   "assign y = b; endmodule"), "trivial"),
    "stuck_output": (Proposal("induction", "module m(input [3:0] a, output [3:0] y, output z); "
                                           "assign y = ~a; assign z = 1'b0; endmodule"), "untoggled"),
    "bench_text": (Proposal("induction", "module top_module(input a, input b, output out); "
                                         "assign out = a & b; endmodule"), "contaminated"),
    "bench_function": (Proposal("induction", THERMOSTAT_RESTYLED), "contaminated"),
    # the buffer's XOR5 written bit by bit with other port names: a duplicate only the checker sees
    "buffer_copy": (Proposal("induction", "module g(input [3:0] d, output [3:0] q); "
                                          "assign q = {d[3], ~d[2], d[1], ~d[0]}; endmodule"), "duplicate"),
    "valid_spec": (Proposal("spec", "module satadd(input [3:0] a, input [2:0] b, output [3:0] y, output sat);\n"
                                    "  wire [4:0] s = a + b;\n  assign sat = s[4];\n"
                                    "  assign y = s[4] ? 4'hf : s[3:0];\nendmodule\n",
                            "Output y is the sum of a and b, saturating at 15; sat says it saturated."), ""),
    "valid_deduction": (Proposal("deduction", "module acc(input clk, input rst, input [3:0] d, output reg [5:0] s);\n"
                                              "  always @(posedge clk) if (rst) s <= 0; else s <= s + d;\nendmodule\n"),
                        ""),
    "valid_induction": (Proposal("induction", "module mx(input [3:0] a, input [3:0] b, output [3:0] y);\n"
                                              "  assign y = (a > b) ? a - b : b - a;\nendmodule\n"), ""),
    # the same function as valid_induction in the same batch, other text: the second one is a duplicate
    "batch_copy": (Proposal("induction", "module mx2(input [3:0] a, input [3:0] b, output [3:0] y);\n"
                                         "  assign y = (b >= a) ? b - a : a - b;\nendmodule\n"), "duplicate"),
}


@pytest.fixture(scope="module")
def outcomes(bench_root):
    buffer = [Task("seed-induction-xor5", "induction", "seed", XOR5, json.dumps(infer_interface(XOR5).to_json()))]
    index = BenchmarkIndex(bench_root, DecontamConfig())
    with Checker(2) as checker:
        validator = Validator(ValidationSettings(cycles=100, max_golden_chars=4000), checker,
                              lambda t: [x for x in buffer if x.type == t], trace_cycles=3, bench_index=index)
        results = validator.validate([p for p, _ in CASES.values()], round_=2)
    return dict(zip(CASES, results))


@pytest.mark.parametrize("name", list(CASES))
def test_each_proposal_gets_its_funnel_reason(outcomes, name):
    outcome = outcomes[name]
    expected = CASES[name][1]
    assert (outcome.reason, outcome.valid) == (expected, expected == ""), outcome.detail
    if expected:
        assert outcome.detail and outcome.task is None
        assert expected in REASONS


def test_valid_tasks_carry_interface_and_traces(outcomes):
    spec = outcomes["valid_spec"].task
    assert spec.type == "spec" and spec.spec.startswith("Output y is the sum") and spec.trace is None and spec.round == 2
    deduction = outcomes["valid_deduction"].task
    trace = deduction.trace_obj()
    assert trace.inputs == ["clk", "rst", "d"] and trace.outputs == ["s"]
    assert len(trace.rows) == len(trace.values) == 6  # 3 cycles, two steps each
    assert deduction.iface.top == "acc"
    assert outcomes["batch_copy"].detail.endswith("(same batch)")
    assert "buffer/seed-induction-xor5" in outcomes["buffer_copy"].detail


def test_spec_check_catches_copied_code_without_markers():
    golden = "module m(input [3:0] a, input [3:0] b, output [3:0] y); assign y = (a & b) | (a ^ b); endmodule"
    assert spec_has_code("y is (a & b) | (a ^ b) for all inputs", golden)
    assert not spec_has_code("y is the bitwise OR of a and b.", golden)


@pytest.mark.parametrize("kind", [VerdictKind.TIMEOUT, VerdictKind.INFRA_ERROR])
def test_an_unjudged_self_check_is_not_accepted(kind):
    assert self_check_reason(Verdict(kind, "could not run"))[0] == "unchecked"


def test_a_golden_disagreeing_with_its_copy_is_nondeterministic():
    # no design within the checker's policy is known to do this any more (see "instance_name" above)
    verdict = Verdict(VerdictKind.MISMATCH, "differs from the golden on y at cycle 0")
    assert self_check_reason(verdict) == ("nondeterministic", "differs from the golden on y at cycle 0")
