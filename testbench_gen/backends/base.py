"""The backend protocol: one object per simulator behind one small interface (cocotb's runner style).

Two levels, so that every backend shares the checker's loop (screening, batching, isolation):
- `SimulatorBackend` (Icarus, Verilator): compiles Verilog into something runnable in a work
  directory, then runs it there. The core records the golden with it (golden.simulate_golden) and
  compares candidates with it (core.run_batch); file names and result formats are in results.py.
- `CheckBackend`: what the core's loop (core.check_batch) needs from any backend: record the golden
  once (`record_golden`), compare screened candidates against it (`compare`). Harness simulators get
  it from core.HarnessCheck; a backend that drives designs another way (cocotb) implements it itself.
"""
from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..sandbox import Limits, RunResult

if TYPE_CHECKING:  # the records cross this boundary; the modules that define them import backends
    from ..config import CheckOptions
    from ..core import BatchItem
    from ..golden import GoldenRun
    from ..verdict import Verdict


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

    def build_files(self, workdir: Path) -> list[str]:
        """Paths (relative to workdir) of everything simulate() needs from a compile, so that a
        trusted build (the golden's) can be kept and copied into another work directory instead
        of compiled again; [] when this backend's builds are not reusable that way."""
        return []


@runtime_checkable
class CheckBackend(Protocol):
    """Record the golden once, compare screened candidates against it (core.check_batch's loop)."""

    name: str

    @property
    def simulator(self) -> SimulatorBackend:
        """The tool that compiles candidates alone (screening's compile errors)."""

    def record_golden(self, golden: str, options: "CheckOptions") -> "GoldenRun":
        """The golden's trace under options' stimulus (cached by the implementation)."""

    def compare(self, golden_run: "GoldenRun", items: "list[BatchItem]",
                options: "CheckOptions") -> "dict[int, Verdict]":
        """Verdicts keyed by BatchItem.index; never raises for a candidate's fault."""
