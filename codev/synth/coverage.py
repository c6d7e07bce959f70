"""The benchmark coverage table: which benchmark problems the generator's families teach, by category.

The mapping is data (`data/benchmark_coverage.yaml`), written by hand; this module loads and checks it
(every problem of a benchmark exactly once, every family real) and counts it into a table.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codev.config import read_mapping

COVERAGE_FILE = Path(__file__).with_name("data") / "benchmark_coverage.yaml"
LEVELS = ("direct", "partly", "none")


@dataclass(frozen=True)
class Category:
    benchmark: str
    name: str
    coverage: str
    families: tuple[str, ...]
    problems: tuple[str, ...]


def load_coverage(path: Path = COVERAGE_FILE) -> list[Category]:
    data = read_mapping(path, what="coverage file")
    found = []
    for benchmark, categories in data.items():
        for name, entry in categories.items():
            if entry["coverage"] not in LEVELS:
                raise ValueError(f"{path}: {benchmark}/{name}: coverage must be one of {', '.join(LEVELS)}")
            found.append(Category(benchmark, name, entry["coverage"], tuple(entry["families"]),
                                  tuple(entry["problems"])))
    return found


def check(categories: list[Category], problems: dict[str, list[str]], families: set[str]) -> list[str]:
    """Problems listed twice, missing, or unknown, and families that do not exist (empty when all is well)."""
    errors = []
    for benchmark, ids in problems.items():
        listed = Counter(p for c in categories if c.benchmark == benchmark for p in c.problems)
        errors += [f"{benchmark}: {p} listed {n} times" for p, n in listed.items() if n > 1]
        errors += [f"{benchmark}: {p} not in any category" for p in ids if p not in listed]
        errors += [f"{benchmark}: {p} is not a problem of the benchmark" for p in listed if p not in ids]
    errors += [f"{c.benchmark}/{c.name}: unknown family {f}" for c in categories for f in c.families if f not in families]
    return errors


def table(categories: list[Category]) -> str:
    """Markdown: per benchmark, problems and categories covered directly / partly / not."""
    lines = ["| benchmark | problems | direct | partly | none | categories direct / partly / none |",
             "|---|---|---|---|---|---|"]
    for benchmark in dict.fromkeys(c.benchmark for c in categories):
        mine = [c for c in categories if c.benchmark == benchmark]
        by = {level: sum(len(c.problems) for c in mine if c.coverage == level) for level in LEVELS}
        cats = {level: sum(c.coverage == level for c in mine) for level in LEVELS}
        lines.append(f"| {benchmark} | {sum(by.values())} | {by['direct']} | {by['partly']} | {by['none']} | "
                     f"{cats['direct']} / {cats['partly']} / {cats['none']} of {len(mine)} |")
    lines += ["", "| benchmark | category | problems | coverage | families |", "|---|---|---|---|---|"]
    lines += [f"| {c.benchmark} | {c.name} | {len(c.problems)} | {c.coverage} | {', '.join(c.families) or '-'} |"
              for c in categories]
    return "\n".join(lines) + "\n"
