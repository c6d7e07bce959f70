"""check_many on a Ray cluster: the same tasks, ordering and per-candidate verdicts as pool.py.

Why: an RL step can produce more candidates than one machine checks in time. Each task (one job, or
a chunk of one) runs pool.run_task on a Ray worker, which never raises; a worker that dies is
retried once by Ray, then its candidates get `infra_error`; a task still running after its time cap
is cancelled and its candidates get `timeout`. Every node needs codev and the simulators installed.
`ray` is an optional dependency (pip install 'codev[ray]').
"""
from __future__ import annotations

import time
from typing import Callable

from .pool import CheckJob, infra_verdicts, Task, plan_tasks, run_task
from .verdict import Verdict, VerdictKind


def _task_cap(task: Task) -> float:
    """Longest a task may take: every candidate at its hard cap, plus the golden, plus slack."""
    options = task.options
    return options.timeout * (len(task.candidates) + 1) + 120.0


def check_many_ray(jobs: list[CheckJob], address: str | None = None, workers: int | None = None,
                   on_result: Callable[[int, int, Verdict], None] | None = None,
                   shutdown: bool | None = None) -> list[list[Verdict]]:
    """Verdicts per job, per candidate, in input order, computed on the Ray cluster at `address`
    (None or "local": start a local instance). on_result(job, candidate, verdict) streams them."""
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError("the Ray pool needs ray: pip install 'codev[ray]'") from exc
    started = False
    if not ray.is_initialized():
        kwargs = {"include_dashboard": False, "log_to_driver": False, "ignore_reinit_error": True}
        if address and address != "local":
            kwargs["address"] = address
        ray.init(**kwargs)
        started = True
    try:
        workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        results: list[list[Verdict | None]] = [[None] * len(job.candidates) for job in jobs]
        remote = ray.remote(num_cpus=1, max_retries=1, retry_exceptions=False)(run_task)
        pending = {}
        submitted = time.monotonic()
        for position, task in enumerate(plan_tasks(jobs, workers)):
            ref = remote.remote(task.golden, task.candidates, task.options, task.names)
            # queued tasks wait for earlier ones: a task's deadline counts the waves before it
            pending[ref] = (task, submitted + _task_cap(task) * (position // workers + 1))

        def deliver(task: Task, verdicts: list[Verdict]) -> None:
            for k, verdict in enumerate(verdicts):
                results[task.job][task.start + k] = verdict
                if on_result:
                    on_result(task.job, task.start + k, verdict)

        while pending:
            done, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
            for ref in done:
                task, _deadline = pending.pop(ref)
                try:
                    deliver(task, ray.get(ref))
                except Exception as exc:  # noqa: BLE001 - worker died twice, or Ray itself failed
                    deliver(task, infra_verdicts(len(task.candidates),
                                         f"Ray worker failed on this batch: {type(exc).__name__}",
                                         task.options))
            now = time.monotonic()
            for ref, (task, deadline) in list(pending.items()):
                if now > deadline:
                    ray.cancel(ref, force=True)
                    pending.pop(ref)
                    deliver(task, [Verdict(VerdictKind.TIMEOUT,
                                           f"Ray task still running after {_task_cap(task):.0f} s: cancelled",
                                           backend=task.options.backend)
                                   for _ in task.candidates])
        return [[v for v in per_job] for per_job in results]  # type: ignore[misc]
    finally:
        if shutdown or (shutdown is None and started):
            ray.shutdown()
