"""Why candidates have a fixed size limit: the front end's time grows with the text.

Times the in-process front end (policy scan, parse, elaboration, interface) on generated candidates
of growing size (a top module plus N small helper modules, comments included), up to and past
policy.MAX_SOURCE_CHARS, and prints seconds per size with the load average. Candidates are screened
under a deadline (`min_timeout`, 5 s by default): without a fixed limit, whether a large candidate
passes depends on the machine's load.

    python bench/size_limit_cost.py [--sizes 20000 131072 330000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testbench_gen.design.frontend import analyse
from testbench_gen.design.policy import MAX_SOURCE_CHARS

TOP = "module TopModule(input [7:0] a, input [7:0] b, output [7:0] y);\n  helper0 h(.a(a), .b(b), .y(y));\nendmodule\n"
UNIT = """module helper{k}(input [7:0] a, input [7:0] b, output [7:0] y);
  // a comment line, as model output has them
  wire [7:0] t = a ^ b;
  assign y = t + 8'd{k8};
endmodule
"""


def candidate(chars: int) -> str:
    text = TOP
    k = 0
    while len(text) < chars:
        text += UNIT.format(k=k, k8=k % 256)
        k += 1
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, MAX_SOURCE_CHARS, 330_000])
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}; limit {MAX_SOURCE_CHARS:,} characters")
    for size in args.sizes:
        text = candidate(size)
        start = time.monotonic()
        result = analyse(text, "c.v", "TopModule")
        seconds = time.monotonic() - start
        ok = result.interface is not None and not result.violations
        print(f"{len(text):>10,} characters  {seconds:6.2f} s  {'parsed' if ok else 'FAILED'}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
