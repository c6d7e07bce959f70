"""Reward latency of the warm checker pool in the RL setting (prints figures).

One RL step = one round: G goldens x K candidates each (VerilogEval v2 spec-to-rtl and RTLLM v2
references; candidates are the reference itself and single-site mutants from
testbench_gen/design/mutants.py, cycled to K, every text distinct). The pool is started once; round 1 is cold (workers start,
goldens are simulated), rounds 2+ are the steady state. Per round: wall time, per-candidate latency
(round start to that candidate's verdict: what a trainer awaiting rewards sees) p50/p99, and where
the CPU went: the workers' own time (Python: parsing, screening, comparing traces) vs their children
(iverilog, vvp), plus this process (dispatching).

    python bench/reward_latency.py [--goldens 128] [--candidates 16] [--workers 2] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import time
from pathlib import Path

from testbench_gen import CheckerPool, CheckJob, CheckOptions, InvalidGolden, prepare_golden
from testbench_gen.design.mutants import mutants

TICK = os.sysconf("SC_CLK_TCK")


def references(root: Path) -> list[tuple[str, str]]:
    """(name, source) of every usable reference: RTLLM v2 first, then VerilogEval v2."""
    items = [(f"rtllm/{d.name}", next(d.glob("verified_*.v")).read_text())
             for d in sorted(p for p in (root / "rtllm_v2").iterdir() if p.is_dir())]
    items += [(f"ve2/{p.name[:-7]}", p.read_text())
              for p in sorted((root / "verilogeval_v2" / "dataset_spec-to-rtl").glob("*_ref.sv"))]
    return items


def usable(source: str) -> bool:
    try:
        prepare_golden(source, CheckOptions())
    except InvalidGolden:
        return False  # e.g. enum casts under iverilog 11
    return True


def cpu_split(pids: list[int]) -> tuple[float, float]:
    """(own, waited-for children) CPU seconds of these processes, from /proc."""
    own = children = 0.0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists():
            continue  # a worker that died (and was replaced) during the round
        fields = stat.read_text().rsplit(")", 1)[1].split()
        own += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        children += (int(fields[13]) + int(fields[14])) / TICK  # cutime, cstime
    return own, children


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", type=Path, default=None)
    ap.add_argument("--goldens", type=int, default=128)
    ap.add_argument("--candidates", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="round 1 is cold, the rest warm")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)

    pool_of_refs = references(Path(args.bench_root))
    random.Random(args.seed).shuffle(pool_of_refs)
    chosen = []
    for name, source in pool_of_refs:
        if len(chosen) == args.goldens:
            break
        if usable(source):
            chosen.append((name, source))
    jobs = []
    for name, golden in chosen:
        cands = [re.sub(r"\bRefModule\b", "TopModule", golden)]
        cands += [m.source for m in mutants(golden, args.candidates - 1, args.seed)]
        # a comment makes every text distinct: a repeated text is checked once, which would flatter this
        jobs.append(CheckJob(golden, [cands[i % len(cands)] + f"\n// sample {i}\n" for i in range(args.candidates)]))
    n = sum(len(j.candidates) for j in jobs)
    rtllm = sum(name.startswith("rtllm/") for name, _ in chosen)
    print(f"{len(jobs)} goldens ({rtllm} RTLLM v2, {len(jobs) - rtllm} VerilogEval v2) x {args.candidates} "
          f"candidates = {n} checks per round; {args.workers} workers; load average {os.getloadavg()[0]:.1f}")
    print(f"\n{'round':>5} {'wall s':>7} {'checks/s':>9} {'p50 s':>7} {'p99 s':>7} {'python %':>9} "
          f"{'simulators %':>13} {'equivalent':>11}")
    with CheckerPool(workers=args.workers) as pool:
        for r in range(1, args.rounds + 1):
            pids = pool.worker_pids()
            own0, kids0 = cpu_split(pids)
            me0 = resource.getrusage(resource.RUSAGE_SELF)
            done_at: list[float] = []
            start = time.perf_counter()
            results = pool.check_many(jobs, on_result=lambda j, c, v: done_at.append(time.perf_counter()))
            wall = time.perf_counter() - start
            own1, kids1 = cpu_split(pids)
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            python = (own1 - own0) + (me1.ru_utime - me0.ru_utime) + (me1.ru_stime - me0.ru_stime)
            sims = kids1 - kids0
            lat = [t - start for t in done_at]
            eq = sum(v.is_equivalent for job in results for v in job)
            print(f"{r:5d} {wall:7.1f} {n / wall:9.1f} {statistics.median(lat):7.2f} {percentile(lat, 0.99):7.2f} "
                  f"{100 * python / (python + sims):8.0f}% {100 * sims / (python + sims):12.0f}% {eq:11d}")
        print(f"\naffinity: {pool.affinity_hits} tasks went to a worker already holding their golden")


if __name__ == "__main__":
    main()
