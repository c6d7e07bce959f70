"""The golden side of a check: its interface, stimulus and recorded output trace (cached).

Why separate: every backend and strategy compares candidates against the same `GoldenRun`; the
golden never shares a simulation with candidates, so its trace is computed here, alone.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass, field

from .backends import SimulatorBackend, get_backend
from .cache import BoundedCache
from .coverage import never_known, untoggled_outputs
from .config import CheckOptions
from .harness import STIM_FILE, SamplePlan, compared_ports, render_record_harness, sample_plan
from .frontend import FrontEndLimits, analyse_golden_bounded
from .interface import Interface
from .results import TRACE_FILE, RunStatus, read_trace
from .sandbox import RunResult, clean_paths, sandbox_dir
from .screen import lone_compile_errors
from .stimulus import Stimulus, build_stimulus


GOLDEN_FILE = "golden.v"  # the golden's name in messages (the CLI puts the user's path in its place)


class InvalidGolden(Exception):
    """The golden design cannot serve as a reference (message names the problem, on one line)."""


def golden_text(golden: str) -> str:
    """The golden as simulators compile it: fenced by directives, its lines numbered as the user's."""
    return f'`resetall\n`timescale 1ns/1ps\n`line 1 "{GOLDEN_FILE}" 0\n' + golden


def one_line(message: str, limit: int = 400) -> str:
    """A tool's message on one line: its distinct lines joined by '; ' (a reason is one line)."""
    lines = list(dict.fromkeys(ln.strip() for ln in message.splitlines() if ln.strip()))
    text = "; ".join(lines)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class SimulatorUnavailable(Exception):
    """The backend's tools are not installed or cannot start: nothing can be checked."""


@dataclass
class GoldenRun:
    """Everything about the golden that candidates are compared against."""

    interface: Interface
    stimulus: Stimulus
    plan: SamplePlan
    expected: list[str]  # one 4-state binary line per sample (compared ports concatenated)
    seconds: float  # the golden's own simulation time
    never_known: list[str] = field(default_factory=list)  # outputs X in the golden throughout
    untoggled: list[str] = field(default_factory=list)  # outputs that never change in the golden
    source: str = ""  # the golden's text: rerun alone to tell a candidate's failure from the machine's

    @property
    def seed(self) -> int:
        return self.stimulus.seed

    @functools.cached_property
    def stimulus_file(self) -> str:
        """The stimulus as the harness reads it (rendered once per golden run, not per batch)."""
        return "\n".join(self.stimulus.hex_lines()) + "\n"


# per process, keyed by golden_key; bounded by trace lines too: with a fresh seed per check (the
# default) most entries are never hit again, and one long-run trace holds ~300,000 lines
GOLDEN_CACHE: "BoundedCache[GoldenRun]" = BoundedCache(256, max_weight=3_000_000,
                                                       weigh=lambda run: len(run.expected))
# the golden's interface does not depend on the stimulus: kept when each call draws a fresh seed
INTERFACE_CACHE: "BoundedCache[Interface | str]" = BoundedCache(1024)  # an str: why it is invalid


def golden_key(golden: str, options: CheckOptions, backend: SimulatorBackend) -> str:
    """Content hash of everything the golden's trace depends on (the pool's affinity key too)."""
    relevant = (golden, options.top, options.cycles, options.seeds, options.seed, options.horizon_jitter,
                options.long_cycles, backend.name, backend.version())
    return hashlib.sha256(repr(relevant).encode()).hexdigest()


def prepare_golden(golden: str, options: CheckOptions = CheckOptions(),
                   backend: SimulatorBackend | None = None) -> GoldenRun:
    """The golden's run on `backend` (default: options.backend), simulated once per process and seed.

    With options.seed None a fresh seed is drawn: the run's `seed` says which."""
    backend = backend or get_backend(options.backend)
    options = options.with_seed()
    if not backend.available():
        raise SimulatorUnavailable(
            f"simulator backend '{backend.name}' is not available (needs {', '.join(backend.executables)})")
    key = golden_key(golden, options, backend)
    cached = GOLDEN_CACHE.get(key)
    if cached is not None:
        return cached
    run = _run_golden(golden, options, backend)
    GOLDEN_CACHE.put(key, run)
    return run


def golden_interface(golden: str, options: CheckOptions, backend: SimulatorBackend) -> Interface:
    """The golden's interface (cached by text, top and backend); InvalidGolden names the problem.

    Parsed and elaborated in the front end's limited worker (frontend.py), like candidates."""
    key = hashlib.sha256(repr((golden, options.top, backend.name)).encode()).hexdigest()
    cached = INTERFACE_CACHE.get(key)
    if cached is None:
        # in the limited worker, not this process; the candidates' memory cap, but their time limit
        # only when `timeout` is that short: a legitimate golden rejected on a loaded machine would
        # drop its item for good, and a failure is cached, so a hostile one costs this once
        front = analyse_golden_bounded(golden, GOLDEN_FILE, options.top,
                                       FrontEndLimits.for_check(options.timeout, options.memory_mb))
        if front.failure:
            cached = f"the golden is beyond the checker's front-end limits: {front.failure}"
        elif front.interface is None:
            message = lone_compile_errors(golden, GOLDEN_FILE, backend, options)
            cached = f"does not compile: {one_line(message)}" if message else one_line(front.interface_error)
        else:
            cached = front.interface
        if isinstance(cached, Interface) and not compared_ports(cached):
            cached = f"top module '{cached.top}' has no outputs to compare"
        INTERFACE_CACHE.put(key, cached)
    if isinstance(cached, str):
        raise InvalidGolden(cached)
    return cached


def _run_golden(golden: str, options: CheckOptions, backend: SimulatorBackend) -> GoldenRun:
    iface = golden_interface(golden, options, backend)
    stim = build_stimulus(iface, options.stimulus_options())
    plan = sample_plan(iface, stim)
    expected, sim = simulate_golden(golden, iface, stim, options, backend)
    if sim.timed_out:
        raise InvalidGolden(f"simulation of the golden exceeded {options.timeout:.0f} s")
    if len(expected) != plan.samples:
        raise InvalidGolden(
            f"simulation of the golden stopped early ({len(expected)} of {plan.samples} samples): "
            + one_line((sim.stderr or sim.stdout).strip()[-500:])
        )
    return GoldenRun(iface, stim, plan, expected, sim.seconds, never_known(iface, expected),
                     untoggled_outputs(iface, expected), source=golden)


def _compile_failure(backend: SimulatorBackend, comp: RunResult, limit: float, wd) -> str:
    """Why the golden did not compile, never empty (a timeout or a kill prints nothing)."""
    if comp.timed_out:
        return f"compiling the golden with {backend.name} exceeded the time limit of {limit:.0f} s"
    if comp.memory_limit_hit:
        return f"compiling the golden with {backend.name} exceeded the memory limit"
    message = clean_paths(backend.compile_errors(comp), wd).strip()
    if not message:
        ended = f"signal {comp.signal}" if comp.signal else f"exit status {comp.returncode}"
        message = f"{backend.name} stopped without a message ({ended})"
    return "does not compile: " + one_line(message)


def simulate_golden(golden: str, iface: Interface, stim: Stimulus, options: CheckOptions,
                    backend: SimulatorBackend) -> tuple[list[str], RunResult]:
    """The golden alone on `stim`: its output trace (one line per sample) and the simulator run."""
    token = secrets.token_hex(6)
    with sandbox_dir("codev-golden-") as wd:
        (wd / GOLDEN_FILE).write_text(golden_text(golden))
        (wd / STIM_FILE).write_text("\n".join(stim.hex_lines()) + "\n")
        (wd / "tb.v").write_text(render_record_harness(iface, stim, [iface.top], token, TRACE_FILE))
        limits = options.limits(options.timeout)
        comp = backend.compile(wd, [wd / "tb.v", wd / GOLDEN_FILE], f"codev_tb_{token}", limits)
        if not comp.ok:
            raise InvalidGolden(_compile_failure(backend, comp, limits.wall_seconds, wd))
        sim = backend.simulate(wd, options.trace_limits(limits.wall_seconds, iface, 1, len(stim.rows)))
        recording = read_trace(wd / TRACE_FILE, iface, 1, sample_plan(iface, stim).samples)
        expected = recording.traces[0] if recording.status is RunStatus.COMPLETE else []
        sim.stderr, sim.stdout = clean_paths(sim.stderr, wd), clean_paths(sim.stdout, wd)
    return expected, sim
