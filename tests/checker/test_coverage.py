"""Coverage facts of the golden trace, the z-exact comparison and the seed recorded in verdicts."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.testbench.coverage import never_known, untoggled_bits, untoggled_outputs
from testbench_gen.testbench.harness import bits_differ
from testbench_gen.interface import Interface, Port


def iface() -> Interface:
    return Interface(top="t", ports=[Port("a", "input", 1), Port("q", "output", 3), Port("f", "output", 1),
                                     Port("u", "output", 2)])


def test_untoggled_bits_and_outputs_ignore_x_but_count_z():
    # q: bit 2 never changes, bit 0 goes x -> 0 only; f: 0 -> z is a toggle; u: x throughout
    trace = ["1x0" + "0" + "xx", "100" + "z" + "xx", "110" + "0" + "xx"]
    assert untoggled_bits(iface(), trace) == {"q": [0, 2], "u": [0, 1]}
    assert untoggled_outputs(iface(), trace) == ["u"]
    assert never_known(iface(), trace) == ["u"]


@pytest.mark.parametrize("expected, actual, lenient, strict", [
    ("01", "01", False, False),
    ("0x", "01", False, True),   # golden x: not compared unless strict
    ("0z", "00", True, True),    # golden z: a driven bit is wrong
    ("0z", "0z", False, False),
    ("01", "0z", True, True),
])
def test_z_is_compared_exactly_x_is_not(expected, actual, lenient, strict):
    assert bits_differ(expected, actual, True) is lenient
    assert bits_differ(expected, actual, False) is strict


GOLDEN = """module t(input clk, input rst, input [3:0] a, output reg [3:0] y, output never);
  always @(posedge clk) if (rst) y <= 0; else y <= a ^ y;
  assign never = (a * a == 4'd2);
endmodule
"""


def test_verdicts_record_the_fresh_seed_and_the_untoggled_outputs():
    wrong = GOLDEN.replace("a ^ y", "a | y")
    fresh = [check(GOLDEN, [GOLDEN, wrong], CheckOptions(cycles=50)) for _ in range(2)]
    for good, bad in fresh:
        assert good.kind is VerdictKind.EQUIVALENT and bad.kind is VerdictKind.MISMATCH
        assert good.seed == bad.seed and good.seed is not None  # one stimulus per call
        assert good.untoggled == bad.untoggled == ["never"]
        assert f"seed {good.seed}" in good.reason and "never toggled in the golden: never" in good.reason
    assert fresh[0][0].seed != fresh[1][0].seed
    replay = check(GOLDEN, [wrong], CheckOptions(cycles=50, seed=fresh[0][1].seed))[0]
    assert replay.counterexample.step == fresh[0][1].counterexample.step
    rejected = check(GOLDEN, [GOLDEN.replace("module t(", "module t(input extra, ")], CheckOptions(cycles=50, seed=9))[0]
    assert rejected.kind is VerdictKind.INTERFACE_MISMATCH and rejected.seed == 9


def test_json_round_trip_keeps_seed_and_untoggled():
    from testbench_gen.verdict import Verdict

    v = check(GOLDEN, [GOLDEN], CheckOptions(cycles=30, seed=4))[0]
    back = Verdict.from_json(v.to_json())
    assert (back.seed, back.untoggled) == (4, ["never"])
