"""What every official flow is made of: the time bounds, the scored result, and the sandboxed tool run.

Each flavour (flavours/) builds its benchmark's files and commands from these, mirroring the upstream
commands (see ../shared/benchmarks/MANIFEST.md): same flags, same file layout, same time bounds. Every
answer is untrusted code, so every tool call goes through testbench_gen.containment.sandbox.run_limited in a
private directory.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from testbench_gen.containment.sandbox import Limits, RunResult, run_limited

IVERILOG_VE_FLAGS = ["-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", "tb"]
LOG_EXCERPT_CHARS = 1500


@dataclass(frozen=True)
class Bounds:
    """Wall-clock bounds in seconds. Defaults are the official ones."""

    compile_s: float = 60.0  # iverilog (upstream has none; a pathological answer must not hang us)
    verilogeval_v1_s: float = 30.0  # execution.py: compile + simulate together
    verilogeval_v2_s: float = 30.0  # Makefile: `timeout 30` around the simulation
    rtllm_s: float = 60.0  # MANIFEST: 60 s bound on vvp
    cvdp_s: float = 600.0  # CVDP's DOCKER_TIMEOUT: per harness service (build + all its tests)

    def scaled_to(self, sim_s: float) -> "Bounds":
        return Bounds(self.compile_s, sim_s, sim_s, sim_s, sim_s)


@dataclass
class Scored:
    verdict: str
    code: str  # benchmark-specific detail (rules.Outcome.code)
    log: str  # excerpt of the tool output, temp paths removed
    seconds: float


def copy_tree_writable(src: Path, dst: Path) -> None:
    """Copy a benchmark folder (possibly read-only) into a folder we may write and patch."""
    shutil.copytree(src, dst, copy_function=shutil.copyfile)
    for path in (dst, *dst.rglob("*")):
        path.chmod(0o700 if path.is_dir() else 0o600)


def limits(seconds: float) -> Limits:
    # read back everything the file limit allows: the pass line comes last
    return Limits(wall_seconds=max(seconds, 1.0), output_bytes=64 << 20)


def excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= LOG_EXCERPT_CHARS:
        return text
    half = LOG_EXCERPT_CHARS // 2
    return text[:half] + "\n[...]\n" + text[-half:]


def compile_step(argv: list[str], work: Path, bounds: Bounds) -> RunResult:
    return run_limited(argv, work, limits(bounds.compile_s))
