"""The one place synthesis calls the equivalence checker: a warm `testbench_gen.CheckerPool` that lives
for a whole run (workers started once, golden traces cached where they were simulated), created on
first use so stages that never check start no processes."""
from __future__ import annotations

from testbench_gen import CheckerPool, CheckJob, Verdict


class Checker:
    """`with Checker(workers) as checker: checker.check_jobs(jobs)`; failures are verdicts, never raised."""

    def __init__(self, workers: int = 1):
        self.workers = workers
        self._pool: CheckerPool | None = None

    def check_jobs(self, jobs: list[CheckJob]) -> list[list[Verdict]]:
        """Verdicts per job, per candidate, in input order."""
        if not jobs:
            return []
        if self._pool is None:
            self._pool = CheckerPool(workers=self.workers)
        return self._pool.check_many(jobs)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
