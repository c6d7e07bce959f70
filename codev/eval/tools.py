"""Versions of the external tools a score depends on (recorded in every report), and which Icarus to run.

Published VerilogEval v1 numbers differ between Icarus 11 and 12, so the binary is a setting of the
run and its version is part of every record's scoring setup: `--iverilog PATH`, else the Icarus 12
that `codev doctor --install iverilog==12` built into the cache, else PATH's.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class ToolVersion:
    name: str
    version: str  # first line of the tool's own version banner; "not found" when absent
    major: int | None = None


@dataclass(frozen=True)
class Icarus:
    """The iverilog/vvp pair a run uses: PATH's by default, or a build elsewhere (e.g. Icarus 12)."""

    iverilog: str = "iverilog"
    vvp: str = "vvp"

    @classmethod
    def at(cls, iverilog: str | Path) -> "Icarus":
        """The Icarus whose compiler is `iverilog`; its vvp is the one installed beside it."""
        path = Path(iverilog).expanduser()
        if not path.is_file():
            found = shutil.which(str(iverilog))
            if found is None:
                raise FileNotFoundError(f"{iverilog}: no such iverilog binary")
            path = Path(found)
        vvp = path.with_name("vvp")
        if not vvp.is_file():
            raise FileNotFoundError(f"{path}: no vvp beside it ({vvp})")
        return cls(str(path.absolute()), str(vvp.absolute()))


def default_icarus() -> Icarus:
    """The cached Icarus build (newest) when one was installed, else PATH's."""
    from .icarus_install import newest_installed

    found = newest_installed()
    return Icarus.at(found) if found is not None else Icarus()


def _banner(argv: list[str]) -> str | None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if text else None


@lru_cache(maxsize=None)
def iverilog_version(binary: str = "iverilog") -> ToolVersion:
    banner = _banner([binary, "-V"])
    if banner is None:
        return ToolVersion("iverilog", "not found")
    match = re.search(r"version (\d+)", banner)
    return ToolVersion("iverilog", banner, int(match.group(1)) if match else None)


def cocotb_version() -> str:
    """cocotb runs CVDP's harnesses (which CVDP pins at 2.0.1); its version is part of their setup."""
    try:
        import cocotb
    except ImportError:
        return "cocotb not installed"
    return f"cocotb {cocotb.__version__}"


def tool_versions(icarus: Icarus = Icarus()) -> list[ToolVersion]:
    from codev import __version__

    versions = [ToolVersion("codev", __version__), iverilog_version(icarus.iverilog)]
    if icarus != Icarus():
        versions.append(ToolVersion("iverilog path", icarus.iverilog))
    banner = _banner([icarus.vvp, "-V"])
    versions.append(ToolVersion("vvp", banner or "not found"))
    return versions
