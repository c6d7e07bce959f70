"""cocotb: the checker's stimulus and comparison driven from Python (cocotb's runner).

Why: users who verify with cocotb can add Python stimulus (CODEV_COCOTB_USER, see cocotb_replay.py)
and read the driver in Python. It is not the fast path: each design is built and run on its own
(Icarus: about 0.2-0.3 s fixed cost per check).

Each run (golden or candidate) happens in its own process under the sandbox's limits, with its own
build and test directory: cocotb's runner calls sys.exit when the simulator fails and offers no
timeout, so it never runs inside the checker's process. The golden is recorded through the same
driver (cached), and candidate traces are compared with it in Python, X in the golden matching
anything as in the Verilog harness.

Simulators: Icarus 11/12 work. Verilator needs 5.036 or newer for cocotb 2.x (Debian's 5.006 is
refused); CODEV_COCOTB_SIM=verilator selects it.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..cache import BoundedCache
from ..compare import compare_traces as compare_recorded
from ..config import CheckOptions
from ..coverage import never_known, untoggled_outputs
from ..golden import GoldenRun, InvalidGolden, golden_key, prepare_golden
from ..harness import INOUT_WRAPPER, compared_ports, render_inout_wrapper
from ..policy import prepare
from ..screen import screen
from ..sandbox import Limits, RunResult, clean_paths, run_limited, sandbox_dir
from ..verdict import Verdict, VerdictKind
from . import get_backend
from .base import SimulatorBackend

SIM_ENV = "CODEV_COCOTB_SIM"
HERE = Path(__file__).resolve().parent
MIN_VERILATOR = (5, 36)


@dataclass
class _Recorded:
    trace: list[str]
    seconds: float


class CocotbBackend(SimulatorBackend):
    """Availability and versions; the checking itself is check_cocotb (it drives one design)."""

    name = "cocotb"

    def __init__(self, simulator: str | None = None):
        self.simulator = simulator or os.environ.get(SIM_ENV, "icarus")
        self.sim_backend = get_backend(self.simulator)
        self.executables = self.sim_backend.executables

    def available(self) -> bool:
        return self.unavailable_reason() == ""

    def unavailable_reason(self) -> str:
        try:
            import cocotb  # noqa: F401
            import cocotb_tools.runner  # noqa: F401
        except ImportError:
            return "cocotb is not installed (pip install 'codev[cocotb]')"
        if not self.sim_backend.available():
            return f"{self.simulator} is not installed"
        if self.simulator == "verilator":
            found = tuple(int(x) for x in re.findall(r"\d+", self.sim_backend.version())[:2])
            if found < MIN_VERILATOR:
                return (f"cocotb needs Verilator {MIN_VERILATOR[0]}.{MIN_VERILATOR[1]:03d}+, "
                        f"found {self.sim_backend.version()}")
        return ""

    def version(self) -> str:
        try:
            import cocotb
        except ImportError:
            return ""
        return f"{cocotb.__version__}/{self.simulator} {self.sim_backend.version()}"

    def compile(self, workdir, sources, top, limits) -> RunResult:
        return self.sim_backend.compile(workdir, sources, top, limits)

    def simulate(self, workdir, limits) -> RunResult:
        raise NotImplementedError("cocotb drives designs from Python: use check_cocotb()")


_GOLDEN: "BoundedCache[GoldenRun]" = BoundedCache(64, max_weight=3_000_000, weigh=lambda run: len(run.expected))


def _record(source: str, top: str, run: GoldenRun, backend: CocotbBackend, options: CheckOptions,
            wall: float) -> tuple[_Recorded | None, RunResult]:
    """Build and run one design under cocotb in a sandboxed child process; its output trace."""
    iface, stim = run.interface, run.stimulus
    renamed: dict[str, str] = {}
    if iface.inouts:  # inouts need a Verilog tristate driver: a wrapper becomes the top level
        wrapper, renamed = render_inout_wrapper(iface, top)
        source, top = source + "\n" + wrapper, INOUT_WRAPPER
    with sandbox_dir("codev-cocotb-") as wd:
        (wd / "design.v").write_text(source)
        spec = {
            "simulator": backend.simulator, "toplevel": top, "sources": [str(wd / "design.v")],
            "columns": stim.columns, "clocks": [c.name for c in iface.clocks],
            "outputs": [[renamed.get(p.name, p.name), p.width] for p in compared_ports(iface)],
            "rows": stim.rows, "trace": str(wd / "trace.bin"),
            "build_dir": str(wd / "build"), "test_dir": str(wd / "test"),
        }
        (wd / "spec.json").write_text(json.dumps(spec))
        # the child imports only cocotb and the two files beside this one, not testbench_gen (pyslang)
        env = {"CODEV_COCOTB_SPEC": str(wd / "spec.json"), "PYTHONPATH": str(HERE)}
        if os.environ.get("CODEV_COCOTB_USER"):
            env["CODEV_COCOTB_USER"] = os.environ["CODEV_COCOTB_USER"]
        limits = Limits(wall_seconds=wall, memory_bytes=max(options.memory_mb, 4096) << 20,
                        file_bytes=options.max_output_mb << 20)
        start = time.monotonic()
        res = run_limited([sys.executable, str(HERE / "cocotb_run.py"), str(wd / "spec.json")], wd,
                          limits, env=env)
        res.seconds = time.monotonic() - start
        res.stderr = clean_paths(res.stderr, wd)
        res.stdout = clean_paths(res.stdout, wd)
        trace = wd / "trace.bin"
        if res.returncode == 0 and trace.exists():
            return _Recorded(trace.read_text().split(), res.seconds), res
    return None, res


def _golden(golden: str, options: CheckOptions, backend: CocotbBackend) -> GoldenRun:
    base = prepare_golden(golden, replace(options, backend="icarus"))  # interface, stimulus, plan
    key = golden_key(golden, options, backend)
    cached = _GOLDEN.get(key)
    if cached is not None:
        return cached
    source = "`resetall\n`timescale 1ns/1ps\n" + golden
    rec, res = _record(source, base.interface.top, base, backend, options, options.timeout)
    if rec is None:
        raise InvalidGolden("cocotb run of the golden failed: " + _tail(res))
    if len(rec.trace) != base.plan.samples and not os.environ.get("CODEV_COCOTB_USER"):
        raise InvalidGolden(f"cocotb run of the golden recorded {len(rec.trace)} of "
                            f"{base.plan.samples} samples")
    run = GoldenRun(base.interface, base.stimulus, base.plan, rec.trace, rec.seconds,
                    never_known(base.interface, rec.trace), untoggled_outputs(base.interface, rec.trace))
    _GOLDEN.put(key, run)
    return run


def _tail(res: RunResult) -> str:
    text = (res.stderr + "\n" + res.stdout).strip()
    errors = [ln for ln in text.splitlines() if "error" in ln.lower()]
    return ("\n".join(errors[-5:]) if errors else text[-400:]) or f"exit status {res.returncode}"


def check_cocotb(golden: str, candidates: list[str], options: CheckOptions = CheckOptions(),
                 names: list[str] | None = None, simulator: str | None = None) -> list[Verdict]:
    backend = CocotbBackend(simulator)
    names = names or [f"candidate_{i}.v" for i in range(len(candidates))]
    label = f"cocotb-{backend.simulator}"
    reason = backend.unavailable_reason()
    if reason:
        return [Verdict(VerdictKind.INFRA_ERROR, reason, backend=label) for _ in candidates]
    run = _golden(golden, options, backend)
    budget = min(options.timeout, max(options.min_timeout, options.timeout_factor * run.seconds))
    verdicts = []
    for cand, name in zip(candidates, names):
        start = time.monotonic()
        screened = screen(cand, name, run.interface, backend.sim_backend, options)
        if isinstance(screened, Verdict):
            verdict = screened
        else:
            verdict = _check_one(cand, name, screened, run, backend, options, budget)
        verdict.backend = label
        verdict.seconds = time.monotonic() - start
        verdicts.append(verdict)
    return verdicts


def _check_one(cand: str, name: str, top: str, run: GoldenRun, backend: CocotbBackend,
               options: CheckOptions, budget: float) -> Verdict:
    prepared = prepare(cand, top, "cocotb", name)
    rec, res = _record(prepared.text + prepared.trailer, prepared.top, run, backend, options, budget)
    if rec is None:
        if res.timed_out:
            return Verdict(VerdictKind.TIMEOUT, f"cocotb run exceeded {budget:.1f} s")
        text = res.stderr + res.stdout
        if "BUILD FAILED" in text or "syntax error" in text or "Unknown module" in text:
            return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", detail=_tail(res))
        return Verdict(VerdictKind.INFRA_ERROR, "cocotb run ended without a trace", detail=_tail(res))
    return compare_traces(run, rec.trace, options)


def compare_traces(run: GoldenRun, actual: list[str], options: CheckOptions) -> Verdict:
    """The checker's verdict from two traces (golden X matches anything unless told otherwise)."""
    verdict = compare_recorded(run, actual, options)
    if verdict.kind is VerdictKind.INFRA_ERROR:
        verdict.reason = "cocotb " + verdict.reason
    return verdict
