"""A late 4-state fault under a 2-state backend (issue 16, item 1.4).

A pin that floats only once a counter reaches 64 (and only while the golden drives 0 there) is the
same as the golden in 2-state Verilator; the old spot check ran the first ~100 cycles from reset over
4 segments, so it passed. Now the 4-state Icarus spot check covers the whole stimulus whenever Icarus
can afford it (`strategy.spot_check_seconds`), which it measures with the golden's own run. Alone and
in a batch with a correct and a wrong batch-mate, under every backend Verilator decides.
"""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.config import StrategyOptions

COUNTER = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd1;
endmodule
"""
WRONG = COUNTER.replace("8'd1", "8'd2")
LATE_FLOAT = """module TopModule(input clk, input reset, input en, output [7:0] q);
  reg [7:0] r; reg [6:0] age;
  always @(posedge clk) if (reset) begin r <= 0; age <= 0; end
    else begin if (en) r <= r + 8'd1; if (age != 7'd127) age <= age + 7'd1; end
  assign q = {(age >= 7'd64 && !r[7]) ? 1'bz : r[7], r[6:0]};
endmodule
"""
# the same flaw through a second driver instead of a `z` literal
LATE_SHORT = """module TopModule(input clk, input reset, input en, output [7:0] q);
  reg [7:0] r; reg [6:0] age;
  always @(posedge clk) if (reset) begin r <= 0; age <= 0; end
    else begin if (en) r <= r + 8'd1; if (age != 7'd127) age <= age + 7'd1; end
  assign q = r;
  assign q = (age >= 7'd64) ? 8'd0 : 8'bz;
endmodule
"""

SETTINGS = {
    "verilator": CheckOptions(backend="verilator", seed=5),
    # auto as for a slow golden: Verilator decides, the spot check still measures Icarus itself
    "auto_v": CheckOptions(backend="auto", seed=5, strategy=StrategyOptions(probe_seconds=0.001)),
}


@pytest.mark.slow  # Verilator builds: ~30 s each on 2 loaded cores
@pytest.mark.parametrize("setting", sorted(SETTINGS))
@pytest.mark.parametrize("attack", [LATE_FLOAT, LATE_SHORT], ids=["late_float", "late_short"])
def test_a_late_four_state_flaw_is_caught_alone_and_in_a_batch(verilator, icarus, setting, attack):
    options = SETTINGS[setting]
    alone = check(COUNTER, [attack], options)[0]
    assert alone.kind is VerdictKind.MISMATCH and "spot check" in alone.reason, alone
    batch = check(COUNTER, [COUNTER, WRONG, attack], options)
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.MISMATCH], batch
    assert "spot check" not in batch[0].reason  # a whole-stimulus check leaves no note on a pass


def test_the_spot_check_covers_the_whole_stimulus_when_icarus_can_afford_it(icarus):
    from testbench_gen.proof.strategies import spot_check_options

    options = CheckOptions(backend="verilator", seed=5)
    full, note = spot_check_options(COUNTER, options, StrategyOptions(), 3)
    assert full == options and note == ""
    short, note = spot_check_options(COUNTER, options, StrategyOptions(spot_check_seconds=0.0), 3)
    assert (short.cycles, short.seeds, short.long_cycles) == (100, 1, 0)
    assert note.startswith("4-state spot check over 100 cycles from reset only") and "spot_check_seconds" in note
    assert spot_check_options(COUNTER, options, StrategyOptions(spot_check_share=1), 3) == (options, "")
