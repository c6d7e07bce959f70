"""check_many on a Ray cluster: the same tasks, ordering and per-candidate verdicts as pool.py.

Why: an RL step can produce more candidates than one machine checks in time. Each task (one job, or
a chunk of one) runs pool.run_task on a Ray worker, which never raises; a worker that dies is
retried once by Ray, then its candidates get `infra_error`; a task still running after its time cap
is cancelled and its candidates get `timeout`, as do all candidates still unchecked at a call's
`deadline`. `RayCheckerPool` offers CheckerPool's interface (check, check_many, async forms, context
manager); Ray reuses its worker processes, so their golden caches stay warm across calls, but plain
tasks are not routed by golden. `RayCheckerPool(affinity=True)` (the RL reward's `reward.ray`) keeps
one checker actor per CPU, spread over the nodes, and sends a golden back to the actor that already
simulated it (pool.affinity_key, as the local pool does), else to the least loaded actor, so the G
answers to a prompt and its later rounds do not re-simulate the golden on another node. Every node
needs codev and the simulators installed.
`ray` is an optional dependency (pip install 'codev[ray]').
"""
from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import Callable

from .config import CheckOptions
from .pool import CheckJob, Task, affinity_key, infra_verdicts, plan_tasks, run_task, timeout_verdicts
from .verdict import Verdict, VerdictKind


class RayUnreachable(RuntimeError):
    """No Ray cluster answers at the given address (Ray itself would retry for minutes)."""


def probe(address: str | None, timeout: float = 5.0) -> None:
    """Fail fast when `address` names a cluster that does not answer: `ray.init` would keep retrying its
    connection to the cluster's control service (GCS) with no end in sight. "local" and None start a
    cluster here, and "auto" is resolved by Ray itself, so only host:port addresses are probed."""
    if not address or address in ("local", "auto"):
        return
    target = address.split("://", 1)[-1].rstrip("/")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnreachable(f"Ray address {address!r}: expected HOST:PORT (or ray://HOST:PORT, 'local', 'auto')")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except TimeoutError:
        raise RayUnreachable(f"no Ray cluster answers at {address} (no answer within {timeout:g} s)") from None
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else (str(exc) or type(exc).__name__)
        raise RayUnreachable(f"no Ray cluster answers at {address} ({why.lower()})") from None


def _init(ray, address: str | None, workers: int | None = None) -> None:
    probe(address)
    kwargs = {"include_dashboard": False, "log_to_driver": False, "ignore_reinit_error": True}
    if address and address != "local":
        kwargs["address"] = address
    elif workers:
        kwargs["num_cpus"] = workers  # a local instance the size of the pool asked for
    ray.init(**kwargs)


def _task_cap(task: Task) -> float:
    """Longest a task may take: every candidate at its hard cap, plus the golden, plus slack."""
    options = task.options
    return options.timeout * (len(task.candidates) + 1) + 120.0


class CheckerActor:
    """One warm checker process on some node (a Ray actor): its golden caches live as long as it does."""

    def run(self, golden: str, candidates: list[str], options: CheckOptions, names: list[str]) -> list[Verdict]:
        return run_task(golden, candidates, options, names)


def check_many_ray(jobs: list[CheckJob], address: str | None = None, workers: int | None = None,
                   on_result: Callable[[int, int, Verdict], None] | None = None,
                   shutdown: bool | None = None, deadline: float | None = None,
                   submit: Callable[[Task], object] | None = None) -> list[list[Verdict]]:
    """Verdicts per job, per candidate, in input order, computed on the Ray cluster at `address`
    (None or "local": start a local instance). on_result(job, candidate, verdict) streams them;
    `deadline` (seconds from now) turns every candidate still unchecked then into `timeout`.
    `submit(task) -> ObjectRef` replaces the plain Ray task by an actor's (RayCheckerPool's affinity
    routing); Ray cannot force-cancel an actor's task, so those are cancelled gently."""
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError("the Ray pool needs ray: pip install 'codev[ray]'") from exc
    started = False
    if not ray.is_initialized():
        _init(ray, address)
        started = True
    try:
        workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        results: list[list[Verdict | None]] = [[None] * len(job.candidates) for job in jobs]
        force = submit is None
        if submit is None:
            remote = ray.remote(num_cpus=1, max_retries=1, retry_exceptions=False)(run_task)

            def submit(task: Task):
                return remote.remote(task.golden, task.candidates, task.options, task.names)
        pending = {}
        submitted = time.monotonic()
        call_end = None if deadline is None else submitted + deadline
        for position, task in enumerate(plan_tasks(jobs, workers)):
            ref = submit(task)
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
            if call_end is not None and now > call_end:
                for ref, (task, _cap) in list(pending.items()):
                    ray.cancel(ref, force=force)
                    pending.pop(ref)
                    deliver(task, timeout_verdicts(len(task.candidates), "the pool's deadline passed before "
                                                   "this candidate was checked", task.options))
            for ref, (task, task_end) in list(pending.items()):
                if now > task_end:
                    ray.cancel(ref, force=force)
                    pending.pop(ref)
                    deliver(task, [Verdict(VerdictKind.TIMEOUT,
                                           f"Ray task still running after {_task_cap(task):.0f} s: cancelled",
                                           backend=task.options.backend)
                                   for _ in task.candidates])
        return [[v for v in per_job] for per_job in results]  # type: ignore[misc]
    finally:
        if shutdown or (shutdown is None and started):
            ray.shutdown()


class RayCheckerPool:
    """CheckerPool's interface on a Ray cluster: `with RayCheckerPool("local") as pool: pool.check(g, c)`."""

    def __init__(self, address: str | None = None, workers: int | None = None,
                 options: CheckOptions = CheckOptions(), affinity: bool = False):
        try:
            import ray
        except ImportError as exc:
            raise RuntimeError("the Ray pool needs ray: pip install 'codev[ray]'") from exc
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            _init(ray, address, workers)
        self.workers, self.options = workers, options
        self.affinity = affinity
        self.actors: list = []
        self.holders: dict[str, int] = {}  # affinity key -> the actor that simulated that golden
        self._load: list[int] = []          # tasks sent to each actor (least loaded gets a new golden)
        self.affinity_hits = 0              # tasks sent to an actor that already held their golden

    def _route(self, task: Task):
        """Submit one task to an actor: the one holding its golden, else the least loaded."""
        if not self.actors:
            n = self.workers or max(1, int(self._ray.cluster_resources().get("CPU", 1)))
            actor = self._ray.remote(num_cpus=1, max_restarts=1, max_task_retries=1)(CheckerActor)
            self.actors = [actor.options(scheduling_strategy="SPREAD").remote() for _ in range(n)]
            self._load = [0] * n
        key = affinity_key(task.golden, task.options)
        index = self.holders.get(key)
        if index is None:
            index = min(range(len(self.actors)), key=self._load.__getitem__)
            self.holders[key] = index
        else:
            self.affinity_hits += 1
        self._load[index] += 1
        return self.actors[index].run.remote(task.golden, task.candidates, task.options, task.names)

    def check(self, golden: str, candidates: list[str], options: CheckOptions | None = None,
              names: list[str] | None = None, deadline: float | None = None) -> list[Verdict]:
        return self.check_many([CheckJob(golden, candidates, options or self.options, names)], deadline)[0]

    def check_many(self, jobs: list[CheckJob], deadline: float | None = None,
                   on_result: Callable[[int, int, Verdict], None] | None = None) -> list[list[Verdict]]:
        return check_many_ray(jobs, workers=self.workers or len(self.actors) or None, on_result=on_result,
                              shutdown=False, deadline=deadline, submit=self._route if self.affinity else None)

    async def check_async(self, golden: str, candidates: list[str], options: CheckOptions | None = None,
                          names: list[str] | None = None, deadline: float | None = None) -> list[Verdict]:
        return await asyncio.to_thread(self.check, golden, candidates, options, names, deadline)

    async def check_many_async(self, jobs: list[CheckJob], deadline: float | None = None,
                               on_result: Callable[[int, int, Verdict], None] | None = None
                               ) -> list[list[Verdict]]:
        return await asyncio.to_thread(self.check_many, jobs, deadline, on_result)

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()

    def __enter__(self) -> "RayCheckerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
