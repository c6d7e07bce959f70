"""What the 4-state Icarus spot check adds to an explicit `--backend verilator` check.

Verilator is 2-state, so every Verilator `equivalent` is re-run on Icarus (strategies.py): over the
whole stimulus when Icarus can afford it (`strategy.spot_check_seconds`), else over cycles/20. This
times the same batch of correct candidates with each and without (fresh stimulus seed per call, so
nothing is served from the golden caches) and prints medians and their ratios.

    python bench/verilator_spot_check.py [--candidates N] [--cycles N] [--reps N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testbench_gen import CheckOptions, check
from testbench_gen.run.simulators import get_backend
from testbench_gen.config import StrategyOptions

COUNTER = """module TopModule(input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 0; else if (en) q <= q + 1;
endmodule
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python bench/verilator_spot_check.py --candidates 4 --reps 3")
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--cycles", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    medians = {}
    runs = (("whole stimulus", True, StrategyOptions()),  # the default for a golden Icarus runs fast
            ("short (cycles/20)", True, StrategyOptions(spot_check_seconds=0.0)),
            ("without", False, StrategyOptions()))
    for label, spot, strategy in runs:
        # a backend object goes straight to the batch core, without the spot check
        direct = None if spot else get_backend("verilator")
        times = []
        for _ in range(args.reps):
            start = time.monotonic()
            verdicts = check(COUNTER, [COUNTER] * args.candidates,
                             CheckOptions(backend="verilator", cycles=args.cycles, strategy=strategy),
                             backend=direct)
            times.append(time.monotonic() - start)
            assert all(v.is_equivalent for v in verdicts), [v.reason for v in verdicts]
        medians[label] = statistics.median(times)
        print(f"{label:18} {' '.join(f'{t:.2f}' for t in times)} s  median {medians[label]:.2f} s", flush=True)
    base = medians["without"]
    for label, median in medians.items():
        print(f"{label:18} {median / base:.2f}x of without, +{median - base:.2f} s per call "
              f"({args.candidates} candidates, {args.cycles} cycles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
