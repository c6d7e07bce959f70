"""Per-run cost of the sandbox launcher (Landlock + PID namespace + pdeathsig + rlimits).

Prints medians, measured in one run, of: a bare subprocess, run_limited through the launcher with
full confinement, and the same launcher with confinement off (CODEV_SANDBOX_CONFINE=0 semantics),
for `true` and for a real `iverilog -E` of a small file. Usage: python bench/sandbox_cost.py [N]
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

from testbench_gen.containment.sandbox import Confinement, Limits, adopt_confinement, confinement, run_limited, sandbox_dir


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(n: int) -> None:
    found = confinement()
    print(found.describe())
    with sandbox_dir() as wd:
        (wd / "in.v").write_text("`define W 8\nmodule m(input [`W-1:0] a, output [`W-1:0] y); assign y = a; endmodule\n")
        for label, argv in (("true", ["true"]), ("iverilog -E", ["iverilog", "-E", "-o", "pre.v", "in.v"])):
            bare = median_ms(lambda: subprocess.run(argv, cwd=wd, stdout=subprocess.DEVNULL), n)
            adopt_confinement(found)
            confined = median_ms(lambda: run_limited(argv, wd, Limits()), n)
            adopt_confinement(Confinement(0, False, "off for comparison"))
            plain = median_ms(lambda: run_limited(argv, wd, Limits()), n)
            adopt_confinement(found)
            print(f"{label:12s} bare {bare:6.1f} ms | launcher, confined {confined:6.1f} ms | "
                  f"launcher, not confined {plain:6.1f} ms (median of {n})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
