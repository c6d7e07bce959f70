"""What the stimulus's long run, varied horizon and coverage-directed segments cost, and what they buy.

On the benchmark references (VerilogEval v2 spec-to-rtl, RTLLM v2), each checked against itself and
a few single-site mutants (testbench_gen.design.mutants), with the same seed:
  short    long_cycles=0, horizon_jitter=0, directed=False: the stimulus before the long run
  random   directed=False: horizon + up to 25%, a long run without reset sized by the counters
  default  the default stimulus: `random` plus coverage-directed segments where it misses (directed.py)
Prints wall seconds per check (2 workers, one-shot check_many, so each golden's search is paid),
detection (share of mutants called not equivalent; some mutants are equivalent, so compare the rows,
not the absolute), false mismatches on the references (must be 0), how many designs have outputs
that never toggle in the golden and how many got directed segments.
Then (--fifo-seeds N, default 20) FIFO capacity bugs against a 16-deep FIFO golden (`codev synth
generate` fifo family, level 5): one holding 15 entries and one without `full` logic, over N seeds,
without and with directed segments.

    python bench/stimulus_cost.py [--mutants 2] [--jobs 2] [--seed 1] [--designs N] [--bench-root DIR]
                                  [--fifo-seeds 20] [--only fifo|references]
"""
from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check, check_many
from testbench_gen.design.mutants import mutants

FLOWS = (("short", dict(long_cycles=0, horizon_jitter=0, directed=False)),
         ("random", dict(directed=False)),
         ("default", {}))


def references(root: Path) -> list[tuple[str, str, str]]:
    """(name, golden, the golden as a candidate writes it)."""
    items = []
    for path in sorted((root / "verilogeval_v2" / "dataset_spec-to-rtl").glob("*_ref.sv")):
        source = path.read_text()
        items.append((path.name[:-7], source, re.sub(r"\bRefModule\b", "TopModule", source)))
    for folder in sorted(p for p in (root / "rtllm_v2").iterdir() if p.is_dir()):
        source = next(folder.glob("verified_*.v")).read_text()
        items.append((folder.name, source, source))
    return items


def fifo_capacity(seeds: int) -> None:
    """Detection of two FIFO capacity bugs per seed, without and with directed segments."""
    from codev.synth.generator.families.fifo import Fifo

    params = {"width": 16, "depth": 16, "count": False, "reset_active_high": False,
              "reset_synchronous": True, "almost_full": 0}
    golden = Fifo().build(params, 5).golden
    bugs = {"holds 15": golden.replace("assign full = (used == 5'd16);", "assign full = (used == 5'd15);"),
            "no full logic": golden.replace("assign full = (used == 5'd16);", "assign full = 1'b0;")}
    for label, directed in (("random", False), ("default", True)):
        start = time.monotonic()
        caught = {name: 0 for name in bugs}
        for seed in range(seeds):
            verdicts = check(golden, list(bugs.values()), CheckOptions(seed=seed, directed=directed))
            for name, v in zip(bugs, verdicts):
                caught[name] += v.kind is VerdictKind.MISMATCH
        wall = time.monotonic() - start
        print(f"fifo 16x16 {label:8s} " + "  ".join(f"{n}: caught {c}/{seeds}" for n, c in caught.items())
              + f"  {wall / seeds:.2f} s per check call (2 candidates)  load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", type=Path, default=None)
    ap.add_argument("--mutants", type=int, default=2, help="mutants per design")
    ap.add_argument("--designs", type=int, default=0, help="first N designs only (0: all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fifo-seeds", type=int, default=20)
    ap.add_argument("--only", choices=("fifo", "references"))
    args = ap.parse_args()
    from codev.eval.userconfig import require_bench_root

    args.bench_root = require_bench_root(args.bench_root)  # the one lookup (flag, $CODEV_BENCH_ROOT, fetched copy)
    if args.only != "fifo":
        run_references(args)
    if args.only != "references" and args.fifo_seeds:
        fifo_capacity(args.fifo_seeds)


def run_references(args) -> None:
    items = references(Path(args.bench_root))
    items = items[:args.designs] if args.designs else items
    candidates = [[as_cand] + [m.source for m in mutants(as_cand, limit=args.mutants, seed=args.seed)]
                  for _name, _golden, as_cand in items]
    n_checks = sum(len(c) for c in candidates)
    print(f"{len(items)} designs, {n_checks} checks ({args.mutants} mutants per design), seed {args.seed}, "
          f"{args.jobs} workers, load {os.getloadavg()[0]:.1f}")
    for label, fields in FLOWS:
        options = CheckOptions(seed=args.seed, **fields)
        jobs = [CheckJob(golden, cands, options) for (_n, golden, _c), cands in zip(items, candidates)]
        start = time.monotonic()
        results = check_many(jobs, workers=args.jobs)
        wall = time.monotonic() - start
        usable = [(item, v) for item, v in zip(items, results) if v[0].kind is not VerdictKind.INVALID_GOLDEN]
        false = [item[0] for item, v in usable if v[0].kind is not VerdictKind.EQUIVALENT]
        muts = [x for _item, v in usable for x in v[1:] if x.is_checked]
        caught = sum(x.kind is not VerdictKind.EQUIVALENT for x in muts)
        untoggled = sum(bool(v[0].untoggled) for _item, v in usable)
        directed = sum("coverage-directed" in v[0].reason for _item, v in usable)
        print(f"{label:8s} wall {wall:6.1f} s  {wall / n_checks:.3f} s/check  detection {caught}/{len(muts)} "
              f"({100 * caught / max(1, len(muts)):.1f}%)  false mismatches {len(false)} {false[:5]}  "
              f"designs with never-toggled outputs {untoggled}, with directed segments {directed}  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
