"""The output directory of a generator run, written so that a kill at any point loses nothing.

Layout: `manifest.json` (the settings that define the item sequence), `attempts.jsonl` (one line per
candidate index, in index order: kept, duplicate, failed, degenerate or contaminated, with the reason), `rl.jsonl` and
`sft.jsonl` (kept rows, appended before their attempt line), and at the end `rl/` and `sft/`
(`datasets.save_to_disk`) plus `summary.json`. On reopening, a torn last line is dropped (codev.jsonl.JsonlLog) and rows
without an attempt line are discarded, so a rerun continues at the first unrecorded index.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Iterator

from codev.jsonl import JsonlLog
from codev.synth.records import RLItem, SFTItem

@dataclass(frozen=True)
class Attempt:
    """One candidate index and what became of it (a line of attempts.jsonl)."""
    index: int
    id: str
    key: str        # dedup key: hash of the normalized golden
    family: str
    level: int
    status: str     # kept | duplicate | failed | degenerate | contaminated
    reason: str     # why not kept ("" when kept)
    shape: str = ""  # hash of the golden's skeleton (design.skeleton); "" in folders written before it existed

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Attempt":
        return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row or f.name != "shape"})


class StoreMismatch(Exception):
    """The directory holds a run with other settings, or another run is writing it (message names it)."""


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a run file, by `codev.jsonl.JsonlLog`'s rules (a torn last line is not a record)."""
    return iter(JsonlLog(path))


def read_attempts(path: Path) -> list[Attempt]:
    try:
        return [Attempt.from_row(row) for row in iter_jsonl(path)]
    except (KeyError, TypeError):
        raise StoreMismatch(f"{path}: not a generator attempts file (a line lacks a field)") from None


def _rewrite(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    JsonlLog(path).rewrite(rows)  # streamed: the old file is read while the new one is written


class ItemStore:
    def __init__(self, out: Path, identity: dict[str, Any]):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = (self.out / ".lock").open("w")
        try:  # two writers would interleave lines; the lock dies with its process, even on kill -9
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise StoreMismatch(f"{self.out}: another generator run is writing this directory") from None
        try:
            self._check_manifest(self.out / "manifest.json", identity)
            self.attempts = read_attempts(self.out / "attempts.jsonl")
            if any(a.index != i for i, a in enumerate(self.attempts)):
                raise StoreMismatch(f"{self.out / 'attempts.jsonl'}: indices are not consecutive (edited by hand?)")
        except StoreMismatch:
            self._lock.close()
            raise
        self.keys = {a.key for a in self.attempts}
        kept = {a.id for a in self.attempts if a.status == "kept"}
        for name in ("rl.jsonl", "sft.jsonl"):
            self._reconcile(self.out / name, kept)
        _rewrite(self.out / "attempts.jsonl", (asdict(a) for a in self.attempts))
        self.kept = len(kept)
        self._files = {name: JsonlLog(self.out / name) for name in ("rl.jsonl", "sft.jsonl", "attempts.jsonl")}

    @staticmethod
    def _check_manifest(manifest: Path, identity: dict[str, Any]) -> None:
        if not manifest.exists():
            manifest.write_text(json.dumps(identity, indent=2) + "\n", encoding="utf-8")
            return
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise StoreMismatch(f"{manifest}: not valid JSON; use a new --out") from None
        diff = sorted(k for k in set(old) | set(identity) if old.get(k) != identity.get(k))
        if diff:
            raise StoreMismatch(f"{manifest}: this directory was generated with other settings "
                                f"({', '.join(f'{k}={old.get(k)!r}' for k in diff)}); use a new --out")

    @staticmethod
    def _reconcile(path: Path, kept: set[str]) -> None:
        seen: set[str] = set()

        def wanted(row: dict[str, Any]) -> bool:
            fresh = row["id"] in kept and row["id"] not in seen
            seen.add(row["id"])
            return fresh
        _rewrite(path, (row for row in iter_jsonl(path) if wanted(row)))

    @property
    def next_index(self) -> int:
        return len(self.attempts)

    def _append(self, name: str, row: dict[str, Any]) -> None:
        self._files[name].append(row)

    def record(self, attempt: Attempt, rl: RLItem | None = None, sft: SFTItem | None = None) -> None:
        """Rows first, then the attempt line that makes them count."""
        if rl is not None and sft is not None:
            self._append("rl.jsonl", rl.to_row())
            self._append("sft.jsonl", sft.to_row())
            self.kept += 1
        self._append("attempts.jsonl", asdict(attempt))
        self.attempts.append(attempt)
        self.keys.add(attempt.key)

    def close(self) -> None:
        self._lock.close()

    def summary(self) -> dict[str, Any]:
        by_family: dict[str, Counter] = {}
        examples: dict[str, str] = {}
        for a in self.attempts:
            by_family.setdefault(a.family, Counter())[a.status] += 1
            if a.status == "failed":
                examples.setdefault(a.family, a.reason)
        return {"attempts": len(self.attempts), "kept": self.kept,
                "families": {f: dict(c) for f, c in sorted(by_family.items())},
                "failure_examples": examples}

    def finalize(self) -> None:
        """Write `rl/` and `sft/` with `datasets` from the JSONL files (streamed, not held in memory)."""
        from datasets import Dataset  # heavy import, only where the datasets are written

        (self.out / "summary.json").write_text(json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8")
        if not self.kept:
            return
        for name in ("rl", "sft"):
            with tempfile.TemporaryDirectory(prefix="codev-gen-") as cache:
                data = Dataset.from_generator(_rows, gen_kwargs={"path": str(self.out / f"{name}.jsonl")},
                                              cache_dir=cache)
                target, tmp = self.out / name, self.out / f".{name}.tmp"
                shutil.rmtree(tmp, ignore_errors=True)
                data.save_to_disk(str(tmp))
                shutil.rmtree(target, ignore_errors=True)
                os.replace(tmp, target)


def _rows(path: str) -> Iterator[dict[str, Any]]:
    yield from iter_jsonl(Path(path))
