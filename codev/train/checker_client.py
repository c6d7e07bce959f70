"""The checker as the RL run sees it: one `testbench_gen.CheckerPool` that lives for the whole run, or with
`ray` (reward.ray: a cluster ADDRESS, or "local") a `RayCheckerPool` with golden affinity across nodes.

Warm workers keep each golden's trace where it was simulated, so the G answers to a prompt, and the later
rounds that draw the same prompt, do not re-simulate the golden (both pools route by the golden's content).
"""
from __future__ import annotations

from testbench_gen import CheckerPool, CheckJob, CheckOptions, Verdict


class RewardChecker:
    """Context manager with `check_many([(golden, candidates), ...]) -> verdicts per job`, in input order.

    `deadline` (seconds per call, None: none) turns what is still unchecked into `timeout` verdicts, which
    the reward masks: a slow checker call never stalls a training step indefinitely.
    """

    def __init__(self, options: CheckOptions, workers: int = 0, deadline: float | None = None,
                 ray: str | None = None):
        self.options = options
        self.workers = workers or None
        self.deadline = deadline
        self.ray = ray
        self.pool = None

    def __enter__(self) -> "RewardChecker":
        if self.ray:
            from testbench_gen.ray_pool import RayCheckerPool

            self.pool = RayCheckerPool(self.ray, workers=self.workers, options=self.options, affinity=True)
        else:
            self.pool = CheckerPool(workers=self.workers, options=self.options).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.__exit__(*exc)
            self.pool = None

    def check_many(self, jobs: list[tuple[str, list[str]]]) -> list[list[Verdict]]:
        if not jobs:
            return []
        if self.pool is None:
            raise RuntimeError("RewardChecker used outside its `with` block")
        return self.pool.check_many([CheckJob(g, list(c), self.options) for g, c in jobs], self.deadline)
