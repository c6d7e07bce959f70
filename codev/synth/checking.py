"""The one place synthesis calls the equivalence checker, so moving to `testbench_gen.CheckerPool`
(warm workers, cached golden traces) is a one-line change here."""
from __future__ import annotations

from testbench_gen import CheckJob, Verdict, check_many


def check_jobs(jobs: list[CheckJob], workers: int) -> list[list[Verdict]]:
    """Verdicts per job, per candidate, in input order; failures are infra_error verdicts, never raised."""
    if not jobs:
        return []
    return check_many(jobs, workers=workers)
