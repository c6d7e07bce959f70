"""Verify generated designs with the checker: the golden against its independent second rendering.

Every design gets a simulation check (Icarus by default); combinational designs also get a formal
proof (yosys SAT miter). A design is kept only when every check says `equivalent`; anything else is
a generator bug or an unverifiable item and is recorded with the checker's reason.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from testbench_gen import CheckJob, CheckOptions, VerdictKind, check_many

from .design import Design


@dataclass(frozen=True)
class Verification:
    ok: bool
    backends: tuple[str, ...]   # what decided each check, e.g. ("icarus", "formal")
    reason: str                 # the first failing check's verdict and reason, or "" when ok


def jobs_for(design: Design, options: CheckOptions, formal: bool) -> list[CheckJob]:
    jobs = [CheckJob(design.golden, [design.alternate], options, names=[f"{design.top}_alt.v"])]
    if formal and design.combinational:
        jobs.append(CheckJob(design.golden, [design.alternate], replace(options, backend="formal"),
                             names=[f"{design.top}_alt.v"]))
    return jobs


def verify(designs: list[Design], options: CheckOptions = CheckOptions(), formal: bool = True,
           workers: int | None = None) -> list[Verification]:
    """One Verification per design, in order; all checks of the batch share one process pool."""
    spans, jobs = [], []
    for design in designs:
        mine = jobs_for(design, options, formal)
        spans.append((len(jobs), len(jobs) + len(mine)))
        jobs += mine
    verdicts = check_many(jobs, workers=workers) if jobs else []
    results = []
    for lo, hi in spans:
        mine = [v[0] for v in verdicts[lo:hi]]
        bad = next((v for v in mine if v.kind is not VerdictKind.EQUIVALENT), None)
        reason = f"{bad.kind.value} ({bad.backend}): {bad.reason}" if bad else ""
        results.append(Verification(bad is None, tuple(v.backend for v in mine), reason))
    return results
