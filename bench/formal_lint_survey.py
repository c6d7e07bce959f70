"""How often formal would refuse to count a proof of a benchmark reference, and why.

formal_input.py voids a proof when the synthesised model is not what simulation runs (multiple
drivers, undriven nets, combinational loops, incomplete sensitivity lists). References should
rarely trip it; every one that does is listed with its caveats.

    python bench/formal_lint_survey.py [--simulator icarus|verilator] [--limit N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codev.eval.userconfig import require_bench_root  # noqa: E402 (after the sys.path line)
from testbench_gen.proof.formal import lint_design



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--simulator", default="icarus", choices=["icarus", "verilator"])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    bench = require_bench_root()  # the one lookup ($CODEV_BENCH_ROOT, the fetched copy, ../shared/benchmarks)
    refs = sorted((bench / "verilogeval_v2" / "dataset_spec-to-rtl").glob("*_ref.sv"))
    refs += sorted(bench.glob("rtllm_v2/*/verified_*.v"))
    refs = refs[: args.limit] if args.limit else refs
    start, flagged = time.monotonic(), 0
    for ref in refs:
        caveats = lint_design(ref.read_text(), args.simulator)
        if caveats:
            flagged += 1
            print(f"{ref.parent.name}/{ref.name}: {'; '.join(caveats)}")
    print(f"{len(refs)} references, {flagged} with caveats, {time.monotonic() - start:.1f} s "
          f"({args.simulator} preprocessor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
