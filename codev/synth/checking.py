"""codev's one handle on the equivalence checker: a warm `testbench_gen.CheckerPool` that lives for a whole run
(workers started once, golden traces cached where they were simulated), created on first use so stages that
never check start no processes. Synthesis, the generator, the RL reward and self-play all hold one of these
(the reward's is `train.checker_client.RewardChecker`, this class with the reward's options and deadline).

Given a Ray address, the same jobs go to `testbench_gen.RayCheckerPool` instead (the checker-bound stages spread
over a cluster); the stages, their checkpoints and their resume are the same either way, since only the pool
changes."""
from __future__ import annotations

from testbench_gen import CheckerPool, CheckJob, CheckOptions, Verdict


class Checker:
    """`with Checker(workers) as checker: checker.check_jobs(jobs)`; failures are verdicts, never raised.

    workers: checker processes (None: every core). ray: a Ray cluster's address ("local": a local instance of
    `workers` CPUs, started here). options: those of `check_many`'s (golden, candidates) pairs and the pool's
    default. deadline: seconds per call; what is still unchecked then becomes `timeout` verdicts. affinity: on Ray,
send a golden's jobs to the actor that already simulated it (the RL reward's G answers per prompt)."""

    def __init__(self, workers: int | None = 1, ray: str | None = None, options: CheckOptions | None = None,
                 deadline: float | None = None, affinity: bool = False):
        self.workers, self.ray, self.affinity = workers, ray, affinity
        self.options = options or CheckOptions()
        self.deadline = deadline
        self._pool = None
        self._started_ray = False

    def start(self) -> "Checker":
        """Start the workers now (else the first check does)."""
        if self._pool is None:
            self._pool = self._ray_pool() if self.ray else CheckerPool(workers=self.workers, options=self.options)
        return self

    def check_jobs(self, jobs: list[CheckJob]) -> list[list[Verdict]]:
        """Verdicts per job, per candidate, in input order."""
        if not jobs:
            return []
        return self.start()._pool.check_many(jobs, self.deadline)

    def check_many(self, jobs: list[tuple[str, list[str]]]) -> list[list[Verdict]]:
        """Verdicts per (golden, candidates) pair, checked with this handle's options."""
        return self.check_jobs([CheckJob(golden, list(candidates), self.options) for golden, candidates in jobs])

    def _ray_pool(self):
        import ray

        from testbench_gen.ray_pool import RayCheckerPool

        if self.ray == "local" and not ray.is_initialized():  # as many worker processes as --jobs
            ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
            self._started_ray = True
        # tasks are planned for the cluster's CPUs (RayCheckerPool reads them when workers is None)
        return RayCheckerPool(self.ray, workers=None if self.ray != "local" else self.workers, options=self.options,
                              affinity=self.affinity)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
