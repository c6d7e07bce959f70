"""Check many (golden, candidates) jobs on all cores; verdicts come back in input order.

Failure stays local: an exception or an invalid golden turns into `infra_error` verdicts for that
job's candidates only, and a worker that dies (segfault, OOM kill) is replaced and its task retried
once before its candidates get `infra_error`. Nothing here zeroes a whole batch.
"""
from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable

from .config import CheckOptions
from .golden import InvalidGolden, SimulatorUnavailable
from .verdict import Verdict, VerdictKind


GOLDEN_INVALID = "golden is invalid:"


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
    """One chunk, never raising: failures become infra_error verdicts for this chunk only."""
    from .checker import check  # loads pyslang and the simulators' glue: only in workers

    try:
        return check(golden, candidates, options, names=names)
    except InvalidGolden as exc:
        return infra_verdicts(len(candidates), f"{GOLDEN_INVALID} {exc}", options)
    except SimulatorUnavailable as exc:
        return infra_verdicts(len(candidates), str(exc), options)
    except Exception as exc:  # noqa: BLE001 - a checker bug must not cost other jobs their verdicts
        return infra_verdicts(len(candidates), f"checker error: {type(exc).__name__}: {exc}", options)


def infra_verdicts(n: int, reason: str, options: CheckOptions) -> list[Verdict]:
    """n verdicts that say nothing about the candidates (the machine or the checker failed)."""
    return [Verdict(VerdictKind.INFRA_ERROR, reason, backend=options.backend) for _ in range(n)]


def plan_tasks(jobs: list[CheckJob], workers: int) -> list[Task]:
    """One task per job; jobs are split when there are fewer jobs than workers."""
    tasks = []
    split = max(1, math.ceil(workers / max(1, len(jobs))))
    for j, job in enumerate(jobs):
        n = len(job.candidates)
        names = job.names or [f"candidate_{i}.v" for i in range(n)]
        size = max(1, min(job.options.batch_size, math.ceil(n / split) if n else 1))
        for start in range(0, n, size):
            tasks.append(Task(j, start, job.golden, job.candidates[start:start + size], job.options,
                               names[start:start + size]))
    return tasks


def check_many(jobs: list[CheckJob], workers: int | None = None,
               on_result: Callable[[int, int, Verdict], None] | None = None,
               runner: Callable[..., list[Verdict]] = run_task) -> list[list[Verdict]]:
    """Verdicts per job, per candidate, in input order. on_result(job, candidate, verdict) streams them.

    Uses worker processes (forkserver): scripts that call it need the `if __name__ == "__main__":`
    guard. `runner` (a module-level function with run_task's signature) replaces the per-chunk work.
    """
    workers = workers or default_workers()
    results: list[list[Verdict | None]] = [[None] * len(job.candidates) for job in jobs]
    tasks = plan_tasks(jobs, workers)

    def deliver(task: Task, verdicts: list[Verdict]) -> None:
        for k, verdict in enumerate(verdicts):
            results[task.job][task.start + k] = verdict
            if on_result:
                on_result(task.job, task.start + k, verdict)

    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            deliver(task, runner(task.golden, task.candidates, task.options, task.names))
    else:
        _run_in_pool(tasks, workers, deliver, runner)
    return [[v for v in per_job] for per_job in results]  # type: ignore[misc]


def _run_in_pool(tasks: list[Task], workers: int, deliver, runner) -> None:
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    hit = _pool_round(tasks, workers, context, deliver, runner)
    # a dead worker takes every queued task down with it: rerun those alone to find the culprit
    for task in hit:
        if _pool_round([task], 1, context, deliver, runner):
            deliver(task, infra_verdicts(len(task.candidates), "checker worker crashed on this batch", task.options))


def _pool_round(tasks: list[Task], workers: int, context, deliver, runner) -> list[Task]:
    """Run tasks in one pool; returns those lost to a broken pool."""
    lost: list[Task] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures: dict[Future, Task] = {
            pool.submit(runner, t.golden, t.candidates, t.options, t.names): t for t in tasks
        }
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in done:
                task = futures[future]
                try:
                    deliver(task, future.result())
                except BrokenProcessPool:
                    lost.append(task)
                except Exception as exc:  # noqa: BLE001
                    deliver(task, infra_verdicts(len(task.candidates), f"checker error: {exc}", task.options))
    return lost
