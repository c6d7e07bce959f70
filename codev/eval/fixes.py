"""Opt-in testbench fixes: apply the documented patches in <bench-root>/fixes/ to private copies.

The benchmark folder stays untouched (it may be read-only and is the official reference); patched
design folders live under the run's output directory so anyone can diff what was scored.
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .benchmarks import benchmarks_in
from .flow import copy_tree_writable
from .problem import Problem


class FixError(Exception):
    """A documented patch no longer applies to the benchmark copy."""


@dataclass(frozen=True)
class Fix:
    benchmark: str
    problem: str
    patch: Path


def available_fixes(bench_root: Path) -> list[Fix]:
    """Patches named `<folder>__<design>.patch`, mapped to the benchmarks stored in <folder>."""
    fixes = []
    for patch in sorted((Path(bench_root) / "fixes").glob("*__*.patch")):
        folder, design = patch.stem.split("__", 1)
        for spec in benchmarks_in(bench_root).values():
            if spec.folder == folder:
                fixes.append(Fix(spec.name, design, patch))
    return fixes


def apply_fixes(problems: list[Problem], bench_root: Path, workdir: Path) -> dict[tuple[str, str], tuple[Problem, Fix]]:
    """(benchmark, id) -> (patched problem, fix) for every problem with a documented fix."""
    by_key = {p.key: p for p in problems}
    patched: dict[tuple[str, str], tuple[Problem, Fix]] = {}
    for fix in available_fixes(bench_root):
        problem = by_key.get((fix.benchmark, fix.problem))
        if problem is None or problem.data_dir is None:
            continue
        folder = benchmarks_in(bench_root)[fix.benchmark].folder
        copy = Path(workdir) / folder / problem.id
        if copy.exists():
            shutil.rmtree(copy)
        copy_tree_writable(problem.data_dir, copy)
        proc = subprocess.run(
            ["patch", "-p1", "--forward", "--batch", "-d", str(workdir), "-i", str(fix.patch.resolve())],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise FixError(f"{fix.patch}: does not apply: {(proc.stdout + proc.stderr).strip()}")
        testbench = (copy / "testbench.v").read_text(encoding="utf-8")
        patched[problem.key] = (dataclasses.replace(problem, testbench=testbench, data_dir=copy), fix)
    return patched
