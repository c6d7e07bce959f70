"""Helpers shared by subcommands: reading user files with clear errors."""
from __future__ import annotations

from pathlib import Path

from . import UsageError


def read_source(path: str, role: str, binary_ok: bool = False) -> str:
    """A user's text file, or a UsageError naming the file and the problem.

    binary_ok: binary data is returned as text too (a candidate: the checker gives it its own
    verdict, `rejected` for its NUL bytes, instead of stopping a whole run)."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{role} file {path}: no such file")
    if p.is_dir():
        raise UsageError(f"{role} file {path}: is a directory")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"{role} file {path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data[:4096] and not binary_ok:
        raise UsageError(f"{role} file {path}: binary data, not text")
    return data.decode("utf-8", errors="replace")
