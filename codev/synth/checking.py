"""codev's one handle on the equivalence checker: a warm `testbench_gen.CheckerPool` that lives for a whole run
(workers started once, golden traces cached where they were simulated), created on first use so stages that
never check start no processes. Synthesis, the generator, the RL reward and self-play all hold one of these
(the reward's is `train.checker_client.RewardChecker`, this class with the reward's options and deadline).

Given a Ray address, the same jobs go to `testbench_gen.RayCheckerPool` instead (the checker-bound stages spread
over a cluster); the stages, their checkpoints and their resume are the same either way, since only the pool
changes. Work that is not a check but runs the same tools (the static filter's Icarus compile and bounded
front end, the degenerate screen's dataflow analysis) goes through `map`, so on a cluster it is spread too."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

from testbench_gen import CheckerPool, CheckJob, CheckOptions, Verdict

T = TypeVar("T")
R = TypeVar("R")


class Checker:
    """`with Checker(workers) as checker: checker.check_jobs(jobs)`; failures are verdicts, never raised.

    workers: checker processes (None: every core). ray: a Ray cluster's address ("local": a local instance of
    `workers` CPUs, started here); an address where no cluster answers raises
    `testbench_gen.ray_pool.RayUnreachable` here, before any work. options: those of `check_many`'s
    (golden, candidates) pairs and the pool's default. deadline: seconds per call; what is still unchecked then
    becomes `timeout` verdicts. affinity: on Ray, send a golden's jobs to the actor that already simulated it (the
    RL reward's G answers per prompt)."""

    def __init__(self, workers: int | None = 1, ray: str | None = None, options: CheckOptions | None = None,
                 deadline: float | None = None, affinity: bool = False):
        self.workers, self.ray, self.affinity = workers, ray, affinity
        self.options = options or CheckOptions()
        self.deadline = deadline
        self._pool = None
        self._started_ray = False
        if ray:
            from testbench_gen.ray_pool import probe

            probe(ray)

    def start(self) -> "Checker":
        """Start the workers now (else the first check does)."""
        if self._pool is None:
            self._pool = self._ray_pool() if self.ray else CheckerPool(workers=self.workers, options=self.options)
        return self

    @property
    def pool(self):
        """The started pool behind this handle (CheckerPool or RayCheckerPool: its counters, e.g. affinity hits)."""
        return self.start()._pool

    def check_jobs(self, jobs: list[CheckJob]) -> list[list[Verdict]]:
        """Verdicts per job, per candidate, in input order."""
        if not jobs:
            return []
        return self.start()._pool.check_many(jobs, self.deadline)

    def check_many(self, jobs: list[tuple[str, list[str]]]) -> list[list[Verdict]]:
        """Verdicts per (golden, candidates) pair, checked with this handle's options."""
        return self.check_jobs([CheckJob(golden, list(candidates), self.options) for golden, candidates in jobs])

    def map(self, fn: Callable[..., R], items: Iterable[T], *extra, threads: bool = True) -> list[R]:
        """`[fn(x, *extra) for x in items]` on the run's workers: threads here (`fn` starts its own subprocesses;
        `threads=False` for work that is not thread-safe, e.g. a shared parser), or one Ray task per item on the
        cluster (each in a process of its own; `fn` must be a module-level function that never raises)."""
        items = list(items)
        if not items:
            return []
        if not self.ray and not threads:
            return [fn(item, *extra) for item in items]
        if not self.ray:
            with ThreadPoolExecutor(max_workers=max(1, self.workers or 1)) as pool:
                return list(pool.map(lambda item: fn(item, *extra), items))
        import ray

        self._connect()
        remote = ray.remote(num_cpus=1, max_retries=1)(fn)
        shared = [ray.put(x) for x in extra]  # sent once, not once per item
        return ray.get([remote.remote(item, *shared) for item in items])

    def _connect(self) -> None:
        """Start the local instance ("local": as many worker processes as --jobs) or join the cluster, once."""
        import ray

        if ray.is_initialized():
            return
        if self.ray == "local":
            ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=self.ray, include_dashboard=False, log_to_driver=False)
        self._started_ray = True

    def _ray_pool(self):
        from testbench_gen.ray_pool import RayCheckerPool

        self._connect()
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
