"""Candidates written against the non-Icarus backends (issue 7, item 9), each paired with its golden.

Each one was judged `equivalent` (or `proven`) before; test_formal_attacks.py checks that none is now.
"""
from __future__ import annotations

from .conftest import FSM_GOLDEN, XOR_GOLDEN

DIV_PORTS = ("module verified_div_16bit(input wire [15:0] A, input wire [7:0] B, output wire [15:0] result,"
             " output wire [15:0] odd);\n")

# conflicting drivers: yosys turns `t = A + 1` and `t = A - 1` into unsatisfiable constraints, so a
# miter of garbage "can never differ" (was `proven` equal to the RTLLM div_16bit reference)
DIV_CONFLICT = DIV_PORTS + """  wire [15:0] t;
  assign t = A + 16'd1;
  assign t = A - 16'd1;
  assign result = t;
  assign odd = 16'd0;
endmodule
"""

# the same on an FSM's next-state logic (was `proven` equal to FSM_GOLDEN)
FSM_CONFLICT = """module TopModule(input clk, input areset, input x, output z);
  reg [1:0] s;
  wire [1:0] n;
  assign n = s + 2'd1;
  assign n = s - 2'd1;
  always @(posedge clk or posedge areset) if (areset) s <= 0; else s <= n;
  assign z = (s == 2);
endmodule
"""

MUX_GOLDEN = ("module TopModule(input [7:0] a, input [7:0] b, input c, output reg [7:0] y);\n"
              "  always @* y = c ? a : b;\nendmodule\n")
# incomplete sensitivity: synthesised as @*, simulated as "only when a or b changes"
MUX_SENSITIVITY = MUX_GOLDEN.replace("always @*", "always @(a or b)")
# an undriven select: yosys folds the mux to one input, simulation sees z/x
MUX_UNDRIVEN = ("module TopModule(input [7:0] a, input [7:0] b, input c, output reg [7:0] y);\n"
                "  wire s;\n  always @* y = s ? a : b;\nendmodule\n")

TROJAN = "assign y = (a == 32'h1234abcd) ? 32'd0 : a ^ b;"
# a magic-input trojan random stimulus misses, plus a way to switch formal off:
# a `#1` that only a tokeniser of dead code sees ...
DEAD_IFDEF_TROJAN = ("`ifdef CODEV_NEVER_DEFINED\nmodule unused_delay(output reg q); initial #1 q = 0; endmodule\n"
                     "`endif\nmodule TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n  "
                     + TROJAN + "\nendmodule\n")
# ... a second top-level module (no module named like the golden's top: simulation picks the one
# whose ports match, formal used to give up) ...
SECOND_TOP_TROJAN = ("module Impl(input [31:0] a, input [31:0] b, output [31:0] y);\n  " + TROJAN
                     + "\nendmodule\nmodule Spare(input q, output r); assign r = q; endmodule\n")
# ... yosys' own preprocessor defines SYNTHESIS ...
SYNTHESIS_TROJAN = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n`ifdef SYNTHESIS\n"
                    "  assign y = a ^ b;\n`else\n  " + TROJAN + "\n`endif\nendmodule\n")
# ... and yosys obeys translate_off comments
TRANSLATE_OFF_TROJAN = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n"
                        "  // synopsys translate_off\n  wire k = (a == 32'h1234abcd);\n"
                        "  // synopsys translate_on\n"
                        "  assign y = k ? 32'd0 : a ^ b;\nendmodule\n")
# conflicting drivers that make the proof vacuous while simulation sees a harmless X: the trojan
# survives simulation; formal's proof must not be counted (simulation decides alone, and says so)
VACUOUS_TROJAN = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n"
                  "  wire [31:0] t;\n  assign t = a + 32'd1;\n  assign t = a - 32'd1;\n"
                  "  assign y = ((a == 32'h1234abcd) ? 32'd0 : a ^ b) | (t & 32'd0);\nendmodule\n")

# Verilator: an X-dependent bug (an uninitialised flag: 0 in the all-zeros run, 1 in the all-ones
# run) hidden behind an `initial` loop that made the second run look unaffordable
COUNTER_SLOW_X = """module TopModule(input clk, input reset, input en, output reg [3:0] q);
  reg flag;
  reg [31:0] acc;
  integer i;
  initial begin
    acc = 0;
    for (i = 0; i < 600000000; i = i + 1) acc = acc * 1103515245 + i;
    if (acc == 32'd12345) $display("lucky");
  end
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + (flag ? 4'd2 : 4'd1);
endmodule
"""

SIMULATION_CATCHES = {  # (golden, candidate): any simulating backend finds these
    "div_conflict": ("rtllm:div_16bit", DIV_CONFLICT),
    "fsm_conflict": (FSM_GOLDEN, FSM_CONFLICT),
    "sensitivity": (MUX_GOLDEN, MUX_SENSITIVITY),
    "undriven_select": (MUX_GOLDEN, MUX_UNDRIVEN),
}
# ... and a dummy latch kept alive by a mask yosys' constant folding cannot see through (a latch
# made formal `unsupported`)
LATCH_TROJAN = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n"
                "  reg l;\n  always @* if (b[1]) l = b[2];\n"
                "  assign y = ((a == 32'h1234abcd) ? 32'd0 : a ^ b) ^ {32{l & (a == b) & (a != b)}};\nendmodule\n")

FORMAL_CATCHES = {  # random stimulus misses the trojan; formal must read what simulation ran
    "dead_ifdef_delay": (XOR_GOLDEN, DEAD_IFDEF_TROJAN),
    "second_top": (XOR_GOLDEN, SECOND_TOP_TROJAN),
    "synthesis_macro": (XOR_GOLDEN, SYNTHESIS_TROJAN),
    "translate_off": (XOR_GOLDEN, TRANSLATE_OFF_TROJAN),
    "dummy_latch": (XOR_GOLDEN, LATCH_TROJAN),
}

# two-faced: the trojan only where Verilator compiles it (auto may send the batch to Verilator)
VERILATOR_TROJAN = ("module TopModule(input [31:0] a, input [31:0] b, output [31:0] y);\n`ifdef VERILATOR\n  "
                    + TROJAN + "\n`else\n  assign y = a ^ b;\n`endif\nendmodule\n")
