"""The simulator protocol: one class per simulator, and everything the checker knows about a tool.

Why every fact here: a new simulator is one module with one class (plus its line in the registry,
simulators/__init__.py); nothing outside simulators/ tests a simulator's name. A class declares
- its binaries (`executables`, read through `tool_command`: the one place CODEV_IVERILOG,
  CODEV_VVP, CODEV_VERILATOR and CODEV_YOSYS are read) and its version probe (`version`);
- its preprocessor (`preprocessor`): what policy.py scans after macro expansion and what formal
  reads (formal_input.py);
- its value semantics (`four_state`): a 2-state simulator's `equivalent` is spot-checked on the
  reference (4-state) simulator (strategies.py);
- what it can run: `cocotb_sim` (the name cocotb's runner knows it by, None: cocotb cannot drive
  it), `formal_input` (its preprocessed text is what yosys may read for a proof about it);
- its cost hints (`cost`): what `auto` weighs against the reference simulator's measured run;
- how it is shown: `label` in messages ("Icarus"), `doctor_*` in `codev doctor`.

A `SimulatorBackend` compiles Verilog into something runnable in a work directory, then runs it
there. The core records the golden with it (golden.simulate_golden) and compares candidates with it
(core.run_batch); file names and result formats are in results.py. The protocol of a whole check
(record the golden, compare candidates: `core.CheckBackend`) lives in the core, above this.
"""
from __future__ import annotations

import os
import shlex
import shutil
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ...containment.sandbox import Limits, RunResult

# the environment variable that names each tool's command line (extra flags allowed, e.g.
# "iverilog -B /opt/ivl" for an unpacked .deb on a machine without root)
TOOL_ENV = {"iverilog": "CODEV_IVERILOG", "vvp": "CODEV_VVP", "verilator": "CODEV_VERILATOR",
            "yosys": "CODEV_YOSYS"}


def tool_command(tool: str, given: str | None = None) -> list[str] | None:
    """The command line that runs `tool`: `given`, else its environment variable (TOOL_ENV), else
    None (the caller's default applies: the bare name for a simulator, a search for yosys)."""
    text = given or os.environ.get(TOOL_ENV[tool], "")
    return shlex.split(text) if text.strip() else None


@dataclass(frozen=True)
class CostHints:
    """What a check on this simulator costs, for `auto` (strategies.choose_simulator).

    compiled: builds a native model (seconds of C++ per build, fast runs); the reference simulator
    is interpreted and its cost is measured by a probe run instead. The seconds are defaults that
    StrategyOptions may override (measured on 2 cores)."""

    compiled: bool = False
    fixed_seconds: float = 0.0  # builds of any design (golden, runtime)
    per_candidate_seconds: float = 0.0  # the build cost each candidate of a batch adds


@dataclass(frozen=True)
class Preprocessor:
    """The simulator's own preprocessor on one file: `argv` run in the work directory; the text is
    in `output` there (None: on stdout)."""

    argv: list[str]
    output: str | None


class SimulatorBackend(ABC):
    """Compile Verilog sources into something runnable in a work directory, then run it there."""

    name: str = "base"  # the registry's name, the `--backend` spelling and the verdict's `simulator`
    label: str = "base"  # in messages ("Icarus estimate ...")
    executables: tuple[str, ...] = ()
    four_state: bool = True  # False: X and Z collapse to 0/1 (its `equivalent` gets a 4-state spot check)
    reference: bool = False  # the 4-state simulator every other one is checked against (one is)
    cocotb_sim: str | None = None  # cocotb runner's name for it; None: cocotb cannot drive it
    formal_input: bool = True  # formal may read its preprocessed text (formal_input.compiled_text)
    cost: CostHints = CostHints()
    doctor_name: str = ""  # `codev doctor`'s row (default: name)
    doctor_enables: str = ""  # what it enables, in `codev doctor`

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

    @abstractmethod
    def preprocessor(self, source: str, output: str, keep_comments: bool = False) -> Preprocessor:
        """The command that expands `source`'s directives (file names relative to the work
        directory; `output` is where to write when the tool writes files)."""

    def compile_errors(self, result: RunResult) -> str:
        """The part of a failed compile's output a person needs to read."""
        return (result.stderr or result.stdout).strip()

    def build_files(self, workdir: Path) -> list[str]:
        """Paths (relative to workdir) of everything simulate() needs from a compile, so that a
        trusted build (the golden's) can be kept and copied into another work directory instead
        of compiled again; [] when this backend's builds are not reusable that way."""
        return []

    def doctor_note(self) -> str:
        """A remark for `codev doctor` (what else it needs)."""
        return ""

    # ---------------------------------------------------------------- cocotb
    def for_cocotb(self) -> "SimulatorBackend":
        """The installation cocotb should drive (the same one unless cocotb needs a newer tool)."""
        return self

    def cocotb_unavailable_reason(self) -> str:
        """Why cocotb cannot drive this installation ('' when it can)."""
        if self.cocotb_sim is None:
            return f"cocotb cannot drive {self.name}"
        return "" if self.available() else f"{self.name} is not installed"

    def cocotb_env(self) -> dict[str, str]:
        """Environment cocotb's runner needs to find and build with this simulator."""
        return {}
