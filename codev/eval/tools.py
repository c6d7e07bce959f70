"""Versions of the external tools a score depends on (recorded in every report)."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ToolVersion:
    name: str
    version: str  # first line of the tool's own version banner; "not found" when absent
    major: int | None = None


def _banner(argv: list[str]) -> str | None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if text else None


@lru_cache(maxsize=None)
def iverilog_version() -> ToolVersion:
    banner = _banner(["iverilog", "-V"])
    if banner is None:
        return ToolVersion("iverilog", "not found")
    match = re.search(r"version (\d+)", banner)
    return ToolVersion("iverilog", banner, int(match.group(1)) if match else None)


def tool_versions() -> list[ToolVersion]:
    from codev import __version__

    versions = [ToolVersion("codev", __version__), iverilog_version()]
    banner = _banner(["vvp", "-V"])
    versions.append(ToolVersion("vvp", banner or "not found"))
    return versions
