"""The checker as the RL run sees it: one `testbench_gen.CheckerPool` that lives for the whole run.

Warm workers keep each golden's trace where it was simulated, so the G answers to a prompt, and the later
rounds that draw the same prompt, do not re-simulate the golden.
"""
from __future__ import annotations

from testbench_gen import CheckerPool, CheckJob, CheckOptions, Verdict


class RewardChecker:
    """Context manager with `check_many([(golden, candidates), ...]) -> verdicts per job`, in input order.

    `deadline` (seconds per call, None: none) turns what is still unchecked into `timeout` verdicts, which
    the reward masks: a slow checker call never stalls a training step indefinitely.
    """

    def __init__(self, options: CheckOptions, workers: int = 0, deadline: float | None = None):
        self.options = options
        self.workers = workers or None
        self.deadline = deadline
        self._pool: CheckerPool | None = None

    def __enter__(self) -> "RewardChecker":
        self._pool = CheckerPool(workers=self.workers, options=self.options).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.__exit__(*exc)
            self._pool = None

    def check_many(self, jobs: list[tuple[str, list[str]]]) -> list[list[Verdict]]:
        if not jobs:
            return []
        if self._pool is None:
            raise RuntimeError("RewardChecker used outside its `with` block")
        return self._pool.check_many([CheckJob(g, list(c), self.options) for g, c in jobs], self.deadline)
