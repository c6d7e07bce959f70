"""yosys formal: proofs, bounded checks, counterexamples confirmed by Icarus, honest `unsupported`."""
from __future__ import annotations

from testbench_gen import CheckOptions, VerdictKind, infer_interface
from testbench_gen.proof.formal import FormalOptions, counterexample_stimulus, parse_wavejson, prove, replay
from testbench_gen.testbench.stimulus import StimulusOptions, build_stimulus

from .conftest import FSM_BUG, FSM_GOLDEN, FSM_RECODED, XOR_EQUIV, XOR_GOLDEN, XOR_HIDDEN_BUG


def _prove(golden: str, cand: str, **kw):
    iface = infer_interface(golden)
    return prove(golden, cand, iface, infer_interface(cand).top, FormalOptions(**kw))


def test_parse_wavejson_sequential_and_combinational():
    seq = ('{ "signal": [ { "name": "trigger", "wave": "40.1" }, { "name": "in_x", "wave": "401." },'
           ' { "name": "in_d", "wave": "=2=2", "data": ["xx", "10", "", "01"] },'
           ' { "name": "$flatten\\gold.$auto$x", "wave": "=4", "data": ["x", ""] } ] }')
    assert parse_wavejson(seq, sequential=True) == [{"x": 0, "d": 2}, {"x": 1, "d": 0}, {"x": 1, "d": 1}]
    comb = '{ "signal": [ { "name": "in_a", "wave": "=4", "data": ["1001", ""] } ] }'
    assert parse_wavejson(comb, sequential=False) == [{"a": 9}]


def test_combinational_proof_and_counterexample(yosys, icarus):
    assert _prove(XOR_GOLDEN, XOR_EQUIV).status == "proven"
    result = _prove(XOR_GOLDEN, XOR_HIDDEN_BUG)
    assert result.status == "counterexample"
    assert result.steps[0]["a"] == 0x1234ABCD
    iface = infer_interface(XOR_GOLDEN)
    stim = counterexample_stimulus(result.steps, build_stimulus(iface, StimulusOptions(cycles=4, seeds=1)))
    verdict = replay(XOR_GOLDEN, XOR_HIDDEN_BUG, "cand.v", "TopModule", iface, stim, CheckOptions())
    assert verdict.kind is VerdictKind.MISMATCH
    assert verdict.counterexample.inputs["a"] == format(0x1234ABCD, "032b")


def test_recoded_fsm_is_not_a_counterexample_and_a_buggy_one_is(yosys, icarus):
    same = _prove(FSM_GOLDEN, FSM_RECODED, bound=12, induction_steps=4)
    assert same.status in ("proven", "bounded"), same.reason
    assert same.label in ("proven", "bounded(12)")
    bug = _prove(FSM_GOLDEN, FSM_BUG, bound=12, induction_steps=0)
    assert bug.status == "counterexample"
    iface = infer_interface(FSM_GOLDEN)
    stim = counterexample_stimulus(bug.steps, build_stimulus(iface, StimulusOptions(cycles=4, seeds=1)))
    assert replay(FSM_GOLDEN, FSM_BUG, "cand.v", "TopModule", iface, stim, CheckOptions()).kind is VerdictKind.MISMATCH


def test_missing_reset_is_found_from_reset(yosys):
    golden = "module T(input clk, input rst, input d, output reg q); always @(posedge clk) if (rst) q <= 0; else q <= d; endmodule"
    cand = "module T(input clk, input rst, input d, output reg q); always @(posedge clk) q <= d; endmodule"
    assert _prove(golden, cand, bound=4, induction_steps=0).status == "counterexample"


def test_latches_are_state_and_frontend_errors_are_unsupported(yosys):
    """A latch used to make formal `unsupported` (a dummy one switched formal off): now state."""
    latch = "module T(input a, input d, output reg q); always @* if (a) q = d; endmodule"
    assert _prove(latch, latch).status in ("proven", "bounded")
    assert _prove(latch, latch.replace("q = d", "q = ~d"), bound=4).status == "counterexample"
    broken = "module T(input a, input d, output reg q); always @* q = a +; endmodule"
    result = _prove(latch.replace("if (a) q = d;", "q = a & d;"), broken)
    assert result.status == "unsupported" and "yosys" in result.reason or "preprocessor" in result.reason


def test_delays_are_unsupported_not_proven(yosys):
    """yosys drops `#` delays: RTLLM's clkgenerator would be 'proven' equal to a stuck clock."""
    from testbench_gen.proof.formal import has_delays

    golden = ("module T(output reg clk); parameter P = 10; initial clk = 0;\n"
              "  always begin #(P / 2) clk = ~clk; end\nendmodule\n")
    stuck = "module T(output reg clk); initial clk = 0; endmodule\n"
    result = _prove(golden, stuck)
    assert result.status == "unsupported" and "delays" in result.reason
    assert not has_delays("module m #(parameter W = 8) (input a); sub #(.W(W)) u(.a(a)); endmodule")
    assert not has_delays("module m(input a, output b); // wait # 5\n assign b = a; endmodule")


def test_design_without_inputs_replays_its_counterexample(yosys, icarus):
    golden = "module T(output zero); assign zero = 1'b0; endmodule\n"
    wrong = "module T(output zero); assign zero = 1'b1; endmodule\n"
    result = _prove(golden, wrong)
    assert result.status == "counterexample" and result.steps == []
    iface = infer_interface(golden)
    stim = counterexample_stimulus(result.steps, build_stimulus(iface, StimulusOptions(cycles=2, seeds=1)))
    assert len(stim.rows) == 1
    assert replay(golden, wrong, "c.v", "T", iface, stim, CheckOptions()).kind is VerdictKind.MISMATCH


def test_lint_design_names_what_would_void_a_proof(yosys, icarus):
    from testbench_gen.proof.formal import lint_design

    from . import attacks

    assert lint_design(FSM_GOLDEN) == []
    (conflict,) = lint_design(attacks.DIV_CONFLICT)
    assert conflict.startswith("the design has multiple drivers on")  # t, or result (its alias)
    assert lint_design(attacks.MUX_UNDRIVEN) == ["the design has undriven net(s) s"]
    assert "misses c" in lint_design(attacks.MUX_SENSITIVITY)[0]
