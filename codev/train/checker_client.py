"""The checker as the RL run sees it: one object that lives for the whole run.

Today it wraps `testbench_gen.check_many`; when `testbench_gen.CheckerPool` (warm workers, cached golden
traces) is available it is used instead, with no change for callers.
"""
from __future__ import annotations

from testbench_gen import CheckOptions, Verdict
from testbench_gen.pool import CheckJob, check_many, default_workers


class RewardChecker:
    """Context manager with `check_many([(golden, candidates), ...]) -> verdicts per job`, in input order."""

    def __init__(self, options: CheckOptions, workers: int = 0):
        self.options = options
        self.workers = workers or default_workers()
        self._pool = None

    def __enter__(self) -> "RewardChecker":
        import testbench_gen
        pool_cls = getattr(testbench_gen, "CheckerPool", None)
        if pool_cls is not None:
            self._pool = pool_cls(workers=self.workers, options=self.options).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.__exit__(*exc)
            self._pool = None

    def check_many(self, jobs: list[tuple[str, list[str]]]) -> list[list[Verdict]]:
        if not jobs:
            return []
        check_jobs = [CheckJob(golden, list(candidates), self.options) for golden, candidates in jobs]
        if self._pool is not None:
            return self._pool.check_many(check_jobs)
        return check_many(check_jobs, workers=self.workers)
