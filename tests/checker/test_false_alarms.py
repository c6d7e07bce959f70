"""A correct design is never punished (issue 16, section 2): each known false alarm, alone and in a
batch with a correct and a wrong batch-mate, under every backend and strategy it applies to."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.backends import get_backend

EQ, MM = VerdictKind.EQUIVALENT, VerdictKind.MISMATCH

ACC = """module acc(input clk, input rst, input [7:0] d, output reg [31:0] q);
  always @(posedge clk) if (rst) q <= 32'd0; else q <= q + d;
endmodule
"""
ACC_REWRITE = """module acc(input clk, input rst, input [7:0] d, output reg [31:0] q);
  reg [31:0] n;
  always @* n = q + {24'd0, d};
  always @(posedge clk) begin
    if (rst) q <= 0;
    else q <= n;
  end
endmodule
"""
ACC_ASYNC = ACC.replace("always @(posedge clk)", "always @(posedge clk or posedge rst)")
ACC_WRONG = ACC.replace("q + d", "q - d")


def need(*tools: str) -> None:
    for tool in tools:
        if not get_backend(tool).available():
            pytest.skip(f"{tool} not installed")


def alone_and_in_batch(golden: str, candidate: str, options: CheckOptions, good: str, wrong: str,
                       expected: VerdictKind = EQ, extra: tuple[str, ...] = ()) -> None:
    """`candidate` gets `expected` alone and beside a correct, a wrong and any `extra` batch-mates."""
    alone = check(golden, [candidate], options)[0]
    assert alone.kind is expected, (alone.reason, alone.detail)
    batch = check(golden, [good, candidate, wrong, *extra], options)
    assert batch[1].kind is expected, (batch[1].reason, batch[1].detail)
    assert batch[0].kind is EQ, batch[0].reason
    assert batch[2].kind is not EQ, batch[2].reason


@pytest.mark.parametrize("backend", ["verilator"])
def test_async_reset_batch_mate_does_not_change_a_sync_candidate(backend):
    """Verilator's --x-initial-edge fired every edge trigger at time 0 and started signals used as
    an edge (a batch-mate's `posedge rst`) at 0 instead of the run's X mode: the sync-reset rewrite
    was `mismatch` at cycle 0 (expected 0, actual x) only beside an async-reset design."""
    need("verilator")
    options = CheckOptions(cycles=60, seeds=2, seed=1, backend=backend)
    alone_and_in_batch(ACC, ACC_REWRITE, options, ACC, ACC_WRONG, extra=(ACC_ASYNC,))
    assert check(ACC, [ACC_REWRITE, ACC_ASYNC], options)[0].kind is EQ


# ---------------------------------------------------------------- policy false alarms
ADDER = """module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);
  always @(posedge clk) if (rst) y <= 8'd0; else y <= a + b;
endmodule
"""
ADDER_WRONG = ADDER.replace("a + b", "a - b")
ORDINARY = {
    "include guard": "`ifndef TOP_V\n`define TOP_V\n// guard\n" + ADDER + "`endif // TOP_V\n",
    "tool names in prose": ("// Synthesis: a registered adder, one_hot free, no full_case needed\n"
                            "/* synthesis notes: parallel_case is not used */\n"
                            "// verilator lint_off UNUSED\n" + ADDER),
    "$time in debug prints": ADDER.replace(
        "endmodule", "  always @(posedge clk) begin\n    $display(\"%t a=%d b=%d y=%d\", $time, a, b, y);\n"
                     "    if (rst) $write(\"[%0t] reset\\n\", $realtime);\n  end\n"
                     "  initial $monitor(\"%0d %b\", $stime, y);\nendmodule"),
}


@pytest.mark.parametrize("name", sorted(ORDINARY))
def test_ordinary_code_is_not_rejected_alone_and_in_batch(name):
    options = CheckOptions(cycles=100)
    alone_and_in_batch(ADDER, ORDINARY[name], options, ADDER, ADDER_WRONG)


@pytest.mark.parametrize("backend", ["verilator", "hybrid", "formal", "cocotb"])
def test_ordinary_code_is_not_rejected_under_every_backend(backend):
    need("icarus")
    if backend in ("verilator",):
        need("verilator")
    if backend == "cocotb":
        pytest.importorskip("cocotb")
    sources = [ORDINARY[n] for n in sorted(ORDINARY)]
    verdicts = check(ADDER, [ADDER, *sources, ADDER_WRONG], CheckOptions(cycles=100, backend=backend))
    assert [v.kind for v in verdicts] == [EQ] * (1 + len(sources)) + [MM], [v.reason for v in verdicts]


@pytest.mark.parametrize("source, construct", [
    # still rejected: what tools do read, and time reads that are not only printed
    ("`ifndef VERILATOR\n`define VERILATOR\n" + ADDER + "`endif\n", "VERILATOR"),
    ("`ifndef SYNTHESIS\n`define SYNTHESIS\n" + ADDER + "`endif\n", "SYNTHESIS"),
    ("`ifndef TOP_V\nwire stray;\n`define TOP_V\n" + ADDER + "`endif\n", "TOP_V"),
    ("// synopsys translate_off\n" + ADDER, "metacomment"),
    ("// synthesis translate_off\n" + ADDER + "// synthesis translate_on\n", "metacomment"),
    ("//synopsys full_case\n" + ADDER, "metacomment"),
    ("/* verilator public */\n" + ADDER, "metacomment"),
    (ADDER.replace("a + b;", "a + b + $display(\"%t\", $time);"), "$time"),  # not a statement: never compiles
    (ADDER.replace("a + b", "($time > 50 ? a + b : a - b)"), "$time"),
    ("`define T $time\n" + ADDER.replace("endmodule", "initial $display(`T);\nendmodule"), "$time"),
    (ADDER.replace("endmodule", "integer t; always @(posedge clk) $display(\"%0d\", t = $time);\nendmodule"),
     None),  # an assignment inside a print is removed with it: the design is the adder
])
def test_what_tools_read_is_still_refused(source, construct):
    v = check(ADDER, [source], CheckOptions(cycles=100))[0]
    if construct is None:
        assert v.kind in (EQ, VerdictKind.COMPILE_ERROR, VerdictKind.REJECTED), v.reason
    else:
        assert v.kind in (VerdictKind.REJECTED, VerdictKind.COMPILE_ERROR), v.reason
        assert v.kind is VerdictKind.COMPILE_ERROR or construct.lower() in v.reason.lower(), v.reason


def test_a_print_cannot_carry_a_side_effect_into_the_design():
    """A function called from a print's arguments that writes module state would run in a plain
    testbench; prepare() removes the whole call, so the trojan's state never changes (and yosys,
    which ignores prints, models the same design)."""
    trojan = ADDER.replace("a + b;", "a + b + bump;").replace(
        "endmodule", "reg [7:0] bump = 0;\nfunction [7:0] f(input x); begin bump = bump + 1; f = 0; end endfunction\n"
                     "always @(posedge clk) $display(\"%0d\", f(1'b0));\nendmodule")
    v = check(ADDER, [trojan], CheckOptions(cycles=100))[0]
    assert v.kind is EQ, v.reason  # the print (and its call) is gone: what remains adds 0


def test_verilator_predefines_are_all_known():
    """An include guard on a name a tool predefines would hide the text from that tool only."""
    import subprocess

    from testbench_gen.policy import PREDEFINED_MACROS

    need("verilator")
    out = subprocess.run(["verilator", "-E", "--dump-defines", "/dev/null"], capture_output=True, text=True).stdout
    names = {line.split()[1] for line in out.splitlines() if line.startswith("`define")}
    assert names and all(n in PREDEFINED_MACROS or n.startswith(("SV_COV_", "__")) for n in names), names
