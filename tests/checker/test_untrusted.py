"""Candidates are hostile: each way of cheating or escaping is rejected by name or contained."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace

import pytest

from testbench_gen import CheckOptions, VerdictKind, check, prepare_golden
from testbench_gen.run.cocotb_driver import CocotbBackend
from testbench_gen.run.simulators import get_backend
from testbench_gen.containment.sandbox import Limits, run_limited

from tests.benchdata import rtllm_reference

GOLDEN = """
module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);
  always @(posedge clk) if (rst) y <= 8'd0; else y <= a + b;
endmodule
"""
GOOD = GOLDEN
WRONG_BODY = "always @(posedge clk) if (rst) y <= 8'd0; else y <= a - b;"


def cand(extra: str = "", body: str = "always @(posedge clk) if (rst) y <= 8'd0; else y <= a + b;") -> str:
    return f"module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n{body}\n{extra}\nendmodule\n"


def verdict_of(source: str, options: CheckOptions = CheckOptions(cycles=200)):
    return check(GOLDEN, [source], options)[0]


@pytest.mark.parametrize("construct, code", [
    ("$finish", "initial #100 $finish;"),
    ("$stop", "initial #100 $stop;"),
    ("$fatal", "initial #100 $fatal(1, \"x\");"),
    ("$exit", "initial $exit;"),
    ("$fopen", "integer f; initial f = $fopen(\"/tmp/x\", \"w\");"),
    ("$fwrite", "initial $fwrite(1, \"x\");"),
    ("$fdisplay", "initial $fdisplay(1, \"x\");"),
    ("$readmemh", "reg [7:0] m [0:1]; initial $readmemh(\"expected.bin\", m);"),
    ("$writememh", "reg [7:0] m [0:1]; initial $writememh(\"/tmp/x\", m);"),
    ("$dumpfile", "initial $dumpfile(\"/tmp/x.vcd\");"),
    ("$system", "initial $system(\"touch /tmp/pwned\");"),
    ("$value$plusargs", "integer v; initial if ($value$plusargs(\"x=%d\", v)) ;"),
    ("`include", "`include \"/etc/passwd\""),
    ("$root", "wire z = $root.codev_tb.fd;"),
    ("hierarchical reference", "wire z = codev_tb.u_golden.y;"),
    ("force", "initial force y = 8'd0;"),
    ("release", "initial release y;"),
    ("DPI", "import \"DPI-C\" function int system(input string cmd);"),
])
def test_forbidden_constructs_are_rejected_by_name(construct, code):
    v = verdict_of(cand(code))
    assert v.kind is VerdictKind.REJECTED, v
    assert construct.split("$")[-1].lower() in v.reason.lower() or construct.lower() in v.reason.lower()


def test_comments_and_strings_do_not_trigger_rejection():
    v = verdict_of(cand('// $finish and $fopen in a comment\ninitial $display("$finish force `include");'))
    assert v.kind is VerdictKind.EQUIVALENT, v


def test_printing_the_pass_result_does_not_pass():
    forged = "\n".join(
        f'initial $display("{tok} R 0 0 -1\\n{tok} END 8000");' for tok in ("codev", "", "tb", "x")
    ) + '\nalways @(posedge clk) $display("equivalent PASS Mismatches: 0 in 100 samples");'
    v = verdict_of(cand(forged, body=WRONG_BODY))
    assert v.kind is VerdictKind.MISMATCH, v


def test_own_hierarchical_names_and_generate_blocks_are_allowed():
    body = """
  genvar i;
  wire [7:0] s;
  generate for (i = 0; i < 8; i = i + 1) begin : g
    wire bit_i; assign bit_i = a[i] ^ b[i];
  end endgenerate
  wire [8:0] sum = a + b;
  always @(posedge clk) if (rst) y <= 8'd0; else y <= sum[7:0] | (8'd0 & {g[0].bit_i, 7'd0});
"""
    assert verdict_of(cand(body=body)).kind is VerdictKind.EQUIVALENT


def test_cannot_instantiate_the_golden():
    wrapper = ("module top(input clk, input rst, input [7:0] a, input [7:0] b, output [7:0] y);\n"
               "  top_golden g(.clk(clk), .rst(rst), .a(a), .b(b), .y(y));\nendmodule\n")
    v = verdict_of(wrapper)
    assert v.kind is VerdictKind.COMPILE_ERROR
    # the golden never shares a simulation with candidates: even its exact module name is unknown
    v2 = verdict_of(wrapper.replace("top_golden", "top"))
    assert v2.kind is not VerdictKind.EQUIVALENT


def test_macros_do_not_leak_between_candidates_in_a_batch():
    defines = "`define SUM (a + b)\n" + cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= `SUM;")
    uses = cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= `SUM;")
    v1, v2, v3 = check(GOLDEN, [defines, uses, GOOD], CheckOptions(cycles=200))
    assert v1.kind is VerdictKind.EQUIVALENT
    assert v2.kind is VerdictKind.COMPILE_ERROR  # SUM is not defined for it
    assert v3.kind is VerdictKind.EQUIVALENT


def test_same_helper_module_names_in_one_batch_do_not_collide():
    def with_helper(op):
        return (f"module helper(input [7:0] p, input [7:0] q, output [7:0] r); assign r = p {op} q; endmodule\n"
                "module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
                "  wire [7:0] r; helper h(.p(a), .q(b), .r(r));\n"
                "  always @(posedge clk) if (rst) y <= 8'd0; else y <= r;\nendmodule\n")
    verdicts = check(GOLDEN, [with_helper("+"), with_helper("-"), with_helper("+")], CheckOptions(cycles=200))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.EQUIVALENT]


def test_zero_time_infinite_loop_is_a_fault_of_the_design_without_poisoning_the_batch():
    # no delay needed: a combinational loop that starts oscillating once a[1:0] == 3 (late, not at load;
    # a 2-bit trigger fires on every stimulus seed, a full byte missed some); time stops advancing there,
    # so it is the design's fault (not a masked timeout)
    loop = cand("reg p = 1'b0, q = 1'b1; always @(p) q = ~p; always @(q) p = q;"
                " always @(posedge clk) if (a[1:0] == 2'd3) p <= ~p;")
    options = CheckOptions(cycles=200, min_timeout=2.0, timeout=2.0)
    start = time.monotonic()
    v_loop, v_good = check(GOLDEN, [loop, GOOD], options)
    assert v_loop.kind is VerdictKind.REJECTED and "stopped advancing" in v_loop.reason, v_loop
    assert v_good.kind is VerdictKind.EQUIVALENT, v_good
    assert time.monotonic() - start < 15


def test_output_flood_is_rejected():
    # $display and its kin are removed before simulation (policy.silence_prints): a chatty correct
    # design passes; a severity task still prints, so the flood limit still has work to do
    flood = cand('always @(clk) $warning("%0128d", 1);')
    v = verdict_of(flood, CheckOptions(cycles=20000, max_output_mb=1, min_timeout=20, timeout=20))
    assert v.kind is VerdictKind.REJECTED and "output" in v.reason, v
    chatty = cand('always @(clk) $display("%0128d", 1);')
    v = verdict_of(chatty, CheckOptions(cycles=20000, max_output_mb=1, min_timeout=20, timeout=20))
    assert v.kind is VerdictKind.EQUIVALENT, v


def test_memory_exhaustion_is_contained():
    hog = cand("reg [1023:0] mem [0:(1<<22)-1]; integer i; initial for (i = 0; i < (1<<22); i = i + 1) mem[i] = {32{a}};")
    v = verdict_of(hog, CheckOptions(cycles=50, memory_mb=256))
    assert v.kind in (VerdictKind.REJECTED, VerdictKind.COMPILE_ERROR), v
    assert "memory" in (v.reason + v.detail).lower() or v.kind is VerdictKind.COMPILE_ERROR


def _processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains marker (runs see their own PID namespace)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode()
            state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmdline and state != "Z" and "bash" not in cmdline:
            found.append(int(entry))
    return found


def test_sandbox_kills_the_whole_process_group(tmp_path):
    script = "sleep 30.0417 & sleep 30"
    result = run_limited(["bash", "-c", script], tmp_path, Limits(wall_seconds=1))
    assert result.timed_out
    time.sleep(0.2)
    assert _processes_with("sleep 30.0417") == []


def test_sandbox_limits_file_size(tmp_path):
    result = run_limited(["bash", "-c", "head -c 5000000 /dev/zero > big"], tmp_path, Limits(file_bytes=1 << 20))
    assert result.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 1 << 20


def test_sandbox_runs_in_its_own_directory_with_a_clean_environment(tmp_path):
    os.environ["CODEV_SECRET_FOR_TEST"] = "leak"
    result = run_limited(["bash", "-c", "pwd; env"], tmp_path, Limits())
    assert str(tmp_path) in result.stdout and "CODEV_SECRET_FOR_TEST" not in result.stdout


def test_prose_after_the_code_is_a_compile_error_not_a_cheat():
    v = verdict_of(GOOD + "\nThe code above is cut off.Let me continue with the rest.\n")
    assert v.kind is VerdictKind.COMPILE_ERROR, v


def test_a_forbidden_construct_in_code_that_does_not_compile_is_still_never_equivalent():
    v = verdict_of(cand("initial $finish;") + "garbage(")
    assert v.kind in (VerdictKind.COMPILE_ERROR, VerdictKind.REJECTED)
    v = verdict_of(cand('`include "/etc/passwd"') + "garbage(")
    assert v.kind is VerdictKind.REJECTED  # never compiled: `include reads files at compile time


# ---------------------------------------------------------------- policy v2 (issue 7 items 1, 5, 8, 9)
# Each attacker is a correct adder plus the construct, so only the construct can make it fail; each
# is checked alone and in one batch with a correct and a wrong candidate, whose verdicts must hold.
PASTE = "`define F(x) $``x\n"
ATTACKS = {
    "paste builds $finish": (PASTE + cand("initial `F(finish);"), "$finish"),
    "paste builds $fopen": (PASTE + cand('integer fd; initial fd = `F(fopen)("../x.txt", "w");'), "$fopen"),
    "macro argument builds a name": ("`define G(x, y) x``y\n" + cand("initial `G($fin, ish);"), "$fin"),
    "control char ends an escaped name": (cand("wire \\a\b$finish ;"), "control character"),
    "lone CR ends a // comment": (cand("// note\r initial $finish;"), "carriage return"),
    "$time playback": (cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= ($time < 900) ? a + b : 8'd0;"),
                       "$time"),
    "$realtime": (cand("real t; always @(posedge clk) t = $realtime;"), "$realtime"),
    "$stime": (cand("integer t; always @(posedge clk) t = $stime;"), "$stime"),
    "macro named resetall": ("`define resetall\n" + GOOD, "directive"),
    "ifdef __ICARUS__": ("`ifdef __ICARUS__\n" + GOOD + "`endif\n", "__ICARUS__"),
    "ifdef VERILATOR": (cand("`ifndef VERILATOR\ninitial ;\n`endif"), "VERILATOR"),
    "ifdef SYNTHESIS": (cand("`ifdef SYNTHESIS\nwire s;\n`endif"), "SYNTHESIS"),
    "__FILE__ reveals the sandbox": (cand("initial $display(`__FILE__);"), "__FILE__"),
    "trailing open comment": (GOOD + "/* swallows the next file", "unterminated /*"),
    "trailing open ifdef": ("`define X\n" + GOOD + "`ifdef X\n", "unterminated `ifdef"),
    "$unit declaration": ("localparam K = 1;\n" + GOOD, "$unit"),
    "$unit function": ("function f(input a); f = a; endfunction\n" + GOOD, "$unit"),
    "$unit reference": (cand("wire z = $unit::k;"), "$unit"),
    "# intra-assignment delay": (cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= #1 a + b;"), "# delay"),
    "# delay after a named block": (
        cand(body="always @(posedge clk) begin : blk #(1) if (rst) y <= 8'd0; else y <= a + b; end"), "# delay"),
    "# delay before an escaped task call": (
        "module helper(input [7:0] p, output [7:0] r); assign r = p; endmodule\n"
        + cand("task \\t2 ; input [7:0] v; y <= v; endtask",
               body="always @(posedge clk) begin : helper #(1) \\t2 (a + b); end"), "# delay"),
    "# delay from a macro": ("`define DL #1\n" + cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= `DL a + b;"),
                             "# delay"),
    "# gate delay": (cand("wire w; and #2 g(w, a[0], b[0]);"), "# delay"),
    "systemc_imp_header": ("`systemc_imp_header\n#include <cstdlib>\n`verilog\n" + GOOD, "systemc"),
    "$c native code": (cand('initial $c("system(\\"touch /tmp/pwned\\");");'), "$c"),
    "verilator metacomment": (cand("wire p /*verilator public*/;"), "metacomment"),
    "verilator tracing comment": (cand("// verilator tracing_off"), "metacomment"),
    "translate_off": (cand("// synopsys translate_off\nwire q;\n// synopsys translate_on"), "metacomment"),
    "full_case attribute": (cand("(* full_case *) wire q;"), "attribute"),
    "VPI task": (cand("initial $codev_vpi_hook;"), "$codev_vpi_hook"),
    "line directive": (cand('`line 1 "cand0.v" 0'), "`line"),
    "pragma": (cand("`pragma protect begin"), "`pragma"),
    # found while attacking the new policy: these made a correct batch-mate fail (shared input nets)
    "tran shorts shared inputs": (cand("tran t0(a[0], b[0]);"), "switch primitive"),
    "inout helper drives an input": ("module drv(inout o); assign o = 1'b0; endmodule\n" + cand("drv d(.o(a[0]));"),
                                     "inout"),
    "nmos onto an input": (cand("nmos n0(a[0], b[0], 1'b1);"), "switch primitive"),
    "metacomment built by a macro": ("`define S /\n" + cand("wire p `S*verilator public*/;"), "metacomment"),
    "ifdef before the candidate's own define": (cand("`ifdef VERILATOR\nwire v;\n`endif\n`define VERILATOR"),
                                                "VERILATOR"),
    "stray endif": (cand("`endif"), "`endif without"),
    "assume constrains formal": (cand("always @* assume (a == 8'd0);"), "assume"),
    "escaped hierarchical head": (cand("wire [7:0] z = \\codev_tb .y ;"), "hierarchical reference"),
    # a simulator switch that could tell a checking run from another, or a dump written beside the trace
    "$test$plusargs switch": (cand(body="always @(posedge clk) if (rst) y <= 8'd0; "
                                        "else y <= $test$plusargs(\"c\") ? a + b : a - b;"), "$test$plusargs"),
    "$value$plusargs": (cand("integer v; initial if ($value$plusargs(\"v=%d\", v)) ;"), "$value$plusargs"),
    "$dumpfile beside the trace": (cand('initial begin $dumpfile("trace.txt"); $dumpvars; end'), "$dumpfile"),
    "$sdf_annotate": (cand('initial $sdf_annotate("x.sdf");'), "$sdf_annotate"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_policy_v2_attack_is_rejected_alone(name):
    source, construct = ATTACKS[name]
    v = verdict_of(source)
    assert v.kind is VerdictKind.REJECTED, (name, v)
    assert construct.lower() in v.reason.lower(), (name, v.reason)


def test_policy_v2_attacks_in_one_batch_leave_batch_mates_alone():
    sources = [s for s, _c in ATTACKS.values()]
    wrong = cand(body=WRONG_BODY)
    verdicts = check(GOLDEN, [GOOD, *sources, wrong], CheckOptions(cycles=200))
    assert verdicts[0].kind is VerdictKind.EQUIVALENT, verdicts[0]
    assert verdicts[-1].kind is VerdictKind.MISMATCH, verdicts[-1]
    assert [v.kind for v in verdicts[1:-1]] == [VerdictKind.REJECTED] * len(sources)


def test_specify_path_delays_neither_hide_a_wrong_design_nor_fail_a_right_one():
    """A `specify` block is timing only: simulation ignores it, so the verdict is the function's."""
    specify = "specify (a => y) = 5; endspecify"
    wrong, right = cand(specify, body=WRONG_BODY), cand(specify)
    assert verdict_of(wrong).kind is VerdictKind.MISMATCH
    assert verdict_of(right).kind is VerdictKind.EQUIVALENT
    verdicts = check(GOLDEN, [GOOD, wrong, right, cand(body=WRONG_BODY)], CheckOptions(cycles=200))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH,
                                          VerdictKind.EQUIVALENT, VerdictKind.MISMATCH]


# A few of each kind, under every backend and strategy: the policy is the same front door for all.
BACKEND_ATTACKS = ["paste builds $finish", "$time playback", "# delay after a named block", "systemc_imp_header",
                   "$c native code", "verilator metacomment", "ifdef VERILATOR", "$unit declaration",
                   "trailing open comment"]


@pytest.mark.parametrize("backend", ["verilator", "cocotb", "formal", "hybrid", "auto"])
def test_policy_v2_holds_under_every_backend(backend):
    from testbench_gen.run.simulators import get_backend

    if backend in ("verilator", "cocotb") and not get_backend("verilator" if backend == "verilator"
                                                              else "icarus").available():
        pytest.skip(f"{backend} not installed")
    if backend == "cocotb":
        pytest.importorskip("cocotb")
    sources = [ATTACKS[n][0] for n in BACKEND_ATTACKS]
    verdicts = check(GOLDEN, [GOOD, *sources, cand(body=WRONG_BODY)],
                     CheckOptions(cycles=200, backend=backend))
    assert verdicts[0].kind is VerdictKind.EQUIVALENT, verdicts[0]
    assert verdicts[-1].kind is VerdictKind.MISMATCH, verdicts[-1]
    assert [v.kind for v in verdicts[1:-1]] == [VerdictKind.REJECTED] * len(sources), \
        [(n, v.reason) for n, v in zip(BACKEND_ATTACKS, verdicts[1:-1])]


ALLOWED = {
    "CRLF line ends": GOOD.replace("\n", "\r\n"),
    "own macro and ifdef": "`define OWN\n`define SUM(p, q) (p + q)\n"
                           + cand(body="`ifdef OWN\nalways @(posedge clk) if (rst) y <= 8'd0; else y <= `SUM(a, b);\n`endif"),
    "timescale and default_nettype": "`timescale 1ns/1ps\n`default_nettype wire\n" + GOOD,
    "parameters and parameterised instances": (
        "module add #(parameter W = 8) (input [W-1:0] p, input [W-1:0] q, output [W-1:0] r);\n"
        "  assign r = p + q;\nendmodule\n"
        + cand(body="wire [7:0] s, t;\n genvar i;\n generate for (i = 0; i < 1; i = i + 1) begin : g\n"
                    "  add #(.W(8)) u (.p(a), .q(b), .r(s));\n end endgenerate\n add #(8) v (a, b, t);\n"
                    "always @(posedge clk) if (rst) y <= 8'd0; else y <= s & t;")),
    "escaped names": ("module \\helper (input [7:0] p, input [7:0] q, output [7:0] r); assign r = p + q; endmodule\n"
                      "module \\top (input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
                      "  wire [7:0] \\r+s ; \\helper h(.p(a), .q(b), .r(\\r+s ));\n"
                      "  always @(posedge clk) if (rst) y <= 8'd0; else y <= \\r+s ;\nendmodule\n"),
    "comments that mention tools": "// synthesizable; checked with verilator and iverilog\n" + GOOD,
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_policy_v2_does_not_reject_ordinary_code(name):
    v = verdict_of(ALLOWED[name])
    assert v.kind is VerdictKind.EQUIVALENT, (name, v.reason, v.detail)


def test_escaped_module_names_are_renamed_in_a_batch():
    def with_helper(op):
        return (f"module \\helper (input [7:0] p, input [7:0] q, output [7:0] r); assign r = p {op} q; endmodule\n"
                "module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
                "  wire [7:0] r; \\helper h(.p(a), .q(b), .r(r));\n"
                "  always @(posedge clk) if (rst) y <= 8'd0; else y <= r;\nendmodule\n")
    mixed = with_helper("-").replace("\\helper h", "helper h")  # the plain name is the same module
    verdicts = check(GOLDEN, [with_helper("+"), with_helper("-"), mixed, with_helper("+")], CheckOptions(cycles=200))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.MISMATCH,
                                          VerdictKind.EQUIVALENT]


# ---------------------------------------------------------------- front-end denial of service (item 9)
RECURSIVE_TREE = """
module r #(parameter D = 18) (input a, output y);
  generate if (D == 0) begin : leaf assign y = a; end else begin : node
    wire y0, y1; r #(.D(D-1)) u0(.a(a), .y(y0)); r #(.D(D-1)) u1(.a(a), .y(y1)); assign y = y0 & y1;
  end endgenerate
endmodule
""" + cand("wire t; r #(.D(18)) tree(.a(a[0]), .y(t));")
CONSTANT_LOOP = cand("function integer f(input integer n); integer i; begin f = 0;"
                     " for (i = 0; i < n; i = i + 1) f = f + 1; end endfunction\n"
                     "localparam integer P = f(2000000000); wire unused = P[0];")
DEEP_NESTING = cand(body="always @(posedge clk) " + "begin " * 3000 + "if (rst) y <= 8'd0; else y <= a + b; "
                    + "end " * 3000)
DEEP_PARENS = cand(body="always @(posedge clk) if (rst) y <= 8'd0; else y <= " + "(" * 20000 + "a" + ")" * 20000 + " + b;")


MACRO_BOMB = "`define A0 x\n" + "".join(f"`define A{i} `A{i-1} `A{i-1}\n" for i in range(1, 40)) + cand("wire q = `A39;")


@pytest.mark.parametrize("name, source", [("262k-instance recursive tree", RECURSIVE_TREE),
                                          ("2^39-token macro bomb", MACRO_BOMB),
                                          ("constant function looping 2e9 times", CONSTANT_LOOP),
                                          ("3000 nested blocks", DEEP_NESTING),
                                          ("20000 nested parentheses", DEEP_PARENS)])
def test_front_end_bombs_are_the_candidates_own_verdict_and_cost_little(name, source):
    options = CheckOptions(cycles=200, min_timeout=3.0)
    start = time.monotonic()
    bomb, good, wrong = check(GOLDEN, [source, GOOD, cand(body=WRONG_BODY)], options)
    elapsed = time.monotonic() - start
    assert bomb.kind is VerdictKind.REJECTED and ("front end" in bomb.reason or "preprocessor" in bomb.reason), \
        (name, bomb)
    assert good.kind is VerdictKind.EQUIVALENT and wrong.kind is VerdictKind.MISMATCH
    assert elapsed < 3.0 + 10, (name, elapsed)  # bounded by the front end's limit, not the bomb


def test_a_late_hang_costs_a_batch_about_one_budget_not_budget_times_size():
    from testbench_gen.run.core import batch_budget, candidate_budget
    from testbench_gen.run.golden import prepare_golden

    options = CheckOptions(cycles=200, min_timeout=2.0, timeout=2.0)
    golden_run = prepare_golden(GOLDEN, options)
    budget = candidate_budget(golden_run, options)
    assert batch_budget(golden_run, options, 1) == budget
    assert batch_budget(golden_run, options, 32) <= budget + 2 * golden_run.seconds * 32 < budget * 32
    hang = cand("reg [15:0] n = 0; reg p = 1'b0, q = 1'b1; always @(posedge clk) n <= n + 1;"
                " always @(p) q = ~p; always @(q) p = q; always @(posedge clk) if (n == 16'd150) p <= ~p;")
    verdicts = check(GOLDEN, [GOOD] * 4 + [hang, cand(body=WRONG_BODY)], options)
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT] * 4 + [VerdictKind.REJECTED, VerdictKind.MISMATCH]


def test_a_simulator_crash_from_runtime_recursion_is_the_candidates_verdict():
    crash = cand("function automatic integer f(input integer n); f = f(n + 1); endfunction\n"
                 "integer r; always @(posedge clk) if (a[2:0] == 3'd7) r = f(0);")  # fires on every seed
    verdicts = check(GOLDEN, [GOOD, crash, cand(body=WRONG_BODY)], CheckOptions(cycles=200))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.REJECTED, VerdictKind.MISMATCH]


# ================================================================================================
# Stimulus and comparison attacks (issue 7, items 5, 6 and 9 "z is skipped like x"): candidates
# written to reach `equivalent` without being correct. Each runs alone and in a batch between two
# correct candidates, under every simulator that is installed, with a fresh seed or a fixed one.
# ================================================================================================


@pytest.fixture(params=["icarus", pytest.param("verilator", marks=pytest.mark.slow),
                        pytest.param("cocotb", marks=pytest.mark.slow)])
def backend(request, tmp_path_factory, monkeypatch):
    """Every simulator the attacks apply to (Verilator builds and cocotb's per-design processes take
    ~10 s per test: marked slow); Verilator's runtime cache stays in the session's temp."""
    name = request.param
    available = {"icarus": lambda: shutil.which("iverilog") is not None,
                 "verilator": lambda: get_backend("verilator").available(),
                 "cocotb": lambda: CocotbBackend().available()}[name]()
    if not available:
        pytest.skip(f"{name} not installed")
    monkeypatch.setenv("CODEV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "codev-cache"))
    return name


def caught_alone_and_in_batch(golden: str, attack: str, good: str, options: CheckOptions) -> None:
    """The attack is a mismatch alone and in a batch; its batch-mates stay equivalent.

    cocotb simulates every candidate in its own process: its batch run is also the lone run."""
    batch = check(golden, [good, attack, good] if options.backend != "cocotb" else [good, attack], options)
    alone = check(golden, [attack], options)[0] if options.backend != "cocotb" else batch[1]
    assert alone.kind is VerdictKind.MISMATCH, alone
    assert [v.kind for v in batch] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH,
                                       VerdictKind.EQUIVALENT][:len(batch)], batch
    if options.seed is not None:  # same seed: the same first difference, alone or in a batch
        assert (batch[1].seed, batch[1].counterexample.step) == (alone.seed, alone.counterexample.step)


def playback(golden: str, options: CheckOptions) -> str:
    """A candidate that ignores its inputs and replays the golden's recorded y, edge by edge."""
    run = prepare_golden(golden, replace(options, backend="icarus"))  # every backend: the same grid
    edges = [step for step in range(1, len(run.stimulus.rows)) if run.stimulus.rows[step][0] == 1
             and run.stimulus.rows[step - 1][0] == 0]
    values = [run.expected[2 * step].replace("x", "0").replace("z", "0") for step in edges]
    rom = "\n".join(f"    rom[{i}] = 8'b{v};" for i, v in enumerate(values))
    return (f"module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);\n"
            f"  reg [7:0] rom [0:{len(values) - 1}];\n  reg [15:0] n = 0;\n  initial begin\n{rom}\n  end\n"
            f"  always @(posedge clk) begin y <= rom[n]; n <= n + 1; end\nendmodule\n")


def test_time_playback_passes_only_the_seed_it_was_recorded_under(backend):
    recorded = CheckOptions(cycles=60, seed=0, backend=backend)  # seed 0: the old fixed default
    attack = playback(GOLDEN, recorded)
    if backend != "verilator":  # Verilator's --x-initial-edge adds an edge at time 0 in one of its runs
        assert check(GOLDEN, [attack], recorded)[0].kind is VerdictKind.EQUIVALENT  # the attack is faithful
    fresh = CheckOptions(cycles=60, backend=backend)  # the default: a fresh seed per check
    caught_alone_and_in_batch(GOLDEN, attack, GOOD, fresh)
    v = check(GOLDEN, [attack], fresh)[0]
    assert v.seed is not None and v.seed != 0
    again = check(GOLDEN, [attack], CheckOptions(cycles=60, seed=v.seed, backend=backend))[0]
    assert (again.seed, again.counterexample.cycle) == (v.seed, v.counterexample.cycle)  # --seed replays


LATE = """module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);
  reg [11:0] since_reset;
  always @(posedge clk)
    if (rst) begin y <= 8'd0; since_reset <= 0; end
    else begin
      if (since_reset != 12'hfff) since_reset <= since_reset + 1;
      y <= (since_reset > 12'd300) ? a - b : a + b;  // right until 300 cycles after a reset
    end
endmodule
"""


def test_late_divergence_after_the_old_horizon_is_caught_by_the_long_run(backend):
    # cycles=60: the old stimulus never ran 40 cycles without a reset; the long run is >= 768
    caught_alone_and_in_batch(GOLDEN, LATE, GOOD, CheckOptions(cycles=60, seed=11, backend=backend))


COUNTER_GOLDEN = """module top(input clk, input rst, input en, output reg [11:0] q, output wrap);
  always @(posedge clk) if (rst) q <= 0; else if (en) q <= q + 1'b1;
  assign wrap = en & (&q);
endmodule
"""


def counter(width: int, q_bits: int = 12) -> str:
    pad = f"{{{q_bits - width}'b0, c}}" if width < q_bits else f"c[{q_bits - 1}:0]"
    return (f"module top(input clk, input rst, input en, output [11:0] q, output wrap);\n"
            f"  reg [{width - 1}:0] c;\n  always @(posedge clk) if (rst) c <= 0; else if (en) c <= c + 1'b1;\n"
            f"  assign q = {pad};\n  assign wrap = en & (&c);\nendmodule\n")


@pytest.mark.parametrize("width", [8, 13])
def test_a_narrower_or_wider_counter_fails_for_a_12_bit_golden(backend, width):
    caught_alone_and_in_batch(COUNTER_GOLDEN, counter(width), counter(12), CheckOptions(cycles=60, seed=5, backend=backend))


WIDE_FLAG_GOLDEN = """module top(input clk, input rst, output reg [7:0] low, output done);
  reg [39:0] c;
  always @(posedge clk) if (rst) c <= 0; else c <= c + 1'b1;
  always @* low = c[7:0];
  assign done = &c;
endmodule
"""


def test_a_flag_the_budget_cannot_reach_is_reported_as_never_toggled(backend):
    tied = WIDE_FLAG_GOLDEN.replace("assign done = &c;", "assign done = 1'b0;")
    options = CheckOptions(cycles=60, seed=3, long_cycles=2000, backend=backend)
    for verdicts in (check(WIDE_FLAG_GOLDEN, [tied], options), check(WIDE_FLAG_GOLDEN, [WIDE_FLAG_GOLDEN, tied], options)):
        for v in verdicts:  # a vacuous pass, but a visible one
            assert v.kind is VerdictKind.EQUIVALENT and v.untoggled == ["done"], v
            assert "never toggled in the golden: done" in v.reason


TRISTATE = """module top(input oe, input [7:0] d, output [7:0] bus);
  assign bus = oe ? d : 8'bz;
endmodule
"""


def test_a_tristate_bus_that_is_never_released_fails(backend):
    stuck = TRISTATE.replace("oe ? d : 8'bz", "d")
    caught_alone_and_in_batch(TRISTATE, stuck, TRISTATE, CheckOptions(cycles=60, seed=2, backend=backend))


@pytest.mark.may_skip  # Verilator 5.006 cannot build this golden; newer ones can
def test_driving_the_rtllm_alu_undriven_flag_fails(backend):
    if backend == "verilator":
        pytest.skip("Verilator 5.006 rejects this golden (unsupported tristate construct)")
    golden = rtllm_reference("alu")
    driven = golden.replace(": 1'bz;", ": 1'b0;")
    assert driven != golden
    options = CheckOptions(cycles=60, seed=4, backend=backend)
    caught_alone_and_in_batch(golden, driven, golden, options)
    assert check(golden, [driven], options)[0].counterexample.outputs["flag"].expected == "z"


BIDIR = """module top(input clk, input we, inout [7:0] io, output reg [7:0] got);
  always @(posedge clk) got <= io;               // receive
  assign io = we ? got ^ 8'h5a : 8'bz;           // transmit
endmodule
"""


@pytest.mark.parametrize("line, bug", [
    ("got <= io;", "got <= 8'h00;"),
    ("got <= io;", "got <= io & 8'h0f;"),
    ("got <= io;", "got <= we ? io : got;"),
    ("we ? got ^ 8'h5a : 8'bz", "got ^ 8'h5a"),  # never releases the bus: fights the testbench's drive
])
def test_inout_receive_path_is_driven_and_compared(backend, line, bug):
    attack = BIDIR.replace(line, bug)
    assert attack != BIDIR
    caught_alone_and_in_batch(BIDIR, attack, BIDIR, CheckOptions(cycles=60, seed=6, backend=backend))


MAGIC = """module top(input [127:0] key, input [7:0] a, output [7:0] y, output open);
  assign open = key == 128'h0123456789abcdef_fedcba9876543210;
  assign y = open ? 8'hff : a;
endmodule
"""


def test_a_wide_magic_constant_is_hit(backend):
    ignores = MAGIC.replace("assign open = key == 128'h0123456789abcdef_fedcba9876543210;", "assign open = 1'b0;")
    caught_alone_and_in_batch(MAGIC, ignores, MAGIC, CheckOptions(cycles=300, seed=8, backend=backend))


@pytest.mark.slow  # ~15 s: two checks of a 100,000-cycle run
def test_a_flag_at_the_end_of_a_counter_chain_is_reached(bench_root):
    # VerilogEval's 12-hour clock: pm flips after 12 h of seconds (43,200 cycles), behind six chained
    # BCD counters. The old stimulus never got there (pm never toggled): dropping the flip passed.
    # The stimulus is built in Python, the same for every backend: Icarus only, the run is long.
    from tests.benchdata import ve2_reference

    golden = ve2_reference("Prob141_count_clock")
    no_pm = golden.replace("if (enable[6]) pm <= ~pm;", "")
    assert no_pm != golden
    caught_alone_and_in_batch(golden, no_pm, golden, CheckOptions(seed=1))


# ---- issue 7, second red team: formal switched off, a reset-hold trojan, a compile-time bomb
ADDER = "module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n  assign s = a + b;\nendmodule\n"
ADDER_WRONG = ADDER.replace("a + b", "a - b")
MAGIC_PAIR = "(a == 16'hBEEF && b == 16'h1234)"
FORMAL_OFF = {  # a magic-input trojan random simulation misses, plus something yosys cannot model
    "real variable": "  real r;\n  always @* r = a;\n  assign s = (r == 48879.0 && b == 16'h1234) ? 17'd0 : a + b;\n",
    "recursive function": "  function automatic [16:0] f(input [15:0] x, input [15:0] y, input integer n);\n"
                          "    f = n == 0 ? x + y : f(x, y, n - 1);\n  endfunction\n"
                          f"  assign s = {MAGIC_PAIR} ? 17'd0 : f(a, b, 3);\n",
    "$isunknown decoy": f"  assign s = ({MAGIC_PAIR} || $isunknown(a)) ? 17'd0 : a + b;\n",
    # yosys' proc fails with an error that names no file
    "dual-edge flip-flop": "  reg f;\n  always @(posedge a[0] or negedge a[0]) f <= b[0];\n"
                           f"  assign s = ({MAGIC_PAIR} ? 17'd0 : a + b) | {{16'd0, f & 1'b0}};\n",
}


@pytest.mark.skipif(shutil.which("yosys") is None or shutil.which("iverilog") is None, reason="needs yosys, iverilog")
@pytest.mark.parametrize("name", sorted(FORMAL_OFF))
def test_hybrid_cannot_be_switched_off_by_a_construct_yosys_cannot_model(name):
    """yosys refusing the candidate (or answering with a counterexample simulation cannot reproduce,
    a decoy that hides the real one) used to leave simulation's `equivalent` standing."""
    attack = "module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n" + FORMAL_OFF[name] + "endmodule\n"
    options = CheckOptions(backend="hybrid", cycles=200, seeds=1)
    alone = check(ADDER, [attack], options)[0]
    assert alone.kind is VerdictKind.REJECTED and "formal" in alone.reason, alone
    assert [v.kind for v in check(ADDER, [ADDER, ADDER_WRONG, attack], options)] == [
        VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.REJECTED]


@pytest.mark.skipif(shutil.which("yosys") is None or shutil.which("iverilog") is None, reason="needs yosys, iverilog")
def test_a_golden_yosys_cannot_model_leaves_simulation_to_decide():
    """The rejection above is for the candidate's doing only: with such a golden, correct candidates pass."""
    golden = ADDER.replace("  assign s = a + b;", "  real r;\n  always @* r = a;\n  assign s = a + b + (r < 0.0);")
    options = CheckOptions(backend="hybrid", cycles=200, seeds=1)
    assert [v.kind for v in check(golden, [ADDER, ADDER_WRONG], options)] == [VerdictKind.EQUIVALENT,
                                                                              VerdictKind.MISMATCH]


COUNTER = ("module top(input clk, input rst, input en, output reg [7:0] q);\n"
           "  always @(posedge clk) if (rst) q <= 8'd0; else if (en) q <= q + 8'd1;\nendmodule\n")
# loads 1 instead of 0 on the 4th consecutive cycle in reset: every hold used to be 1-2 cycles
LONG_RESET = """module top(input clk, input rst, input en, output reg [7:0] q);
  reg [2:0] held;
  always @(posedge clk) begin
    held <= rst ? (held == 3'd7 ? 3'd7 : held + 3'd1) : 3'd0;
    if (rst) begin if (held == 3'd3) q <= 8'd1; else q <= 8'd0; end else if (en) q <= q + 8'd1;
  end
endmodule
"""


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_a_trojan_behind_a_long_reset_is_caught():
    for seed in (1, 2):  # the old stimulus passed it under seeds 0, 1, 2 (12 of 20 seeds)
        assert check(COUNTER, [LONG_RESET], CheckOptions(seed=seed))[0].kind is VerdictKind.MISMATCH
    caught_alone_and_in_batch(COUNTER, LONG_RESET, COUNTER, CheckOptions(seed=0))


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
@pytest.mark.parametrize("bits, copies", [(1 << 22, 1 << 18), (1 << 24, 1 << 20)])
def test_a_vector_too_wide_to_compile_is_rejected_before_the_compiler(bits, copies):
    """A 2-line replication held iverilog for the batch's 60 s compile limit, then 30 s alone."""
    attack = ("module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n"
              f"  wire [{bits - 1}:0] w = {{{copies}{{a}}}};\n  assign s = a + b + {{16'd0, w[5] & 1'b0}};\nendmodule\n")
    start = time.monotonic()
    verdicts = check(ADDER, [ADDER, ADDER_WRONG, attack], CheckOptions(cycles=100, seeds=1))
    assert [v.kind for v in verdicts] == [VerdictKind.EQUIVALENT, VerdictKind.MISMATCH, VerdictKind.REJECTED]
    assert time.monotonic() - start < 20, verdicts[2]


XOR_ACC = ("module top(input clk, input rst, input [15:0] d, output reg [15:0] r);\n"
           "  always @(posedge clk) if (rst) r <= 0; else r <= r ^ d;\nendmodule\n")
# clears r once d has kept its value for 8 cycles: wide inputs used to change (almost) every cycle
HELD_INPUT = XOR_ACC.replace("  always @(posedge clk) if", """  reg [15:0] last; reg [3:0] same;
  always @(posedge clk) begin
    last <= d; same <= (d == last) ? (same == 4'd15 ? 4'd15 : same + 4'd1) : 4'd0;
  end
  always @(posedge clk) if""").replace("r <= r ^ d;", "r <= (same == 4'd7) ? 16'd0 : r ^ d;")


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_a_trojan_behind_an_idle_input_is_caught():
    assert HELD_INPUT != XOR_ACC
    assert check(XOR_ACC, [HELD_INPUT], CheckOptions(seed=1))[0].kind is VerdictKind.MISMATCH
    caught_alone_and_in_batch(XOR_ACC, HELD_INPUT, XOR_ACC, CheckOptions(seed=0))
