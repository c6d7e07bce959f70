"""Generator throughput per family: verified items per second, end to end (prints figures).

For each family, `codev.synth.generator.generate` fills a fresh directory with N items of that
family alone: candidate rendering, dedup, the checker (Icarus, plus a yosys proof for
combinational families), rows and the `datasets` save (decontamination off: it is measured by
bench/synth_throughput.py). Repeated --reps times with different seeds;
the median is printed with the range. Also prints rendering alone (candidates/s, no checks) and how
strong the verifying simulation is: the share of single-site mutants of the goldens (testbench_gen.
mutants) that the same check calls `mismatch` (some mutants are equivalent: a relative measure).

    python bench/generator_throughput.py [--n 12] [--reps 3] [--jobs 2] [--mutants 4] [--families adder,fifo]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from codev.synth.generator import FAMILIES, GeneratorConfig, candidate, generate
from codev.synth.generator.verify import options_for
from testbench_gen import CheckJob, VerdictKind, check_many
from testbench_gen.design.mutants import mutants


def end_to_end(family: str, n: int, seed: int, jobs: int, formal: bool) -> tuple[float, dict]:
    config = GeneratorConfig(n=n, seed=seed, families=(family,), jobs=jobs, formal=formal, decontam=False)
    with tempfile.TemporaryDirectory(prefix="gen-bench-") as tmp:
        start = time.perf_counter()
        store = generate(config, Path(tmp) / "out")
        seconds = time.perf_counter() - start
    return store.kept / seconds, store.summary()["families"][family]


def rendering(family: str, count: int) -> float:
    config = GeneratorConfig(families=(family,))
    start = time.perf_counter()
    for i in range(count):
        candidate(config, i)
    return count / (time.perf_counter() - start)


def detection(family: str, designs: int, per_design: int, jobs: int) -> tuple[int, int]:
    """(caught, total) single-site mutants of `designs` goldens, checked as the generator checks."""
    config = GeneratorConfig(families=(family,))
    jobs_ = []
    for i in range(designs):
        design = candidate(config, i)
        broken = [m.source for m in mutants(design.golden, limit=per_design, seed=i)]
        if broken:
            jobs_.append(CheckJob(design.golden, broken, options_for(design, config.checker)))
    verdicts = [v for job in check_many(jobs_, workers=jobs) for v in job]
    return sum(v.kind is VerdictKind.MISMATCH for v in verdicts), len(verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=12, help="verified items per family per repetition")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--families", default=",".join(sorted(FAMILIES)))
    parser.add_argument("--no-formal", dest="formal", action="store_false")
    parser.add_argument("--mutants", type=int, default=4, help="mutants per golden for the detection column (0: skip)")
    args = parser.parse_args()
    import datasets
    datasets.disable_progress_bars()
    print(f"n={args.n} items/family, reps={args.reps}, jobs={args.jobs}, formal={args.formal}")
    print(f"{'family':18s} {'items/s (median)':>17s} {'min..max':>13s} {'render/s':>9s} {'mutants caught':>15s}"
          "  attempts (last rep)")
    rates_all = []
    for family in args.families.split(","):
        rates, counts = [], {}
        for rep in range(args.reps):
            rate, counts = end_to_end(family, args.n, 1000 + rep, args.jobs, args.formal)
            rates.append(rate)
        rates_all.append(statistics.median(rates))
        caught, total = detection(family, args.n, args.mutants, args.jobs) if args.mutants else (0, 0)
        share = f"{caught}/{total}" if total else "-"
        print(f"{family:18s} {statistics.median(rates):17.2f} {min(rates):6.2f}..{max(rates):<6.2f} "
              f"{rendering(family, 200):9.0f} {share:>15s}  {dict(sorted(counts.items()))}")
    print(f"{'all (median of medians)':24s} {statistics.median(rates_all):.2f} items/s")


if __name__ == "__main__":
    main()
