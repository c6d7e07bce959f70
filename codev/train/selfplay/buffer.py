"""The task buffer of a self-play run: verified tasks and every proposal, as JSONL appended as they come.

RUN_DIR/tasks.jsonl holds one Task per line (seeds first), RUN_DIR/proposals.jsonl one record per proposer
completion (valid or not, with its funnel reason, solve rate and reward), RUN_DIR/rounds.jsonl one line per
finished round. Each line is flushed when written, so a killed run keeps what it had; on resume a torn last
line is dropped and the run goes on from the files.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

from codev.jsonl import JsonlLog
from codev.synth.records import RLItem

from .tasks import TASK_TYPES, Task, record_trace

TASKS_FILE = "tasks.jsonl"
PROPOSALS_FILE = "proposals.jsonl"
ROUNDS_FILE = "rounds.jsonl"
SEEDED_FILE = "seeded.json"


@dataclass
class ProposalRecord:
    round: int
    type: str
    valid: bool
    reason: str          # funnel reason ("" when valid)
    detail: str
    task_id: str = ""
    solve_rate: float | None = None
    reward: float = 0.0
    text: str = ""       # the proposer's completion (cut to 3,000 characters)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "ProposalRecord":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__ if k in row})


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a run file, by `codev.jsonl.JsonlLog`'s rules (a torn or garbled line is skipped)."""
    return list(JsonlLog(path))


def _append(path: Path, row: dict) -> None:
    JsonlLog(path).append(row)  # a torn last line of a killed run is cut off first


class TaskBuffer:
    """The run's tasks and proposals in memory and on disk. With several processes every one holds the whole
    buffer and only the main process writes (`write=False` elsewhere)."""

    def __init__(self, run_dir: str | Path, write: bool = True):
        self.dir = Path(run_dir)
        self.write = write
        if write:
            self.dir.mkdir(parents=True, exist_ok=True)
        self.tasks: list[Task] = []
        self._ids: set[str] = set()
        for row in read_jsonl(self.dir / TASKS_FILE):
            task = Task.from_row(row)
            if task.id not in self._ids:
                self._ids.add(task.id)
                self.tasks.append(task)
        self.proposals = [ProposalRecord.from_row(r) for r in read_jsonl(self.dir / PROPOSALS_FILE)]
        self.rounds = read_jsonl(self.dir / ROUNDS_FILE)

    @property
    def seeded(self) -> bool:
        return (self.dir / SEEDED_FILE).is_file()

    def mark_seeded(self, summary: dict) -> None:
        if self.write:
            (self.dir / SEEDED_FILE).write_text(json.dumps(summary), encoding="utf-8")

    def add(self, task: Task) -> bool:
        """Append a task (False when one with its id is already there)."""
        if task.id in self._ids:
            return False
        self._ids.add(task.id)
        self.tasks.append(task)
        if self.write:
            _append(self.dir / TASKS_FILE, task.to_row())
        return True

    def record(self, proposal: ProposalRecord) -> None:
        self.proposals.append(proposal)
        if self.write:
            _append(self.dir / PROPOSALS_FILE, asdict(proposal))

    def finish_round(self, summary: dict) -> None:
        self.rounds.append(summary)
        if self.write:
            _append(self.dir / ROUNDS_FILE, summary)

    def of_type(self, task_type: str) -> list[Task]:
        return [t for t in self.tasks if t.type == task_type]

    def sample(self, rng: random.Random, task_type: str, k: int) -> list[Task]:
        pool = self.of_type(task_type)
        return rng.sample(pool, min(k, len(pool)))


def seed_tasks(items: Iterable[RLItem], task_types: Iterable[str], trace_cycles: int) -> list[Task]:
    """Generator items as buffer tasks, one per task type (their goldens are verified by the generator;
    deduction and induction get a trace recorded by simulation). An item whose trace cannot be recorded
    is left out."""
    from testbench_gen import InvalidGolden

    tasks = []
    for item in items:
        user = next((m["content"] for m in item.prompt if m.get("role") == "user"), "")
        spec = user.split("\n\nThe module head should be:")[0]
        trace = None
        for task_type in task_types:
            if task_type not in TASK_TYPES:
                raise ValueError(f"unknown task type {task_type!r}")
            if task_type != "spec" and trace is None:
                try:
                    trace = asdict(record_trace(item.golden, trace_cycles, seed=len(tasks) + 1))
                except InvalidGolden:
                    break
            tasks.append(Task(f"seed-{task_type}-{item.id}", task_type, "seed", item.golden, item.interface,
                              spec if task_type == "spec" else "", trace if task_type != "spec" else None,
                              source=item.source, level=item.difficulty,
                              user_prompt=user if task_type == "spec" else ""))
    return tasks
