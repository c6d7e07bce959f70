"""Build the files each official flow compiles and run them under Icarus in the sandbox.

One function per flow, each mirroring the upstream commands (see ../shared/benchmarks/MANIFEST.md):
same flags, same file layout, same time bounds. Every answer is untrusted code, so every tool call
goes through testbench_gen.sandbox.run_limited in a private directory.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from testbench_gen.sandbox import Limits, RunResult, clean_paths, run_limited, sandbox_dir

from . import rules
from .benchmarks import CVDP_RULE, RTLLM_RULE, VERILOGEVAL_V1_RULE, Problem
from .cvdp_answer import answer_files
from .cvdp_harness import run_harness
from .tools import Icarus

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


def _limits(seconds: float) -> Limits:
    # read back everything the file limit allows: the pass line comes last
    return Limits(wall_seconds=max(seconds, 1.0), output_bytes=64 << 20)


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= LOG_EXCERPT_CHARS:
        return text
    half = LOG_EXCERPT_CHARS // 2
    return text[:half] + "\n[...]\n" + text[-half:]


def score(problem: Problem, source: str | None, bounds: Bounds = Bounds(), icarus: Icarus = Icarus()) -> Scored:
    """Score one answer file (assemble.py) against the problem's own testbench with its official rule."""
    if source is None or not source.strip():
        return Scored(rules.NO_CODE, "", "no Verilog found in the response", 0.0)
    with sandbox_dir(prefix="codev-eval-") as work:
        if problem.rule == VERILOGEVAL_V1_RULE:
            return _run_verilogeval_v1(problem, source, work, bounds, icarus)
        if problem.rule == RTLLM_RULE:
            return _run_rtllm(problem, source, work, bounds, icarus)
        if problem.rule == CVDP_RULE:
            return _run_cvdp(problem, source, work, bounds, icarus)
        return _run_verilogeval_v2(problem, source, work, bounds, icarus)


def _compile(argv: list[str], work: Path, bounds: Bounds) -> RunResult:
    return run_limited(argv, work, _limits(bounds.compile_s))


def _run_verilogeval_v1(problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
    name = f"{problem.id}.sv"
    (work / name).write_text(problem.testbench + "\n" + source, encoding="utf-8")
    # execution.py bounds compile and simulation together
    total = min(bounds.compile_s, bounds.verilogeval_v1_s)
    comp = run_limited([icarus.iverilog, *IVERILOG_VE_FLAGS, "-o", "test.vvp", name], work, _limits(total))
    stdout, stderr, seconds, timed_out = comp.stdout, comp.stderr, comp.seconds, comp.timed_out
    compile_ok = comp.ok and (work / "test.vvp").exists()
    left = bounds.verilogeval_v1_s - comp.seconds
    if compile_ok and left <= 0:
        timed_out = True
    elif compile_ok:
        sim = run_limited([icarus.vvp, "-n", "test.vvp"], work, _limits(left))
        stdout, stderr = stdout + sim.stdout, stderr + sim.stderr
        seconds += sim.seconds
        timed_out = sim.timed_out
    outcome = rules.verilogeval_v1(compile_ok, stdout, stderr, timed_out)
    log = clean_paths(stdout + ("\n[stderr]\n" + stderr if stderr else ""), work)
    return Scored(outcome.verdict, outcome.code, _excerpt(log), seconds)


def _run_verilogeval_v2(problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
    stem = f"{problem.id}_sample01"
    (work / f"{stem}.sv").write_text(source, encoding="utf-8")
    (work / f"{problem.id}_test.sv").write_text(problem.testbench, encoding="utf-8")
    (work / f"{problem.id}_ref.sv").write_text(problem.support, encoding="utf-8")
    files = [f"{stem}.sv", f"{problem.id}_test.sv", f"{problem.id}_ref.sv"]
    comp = _compile([icarus.iverilog, *IVERILOG_VE_FLAGS, "-o", stem, *files], work, bounds)
    log, seconds, timed_out = comp.stdout + comp.stderr, comp.seconds, False
    compile_ok = comp.ok and (work / stem).exists()
    if compile_ok:
        sim = run_limited([icarus.vvp, stem], work, _limits(bounds.verilogeval_v2_s))
        log += sim.stdout + sim.stderr
        seconds += sim.seconds
        if sim.timed_out:  # the Makefile appends this line when `timeout` fires
            log += "\nTIMEOUT\n"
            timed_out = True
    outcome = rules.verilogeval_v2(compile_ok, log, source, timed_out)
    return Scored(outcome.verdict, outcome.code, _excerpt(clean_paths(log, work)), seconds)


def _run_rtllm(problem: Problem, source: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
    design = work / "design"
    if problem.data_dir is not None:
        copy_tree_writable(problem.data_dir, design)
    else:
        design.mkdir()
    (design / "testbench.v").write_text(problem.testbench, encoding="utf-8")
    answer = f"{problem.id}.v"
    (design / answer).write_text(source, encoding="utf-8")
    # mirrors `vcs -sverilog +v2k -timescale=1ns/1ns`
    (design / "cmd.f").write_text("+timescale+1ns/1ns\n", encoding="utf-8")
    comp = _compile(
        [icarus.iverilog, "-g2012", "-c", "cmd.f", "-o", "simv.vvp", answer, "testbench.v"], design, bounds
    )
    log, seconds, timed_out = comp.stdout + comp.stderr, comp.seconds, False
    compile_ok = comp.ok and (design / "simv.vvp").exists()
    output = ""
    if compile_ok:
        sim = run_limited([icarus.vvp, "-n", "simv.vvp"], design, _limits(bounds.rtllm_s))
        output = sim.stdout + sim.stderr
        log += output
        seconds += sim.seconds
        timed_out = sim.timed_out
    outcome = rules.rtllm(compile_ok, output, timed_out)
    return Scored(outcome.verdict, outcome.code, _excerpt(clean_paths(log, design)), seconds)


def _run_cvdp(problem: Problem, code: str, work: Path, bounds: Bounds, icarus: Icarus) -> Scored:
    """The datapoint's own cocotb harness (cvdp_harness.py), with the answer's files in place."""
    assert problem.cvdp is not None
    files = answer_files(problem.cvdp, code)
    if not files:
        return Scored(rules.NO_CODE, "", "the answer names no file to write", 0.0)
    run = run_harness(problem.cvdp, files, work, bounds.cvdp_s, icarus)
    return Scored(run.outcome.verdict, run.outcome.code, _excerpt(run.log), run.seconds)
