"""What the stimulus's long run and varied horizon cost, and what they buy (prints figures).

On the benchmark references (VerilogEval v2 spec-to-rtl, RTLLM v2), each checked against itself and
a few single-site mutants (testbench_gen.mutants), with the same seed:
  short   long_cycles=0, horizon_jitter=0: the stimulus as it was before the long run
  default the default stimulus: horizon + up to 25%, a long run without reset sized by the counters
Prints wall seconds per check (2 workers, one-shot check_many), detection (share of mutants called
not equivalent; some mutants are equivalent, so compare the two, not the absolute), false mismatches
on the references (must be 0) and how many designs have outputs that never toggle in the golden.

    python bench/stimulus_cost.py [--mutants 2] [--jobs 2] [--seed 1] [--designs N] [--bench-root DIR]
"""
from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check_many
from testbench_gen.mutants import mutants


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", default=os.environ.get("CODEV_BENCH_ROOT", "../shared/benchmarks"))
    ap.add_argument("--mutants", type=int, default=2, help="mutants per design")
    ap.add_argument("--designs", type=int, default=0, help="first N designs only (0: all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    items = references(Path(args.bench_root))
    items = items[:args.designs] if args.designs else items
    candidates = [[as_cand] + [m.source for m in mutants(as_cand, limit=args.mutants, seed=args.seed)]
                  for _name, _golden, as_cand in items]
    n_checks = sum(len(c) for c in candidates)
    print(f"{len(items)} designs, {n_checks} checks ({args.mutants} mutants per design), seed {args.seed}, "
          f"{args.jobs} workers")
    for label, options in (("short", CheckOptions(seed=args.seed, long_cycles=0, horizon_jitter=0)),
                           ("default", CheckOptions(seed=args.seed))):
        jobs = [CheckJob(golden, cands, options) for (_n, golden, _c), cands in zip(items, candidates)]
        start = time.monotonic()
        results = check_many(jobs, workers=args.jobs)
        wall = time.monotonic() - start
        usable = [(item, v) for item, v in zip(items, results) if v[0].kind is not VerdictKind.INVALID_GOLDEN]
        false = [item[0] for item, v in usable if v[0].kind is not VerdictKind.EQUIVALENT]
        muts = [x for _item, v in usable for x in v[1:] if x.is_checked]
        caught = sum(x.kind is not VerdictKind.EQUIVALENT for x in muts)
        untoggled = sum(bool(v[0].untoggled) for _item, v in usable)
        print(f"{label:8s} wall {wall:6.1f} s  {wall / n_checks:.3f} s/check  detection {caught}/{len(muts)} "
              f"({100 * caught / max(1, len(muts)):.1f}%)  false mismatches {len(false)} {false[:5]}  "
              f"designs with never-toggled outputs {untoggled}", flush=True)


if __name__ == "__main__":
    main()
