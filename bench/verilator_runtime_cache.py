"""Cost of keeping Verilator's shared runtime build out of a candidate's reach.

Every model build now reads the cached verilated*.o, hashes them against the manifest and the digests
pinned in this process, and writes those bytes into the build directory (before: a plain file copy).
Prints the median of both over --repeat runs, and one full model build for scale.

    python bench/verilator_runtime_cache.py [--repeat 50]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testbench_gen.run.simulators import get_backend
from testbench_gen.containment.sandbox import Limits, sandbox_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    backend = get_backend("verilator")
    if not backend.available():
        print("verilator not installed")
        return 1
    backend.runtime_objects(Limits(wall_seconds=300))  # build the cache once
    verified, copied = [], []
    with sandbox_dir("bench-vlrt-") as wd:
        for _ in range(args.repeat):
            start = time.perf_counter()
            for name, data in backend.runtime_objects(Limits()).items():
                (wd / name).write_bytes(data)
            verified.append(time.perf_counter() - start)
            start = time.perf_counter()
            for path in backend.runtime_dir().glob("*.o"):
                shutil.copy2(path, wd / ("plain_" + path.name))
            copied.append(time.perf_counter() - start)
        (wd / "t.v").write_text("module TopModule(input clk, output reg q); always @(posedge clk) q <= ~q; endmodule\n")
        start = time.perf_counter()
        build = backend.compile(wd, [wd / "t.v"], "TopModule", Limits(wall_seconds=300))
        build_s = time.perf_counter() - start
    size = sum(len(d) for d in backend.runtime_objects(Limits()).values())
    print(f"runtime objects: {size / 1024:.0f} KiB, Verilator {backend.version()}")
    print(f"verify + copy (hash, pin, write): median {statistics.median(verified) * 1e3:.2f} ms over {args.repeat}")
    print(f"plain copy (before):              median {statistics.median(copied) * 1e3:.2f} ms over {args.repeat}")
    print(f"one model build for scale:        {build_s:.2f} s ({'ok' if build.ok else 'failed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
