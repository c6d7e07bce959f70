"""Generator throughput per family: verified items per second, end to end (prints figures).

For each family, `codev.synth.generator.generate` fills a fresh directory with N items of that
family alone: candidate rendering, dedup, the checker (Icarus, plus a yosys proof for
combinational families), rows and the `datasets` save. Repeated --reps times with different seeds;
the median is printed with the range. Also prints rendering alone (candidates/s, no checks).

    python bench/generator_throughput.py [--n 12] [--reps 3] [--jobs 2] [--families adder,fifo] [--no-formal]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from codev.synth.generator import FAMILIES, GeneratorConfig, candidate, generate


def end_to_end(family: str, n: int, seed: int, jobs: int, formal: bool) -> tuple[float, dict]:
    config = GeneratorConfig(n=n, seed=seed, families=(family,), jobs=jobs, formal=formal)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=12, help="verified items per family per repetition")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--families", default=",".join(sorted(FAMILIES)))
    parser.add_argument("--no-formal", dest="formal", action="store_false")
    args = parser.parse_args()
    import datasets
    datasets.disable_progress_bars()
    print(f"n={args.n} items/family, reps={args.reps}, jobs={args.jobs}, formal={args.formal}")
    print(f"{'family':18s} {'items/s (median)':>17s} {'min..max':>13s} {'render/s':>9s}  attempts (last rep)")
    rates_all = []
    for family in args.families.split(","):
        rates, counts = [], {}
        for rep in range(args.reps):
            rate, counts = end_to_end(family, args.n, 1000 + rep, args.jobs, args.formal)
            rates.append(rate)
        rates_all.append(statistics.median(rates))
        print(f"{family:18s} {statistics.median(rates):17.2f} {min(rates):6.2f}..{max(rates):<6.2f} "
              f"{rendering(family, 200):9.0f}  {dict(sorted(counts.items()))}")
    print(f"{'all (median of medians)':24s} {statistics.median(rates_all):.2f} items/s")


if __name__ == "__main__":
    main()
