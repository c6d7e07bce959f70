"""The checker as a service: warm worker processes that live across calls (an RL run, a synthesis job).

Why: an RL step checks ~2,000 candidates over ~128 goldens; starting workers and re-simulating
every golden on each step costs more than the checks. `CheckerPool` keeps its workers, sends each
golden to a worker that already holds its simulated trace (affinity by content hash; an idle worker
takes other work rather than wait), enforces a per-call deadline (unfinished candidates are
`timeout`), and isolates crashes: a worker that dies is replaced, its batch is rerun one candidate at
a time, and a candidate that kills a worker twice is `rejected` when its golden alone runs (else
`infra_error`): batch-mates keep their own verdicts. Each call is planned from the seconds per candidate
measured for its goldens on earlier calls: a slow golden's job is split across workers. Workers are started by a forkserver, so a threaded trainer
never forks itself. `check_many` is the one-shot form; an invalid golden is an `invalid_golden`
verdict for that job's candidates only.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import math
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Callable

from .cache import BoundedCache
from ..config import CheckOptions
from ..run.golden import InvalidGolden, SimulatorUnavailable
from ..verdict import Verdict, VerdictKind

OnResult = Callable[[int, int, Verdict], None]


@dataclass
class CheckJob:
    golden: str
    candidates: list[str]
    options: CheckOptions = field(default_factory=CheckOptions)
    names: list[str] | None = None


@dataclass
class Task:
    """One unit of pool work: a chunk of one job's candidates."""

    job: int
    start: int  # index of the first candidate of this chunk in the job
    golden: str
    candidates: list[str]
    options: CheckOptions
    names: list[str]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_task(golden: str, candidates: list[str], options: CheckOptions, names: list[str]) -> list[Verdict]:
    """One chunk, never raising: failures become verdicts for this chunk only."""
    from ..checker import check  # loads pyslang and the simulators' glue: only in workers

    try:
        return check(golden, candidates, options, names=names)
    except InvalidGolden as exc:
        return [Verdict(VerdictKind.INVALID_GOLDEN, str(exc), backend=options.backend) for _ in candidates]
    except SimulatorUnavailable as exc:
        return infra_verdicts(len(candidates), str(exc), options)
    except Exception as exc:  # noqa: BLE001 - a checker bug must not cost other jobs their verdicts
        return infra_verdicts(len(candidates), f"checker error: {type(exc).__name__}: {exc}", options)


def infra_verdicts(n: int, reason: str, options: CheckOptions) -> list[Verdict]:
    """n verdicts that say nothing about the candidates (the machine or the checker failed)."""
    return [Verdict(VerdictKind.INFRA_ERROR, reason, backend=options.backend) for _ in range(n)]


def timeout_verdicts(n: int, reason: str, options: CheckOptions) -> list[Verdict]:
    return [Verdict(VerdictKind.TIMEOUT, reason, backend=options.backend) for _ in range(n)]


def plan_tasks(jobs: list[CheckJob], workers: int,
               unit_cost: Callable[[CheckJob], float | None] | None = None) -> list[Task]:
    """Tasks in job order; a job is split when there are fewer jobs than workers, or when its
    estimated cost (unit_cost: seconds per candidate, the golden's run counting as one) exceeds one
    worker's share of the whole call: one slow golden (conwaylife takes ~100 s for 16 candidates
    under Icarus) must not leave the other workers idle while it finishes alone. Order is kept
    (cheap jobs' verdicts stream early): sorting longest first raised round 2's p50 latency from
    9 s to 41 s in bench/reward_latency.py (40 goldens) without a shorter round."""
    estimates = [unit_cost(job) if unit_cost else None for job in jobs]
    known = [u * (len(job.candidates) + 1) for u, job in zip(estimates, jobs) if u is not None]
    share = sum(known) / workers if known and len(known) == len(jobs) else None
    tasks = []
    split = max(1, math.ceil(workers / max(1, len(jobs))))
    for j, job in enumerate(jobs):
        options = job.options.with_seed()  # every chunk of a job sees the same stimulus
        n = len(job.candidates)
        names = job.names or [f"candidate_{i}.v" for i in range(n)]
        parts = split
        if share and estimates[j] is not None:
            parts = max(parts, min(workers, math.ceil(estimates[j] * (n + 1) / share)))
        size = max(1, min(job.options.batch_size, math.ceil(n / parts) if n else 1))
        for start in range(0, n, size):
            tasks.append(Task(j, start, job.golden, job.candidates[start:start + size], options,
                              names[start:start + size]))
    return tasks


def affinity_key(golden: str, options: CheckOptions) -> str:
    """Content hash of a golden as the workers' caches see it: same key, same warm worker. The seed
    is left out: a worker holds the golden's interface whatever the stimulus, and its trace too when
    the seed repeats."""
    relevant = (golden, options.top, options.cycles, options.seeds, options.backend)
    return hashlib.sha256(repr(relevant).encode()).hexdigest()


def _worker_main(conn: Connection, runner: Callable[..., list[Verdict]]) -> None:
    """A worker: run tasks until the pool closes its end of the pipe."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        task_id, args = message
        conn.send((task_id, runner(*args)))


@dataclass(eq=False)
class _Call:
    results: list[list[Verdict | None]]
    open_tasks: int
    deadline: float | None
    future: Future
    on_result: OnResult | None
    jobs: list[CheckJob]


@dataclass(eq=False)
class _Pending:
    task_id: int
    call: _Call
    task: Task
    key: str
    retried: bool = False  # already rerun after a worker died on it
    sent: float = 0.0  # when a worker took it (time.monotonic)
    probe_for: "_Pending | None" = None  # a golden-only run that decides who crashed `probe_for`


class _Worker:
    def __init__(self, context, runner):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, runner), daemon=True)
        self.process.start()
        child.close()
        self.running: _Pending | None = None


class CheckerPool:
    """Warm checker workers: `with CheckerPool(workers=8, options=opts) as pool: pool.check(g, cands)`.

    Thread-safe: any thread may call check/check_many, and `check_async`/`check_many_async` await
    the same work from an event loop. `runner` (a module-level function with run_task's signature)
    replaces the per-task work (tests)."""

    def __init__(self, workers: int | None = None, options: CheckOptions = CheckOptions(),
                 runner: Callable[..., list[Verdict]] = run_task):
        self.workers = workers or default_workers()
        self.options = options
        self._runner = runner
        self._context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        self._lock = threading.Lock()
        self._inbox: list[_Pending] = []
        self._ids = itertools.count()
        self._wake_r, self._wake_w = self._context.Pipe(duplex=False)
        if self._context.get_start_method() == "forkserver":
            self._context.set_forkserver_preload(["testbench_gen.checker"])  # fast (re)starts
        self._pool: list[_Worker] = [_Worker(self._context, runner) for _ in range(self.workers)]
        self._holders: dict[str, set[int]] = {}  # affinity key -> workers that ran it (hold its trace)
        self.affinity_hits = 0  # tasks sent to a worker that already held their golden
        # affinity key -> measured seconds per candidate (the golden's run counted as one): plans
        # the next call's tasks (split slow jobs); bounded, as an RL run meets goldens without end
        self._unit_cost: "BoundedCache[float]" = BoundedCache(4096)
        self._closed = False
        self._thread = threading.Thread(target=self._dispatch, name="codev-checker-pool", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- public face
    def check(self, golden: str, candidates: list[str], options: CheckOptions | None = None,
              names: list[str] | None = None, deadline: float | None = None) -> list[Verdict]:
        """Verdicts for one golden's candidates, in order; `deadline` in seconds from now."""
        return self.check_many([CheckJob(golden, candidates, options or self.options, names)], deadline)[0]

    def check_many(self, jobs: list[CheckJob], deadline: float | None = None,
                   on_result: OnResult | None = None) -> list[list[Verdict]]:
        """Verdicts per job, per candidate, in input order; on_result(job, candidate, verdict) streams."""
        return self.submit(jobs, deadline, on_result).result()

    async def check_async(self, golden: str, candidates: list[str], options: CheckOptions | None = None,
                          names: list[str] | None = None, deadline: float | None = None) -> list[Verdict]:
        jobs = [CheckJob(golden, candidates, options or self.options, names)]
        return (await asyncio.wrap_future(self.submit(jobs, deadline)))[0]

    async def check_many_async(self, jobs: list[CheckJob], deadline: float | None = None,
                               on_result: OnResult | None = None) -> list[list[Verdict]]:
        return await asyncio.wrap_future(self.submit(jobs, deadline, on_result))

    def submit(self, jobs: list[CheckJob], deadline: float | None = None,
               on_result: OnResult | None = None) -> "Future[list[list[Verdict]]]":
        """Queue the jobs; the future's result is check_many's (on_result runs in the pool's thread)."""
        if self._closed:
            raise RuntimeError("the checker pool is closed")
        future: Future = Future()
        tasks = plan_tasks(jobs, self.workers,
                           lambda job: self._unit_cost.get(affinity_key(job.golden, job.options)))
        call = _Call([[None] * len(job.candidates) for job in jobs], len(tasks),
                     None if deadline is None else time.monotonic() + deadline, future, on_result, jobs)
        if not tasks:
            future.set_result([[] for _ in jobs])
            return future
        with self._lock:
            self._inbox.extend(_Pending(next(self._ids), call, t, affinity_key(t.golden, t.options))
                               for t in tasks)
        self._wake_w.send_bytes(b"!")
        return future

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (benchmarks attribute CPU time to Python and simulators)."""
        return [w.process.pid for w in self._pool]

    def close(self) -> None:
        """Stop the workers (what they run is killed with them); unfinished calls get infra_error."""
        if self._closed:
            return
        self._closed = True
        self._wake_w.send_bytes(b"!")
        self._thread.join()

    def __enter__(self) -> "CheckerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- dispatcher thread
    def _dispatch(self) -> None:
        pending: deque[_Pending] = deque()
        calls: list[_Call] = []
        while True:
            with self._lock:
                fresh, self._inbox = self._inbox, []
            for item in fresh:
                pending.append(item)
                if item.call not in calls:
                    calls.append(item.call)
            if self._closed:
                break
            self._expire(calls, pending)
            self._assign(pending)
            busy = [w for w in self._pool if w.running is not None]
            waits = [self._wake_r] + [w.conn for w in busy] + [w.process.sentinel for w in busy]
            deadlines = [c.deadline for c in calls if c.deadline is not None and not c.future.done()]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for ready in wait(waits, timeout):
                if ready is self._wake_r:
                    self._wake_r.recv_bytes()
            for worker in busy:
                self._collect(worker, pending)
            calls = [c for c in calls if not c.future.done()]
        self._shutdown(calls)

    def _assign(self, pending: deque[_Pending]) -> None:
        """Idle workers take the oldest task whose golden they hold, else the oldest whose holders
        are all busy (a retried task waits for a worker of its own)."""
        for index, worker in enumerate(self._pool):
            if worker.running is not None or not pending:
                continue
            idle = {i for i, w in enumerate(self._pool) if w.running is None}
            choice = next((p for p in pending if index in self._holders.get(p.key, ())), None)
            if choice is not None:
                self.affinity_hits += 1
            else:
                choice = next((p for p in pending if not (self._holders.get(p.key, set()) & idle)), None)
            if choice is None:
                continue
            pending.remove(choice)
            t = choice.task
            try:
                worker.conn.send((choice.task_id, (t.golden, t.candidates, t.options, t.names)))
            except OSError:  # it died while idle: a fresh one takes the task
                self._replace(worker)
                worker = self._pool[index]
                worker.conn.send((choice.task_id, (t.golden, t.candidates, t.options, t.names)))
            self._holders.setdefault(choice.key, set()).add(index)
            choice.sent = time.monotonic()
            worker.running = choice

    def _collect(self, worker: _Worker, pending: deque[_Pending]) -> None:
        item = worker.running
        try:
            if not worker.conn.poll():
                if worker.process.is_alive():
                    return
                raise EOFError
            task_id, verdicts = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: replace it, find out whose fault it was
            self._replace(worker)
            if not item.call.future.done():
                self._after_crash(item, pending)
            return
        worker.running = None
        if task_id != item.task_id:
            return
        if item.probe_for is not None:  # the golden alone runs: the candidate crashed the worker
            crashed = item.probe_for
            self._deliver(crashed, [Verdict(VerdictKind.REJECTED, "crashes the checker's worker process "
                                            "(the golden alone does not)", backend=crashed.task.options.backend)])
        else:
            if not item.retried:
                self._unit_cost.put(item.key, (time.monotonic() - item.sent) / (len(item.task.candidates) + 1))
            self._deliver(item, verdicts)

    def _after_crash(self, item: _Pending, pending: deque[_Pending]) -> None:
        """A batch that killed its worker is rerun one candidate at a time; a candidate that kills a
        worker twice gets `rejected` if its golden alone runs, else `infra_error`."""
        task = item.task
        if item.probe_for is not None:  # the golden alone crashes too: nobody's verdict
            crashed = item.probe_for
            self._deliver(crashed, infra_verdicts(1, "checker worker crashed on this batch, and on its "
                                                  "golden alone", crashed.task.options))
        elif len(task.candidates) > 1:
            item.call.open_tasks += len(task.candidates) - 1
            for k in reversed(range(len(task.candidates))):
                single = Task(task.job, task.start + k, task.golden, [task.candidates[k]], task.options,
                              [task.names[k]])
                pending.appendleft(_Pending(next(self._ids), item.call, single, item.key, retried=True))
        elif not item.retried:
            item.retried = True
            pending.appendleft(item)
        else:
            probe = Task(task.job, task.start, task.golden, [], task.options, [])
            pending.appendleft(_Pending(next(self._ids), item.call, probe, item.key, probe_for=item))

    def _replace(self, worker: _Worker) -> None:
        index = self._pool.index(worker)
        for holders in self._holders.values():
            holders.discard(index)  # its golden cache died with it
        worker.conn.close()
        worker.process.join(timeout=1)
        self._pool[index] = _Worker(self._context, self._runner)

    def _deliver(self, item: _Pending, verdicts: list[Verdict]) -> None:
        call = item.call
        if call.future.done():
            return  # the call's deadline passed while this task ran
        for k, verdict in enumerate(verdicts):
            call.results[item.task.job][item.task.start + k] = verdict
            _notify(call, item.task.job, item.task.start + k, verdict)
        call.open_tasks -= 1
        if call.open_tasks == 0 and not call.future.done():
            call.future.set_result(call.results)

    def _expire(self, calls: list[_Call], pending: deque[_Pending]) -> None:
        """Calls past their deadline: every candidate without a verdict is `timeout`, now."""
        now = time.monotonic()
        for call in calls:
            if call.deadline is None or call.future.done() or now < call.deadline:
                continue
            for item in [p for p in pending if p.call is call]:
                pending.remove(item)
            for j, per_job in enumerate(call.results):
                for c, verdict in enumerate(per_job):
                    if verdict is None:
                        per_job[c] = Verdict(VerdictKind.TIMEOUT, "the pool's deadline passed before this "
                                             "candidate was checked", backend=call.jobs[j].options.backend)
                        _notify(call, j, c, per_job[c])
            if not call.future.done():
                call.future.set_result(call.results)

    def _shutdown(self, calls: list[_Call]) -> None:
        calls = calls + [item.call for item in self._inbox]
        for worker in self._pool:
            worker.conn.close()
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        for call in calls:
            if not call.future.done():
                for j, per_job in enumerate(call.results):
                    for c, verdict in enumerate(per_job):
                        if verdict is None:
                            per_job[c] = infra_verdicts(1, "the checker pool was closed",
                                                        call.jobs[j].options)[0]
                call.future.set_result(call.results)


def _notify(call: _Call, job: int, candidate: int, verdict: Verdict) -> None:
    """The caller's streaming callback; its own exception ends its call, never the pool."""
    if call.on_result is None or call.future.done():
        return
    try:
        call.on_result(job, candidate, verdict)
    except Exception as exc:  # noqa: BLE001 - raised again in the caller's thread by Future.result
        call.future.set_exception(exc)


def check_many(jobs: list[CheckJob], workers: int | None = None, on_result: OnResult | None = None,
               runner: Callable[..., list[Verdict]] = run_task) -> list[list[Verdict]]:
    """One-shot CheckerPool: verdicts per job, per candidate, in input order.

    Worker processes start from a forkserver: scripts that call it need the `if __name__ ==
    "__main__":` guard. One worker, or a single task, runs in this process."""
    workers = workers or default_workers()
    tasks = plan_tasks(jobs, workers)
    if workers <= 1 or len(tasks) <= 1:
        results: list[list[Verdict | None]] = [[None] * len(job.candidates) for job in jobs]
        for task in tasks:
            for k, verdict in enumerate(runner(task.golden, task.candidates, task.options, task.names)):
                results[task.job][task.start + k] = verdict
                if on_result:
                    on_result(task.job, task.start + k, verdict)
        return results  # type: ignore[return-value]
    with CheckerPool(min(workers, len(tasks)), runner=runner) as pool:
        return pool.check_many(jobs, on_result=on_result)
