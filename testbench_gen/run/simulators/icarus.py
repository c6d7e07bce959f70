"""Icarus Verilog (iverilog 11 and 12): compile to a vvp file, run it with vvp."""
from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from ...containment.sandbox import Limits, RunResult, run_limited
from .base import CostHints, Preprocessor, SimulatorBackend, tool_command

VVP_FILE = "sim.vvp"


class IcarusBackend(SimulatorBackend):
    name = "icarus"
    label = "Icarus"
    executables = ("iverilog", "vvp")
    four_state = True
    reference = True  # the 4-state simulator: the default, spot checks, directed search, replays
    cocotb_sim = "icarus"
    cost = CostHints(compiled=False)  # interpreted: auto measures it (a probe run of the golden)
    doctor_name = "icarus (iverilog, vvp)"
    doctor_enables = "--backend icarus (reference 4-state simulator), auto, hybrid replays"

    def __init__(self, iverilog: str | None = None, vvp: str | None = None, generation: str = "2012"):
        # CODEV_IVERILOG / CODEV_VVP may carry extra flags (base.tool_command)
        self.iverilog = tool_command("iverilog", iverilog) or ["iverilog"]
        self.vvp = tool_command("vvp", vvp) or ["vvp"]
        self.executables = (self.iverilog[0], self.vvp[0])
        self.generation = generation

    def version(self) -> str:
        return _version(tuple(self.iverilog))

    def compile(self, workdir: Path, sources: list[Path], top: str | None, limits: Limits) -> RunResult:
        argv = [*self.iverilog, f"-g{self.generation}", "-o", VVP_FILE]
        if top:
            argv += ["-s", top]
        argv += [str(Path(s).name if Path(s).parent == Path(workdir) else s) for s in sources]
        return run_limited(argv, workdir, limits)

    def simulate(self, workdir: Path, limits: Limits) -> RunResult:
        return run_limited([*self.vvp, "-n", VVP_FILE], workdir, limits)

    def build_files(self, workdir: Path) -> list[str]:
        return [VVP_FILE]

    def preprocessor(self, source: str, output: str, keep_comments: bool = False) -> Preprocessor:
        return Preprocessor([*self.iverilog, "-E", "-o", output, source], output)  # ivlpp keeps comments


@functools.lru_cache(maxsize=8)
def _version(iverilog: tuple[str, ...]) -> str:
    try:
        out = subprocess.run([*iverilog, "-V"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    first = out.splitlines()[0] if out else ""
    return first.replace("Icarus Verilog version ", "").strip()
