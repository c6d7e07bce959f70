"""The golden side of a check: its interface, stimulus and recorded output trace (cached).

Why separate: every backend and strategy compares candidates against the same `GoldenRun`; the
golden never shares a simulation with candidates, so its trace is computed here, alone.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, replace

from .simulators import SimulatorBackend, get_backend, reference_backend
from ..service.cache import BoundedCache
from ..testbench import directed
from ..testbench.coverage import never_known, toggle_share, toggled_mask, untoggled_outputs
from ..config import CheckOptions
from ..testbench.harness import ROWS_FILE, STIM_FILE, SamplePlan, compared_ports, render_record_harness, sample_plan
from ..design.frontend import FrontEndLimits, analyse_golden_bounded
from ..interface import Interface
from .results import TRACE_FILE, RunStatus, read_trace
from ..containment.sandbox import RunResult, clean_paths, sandbox_dir
from ..design.screen import lone_compile_errors
from ..testbench.stimulus import Stimulus, build_stimulus


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
    coverage: float = 1.0  # share of the compared output bits that toggle in `expected`
    directed: list[str] = field(default_factory=list)  # the directed segments' profiles (directed.py)
    untoggled_state: list[str] = field(default_factory=list)  # registers the search never fully toggled

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


# the golden's compiled testbench, reused across seeds (it reads its row count, up to a capacity):
# per process, by content (the golden's text and the testbench's); only goldens, never a candidate
BUILD_CACHE: "BoundedCache[dict[str, bytes]]" = BoundedCache(256, max_weight=256 << 20,
                                                            weigh=lambda files: sum(map(len, files.values())))
MIN_CAPACITY = 1024  # rows; capacities are powers of two, so most seeds of a golden share a build


def golden_key(golden: str, options: CheckOptions, backend: SimulatorBackend) -> str:
    """Content hash of everything the golden's trace depends on (the pool's affinity key too)."""
    relevant = (golden, options.top, options.cycles, options.seeds, options.seed, options.horizon_jitter,
                options.long_cycles, options.directed, backend.name, backend.version())
    return hashlib.sha256(repr(relevant).encode()).hexdigest()


def prepare_golden(golden: str, options: CheckOptions = CheckOptions(),
                   backend: SimulatorBackend | None = None) -> GoldenRun:
    """The golden's run on `backend` (default: the simulator options.backend names, else the
    reference), simulated once per process and seed.

    With options.seed None a fresh seed is drawn: the run's `seed` says which."""
    if backend is None:
        simulator = options.route.simulator  # ValueError for a name nothing knows
        backend = get_backend(simulator) if simulator else reference_backend()
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
    """The golden on this seed's stimulus, with the directed segments of directed.py appended when
    they reach what this stimulus does not: always for registers the search's random baseline
    misses (known before any run), else after a first run that leaves an output bit untoggled that
    the segments toggle. Either way the stimulus is a function of the golden and the seed alone."""
    iface = golden_interface(golden, options, backend)
    applies = options.directed and directed.applies(iface)
    found = _search(golden, iface, options) if applies and iface.state else None
    profiles = found.profiles if found is not None and found.state_gain else ()
    stim, expected, sim = _record(golden, iface, build_stimulus(iface, options.stimulus_options(), profiles),
                                  options, backend)
    mask = toggled_mask(expected)
    if not profiles and applies and toggle_share(iface, expected, mask) < 1.0:
        found = found or _search(golden, iface, options)
        if found.wanted(mask):
            profiles = found.profiles
            stim, expected, sim = _record(golden, iface, build_stimulus(iface, options.stimulus_options(),
                                                                        profiles), options, backend)
            mask = toggled_mask(expected)
    return GoldenRun(iface, stim, sample_plan(iface, stim), expected, sim.seconds, never_known(iface, expected),
                     untoggled_outputs(iface, expected, mask), source=golden,
                     coverage=toggle_share(iface, expected, mask),
                     directed=[p.describe() for p in profiles],
                     untoggled_state=list(found.untoggled_state) if found is not None else [])


def _record(golden: str, iface: Interface, stim: Stimulus, options: CheckOptions,
            backend: SimulatorBackend) -> tuple[Stimulus, list[str], RunResult]:
    """The golden's complete trace on `stim` (InvalidGolden when it does not finish)."""
    plan = sample_plan(iface, stim)
    expected, sim = simulate_golden(golden, iface, stim, options, backend)
    if sim.timed_out:
        raise InvalidGolden(f"simulation of the golden exceeded {options.timeout:.0f} s")
    if len(expected) != plan.samples:
        raise InvalidGolden(
            f"simulation of the golden stopped early ({len(expected)} of {plan.samples} samples): "
            + one_line((sim.stderr or sim.stdout).strip()[-500:])
        )
    return stim, expected, sim


def _search(golden: str, iface: Interface, options: CheckOptions) -> directed.SearchResult:
    """directed.search on the reference simulator (Icarus: 4-state, whatever backend checks): profiles
    are the same for every backend and every options' timeout (the search has its own)."""
    icarus = reference_backend()
    if not icarus.available():
        return directed.SearchResult()
    limited = replace(options, timeout=directed.SEARCH_TIMEOUT)

    def simulate(text: str, probed: Interface, stim: Stimulus) -> list[str] | None:
        try:
            lines, _sim = simulate_golden(text, probed, stim, limited, icarus)
        except InvalidGolden as exc:  # a time or memory limit is the machine's: not cached
            return [] if "exceeded" in str(exc) else None
        return lines

    return directed.search(golden, iface, simulate)


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


def build_capacity(rows: int) -> int:
    """Rows a golden testbench is built for: a power of two, so most seeds share a build."""
    return max(MIN_CAPACITY, 1 << (rows - 1).bit_length())


def estimate_golden_seconds(golden: str, options: CheckOptions, backend: SimulatorBackend, share: int) -> float:
    """The golden's whole run on `backend`, estimated from a run over the first 1/share of this
    seed's rows within options.timeout / share (InvalidGolden: it does not compile, or that run
    exceeded its time). The build is the whole run's (BUILD_CACHE): a full run after it reuses it."""
    iface = golden_interface(golden, options, backend)
    stim = build_stimulus(iface, options.stimulus_options())
    short = replace(stim, rows=stim.rows[:max(1, len(stim.rows) // share)])
    limited = replace(options, timeout=options.timeout / share)
    expected, sim = simulate_golden(golden, iface, short, limited, backend, capacity=build_capacity(len(stim.rows)))
    if sim.timed_out or len(expected) != sample_plan(iface, short).samples:
        raise InvalidGolden(f"simulation of the golden exceeded {options.timeout:.1f} s "
                            f"(estimated from 1/{share} of it)")
    return sim.seconds * len(stim.rows) / len(short.rows)


def simulate_golden(golden: str, iface: Interface, stim: Stimulus, options: CheckOptions,
                    backend: SimulatorBackend, capacity: int | None = None) -> tuple[list[str], RunResult]:
    """The golden alone on `stim`: its output trace (one line per sample) and the simulator run.

    The build is kept (BUILD_CACHE) and reused for the next seed: an RL run draws a fresh seed per
    call, and compiling the golden was a fixed cost of every job. No candidate ever runs in this
    testbench, so its token need not be secret: it is derived from the golden."""
    capacity = max(capacity or 0, build_capacity(len(stim.rows)))
    token = hashlib.sha256(repr((golden, iface.to_json())).encode()).hexdigest()[:12]
    harness = render_record_harness(iface, stim, [iface.top], token, TRACE_FILE, capacity=capacity)
    key = hashlib.sha256(repr((golden, harness, backend.name, backend.version())).encode()).hexdigest()
    with sandbox_dir("codev-golden-") as wd:
        (wd / GOLDEN_FILE).write_text(golden_text(golden))
        (wd / STIM_FILE).write_text("\n".join(stim.hex_lines()) + "\n")
        (wd / ROWS_FILE).write_text(f"{len(stim.rows)}\n")
        (wd / "tb.v").write_text(harness)
        limits = options.limits(options.timeout)
        build = BUILD_CACHE.get(key)
        if build is not None:
            for name, data in build.items():
                (wd / name).parent.mkdir(parents=True, exist_ok=True)
                (wd / name).write_bytes(data)
                (wd / name).chmod(0o755)
        else:
            comp = backend.compile(wd, [wd / "tb.v", wd / GOLDEN_FILE], f"codev_tb_{token}", limits)
            if not comp.ok:
                raise InvalidGolden(_compile_failure(backend, comp, limits.wall_seconds, wd))
            files = backend.build_files(wd)
            if files:
                BUILD_CACHE.put(key, {name: (wd / name).read_bytes() for name in files})
        sim = backend.simulate(wd, options.trace_limits(limits.wall_seconds, iface, 1, len(stim.rows)))
        recording = read_trace(wd / TRACE_FILE, iface, 1, sample_plan(iface, stim).samples)
        expected = recording.traces[0] if recording.status is RunStatus.COMPLETE else []
        sim.stderr, sim.stdout = clean_paths(sim.stderr, wd), clean_paths(sim.stdout, wd)
    return expected, sim
