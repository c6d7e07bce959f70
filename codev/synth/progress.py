"""A rich progress bar with rate and ETA for each synthesis stage (silent when disabled or empty)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def progress(label: str, total: int | None, enabled: bool = True, completed: int = 0) -> Iterator[Callable[[], None]]:
    """Yields `advance()`, to call once per finished item; `completed` items were done by an earlier run;
    total None: a stream of unknown length (count and rate, no ETA)."""
    if not enabled or total == 0:
        yield lambda: None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                   TextColumn("[progress.data.speed]{task.fields[rate]}"),
                   TimeElapsedColumn(), TimeRemainingColumn())
    task = bar.add_task(label, total=total, completed=min(completed, total or completed), rate="")
    started, done = time.monotonic(), [0]
    with bar:
        def advance() -> None:
            done[0] += 1
            # items per second since this session's start (rich's windowed speed jumps with chunked work)
            bar.update(task, advance=1, rate=f"{done[0] / max(time.monotonic() - started, 1e-6):.2f} items/s")

        yield advance
