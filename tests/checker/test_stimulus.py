"""Stimulus plans: fresh per seed, a varied horizon, a long run without reset, inout columns."""
from __future__ import annotations

import pytest

from testbench_gen.design.infer import infer_interface
from testbench_gen.interface import Clock, Interface, Port, Reset
from testbench_gen.testbench.stimulus import HELD_WIDTH, StimulusOptions, build_stimulus, enable_column


def counter_iface(width: int) -> Interface:
    return Interface(top="t", ports=[Port("clk", "input", 1), Port("rst", "input", 1), Port("en", "input", 1),
                                     Port("d", "input", 16), Port("q", "output", width)],
                     clocks=[Clock("clk", "posedge")], resets=[Reset("rst", True, True)], counter_bits=width)


def test_same_seed_same_rows_other_seeds_other_rows_and_horizons():
    iface = counter_iface(4)
    a = build_stimulus(iface, StimulusOptions(cycles=100, seed=1))
    assert a.rows == build_stimulus(iface, StimulusOptions(cycles=100, seed=1)).rows and a.seed == 1
    others = [build_stimulus(iface, StimulusOptions(cycles=100, seed=s)) for s in range(2, 8)]
    assert all(o.rows[:len(a.rows)] != a.rows[:len(o.rows)] for o in others)
    assert len({len(o.rows) for o in others}) > 1  # the horizon moves with the seed
    fixed = StimulusOptions(cycles=100, seed=1, horizon_jitter=0, long_cycles=0)
    assert len(build_stimulus(iface, fixed).rows) == 200  # no jitter, no long run: exactly cycles


def test_long_run_wraps_the_widest_counter_without_reset_and_holds_narrow_inputs():
    stim = build_stimulus(counter_iface(12), StimulusOptions(cycles=100, seed=3))
    long = stim.rows[stim.long_start:]
    assert stim.long_start == stim.segment_starts[-1]
    col = {name: i for i, name in enumerate(stim.columns)}
    resets = [row[col["rst"]] for row in long]
    released = resets.index(0)
    assert 0 < released <= 8 and not any(resets[released:])  # asserted at the start only
    en = [row[col["en"]] for row in long]
    ones = en.index(0)  # first phase: narrow inputs all ones, long enough to wrap 12 bits
    assert ones // 2 >= 1 << 12
    assert not any(en[ones:ones + 2 * (1 << 12)])  # second phase: all zeros, as long
    assert len({row[col["d"]] for row in long}) > 100  # wide inputs keep changing


def test_long_run_stays_within_its_budget():
    stim = build_stimulus(counter_iface(40), StimulusOptions(cycles=100, seed=3, long_cycles=5000))
    assert len(stim.rows) - stim.long_start == 2 * 5000
    none = build_stimulus(counter_iface(40), StimulusOptions(cycles=100, seed=3, long_cycles=0))
    assert none.long_start is None


def test_combinational_designs_have_no_long_run():
    iface = infer_interface("module m(input [3:0] a, output [3:0] y); assign y = ~a; endmodule")
    assert build_stimulus(iface, StimulusOptions(cycles=50, seed=0)).long_start is None


def test_inout_ports_get_a_value_and_an_enable_column():
    iface = infer_interface("module m(input clk, input we, inout [7:0] io, output reg [7:0] r);\n"
                            "always @(posedge clk) r <= io; assign io = we ? r : 8'bz; endmodule")
    stim = build_stimulus(iface, StimulusOptions(cycles=200, seed=0))
    col = {name: i for i, name in enumerate(stim.columns)}
    assert stim.widths[col["io"]] == 8 and stim.widths[col[enable_column("io")]] == 1
    enables = {row[col[enable_column("io")]] for row in stim.rows}
    assert enables == {0, 1}  # the testbench both drives and releases the bus


@pytest.mark.parametrize("width", [40, 128])
def test_wide_constants_reach_wide_inputs(width):
    magic = (1 << width) - 12345
    iface = infer_interface(f"module m(input [{width - 1}:0] k, output y); assign y = k == {width}'d{magic}; endmodule")
    assert magic in iface.constants
    stim = build_stimulus(iface, StimulusOptions(cycles=300, seed=0))
    assert any(row[0] == magic for row in stim.rows)


def test_held_width_is_small():
    assert HELD_WIDTH <= 4  # wider inputs are data: holding them would starve the long run of values


def test_long_run_of_wide_outputs_stays_within_the_trace_budget():
    iface = counter_iface(40)
    iface.ports[-1].width = 256  # 256-bit output: 140,000 cycles would write a 140 MB trace
    stim = build_stimulus(iface, StimulusOptions(cycles=10, seed=0, long_trace_mb=1))
    assert (len(stim.rows) - stim.long_start) * 2 * 257 <= 1 << 20


def test_a_constant_compared_with_a_concatenation_reaches_each_part():
    iface = infer_interface("module m(input [15:0] hi, input [15:0] lo, output y);\n"
                            "assign y = {hi, lo} == 32'hCAFE_F00D; endmodule")
    stim = build_stimulus(iface, StimulusOptions(cycles=400, seed=0))
    assert any(row[0] == 0xCAFE for row in stim.rows) and any(row[1] == 0xF00D for row in stim.rows)
