"""Port widths a testbench coerces (testbench_gen/widths.py): a candidate whose ports differ from the
golden's only in width is compared through the golden's widths, never rewarded for bits it lacks.

Attacks: a narrower output (upper bits zero where the golden's are not), a wider output whose
compared bits are wrong, a narrower input that aliases values the golden tells apart, and a wider
input that reads bits the testbench never drives. Correct: a 16-bit accumulator where the golden's
is 8 bits (the RTLLM `pe` answer that passed its benchmark). Each alone and in a batch with a
correct and a wrong batch-mate, under every backend and strategy."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check

EQ, MISMATCH, IFACE = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.INTERFACE_MISMATCH

GOLDEN = """module TopModule(input clk, input rst, input [3:0] a, input [5:0] sel, output reg [7:0] acc,
                 output [1:0] lo);
  always @(posedge clk) if (rst) acc <= 0; else acc <= acc + a + sel[5];
  assign lo = acc[1:0];
endmodule
"""
WIDE_ACC = GOLDEN.replace("output reg [7:0] acc", "output reg [15:0] acc")  # correct in the low 8 bits
NARROW_ACC = GOLDEN.replace("output reg [7:0] acc", "output reg [3:0] acc")  # upper bits read 0: wrong
WIDE_WRONG = WIDE_ACC.replace("acc + a + sel[5]", "acc + a + sel[5] + acc[8]")  # wrong once past 255
NARROW_SEL = GOLDEN.replace("input [5:0] sel", "input [4:0] sel").replace("sel[5]", "sel[4]")  # aliases bit 4
WIDE_A = GOLDEN.replace("input [3:0] a", "input [7:0] a")  # upper bits of `a` always 0 under the harness
WIDE_A_CHEAT = WIDE_A.replace("acc + a + sel[5]", "(a[7:4] != 0) ? acc : acc + a + sel[5]")
RENAMED = GOLDEN.replace("output [1:0] lo", "output [2:0] low").replace("assign lo", "assign low")
WRONG = GOLDEN.replace("acc + a", "acc - a")

SLOW = pytest.mark.slow  # minutes on a loaded 2-core machine: builds per check (Verilator, cocotb), yosys
BACKENDS = ["icarus", "auto", pytest.param("verilator", marks=SLOW), pytest.param("cocotb", marks=SLOW),
            pytest.param("hybrid", marks=SLOW)]
CASES = [(WIDE_ACC, EQ), (NARROW_ACC, MISMATCH), (WIDE_WRONG, MISMATCH), (NARROW_SEL, MISMATCH),
         (WIDE_A, EQ), (WIDE_A_CHEAT, EQ), (RENAMED, IFACE)]


def _options(backend: str) -> CheckOptions:
    return CheckOptions(backend=backend, cycles=600, seeds=2, seed=11)


def _needs(backend: str, request) -> None:
    request.getfixturevalue("icarus")
    if backend in ("verilator", "auto"):
        request.getfixturevalue("verilator")
    if backend == "hybrid":
        request.getfixturevalue("yosys")


@pytest.mark.parametrize("backend", BACKENDS)
def test_width_coercion_alone_and_in_a_batch(backend, request):
    _needs(backend, request)
    options = _options(backend)
    for candidate, expected in CASES:
        alone = check(GOLDEN, [candidate], options)[0]
        assert alone.kind is expected, (backend, expected, alone.reason)
        batch = check(GOLDEN, [GOLDEN, candidate, WRONG], options)
        assert [v.kind for v in batch] == [EQ, expected, MISMATCH], (backend, [v.reason for v in batch])
        if expected is not IFACE:
            assert "port widths differ from the golden's" in alone.reason


def test_width_coercion_can_be_turned_off(icarus):
    verdict = check(GOLDEN, [WIDE_ACC], CheckOptions(cycles=400, seed=3, coerce_widths=False))[0]
    assert verdict.kind is IFACE and "acc is 16 bits wide, expected 8" in verdict.reason


def test_an_inout_of_another_width_is_not_coerced(icarus):
    golden = "module TopModule(input en, input [3:0] d, inout [3:0] bus, output [3:0] q);\n" \
             "  assign bus = en ? d : 4'bz;\n  assign q = bus;\nendmodule\n"
    wider = golden.replace("inout [3:0] bus", "inout [4:0] bus").replace("4'bz", "5'bz")
    verdict = check(golden, [wider], CheckOptions(cycles=200, seed=3))[0]
    assert verdict.kind is IFACE
