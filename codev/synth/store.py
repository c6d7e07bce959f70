"""Checkpointed, streaming stage execution: every outcome is appended to the stage's JSONL file as soon
as it is known, keyed by item id, so a run killed at any point (kill -9 included) resumes without
redoing or duplicating work, and no stage holds more than one chunk of items in memory.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from codev.jsonl import JsonlLog

from ..jsonl import jsonl_objects
from .items import Item
from .progress import progress

KEPT, DROPPED = "kept", "dropped"


@dataclass
class Outcome:
    item: Item
    kept: bool
    reason: str = ""  # why it was dropped: a short, stable key ("compile_error", "text", ...)
    detail: str = ""  # the evidence (compiler message, matching benchmark problem, verdict reason)


class StageFile:
    """DIR/stages/NAME.jsonl: one record per input item, {"id", "status", "reason", "detail", "item"}."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.store = JsonlLog(self.path)
        self.marker = self.path.with_suffix(".done")

    def records(self) -> Iterator[dict]:
        for row in self.store:
            if "status" in row:
                yield row

    def done_ids(self) -> set[str]:
        return {row["id"] for row in self.records()}

    def append(self, outcome: Outcome) -> None:
        self.store.append({"id": outcome.item.id, "status": KEPT if outcome.kept else DROPPED,
                           "reason": outcome.reason, "detail": outcome.detail[:2000],
                           "item": outcome.item.to_json()})

    def kept_items(self) -> Iterator[Item]:
        for row in self.records():
            if row["status"] == KEPT:
                yield Item.from_json(row["item"])

    @property
    def complete(self) -> bool:
        return self.marker.exists()

    def mark_complete(self) -> None:
        self.marker.write_text("done\n")


class Stage(Protocol):
    name: str

    def prime(self, kept: Iterable[Item]) -> None:
        """Rebuild in-memory state (e.g. a dedup index) from what an earlier run already kept."""

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        """One outcome per input item, in any order."""


def count(items: Callable[[], Iterable[Item]]) -> int:
    return sum(1 for _ in items())


@dataclass
class Timing:
    """Items a stage processed in this session and the wall time it took (resumed work is not counted)."""
    items: int = 0
    seconds: float = 0.0
    pending: int = 0  # items left without an outcome (a transient failure): the stage is not complete

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


def run_stage(stage: Stage, inputs: Callable[[], Iterable[Item]], out: StageFile, chunk: int = 16,
              show_progress: bool = True, on_status: Callable[[str], None] = lambda s: None) -> Timing:
    """Process every input item not yet recorded in `out`, `chunk` at a time; then mark the stage complete
    unless some items got no outcome (they stay pending for the next run)."""
    timing = Timing()
    if out.complete:
        return timing
    start = time.monotonic()
    out.path.parent.mkdir(parents=True, exist_ok=True)
    done = out.done_ids()
    stage.prime(out.kept_items())
    total = count(inputs)
    on_status(f"{stage.name}: {total} items, {len(done)} already done")
    with progress(stage.name, total, show_progress, completed=len(done)) as advance:
        batch: list[Item] = []

        def flush() -> None:
            produced = 0
            for outcome in stage.process(batch):
                out.append(outcome)
                done.add(outcome.item.id)
                timing.items += 1
                produced += 1
                advance()
            timing.pending += len(batch) - produced
            batch.clear()

        for item in inputs():
            if item.id in done or any(b.id == item.id for b in batch):
                continue
            batch.append(item)
            if len(batch) >= chunk:
                flush()
        if batch:
            flush()
    if not timing.pending:
        out.mark_complete()
    timing.seconds = time.monotonic() - start
    return timing


def read_items(path: Path) -> Iterator[Item]:
    """Items from a JSONL file of Item rows, or of {"id", "code"} rows (decontam's input contract)."""
    for lineno, row in jsonl_objects(path):
        if not isinstance(row.get("code"), str) or "id" not in row:
            raise ValueError(f"{path}:{lineno}: needs \"id\" and \"code\" (a string)")
        row["id"] = str(row["id"])
        yield Item.from_json(row)
