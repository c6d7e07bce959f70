"""Hanging is not a hiding place, slowness is not a fault (issue 16, item 1.3).

A run whose trace stops growing (simulation time no longer advances: a zero-time loop) is the
design's fault, `rejected`, which the RL reward scores as wrong; a run that keeps advancing gets up
to the hard cap (`timeout`) and is judged on its trace; only a run still advancing at the cap is
`timeout` (masked by the reward). Alone and in a batch with a correct and a wrong batch-mate, under
every backend the class applies to.
"""
from __future__ import annotations

import shutil

import pytest

from codev.train.reward import score_sample
from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.run.simulators import get_backend
from testbench_gen.run.cocotb_driver import CocotbBackend

GOLDEN = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd1;
endmodule
"""
WRONG = GOLDEN.replace("8'd1", "8'd2")
# wrong once q reaches 37, and spins in a zero-time loop at the very edge where it still matches:
# without stall detection it was `timeout`, which the reward masks
SPIN = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg spin;
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= (q == 8'd37) ? 8'd99 : q + 8'd1;
  always @(posedge clk) if (!reset && en && q == 8'd37) while (1) spin = ~spin;
endmodule
"""
# correct, but every clock edge costs a long loop: many times slower than the golden, advancing
SLOW = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  integer i; reg [31:0] acc;
  always @(posedge clk) begin
    for (i = 0; i < 4000; i = i + 1) acc = acc ^ i;
    if (reset) q <= 0; else if (en) q <= q + 8'd1;
  end
endmodule
"""
# small budgets keep the test short: a candidate may be 1x the golden, at least 1 s, before it
# must show progress
FAST_LIMITS = dict(cycles=300, seeds=2, long_cycles=0, min_timeout=1.0, timeout_factor=1.0, timeout=60.0)


def _available(name: str) -> bool:
    if name in ("verilator", "auto_v"):
        return get_backend("verilator").available()
    if name == "cocotb":
        return CocotbBackend().available()
    if name in ("hybrid", "formal"):
        return shutil.which("yosys") is not None
    return True


@pytest.fixture(params=["icarus", "auto", pytest.param("verilator", marks=pytest.mark.slow),
                        pytest.param("cocotb", marks=pytest.mark.slow),
                        pytest.param("hybrid", marks=pytest.mark.slow),
                        pytest.param("formal", marks=pytest.mark.slow)])
def backend(request, tmp_path_factory, monkeypatch):
    if not shutil.which("iverilog") or not _available(request.param):
        pytest.skip(f"{request.param} not installed")
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "codev-cache"))
    return request.param


def test_a_zero_time_loop_is_the_designs_fault_alone_and_in_a_batch(backend):
    # cocotb builds each design in its run: 1x the golden's time is too tight for a correct mate
    limits = {**FAST_LIMITS, "timeout_factor": 5.0} if backend == "cocotb" else FAST_LIMITS
    options = CheckOptions(backend=backend, seed=3, **limits)
    alone = check(GOLDEN, [SPIN], options)[0]
    batch = check(GOLDEN, [GOLDEN, WRONG, SPIN], options)
    for verdict in (alone, batch[2]):
        # Verilator reports the loop itself or never finishes the step: either way the design's fault
        assert verdict.kind in (VerdictKind.REJECTED, VerdictKind.MISMATCH), verdict
        assert score_sample(True, [verdict]).reward == 0.0  # scored as wrong, not masked
    assert "stopped advancing" in alone.reason or backend != "icarus", alone
    assert [v.kind for v in batch[:2]] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH], batch


def test_a_slow_design_that_advances_is_judged_on_its_trace():
    options = CheckOptions(seed=3, **FAST_LIMITS)
    slower = SLOW.replace("4000", "20000")  # well past the 1 s budget on a quiet machine too (0.96 s at 4000, load 7)
    alone = check(GOLDEN, [slower], options)[0]
    assert alone.kind is VerdictKind.EQUIVALENT, alone
    assert alone.seconds > 1.0  # it did need more than its 1 s budget (else this tests nothing)
    batch = check(GOLDEN, [GOLDEN, WRONG, slower], options)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT], batch


def test_a_design_still_advancing_at_the_hard_cap_is_a_masked_timeout():
    options = CheckOptions(seed=3, **{**FAST_LIMITS, "timeout": 1.5, "min_timeout": 1.0})
    verdict = check(GOLDEN, [SLOW.replace("4000", "40000")], options)[0]
    assert verdict.kind is VerdictKind.TIMEOUT and "still advancing" in verdict.reason, verdict
    assert score_sample(True, [verdict]).reward is None  # masked: slowness is not a fault
