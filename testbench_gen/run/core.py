"""The batch core: many candidates, one testbench, one simulation; culprits isolated.

Public API that strategies, formal replays and backends build on (nothing private crosses modules):
  BatchItem, CheckBackend (what the loop needs from a backend), check_batch (screen + batches, for
  any CheckBackend), HarnessCheck (that protocol for every harness simulator), run_batch (one
  simulation of already-screened candidates), candidate_budget. A candidate that breaks the batch (compile error, hang, crash) is isolated by
  re-running the batch members alone, so it never poisons the others.
"""
from __future__ import annotations

import secrets
import time
from copy import deepcopy
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from .simulators import SimulatorBackend
from .compare import score_trace, verdict_from_result
from ..config import CheckOptions
from .golden import GoldenRun, InvalidGolden, prepare_golden, simulate_golden
from ..testbench.harness import render_record_harness
from ..design.policy import prepare
from .results import NO_TRACE, STIM_FILE, TRACE_FILE, Recording, RunStatus, read_trace
from ..containment.sandbox import Limits, RunResult, clean_paths, sandbox_dir
from ..design.screen import lone_compile_errors, screen
from ..verdict import Verdict, VerdictKind


@dataclass
class BatchItem:
    """A screened candidate: its position in the caller's list, display name, text and top module."""

    index: int
    name: str
    source: str
    top: str  # the candidate's top module (original name)


@runtime_checkable
class CheckBackend(Protocol):
    """Record the golden once, compare screened candidates against it (check_batch's loop).

    Harness simulators get it from HarnessCheck; a backend that drives designs another way (cocotb:
    cocotb_check.py) implements it itself."""

    name: str

    @property
    def simulator(self) -> SimulatorBackend:
        """The tool that compiles candidates alone (screening's compile errors); its name is the
        verdicts' `simulator`."""

    def record_golden(self, golden: str, options: CheckOptions) -> GoldenRun:
        """The golden's trace under options' stimulus (cached by the implementation)."""

    def compare(self, golden_run: GoldenRun, items: "list[BatchItem]", options: CheckOptions) -> "dict[int, Verdict]":
        """Verdicts keyed by BatchItem.index; never raises for a candidate's fault."""


class HarnessCheck:
    """The CheckBackend of a harness simulator: golden recorded alone, candidates in batch runs."""

    def __init__(self, simulator: SimulatorBackend):
        self.simulator = simulator
        self.name = simulator.name

    def record_golden(self, golden: str, options: CheckOptions) -> GoldenRun:
        return prepare_golden(golden, options, self.simulator)

    def compare(self, golden_run: GoldenRun, items: list[BatchItem], options: CheckOptions) -> dict[int, Verdict]:
        return run_batch(golden_run, items, options, self.simulator)


def check_batch(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                backend: SimulatorBackend | CheckBackend) -> list[Verdict]:
    """Verdicts for each candidate, in order: golden once, screening, then batches of survivors.

    A text that repeats an earlier candidate's is checked once (RL samples repeat): verdicts never
    depend on batch-mates, so the copy is the verdict it would get."""
    checker = HarnessCheck(backend) if isinstance(backend, SimulatorBackend) else backend
    options = options.with_seed()
    golden_run = checker.record_golden(golden, options)
    verdicts: list[Verdict | None] = [None] * len(candidates)
    survivors: list[BatchItem] = []
    first_of: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for i, source in enumerate(candidates):
        if source in first_of:
            repeats[i] = first_of[source]
            continue
        first_of[source] = i
        start = time.monotonic()
        screened = screen(source, names[i], golden_run.interface, checker.simulator, options)
        if isinstance(screened, Verdict):
            screened.seconds = time.monotonic() - start
            screened.seed, screened.untoggled = golden_run.seed, list(golden_run.untoggled)
            verdicts[i] = screened
        else:
            survivors.append(BatchItem(i, names[i], source, top=screened))
    for chunk_start in range(0, len(survivors), max(1, options.batch_size)):
        chunk = survivors[chunk_start:chunk_start + options.batch_size]
        for index, verdict in checker.compare(golden_run, chunk, options).items():
            verdicts[index] = verdict
    for verdict in verdicts:
        if verdict is not None and not verdict.simulator:
            verdict.simulator = checker.simulator.name
    for i, first in repeats.items():
        verdicts[i] = same_verdict(verdicts[first], names[first], names[i])
    return [v for v in verdicts if v is not None]


def same_verdict(verdict: Verdict, name: str, new_name: str) -> Verdict:
    """A repeated candidate's verdict: a copy, under its own name, that cost no time."""
    copy = deepcopy(verdict)
    copy.reason, copy.detail = (text.replace(name, new_name) for text in (copy.reason, copy.detail))
    copy.seconds = 0.0
    return copy


def candidate_budget(golden_run: GoldenRun, options: CheckOptions) -> float:
    """Simulation seconds one candidate may take: scales with the golden, capped by options.timeout."""
    return min(options.timeout, max(options.min_timeout, options.timeout_factor * golden_run.seconds))


def batch_budget(golden_run: GoldenRun, options: CheckOptions, size: int) -> float:
    """Simulation seconds a batch of `size` may take: what `size` golden-like designs need (twice
    over), plus one candidate's budget. Not budget x size: one late hang would then cost the whole
    batch that long before it is split."""
    budget = candidate_budget(golden_run, options)
    return min(budget * size, budget + 2.0 * golden_run.seconds * size)


def run_limits(golden_run: GoldenRun, options: CheckOptions, size: int) -> Limits:
    """Limits of a recording run of `size` candidates. The run is stalled (a fault of the design)
    when its trace gains no sample for one candidate's budget; a lone candidate that keeps
    advancing may run up to the hard cap (options.timeout): slowness alone is not a fault."""
    wall = options.timeout if size == 1 else batch_budget(golden_run, options, size)
    limits = options.trace_limits(wall, golden_run.interface, size, len(golden_run.stimulus.rows))
    return replace(limits, stall_seconds=candidate_budget(golden_run, options), progress_file=TRACE_FILE)


def run_batch(golden_run: GoldenRun, items: list[BatchItem], options: CheckOptions,
              backend: SimulatorBackend) -> dict[int, Verdict]:
    """Verdicts (by BatchItem.index) of screened candidates simulated together against golden_run.

    The simulation only records the candidates' outputs (the golden's trace never enters it); a run
    that is incomplete or untrusted passes nobody: its candidates are rerun alone."""
    if not items:
        return {}
    start = time.monotonic()
    token = secrets.token_hex(6)
    iface, stim = golden_run.interface, golden_run.stimulus
    with sandbox_dir("codev-check-") as wd:
        modules, files, shown = [], [], {}
        for k, item in enumerate(items):
            prepared = prepare(item.source, item.top, f"c{k}_{token}", f"cand{k}.v")
            (wd / f"cand{k}.v").write_text(prepared.text)
            (wd / f"cand{k}_end.v").write_text(prepared.trailer)
            modules.append(prepared.top)
            files += [wd / f"cand{k}.v", wd / f"cand{k}_end.v"]
            shown[f"cand{k}.v"] = item.name
        (wd / STIM_FILE).write_text(golden_run.stimulus_file)
        (wd / "tb.v").write_text(render_record_harness(iface, stim, modules, token, TRACE_FILE))
        comp = backend.compile(wd, [wd / "tb.v", *files], f"codev_tb_{token}", options.limits(60.0))
        if comp.ok:
            budget = candidate_budget(golden_run, options)
            sim = backend.simulate(wd, run_limits(golden_run, options, len(items)))
            recording = read_trace(wd / TRACE_FILE, iface, len(items), golden_run.plan.samples)
        else:
            message = clean_paths(backend.compile_errors(comp), wd)
    elapsed = time.monotonic() - start
    if not comp.ok:
        if len(items) == 1:
            return {items[0].index: Verdict(VerdictKind.COMPILE_ERROR, "does not compile",
                                            backend=backend.name, seconds=elapsed,
                                            detail=clean_paths(message, wd, shown))}
        return _isolate_compile_errors(golden_run, items, message, options, backend)
    if recording.status is not RunStatus.COMPLETE:
        if len(items) > 1:
            return _split(golden_run, items, options, backend)
        if recording.status is RunStatus.INCOMPLETE and recording.prefix:
            # differs before it hung or crashed: that is its verdict (a timeout would hide it from a
            # reward that does not count timeouts as wrong)
            result = score_trace(golden_run, recording.prefix[0], options)
            if result.fails:
                verdict = verdict_from_result(result, len(recording.prefix[0]), golden_run, options, backend.name)
                verdict.reason += f" (then the run stopped: {recording.problem})"
                verdict.seconds = elapsed
                return {items[0].index: verdict}
        verdict = _failed_run_verdict(sim, recording, budget, golden_run, backend, elapsed, options)
        verdict.detail = clean_paths(verdict.detail, wd, shown)
        return {items[0].index: verdict}
    verdicts = {}
    for k, item in enumerate(items):
        result = score_trace(golden_run, recording.traces[k], options)
        verdict = verdict_from_result(result, golden_run.plan.samples, golden_run, options, backend.name)
        verdict.seconds = elapsed / len(items)
        verdicts[item.index] = verdict
    return verdicts


def _isolate_compile_errors(golden_run, items, message, options, backend) -> dict[int, Verdict]:
    """A batch did not compile: give the culprits their own compile errors, rerun the rest."""
    blamed = [k for k in range(len(items)) if f"cand{k}.v" in message] or list(range(len(items)))
    verdicts, keep = {}, []
    for k, item in enumerate(items):
        if k not in blamed:
            keep.append(item)
            continue
        start = time.monotonic()
        lone = lone_compile_errors(item.source, item.name, backend, options)
        if lone:
            verdicts[item.index] = Verdict(VerdictKind.COMPILE_ERROR, "does not compile",
                                           backend=backend.name, detail=lone,
                                           seconds=time.monotonic() - start)
        else:
            keep.append(item)
    if len(keep) == len(items):  # nobody fails alone: the harness itself trips, isolate each
        return _split(golden_run, items, options, backend)
    verdicts.update(run_batch(golden_run, keep, options, backend))
    return verdicts


def _split(golden_run, items, options, backend) -> dict[int, Verdict]:
    verdicts = {}
    for item in items:
        verdicts.update(run_batch(golden_run, [item], options, backend))
    return verdicts


def _failed_run_verdict(sim: RunResult, recording: Recording, budget: float, golden_run: GoldenRun,
                        backend: SimulatorBackend, elapsed: float, options: CheckOptions) -> Verdict:
    """A lone candidate's run gave no usable trace: its own verdict unless the machine is at fault."""
    if recording.status is RunStatus.UNTRUSTED:
        return Verdict(VerdictKind.REJECTED, "the simulation's trace holds lines the testbench did not "
                       f"write ({recording.problem})", backend=backend.name, seconds=elapsed)
    done = len(recording.prefix[0]) if recording.prefix else 0
    where = f"sample {done} of {golden_run.plan.samples} (cycle {_cycle_of(golden_run, done)})"
    if sim.stalled:
        # the golden ran the same stimulus to its end: a run that stops producing samples is stuck
        # (a zero-time loop), and a hang must not hide a design from a reward that masks timeouts.
        # Unless the machine stalls everything now: the golden alone is timed again to tell.
        again = golden_rerun_seconds(golden_run, options, backend)
        if again is not None and again > budget / 2:
            return Verdict(VerdictKind.TIMEOUT,
                           f"the simulation stopped advancing at {where} for {budget:.1f} s, but the golden "
                           f"alone now needs {again:.1f} s too (it took {golden_run.seconds:.2f} s): the "
                           "machine is overloaded, not judged", backend=backend.name, seconds=elapsed)
        return Verdict(VerdictKind.REJECTED,
                       f"the simulation stopped advancing at {where}: no new sample for {budget:.1f} s "
                       f"while the golden runs the whole stimulus in "
                       f"{golden_run.seconds if again is None else again:.2f} s (a zero-time loop or a "
                       "step that never settles is a fault of the design)",
                       backend=backend.name, seconds=elapsed)
    if sim.timed_out:
        # still advancing at the hard cap: slow, not wrong; masked (the machine may be the cause)
        return Verdict(
            VerdictKind.TIMEOUT,
            f"slow but still advancing at {where} when the hard cap of {options.timeout:.0f} s ran out "
            f"(the golden needed {golden_run.seconds:.2f} s; not judged)",
            backend=backend.name, seconds=elapsed)
    if sim.file_limit_hit:
        return Verdict(VerdictKind.REJECTED,
                       f"output flood: the candidate printed more than {options.max_output_mb} MB",
                       backend=backend.name, seconds=elapsed)
    if sim.memory_limit_hit:
        return Verdict(VerdictKind.REJECTED, f"exceeded the memory limit of {options.memory_mb} MB",
                       backend=backend.name, seconds=elapsed)
    tail = (sim.stderr or sim.stdout).strip()[-400:]
    if golden_runs_alone(golden_run, options, backend):
        if recording.problem == NO_TRACE:  # the testbench never started: the simulator refused the design
            return Verdict(VerdictKind.COMPILE_ERROR, "the simulator refuses to load it (the golden alone "
                           "loads)", backend=backend.name, seconds=elapsed, detail=tail)
        return Verdict(VerdictKind.REJECTED,
                       f"the simulation ended without a result because of this candidate (exit status "
                       f"{sim.returncode}; {recording.problem}); the golden alone runs",
                       backend=backend.name, seconds=elapsed, detail=tail)
    return Verdict(VerdictKind.INFRA_ERROR,
                   f"simulator ended without a result (exit status {sim.returncode}), and so does the "
                   "golden alone now",
                   backend=backend.name, seconds=elapsed, detail=tail)


def _cycle_of(golden_run: GoldenRun, sample: int) -> int:
    """The clock cycle (as verdicts count them) of a sample point."""
    return golden_run.plan.step_of(sample) // golden_run.stimulus.steps_per_cycle


def golden_rerun_seconds(golden_run: GoldenRun, options: CheckOptions, backend: SimulatorBackend) -> float | None:
    """The golden alone on the same stimulus, now: its simulation seconds (None: cannot be rerun,
    or it no longer records its trace)."""
    if not golden_run.source:
        return None
    try:
        trace, sim = simulate_golden(golden_run.source, golden_run.interface, golden_run.stimulus, options,
                                     backend)
    except InvalidGolden:
        return None
    return sim.seconds if trace == golden_run.expected else None


def golden_runs_alone(golden_run: GoldenRun, options: CheckOptions, backend: SimulatorBackend) -> bool:
    """Rerun the golden alone, now, on the same backend: does the machine still simulate it fully?"""
    if not golden_run.source:
        return False  # built without its source (a formal replay): cannot be shown
    try:
        trace, _ = simulate_golden(golden_run.source, golden_run.interface, golden_run.stimulus, options,
                                   backend)
    except InvalidGolden:
        return False
    return trace == golden_run.expected
