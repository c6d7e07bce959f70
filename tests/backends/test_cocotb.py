"""cocotb: the same stimulus driven from Python reaches the same verdicts as the Verilog harness."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.backends.cocotb_backend import CocotbBackend, check_cocotb

from .conftest import FSM_BUG, FSM_GOLDEN, FSM_RECODED


@pytest.fixture(scope="module")
def cocotb_icarus(icarus):
    backend = CocotbBackend("icarus")
    if not backend.available():
        pytest.skip(backend.unavailable_reason())
    return backend


def test_same_verdicts_as_the_verilog_harness(cocotb_icarus):
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


def test_old_verilator_is_refused_with_the_version_it_needs():
    backend = CocotbBackend("verilator")
    if not backend.sim_backend.available():
        pytest.skip("verilator not installed")
    major_minor = tuple(int(x) for x in backend.sim_backend.version().split(".")[:2])
    if major_minor >= (5, 36):
        assert backend.available()
    else:
        assert "5.036" in backend.unavailable_reason()
        verdict = check_cocotb(FSM_GOLDEN, [FSM_RECODED], CheckOptions(cycles=50), simulator="verilator")[0]
        assert verdict.kind is VerdictKind.INFRA_ERROR
