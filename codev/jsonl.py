"""JSONL files: users' inputs (read line by line, errors naming the file and the line) and codev's own run files
(`JsonlLog`: append-only, crash-safe, one rule for a half-written last line)."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Iterable, Iterator


def jsonl_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) per non-blank line of a user's JSONL file; ValueError names file and line."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row


class JsonlLog:
    """An append-only JSONL run file that survives kill -9: eval results and generations, synthesis checkpoints,
    LLM response caches and generator attempts, training metrics and the self-play buffer all write through it.

    One set of rules for every run file, so every resume reader agrees with every writer:
    - a record is a line holding a JSON object; a line that is not (a torn write) is skipped, never an error;
    - a last line without its newline is a write cut by a kill: a record if it parses, else nothing. The next
      append first ends it with a newline (it parsed) or cuts it off (it did not), so every new record starts
      on a line of its own;
    - each record is one write of one line, flushed before `append` returns (a killed process loses nothing it
      appended); with `fsync=True` also synced to disk (a power cut loses nothing either, at a disk sync per
      record). Appends from several threads are serialised.
    """

    def __init__(self, path: str | Path, fsync: bool = False):
        self.path = Path(path)
        self.fsync = fsync
        self._lock = threading.Lock()

    def exists(self) -> bool:
        return self.path.is_file()

    def __iter__(self) -> Iterator[dict]:
        return (row for _, row in self.rows_at())

    def rows_at(self) -> Iterator[tuple[int, dict]]:
        """(byte offset, record) of each record, in file order."""
        if not self.path.is_file():
            return
        offset = 0
        with open(self.path, "rb") as fh:
            for line in fh:
                row = _record(line)
                if row is not None:
                    yield offset, row
                offset += len(line)

    def read_at(self, offset: int) -> dict:
        """The record starting at `offset` (from `rows_at` or `append`)."""
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            row = _record(fh.readline())
        if row is None:
            raise ValueError(f"{self.path}: no record at byte {offset}")
        return row

    def append(self, row: dict) -> int:
        """Append one record; returns its byte offset."""
        data = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as fh:
                offset = self._end_torn_line(fh)
                fh.write(data)
                fh.flush()
                if self.fsync:
                    os.fsync(fh.fileno())
        return offset

    def _end_torn_line(self, fh) -> int:
        """Finish or cut a last line left without its newline; returns where the next record starts."""
        size = fh.seek(0, os.SEEK_END)
        if not size:
            return 0
        with open(self.path, "rb") as rd:
            rd.seek(max(0, size - 1))
            if rd.read(1) == b"\n":
                return size
            start = size
            while start > 0:  # back to the start of the torn line
                step = min(start, 65536)
                rd.seek(start - step)
                chunk = rd.read(step)
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    start = start - step + cut + 1
                    break
                start -= step
            rd.seek(start)
            tail = rd.read()
        if _record(tail) is not None:
            fh.write(b"\n")
            return size + 1
        fh.truncate(start)
        return start

    def rewrite(self, rows: Iterable[dict]) -> int:
        """Replace the file's records atomically (a temp file, then a rename); returns how many were written."""
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        count = 0
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
                fh.flush()
                if self.fsync:
                    os.fsync(fh.fileno())
            tmp.replace(self.path)
        return count


def _record(line: bytes) -> dict | None:
    try:
        row = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return row if isinstance(row, dict) else None
