"""Coverage-directed stimulus (directed.py): a deep FIFO is filled on every seed, profiles are a
function of the golden alone (the same rows whether the search was cached or not), verdicts report
coverage, and a candidate's verdict alone is its verdict in a batch."""
from __future__ import annotations

import shutil

import pytest

from codev.synth.generator.families.fifo import Fifo
from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.run.simulators import get_backend
from testbench_gen.service.cache import clear_all
from testbench_gen.testbench.directed import PROFILE_CYCLES, search
from testbench_gen.run.golden import GOLDEN_CACHE, golden_interface, prepare_golden, simulate_golden
from testbench_gen.design.infer import infer_interface

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")

# a `codev synth generate` fifo item at level 5: 16 entries of 16 bits, no occupancy output
PARAMS = {"width": 16, "depth": 16, "count": False, "reset_active_high": False, "reset_synchronous": True,
          "almost_full": 0}
DESIGN = Fifo().build(PARAMS, 5)
FIFO, SHIFT_QUEUE = DESIGN.golden, DESIGN.alternate  # the second: a correct rewrite (shift register)
HOLDS_15 = FIFO.replace("assign full = (used == 5'd16);", "assign full = (used == 5'd15);")
NO_FULL = FIFO.replace("assign full = (used == 5'd16);", "assign full = 1'b0;")
WRONG_DOUT = FIFO.replace("assign dout = empty ? 16'd0 : mem[rp];", "assign dout = empty ? 16'd0 : ~mem[rp];")
assert len({FIFO, HOLDS_15, NO_FULL, WRONG_DOUT}) == 4


def check_fifo_seed(seed: int, backend: str = "icarus", directed: bool = True) -> list:
    """Each capacity bug alone, then all in one batch with a correct and a wrong batch-mate."""
    opts = CheckOptions(seed=seed, backend=backend, directed=directed)
    alone = [check(FIFO, [bug], opts)[0] for bug in (HOLDS_15, NO_FULL)]
    batch = check(FIFO, [SHIFT_QUEUE, HOLDS_15, WRONG_DOUT, NO_FULL], opts)
    for lone, mate in zip(alone, (batch[1], batch[3])):
        assert lone.kind is mate.kind
        if lone.counterexample:
            assert lone.counterexample.step == mate.counterexample.step
    assert batch[0].kind is VerdictKind.EQUIVALENT, batch[0].reason
    assert batch[2].kind is VerdictKind.MISMATCH
    return alone


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fifo_capacity_bugs_are_found_alone_and_in_a_batch(seed):
    # before directed segments, seeds 1-3 all passed both bugs (the FIFO never filled)
    for verdict in check_fifo_seed(seed):
        assert verdict.kind is VerdictKind.MISMATCH, verdict.reason
        assert verdict.coverage == 1.0 and verdict.untoggled == []


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["icarus", "verilator", "auto"])
def test_fifo_capacity_bugs_are_found_on_20_of_20_seeds(backend):
    if backend != "icarus" and not get_backend("verilator").available():
        pytest.skip("verilator not installed")
    missed = [seed for seed in range(20) for v in check_fifo_seed(seed, backend) if v.is_equivalent]
    assert missed == []


@pytest.mark.slow
def test_without_directed_segments_the_fifo_bugs_pass_on_some_seeds():
    """The control: the same checks with `directed=False` (the stimulus before) miss them."""
    passed = sum(v.is_equivalent for seed in range(1, 4) for v in check_fifo_seed(seed, directed=False))
    assert passed > 0


def test_the_stimulus_depends_on_golden_and_seed_only():
    clear_all()
    first = prepare_golden(FIFO, CheckOptions(seed=5))
    assert first.directed == ["wr_en: p1=0.95, rd_en: p1=0.05"]
    assert first.coverage == 1.0 and first.untoggled == [] and first.untoggled_state == []
    GOLDEN_CACHE.clear()  # the search's result stays cached: the same rows
    assert prepare_golden(FIFO, CheckOptions(seed=5)).stimulus.rows == first.stimulus.rows
    clear_all()  # another seed searched first: the same rows again
    other = prepare_golden(FIFO, CheckOptions(seed=6))
    assert other.stimulus.rows != first.stimulus.rows
    again = prepare_golden(FIFO, CheckOptions(seed=5))
    assert again.stimulus.rows == first.stimulus.rows and again.expected == first.expected
    # the random segments and the long run are the same rows without the directed segment
    plain = prepare_golden(FIFO, CheckOptions(seed=5, directed=False)).stimulus
    stim = first.stimulus
    assert plain.directed_start is None and stim.directed_start == plain.long_start
    assert stim.rows[:stim.directed_start] == plain.rows[:plain.long_start]
    assert stim.rows[stim.long_start:] == plain.rows[plain.long_start:]
    assert stim.long_start - stim.directed_start == 2 * PROFILE_CYCLES


def test_directed_segment_holds_writes_high_reads_rare_and_resets_only_at_its_start():
    stim = prepare_golden(FIFO, CheckOptions(seed=7)).stimulus
    col = {name: i for i, name in enumerate(stim.columns)}
    rows = stim.rows[stim.directed_start:stim.long_start]
    resets = [row[col["rst_n"]] for row in rows]
    released = resets.index(1)
    assert 0 < released <= 8 and all(resets[released:])
    writes = sum(row[col["wr_en"]] for row in rows) / len(rows)
    reads = sum(row[col["rd_en"]] for row in rows) / len(rows)
    assert writes > 0.85 and reads < 0.15


HIT = """module t(input clk, input rst, input inc, output reg [5:0] n, output hit);
  always @(posedge clk) if (rst || !inc) n <= 6'd0; else if (n != 6'd40) n <= n + 6'd1;
  assign hit = (n == 6'd40);
endmodule
"""
CTL = """module t(input clk, input rst, input go, output done);
  ctl u(.clk(clk), .rst(rst), .go(go), .done(done));
endmodule
module ctl(input clk, input rst, input go, output done);
  reg [4:0] cnt;
  always @(posedge clk) if (rst || !go) cnt <= 5'd0; else if (cnt != 5'd20) cnt <= cnt + 5'd1;
  assign done = (cnt == 5'd20);
endmodule
"""


def test_an_output_left_untoggled_by_this_seed_gets_the_segments():
    """No register below the top: the golden's own trace decides (40 ones in a row never came)."""
    opts = CheckOptions(seed=3, long_cycles=0)
    plain = prepare_golden(HIT, CheckOptions(seed=3, long_cycles=0, directed=False))
    assert plain.untoggled == ["hit"] and plain.coverage < 1.0
    run = prepare_golden(HIT, opts)
    assert run.directed and run.untoggled == [] and run.coverage == 1.0
    late = HIT.replace("assign hit = (n == 6'd40);", "assign hit = (n == 6'd39);")
    good, bad = check(HIT, [HIT, late], opts)
    assert good.is_equivalent and "coverage-directed" in good.reason and bad.kind is VerdictKind.MISMATCH


def test_registers_below_the_top_are_watched_through_hierarchical_references():
    iface = infer_interface(CTL)
    assert [(v.path, v.width, v.values) for v in iface.state] == [("u.cnt", 5, [20])]
    opts = CheckOptions(seed=1, long_cycles=0)
    icarus = get_backend("icarus")
    giface = golden_interface(CTL, opts, icarus)

    def simulate(text, probed, stim):
        return simulate_golden(text, probed, stim, opts, icarus)[0]

    found = search(CTL, giface, simulate)
    assert found.profiles and found.state_gain and found.untoggled_state == ()
    assert found.profiles[0].biases == (("go", found.profiles[0].biases[0][1]),)
    assert found.profiles[0].biases[0][1].density > 0.9
    run = prepare_golden(CTL, opts)
    assert run.untoggled == [] and run.directed


def test_combinational_designs_are_left_alone():
    comb = "module t(input [3:0] a, output y); assign y = (a * a == 4'd2); endmodule\n"
    run = prepare_golden(comb, CheckOptions(seed=1))
    assert run.directed == [] and run.untoggled == ["y"] and run.coverage == 0.0
