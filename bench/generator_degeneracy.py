"""Structurally degenerate generator candidates (constant output or unused input, by pyverilog dataflow),
per family and level, over the first N candidates of a seed: the before/after figure of issue 18.

    python bench/generator_degeneracy.py [--families alu,pipeline] [--n 500] [--generator-root DIR]

--generator-root: a checkout whose codev.synth.generator is measured (e.g. a `git worktree` of an older
commit); the dataflow analysis is always this checkout's.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter
from pathlib import Path

from codev.synth.dataflow import DataflowUnavailable, analyse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", default="alu,pipeline")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generator-root", type=Path)
    args = parser.parse_args()
    if args.generator_root:
        for name in [m for m in sys.modules if m.startswith("codev.synth.generator")]:
            del sys.modules[name]
        sys.path.insert(0, str(args.generator_root))
        import codev
        codev.__path__.insert(0, str(args.generator_root / "codev"))
        import codev.synth
        codev.synth.__path__.insert(0, str(args.generator_root / "codev" / "synth"))
    run = importlib.import_module("codev.synth.generator.run")
    config = importlib.import_module("codev.synth.generator.config").GeneratorConfig(
        n=10, seed=args.seed, families=tuple(args.families.split(",")))
    total, bad, unreadable = Counter(), Counter(), Counter()
    for i in range(args.n):
        design = run.candidate(config, i)
        try:
            flow = analyse(design.golden, design.top)
        except DataflowUnavailable:  # the generator screens these by simulation only
            unreadable[design.family] += 1
            continue
        ignore = {"clk"} | ({design.reset.name} if design.reset else set())
        total[design.family, design.level] += 1
        if flow.constant_outputs(ignore) or flow.unused_inputs({"clk"}):
            bad[design.family, design.level] += 1
    for family in args.families.split(","):
        print(family, " ".join(f"L{lvl} {bad[family, lvl]}/{total[family, lvl]}" for lvl in range(1, 6))
              + (f" (pyverilog could not read {unreadable[family]})" if unreadable[family] else ""))


if __name__ == "__main__":
    main()
