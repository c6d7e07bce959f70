"""Per-candidate cost of screening in a limited child (frontend.analyse_bounded) vs in-process.

Prints medians over the VerilogEval v2 references (policy scan with `iverilog -E`, parse,
elaboration, interface). Usage: python bench/frontend_cost.py [N] (default 40 references)
"""
from __future__ import annotations

import statistics
import sys
import time

from testbench_gen.design.frontend import analyse, analyse_bounded
from testbench_gen.design.policy import preprocess, scan


def median_ms(fn, sources) -> float:
    times = []
    for src in sources:
        start = time.perf_counter()
        fn(src)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(n: int) -> None:
    from codev.eval.userconfig import require_bench_root

    folder = require_bench_root() / "verilogeval_v2" / "dataset_spec-to-rtl"
    sources = [p.read_text().replace("RefModule", "TopModule") for p in sorted(folder.glob("*_ref.sv"))[:n]]
    analyse_bounded(sources[0], "c.v", None)  # start the fork server
    figures = {
        "preprocess (iverilog -E, confined)": median_ms(preprocess, sources),
        "policy scan (raw + preprocessed)": median_ms(scan, sources),
        "front end in-process": median_ms(lambda s: analyse(s, "c.v", "TopModule"), sources),
        "front end in a limited child": median_ms(lambda s: analyse_bounded(s, "c.v", "TopModule"), sources),
    }
    for name, ms in figures.items():
        print(f"{name:40s} {ms:7.1f} ms median per candidate ({len(sources)} references)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
