"""Wall time of `codev eval` scoring --replicas samples x 156 problems of VerilogEval v2 on 2 cores.

The samples are the benchmark's own references, each wrapped as a chat response (```verilog fence) and
replicated --replicas times, so every sample goes through extraction, assembly, iverilog and vvp like
a model's answer would. Replicas differ by a comment, so none is skipped as a duplicate (--identical
keeps them identical to show what deduplication saves). A fresh output folder is used: nothing is resumed.

    python bench/eval_wall_time.py [--bench-root DIR] [--replicas 20] [--jobs 2] [--identical]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codev.cli import main as codev_main
from codev.eval.benchmarks import load_benchmark
from codev.eval.tools import iverilog_version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-root", type=Path, default=None)
    parser.add_argument("--bench", default="verilogeval-v2-spec-to-rtl")
    parser.add_argument("--replicas", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--identical", action="store_true", help="identical replicas (simulated once each)")
    parser.add_argument("--keep", type=Path, help="keep the run folder here instead of a temp folder")
    args = parser.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)

    problems = load_benchmark(args.bench, args.bench_root)
    work = Path(tempfile.mkdtemp(prefix="codev-bench-"))
    out = args.keep or work / "run"
    if out.exists():
        shutil.rmtree(out)
    samples = work / "samples.jsonl"
    with open(samples, "w") as fh:
        for p in problems:
            for i in range(args.replicas):
                tag = "" if args.identical else f"// replica {i}\n"
                fh.write(json.dumps({"task_id": p.id, "index": i, "completion": f"```verilog\n{p.reference}{tag}```\n"}) + "\n")
    n = len(problems) * args.replicas
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    status = codev_main([
        "eval", "--samples", str(samples), "--bench", args.bench, "--bench-root", str(args.bench_root),
        "--out", str(out), "--jobs", str(args.jobs), "--k", "1,5,10", "--no-progress",
    ])
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(cpu_after, cpu_before))
    full = json.loads((out / "summary.json").read_text())
    summary = full["benchmarks"][args.bench]
    shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {
                "benchmark": args.bench,
                "samples": n,
                "problems": len(problems),
                "replicas": args.replicas,
                "jobs": args.jobs,
                "cpus": os.cpu_count(),
                "iverilog": iverilog_version().version,
                "wall_s": round(wall, 1),
                "samples_per_s": round(n / wall, 2),
                "wall_s_per_1000_samples": round(1000 * wall / n, 1),
                "duplicates_not_simulated": full["inputs"]["duplicates"],
                # CPU seconds of iverilog/vvp and this process: wall time on idle cores ~ cpu_s / jobs
                "cpu_s": round(cpu, 1),
                "load_avg_before": round(load_before, 2),
                "load_avg_after": round(os.getloadavg()[0], 2),
                "pass@1": summary["pass@1"],
                "verdicts": summary["verdicts"],
            },
            indent=2,
        )
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
