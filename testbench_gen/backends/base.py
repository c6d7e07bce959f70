"""One object per simulator behind one small interface, in the manner of cocotb's runner."""
from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from pathlib import Path

from ..sandbox import Limits, RunResult


class SimulatorBackend(ABC):
    """Compile Verilog sources into something runnable in a work directory, then run it there."""

    name: str = "base"
    executables: tuple[str, ...] = ()

    def available(self) -> bool:
        return all(shutil.which(exe) for exe in self.executables)

    @abstractmethod
    def version(self) -> str:
        """The tool's version string ('' when not installed)."""

    @abstractmethod
    def compile(self, workdir: Path, sources: list[Path], top: str | None, limits: Limits) -> RunResult:
        """Build the simulation of `top` from `sources` (top=None: just check they compile)."""

    @abstractmethod
    def simulate(self, workdir: Path, limits: Limits) -> RunResult:
        """Run the simulation built by compile() with workdir as the current directory."""

    def compile_errors(self, result: RunResult) -> str:
        """The part of a failed compile's output a person needs to read."""
        return (result.stderr or result.stdout).strip()
