"""The red-team suite: (golden, hostile candidate) pairs against the checker.

Each Attack names a golden, a candidate that is WRONG (or hostile), and the backends it applies to.
run_attacks.py checks it alone and in a batch between a correct and a wrong batch-mate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ADD16 = """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  assign s = a + b;
endmodule
"""
ADD16_OK = """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  assign s = b + a;
endmodule
"""
ADD16_BAD = """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  assign s = a - b;
endmodule
"""
CNT = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd1;
endmodule
"""
CNT_OK = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  always @(posedge clk) begin if (reset) q <= 8'd0; else q <= q + {7'd0, en}; end
endmodule
"""
CNT_BAD = """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd2;
endmodule
"""

MUX = """module TopModule(input en, input [7:0] d, output [7:0] y);
  assign y = en ? d : 8'd0;
endmodule
"""
MUX_OK = """module TopModule(input en, input [7:0] d, output [7:0] y);
  assign y = d & {8{en}};
endmodule
"""
MUX_BAD = """module TopModule(input en, input [7:0] d, output [7:0] y);
  assign y = en ? d : 8'd1;
endmodule
"""
ACC = """module TopModule(input clk, input reset, input [15:0] d, output reg [7:0] q, output reg [15:0] r);
  always @(posedge clk) begin
    if (reset) begin q <= 0; r <= 0; end
    else begin q <= q + 8'd1; r <= r ^ d; end
  end
endmodule
"""
ACC_OK = ACC.replace("r <= r ^ d;", "r <= d ^ r;")
ACC_BAD = ACC.replace("r <= r ^ d;", "r <= r | d;")
PIPE = """module TopModule(input clk, input [7:0] d, output reg [7:0] a, output reg [7:0] b);
  always @(posedge clk) begin a <= d; b <= d; end
endmodule
"""
PIPE_OK = """module TopModule(input clk, input [7:0] d, output reg [7:0] a, output reg [7:0] b);
  always @(posedge clk) a <= d;
  always @(posedge clk) b <= d;
endmodule
"""
PIPE_BAD = """module TopModule(input clk, input [7:0] d, output reg [7:0] a, output reg [7:0] b);
  always @(posedge clk) begin a <= d; b <= a; end
endmodule
"""
MATES = {"pipe": (PIPE, PIPE_OK, PIPE_BAD), "acc": (ACC, ACC_OK, ACC_BAD), "add16": (ADD16, ADD16_OK, ADD16_BAD), "cnt": (CNT, CNT_OK, CNT_BAD), "mux": (MUX, MUX_OK, MUX_BAD)}


@dataclass
class Attack:
    name: str
    golden: str  # key of MATES
    candidate: str
    backends: list[str] = field(default_factory=lambda: ["icarus"])
    note: str = ""
    correct: bool = False  # the candidate is functionally correct (only DoS/escape is at stake)


SIM = ["icarus", "verilator", "auto"]
ALL = SIM + ["hybrid", "formal"]

# magic-input trojan: wrong for one pair of inputs out of 2^32
TROJAN = "assign s = (a == 16'hBEEF && b == 16'h1234) ? 17'd0 : a + b;"

ATTACKS = [
    Attack("magic_input_trojan", "add16", f"""module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  {TROJAN}
endmodule
""", ALL, "sim cannot hit it; formal should"),
    Attack("trojan_formal_off_multidriver", "add16", f"""module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  wire t;
  assign t = a[0];
  assign t = ~a[0];
  {TROJAN}
endmodule
""", ["hybrid", "formal"], "an unused conflicting driver voids the proof; sim decides"),
    Attack("trojan_formal_off_undriven", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  wire u;
  wire [16:0] r = a + b;
  assign s = (a == 16'hBEEF && b == 16'h1234) ? 17'd0 : (r | {16'd0, u & 1'b0});
endmodule
""", ["hybrid", "formal"], "an undriven net voids the proof"),
    Attack("trojan_formal_off_sensitivity", "add16", f"""module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  reg dummy;
  always @(a) dummy = b[0];
  {TROJAN}
endmodule
""", ["hybrid", "formal"], "an unrelated incomplete sensitivity list voids the proof"),
    Attack("trojan_formal_timeout_mul", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  wire [31:0] p = a * b;
  wire [31:0] q = b * a;
  assign s = (p != q || (a == 16'hBEEF && b == 16'h1234)) ? 17'd0 : a + b;
endmodule
""", ["hybrid", "formal"], "commutativity of a multiplier is hard for SAT: formal times out, sim decides"),
    Attack("trojan_x_compare", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  wire [16:0] r = a + b;
  assign s = (a == 16'hBEEF && b == 16'h1234 && (1'bx !== 1'b0)) ? 17'd0 : r;
endmodule
""", ["hybrid", "formal"], "=== with x folds differently in yosys"),
    Attack("sequence_trojan_32", "cnt", """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg [31:0] h;
  always @(posedge clk) begin
    h <= {h[30:0], en};
    if (reset) q <= 0; else if (h == 32'hA5A5F00F) q <= 8'h55; else if (en) q <= q + 8'd1;
  end
endmodule
""", ALL, "wrong after one 32-cycle input pattern: past the BMC bound, 2^-32 per cycle for sim"),
    Attack("late_trojan_counter", "cnt", """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg [23:0] t;
  always @(posedge clk) begin
    t <= t + 24'd1;
    if (reset) q <= 0; else if (en) q <= q + ((t > 24'd3000000) ? 8'd2 : 8'd1);
  end
endmodule
""", ALL, "wrong only after 3M cycles (the counter is never reset: X in sim? no, t starts X)"),
    Attack("late_trojan_counter_reset", "cnt", """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg [23:0] t;
  always @(posedge clk) begin
    if (reset) t <= 0; else t <= t + 24'd1;
    if (reset) q <= 0; else if (en) q <= q + ((t[23:20] == 4'hF) ? 8'd2 : 8'd1);
  end
endmodule
""", ALL, "wrong after 15M cycles without reset"),
    Attack("wrap_narrow_counter", "cnt", """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg [6:0] r;
  always @(posedge clk) if (reset) r <= 0; else if (en) r <= r + 7'd1;
  always @* q = {1'b0, r};
endmodule
""", ALL, "7-bit counter for an 8-bit golden"),
    Attack("attribute_after_comment", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  (*/**/ keep *) wire [16:0] r = a + b;
  assign s = r;
endmodule
""", ["icarus"], "policy bypass: (* with a comment before the name", True),
    Attack("escaped_attr_name", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  (* \\keep  *) wire [16:0] r = a + b;
  assign s = r;
endmodule
""", ["icarus"], "attribute with escaped name", True),
]

HDR16 = "module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);\n"
HDRC = "module TopModule(input clk, input reset, input en, output reg [7:0] q);\n"
CNT_BODY = "  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd1;\n"

ATTACKS += [
    Attack("ifdef_predefined_via_dead_define", "add16", """`define G
`undef G
`ifdef G
`define SYNTHESIS
`define VERILATOR
`endif
""" + HDR16 + """`ifdef SYNTHESIS
  assign s = 17'd0;
`else
  assign s = a + b;
`endif
endmodule
""", ["icarus", "hybrid"], "`ifdef on a macro only 'defined' in dead code: tests a tool's predefined macro"),
    Attack("ifdef_predefined_via_macro_body", "add16", """`define M `define SYNTHESIS 1
""" + HDR16 + """`ifdef SYNTHESIS
  assign s = 17'd0;
`else
  assign s = a + b;
`endif
endmodule
""", ["icarus"], "a `define inside a macro body counts as defined"),
    Attack("ifdef_verilator_garbage", "add16", """`define G
`undef G
`ifdef G
`define VERILATOR
`endif
""" + HDR16 + """`ifdef VERILATOR
  assign s = a + b;
`else
  assign s = a - b;
`endif
endmodule
""", ["verilator", "auto"], "correct only under Verilator (the predefined macro)"),
    Attack("verilator_error_kills_batch", "cnt", HDRC + CNT_BODY + """  always @(posedge clk) if (q == 8'd3) $error("boom");
endmodule
""", ["icarus", "verilator", "auto"], "$error stops a Verilator simulation: the whole batch", True),
    Attack("input_port_driven_inside", "add16", HDR16 + """  assign a = 16'h0000;
  assign s = {1'b0, b};
endmodule
""", ["icarus", "verilator"], "drives an input port: port coercion onto the harness' shared net?"),
    Attack("zero_delay_oscillator", "cnt", HDRC + CNT_BODY + """  reg o;
  always @* o = ~o;
endmodule
""", ["icarus", "verilator"], "a combinational loop that never settles", True),
    Attack("output_flood", "cnt", HDRC + CNT_BODY + """  always @(posedge clk) $display("%0512d%0512d%0512d%0512d", q, q, q, q);
endmodule
""", ["icarus", "verilator"], "prints megabytes", True),
    Attack("memory_hog", "cnt", HDRC + CNT_BODY + """  reg [1023:0] m [0:4194303];
  always @(posedge clk) m[q] <= {1024{en}};
endmodule
""", ["icarus", "verilator"], "allocates 512 MiB .. GiBs", True),
    Attack("uninit_mask_x", "cnt", """module TopModule(input clk, input reset, input en, output [7:0] q);
  reg [7:0] r, m;
  always @(posedge clk) if (reset) r <= 0; else if (en) r <= r + 8'd1;
  assign q = r | m;
endmodule
""", ["icarus", "verilator", "auto"], "an output that depends on a never-written register"),
    Attack("generate_recursion_dos", "add16", """module node #(parameter N = 20) (input i, output o);
  generate if (N == 0) begin : leaf assign o = i; end
  else begin : inner wire l, r; node #(N - 1) u0 (i, l); node #(N - 1) u1 (i, r); assign o = l & r; end
  endgenerate
endmodule
""" + HDR16 + """  wire t;
  node #(20) n (a[0], t);
  assign s = a + b;
endmodule
""", SIM, "2^20 instances from a parameterised recursion", True),
    Attack("const_function_loop", "add16", """module TopModule(input [15:0] a, input [15:0] b, output [16:0] s);
  function integer f(input integer n); integer i; begin f = 0; for (i = 0; i < n; i = i + 1) f = f + 1; end endfunction
  localparam P = f(2000000000);
  assign s = a + b + (P == 0);
endmodule
""", SIM, "a constant function that loops 2e9 times at elaboration", True),
]

CNT_BAD_BODY = "  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 8'd2;\n"

ATTACKS += [
    Attack("wrong_then_hang", "cnt", HDRC + CNT_BAD_BODY + """  reg r;
  always @(posedge clk) if (q == 8'd40) while (1) r = ~r;
endmodule
""", ["icarus", "verilator", "auto", "hybrid"], "differs at cycle ~2, then hangs: must be mismatch, not timeout"),
    Attack("wrong_then_hang_sampled_late", "cnt", HDRC + """  always @(posedge clk) if (reset) q <= 0; else if (en) q <= (q == 8'd30) ? 8'd77 : q + 8'd1;
  reg r;
  always @(posedge clk) if (q == 8'd77) while (1) r = ~r;
endmodule
""", ["icarus", "verilator"], "wrong at q==30, hangs in the same step the wrong value appears"),
    Attack("deep_paren_nesting", "add16", HDR16 + "  assign s = " + "(" * 20000 + "a" + ")" * 20000 + " + b;\nendmodule\n",
           SIM, "front-end recursion depth", True),
    Attack("deep_begin_nesting", "add16", HDR16 + "  reg [16:0] r;\n  always @* " + "begin " * 5000 + "r = a + b; "
           + "end " * 5000 + "\n  assign s = r;\nendmodule\n", SIM, "nested blocks", True),
]

VSIM = ["verilator", "auto_v"]  # auto_v: auto with a golden slow enough (probe 1 ms) for Verilator

ATTACKS += [
    Attack("multidriven_output_last", "add16", HDR16 + """  assign s = 17'd0;
  assign s = a + b;
endmodule
""", ["icarus"] + VSIM, "two drivers on the output: x in Icarus, one wins in Verilator"),
    Attack("multidriven_output_first", "add16", HDR16 + """  assign s = a + b;
  assign s = 17'd0;
endmodule
""", ["icarus"] + VSIM, "two drivers on the output, other order"),
    Attack("float_instead_of_zero", "mux", """module TopModule(input en, input [7:0] d, output [7:0] y);
  assign y = en ? d : 8'bz;
endmodule
""", ["icarus"] + VSIM, "z where the golden drives 0: 2-state Verilator reads 0"),
    Attack("x_instead_of_zero", "mux", """module TopModule(input en, input [7:0] d, output [7:0] y);
  assign y = en ? d : 8'bx;
endmodule
""", ["icarus"] + VSIM, "x where the golden drives 0"),
    Attack("multidriven_reg_bits", "mux", """module TopModule(input en, input [7:0] d, output [7:0] y);
  wire [7:0] t;
  assign t = d;
  assign t = 8'd0;
  assign y = en ? t : 8'd0;
endmodule
""", ["icarus"] + VSIM, "an internal short circuit"),
]

ATTACKS += [
    Attack("deep_state_magic_trojan", "acc", ACC.replace("r <= r ^ d;", "r <= (q == 8'd100 && d == 16'hBEEF) ? 16'd0 : r ^ d;"),
           ["icarus", "hybrid", "formal"], "needs 100 cycles from reset (past the BMC bound) AND a 2^-16 input"),
]

ATTACKS += [
    Attack("flat_generate_2M", "add16", HDR16 + """  wire [2047:0] w [0:1023];
  genvar i, j;
  generate for (i = 0; i < 1024; i = i + 1) begin : g
    for (j = 0; j < 2048; j = j + 1) begin : h
      assign w[i][j] = a[0] ^ b[0];
    end
  end endgenerate
  assign s = a + b;
endmodule
""", ["icarus"], "2M generate blocks: elaboration cost for the whole batch", True),
    Attack("blocking_race_pipeline", "pipe", """module TopModule(input clk, input [7:0] d, output reg [7:0] a, output reg [7:0] b);
  always @(posedge clk) b = a;
  always @(posedge clk) a = d;
endmodule
""", ["icarus", "verilator", "hybrid"], "Icarus runs the later block first (b gets the new a); "
                                         "synthesis builds a shift register (b gets the old a)"),
]

ATTACKS += [
    Attack("uninit_mixed_bits", "mux", """module TopModule(input en, input [7:0] d, output [7:0] y);
  reg [1:0] m;
  assign y = (m == 2'b01) ? 8'd0 : (en ? d : 8'd0);
endmodule
""", ["icarus"] + VSIM, "garbage when power-up state is 01: Verilator tries only all-0 and all-1"),
]

ATTACKS += [
    Attack("unique_case_hides_trojan", "add16", HDR16 + """  reg [16:0] r;
  always @* begin
    unique case (a == 16'hBEEF && b == 16'h1234)
      1'b0: r = a + b;
    endcase
  end
  assign s = r;
endmodule
""", ["icarus", "hybrid"], "sim: a latch holds the old sum on the magic input; yosys reads unique as full_case"),
    Attack("priority_if_hides_trojan", "add16", HDR16 + """  reg [16:0] r;
  always @* begin
    priority if (!(a == 16'hBEEF && b == 16'h1234)) r = a + b;
  end
  assign s = r;
endmodule
""", ["icarus", "hybrid"], "priority if: the missing else is a don't-care for synthesis"),
]

# ---- session 2 (issue 7 red team): formal switched off by constructs yosys lacks, a reset-hold
# trojan the stimulus never exercised, a compile-time bomb
ATTACKS += [
    Attack("formal_off_real_variable", "add16", HDR16 + """  real r;
  always @* r = a;
  assign s = (r == 48879.0 && b == 16'h1234) ? 17'd0 : a + b;
endmodule
""", ["hybrid", "formal"], "yosys cannot read `real`: formal `unsupported`, simulation decided alone"),
    Attack("formal_off_recursive_function", "add16", HDR16 + """  function automatic [16:0] f(input [15:0] x, input [15:0] y, input integer n);
    f = n == 0 ? x + y : f(x, y, n - 1);
  endfunction
  assign s = (a == 16'hBEEF && b == 16'h1234) ? 17'd0 : f(a, b, 3);
endmodule
""", ["hybrid", "formal"], "yosys cannot size a recursive call: formal `unsupported`"),
    Attack("formal_decoy_isunknown", "add16", HDR16 + """  assign s = ((a == 16'hBEEF && b == 16'h1234) || $isunknown(a)) ? 17'd0 : a + b;
endmodule
""", ["hybrid", "formal"], "yosys' $isunknown gives a counterexample simulation cannot reproduce: the "
                           "solver's one answer is a decoy, the real trojan is never reported"),
    Attack("long_reset_trojan", "cnt", HDRC + """  reg [2:0] rc;
  always @(posedge clk) begin
    rc <= reset ? (rc == 3'd7 ? 3'd7 : rc + 3'd1) : 3'd0;
    if (reset) begin if (rc == 3'd3) q <= 8'd1; else q <= 8'd0; end else if (en) q <= q + 8'd1;
  end
endmodule
""", SIM + ["hybrid"], "wrong only when reset is held 4+ cycles: the stimulus held resets 1-2 cycles"),
    Attack("wide_replication_compile_bomb", "add16", HDR16 + """  wire [4194303:0] w = {262144{a}};
  assign s = a + b + {16'd0, w[5] & 1'b0};
endmodule
""", ["icarus", "auto"], "a 2^22-bit replication: iverilog compiles it for minutes (batch limit 60 s)", True),
    Attack("max_bitwidth_compile_bomb", "add16", HDR16 + """  wire [16777215:0] w = {1048576{a}};
  assign s = a + b + {16'd0, w[5] & 1'b0};
endmodule
""", ["icarus"], "2^24 bits: past pyslang's own limit (an error it used to ignore), iverilog accepts it", True),
]
ATTACKS += [
    Attack("cocotb_wrong_then_hang", "cnt", next(a.candidate for a in ATTACKS if a.name == "wrong_then_hang"),
           ["cocotb"], "cocotb's driver wrote its trace only at the end: differs at cycle 2, hangs, got `timeout`"),
]
ATTACKS += [
    Attack("held_input_trojan", "acc", ACC.replace("  always @(posedge clk) begin\n", """  reg [15:0] last; reg [3:0] same;
  always @(posedge clk) begin
    last <= d; same <= (d == last) ? (same == 4'd15 ? 4'd15 : same + 4'd1) : 4'd0;
""").replace("r <= r ^ d;", "r <= (same == 4'd7) ? 16'd0 : r ^ d;"),
           SIM + ["hybrid"], "wrong once a 16-bit input stays the same for 8 cycles (an idle bus): never drawn"),
]
ATTACKS += [
    Attack("formal_off_dual_edge_flop", "add16", HDR16 + """  reg f;
  always @(posedge a[0] or negedge a[0]) f <= b[0];
  assign s = ((a == 16'hBEEF && b == 16'h1234) ? 17'd0 : a + b) | {16'd0, f & 1'b0};
endmodule
""", ["hybrid", "formal"], "yosys' proc fails (no file named in the error): formal `unsupported`"),
]
# issue 16, section 1: a design that sees its harness, a line one reader splits, a hang that hides a
# wrong value, a 4-state flaw after the old spot check's horizon
ATTACKS += [
    Attack("harness_probe_percent_m", "add16", HDR16 + """  reg [8*64-1:0] where; reg under;
  initial begin $sformat(where, "%m"); under = |where[8*64-1:8*20]; end  // a long path: the checker's
  assign s = under ? a + b : a - b;
endmodule
""", ALL + ["cocotb"], "right only where %m names a long instance path (codev_tb_<token>.u_<token>_d0)"),
    Attack("harness_probe_octal_escape", "add16", HDR16 + """  reg [8*64-1:0] where; reg under;
  initial begin $swrite(where, "\\045m"); under = |where[8*64-1:8*20]; end
  assign s = under ? a + b : a - b;
endmodule
""", SIM, "%m spelled \\045m"),
    Attack("split_comment_u2028", "add16", HDR16 + "  // note\u2028/*\n"
           "  assign s = (a == 16'hBEEF && b == 16'h1234) ? 17'd0 : a + b;\n  // */ assign s = a + b;\nendmodule\n",
           ["hybrid", "formal"], "yosys' text split at U+2028 (str.splitlines): the trojan in a block comment"),
    Attack("zero_time_spin_where_it_matches", "cnt", """module TopModule(input clk, input reset, input en, output reg [7:0] q);
  reg spin;
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= (q == 8'd37) ? 8'd99 : q + 8'd1;
  always @(posedge clk) if (!reset && en && q == 8'd37) while (1) spin = ~spin;
endmodule
""", SIM + ["cocotb"], "spins at the edge where it still matches: was `timeout`, masked by the reward"),
    Attack("late_float_after_64", "cnt", """module TopModule(input clk, input reset, input en, output [7:0] q);
  reg [7:0] r; reg [6:0] age;
  always @(posedge clk) if (reset) begin r <= 0; age <= 0; end
    else begin if (en) r <= r + 8'd1; if (age != 7'd127) age <= age + 7'd1; end
  assign q = {(age >= 7'd64 && !r[7]) ? 1'bz : r[7], r[6:0]};
endmodule
""", ["verilator", "auto_v"], "floats a pin (z = 0 in 2 states) once 64 cycles from reset: past the old spot check"),
]
