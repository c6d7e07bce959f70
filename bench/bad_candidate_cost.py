"""What one bad candidate costs its batch: a late zero-time hang among correct candidates.

Prints the wall time of a batch of N correct candidates, then of the same batch plus one candidate
that hangs at cycle 150, with the batch simulation limit of core.batch_budget and with the former
limit (budget x batch size). Usage: python bench/bad_candidate_cost.py [N] (default 8)
"""
from __future__ import annotations

import sys
import time

import testbench_gen.run.core as core
from testbench_gen import CheckOptions, check

GOLDEN = """
module top(input clk, input rst, input [7:0] a, input [7:0] b, output reg [7:0] y);
  always @(posedge clk) if (rst) y <= 8'd0; else y <= a + b;
endmodule
"""
HANG = GOLDEN.replace("endmodule", "reg [15:0] n = 0; reg p = 1'b0, q = 1'b1; always @(posedge clk) n <= n + 1;\n"
                      "always @(p) q = ~p; always @(q) p = q; always @(posedge clk) if (n == 16'd150) p <= ~p;\n"
                      "endmodule")


def main(n: int) -> None:
    options = CheckOptions(cycles=200, min_timeout=2.0, timeout=2.0)
    check(GOLDEN, [GOLDEN], options)  # golden trace cached
    for label, limit in (("batch_budget", core.batch_budget),
                         ("budget x size (before)", lambda g, o, k: core.candidate_budget(g, o) * k)):
        core.batch_budget = limit
        start = time.monotonic()
        check(GOLDEN, [GOLDEN] * n, options)
        clean = time.monotonic() - start
        start = time.monotonic()
        kinds = [v.kind.value for v in check(GOLDEN, [GOLDEN] * n + [HANG], options)]
        bad = time.monotonic() - start
        assert kinds == ["equivalent"] * n + ["timeout"], kinds
        print(f"{label:24s} {n} correct: {clean:5.2f} s; plus one late hang: {bad:5.2f} s "
              f"(the hang costs {bad - clean:5.2f} s; candidate budget 2 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
