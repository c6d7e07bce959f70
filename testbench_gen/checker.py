"""check(golden, candidates) -> verdicts: the one entry point for the reward, the data filter and eval.

Flow: infer the golden's interface, build the stimulus, simulate the golden alone once and keep its
output trace (cached by content hash); screen each candidate (forbidden constructs, interface); compile
all survivors into one comparison testbench and simulate once. A candidate that breaks the batch
(compile error, hang, crash) is isolated by re-running the batch members one by one, so it never
poisons the others' verdicts.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .backends import SimulatorBackend, get_backend
from .cache import BoundedCache
from .coverage import never_known, untoggled_outputs
from .harness import (EXPECTED_FILE, STIM_FILE, SamplePlan, bits_differ, compared_ports, render_compare_harness,
                      render_golden_harness, sample_plan)
from .infer import InterfaceError, has_syntax_errors, infer_interface
from .interface import Interface
from .policy import prepare, scan
from .sandbox import Limits, RunResult, clean_paths, sandbox_dir
from .stimulus import Stimulus, StimulusOptions, build_stimulus
from .verdict import Counterexample, OutputValue, Verdict, VerdictKind

RESULTS_FILE = "results.txt"
STRATEGY_NAMES = ("auto", "hybrid", "formal", "cocotb")  # policies in strategies.py, not simulators


class InvalidGolden(Exception):
    """The golden design cannot serve as a reference (message names the problem)."""


class SimulatorUnavailable(Exception):
    """The backend's tools are not installed or cannot start: nothing can be checked."""


@dataclass(frozen=True)
class CheckOptions:
    top: str | None = None  # golden's top module (default: the one no other module instantiates)
    cycles: int = 2000  # clock cycles over all seeds
    seeds: int = 4
    seed: int | None = None  # stimulus seed; None draws a fresh one per check (recorded in verdicts)
    timeout: float = 120.0  # hard cap, seconds of simulation per candidate
    timeout_factor: float = 25.0  # a candidate may be this many times slower than the golden ...
    min_timeout: float = 5.0  # ... but always gets at least this long
    backend: str = "icarus"
    x_matches_anything: bool = True  # bits where the golden is X are not compared
    graded: bool = False  # simulate to the end even when every candidate has failed
    batch_size: int = 32
    memory_mb: int = 2048
    max_output_mb: int = 16  # a candidate printing more than this is rejected

    @classmethod
    def from_mapping(cls, values: dict, source: str = "options") -> "CheckOptions":
        """Build from a dict (a YAML recipe); unknown keys are an error naming them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{source}: unknown checker option(s) {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        return cls(**values)

    def with_seed(self) -> "CheckOptions":
        """These options with a concrete seed: a fresh one drawn now unless `seed` is set."""
        return self if self.seed is not None else replace(self, seed=fresh_seed())

    def stimulus_options(self) -> StimulusOptions:
        return StimulusOptions(cycles=self.cycles, seeds=self.seeds, seed=self.with_seed().seed)


def fresh_seed() -> int:
    """An unpredictable stimulus seed: a candidate cannot have been tuned to the stimulus it meets."""
    return secrets.randbits(31)


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

    @property
    def seed(self) -> int:
        return self.stimulus.seed


@dataclass
class _Item:
    index: int
    name: str
    source: str
    top: str  # the candidate's top module (original name)


_CACHE: "BoundedCache[GoldenRun]" = BoundedCache(256)


def _limits(options: CheckOptions, seconds: float) -> Limits:
    return Limits(wall_seconds=seconds, memory_bytes=options.memory_mb << 20,
                  file_bytes=options.max_output_mb << 20)


def golden_key(golden: str, options: CheckOptions, backend: SimulatorBackend) -> str:
    relevant = (golden, options.top, options.cycles, options.seeds, options.seed, backend.name,
                backend.version())
    return hashlib.sha256(repr(relevant).encode()).hexdigest()


def prepare_golden(golden: str, options: CheckOptions = CheckOptions(),
                   backend: SimulatorBackend | None = None) -> GoldenRun:
    backend = backend or get_backend(options.backend)
    options = options.with_seed()
    if not backend.available():
        raise SimulatorUnavailable(
            f"simulator backend '{backend.name}' is not available (needs {', '.join(backend.executables)})")
    key = golden_key(golden, options, backend)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    run = _run_golden(golden, options, backend)
    _CACHE.put(key, run)
    return run


def _run_golden(golden: str, options: CheckOptions, backend: SimulatorBackend) -> GoldenRun:
    try:
        iface = infer_interface(golden, top=options.top, filename="golden.v")
    except InterfaceError as exc:
        message = _lone_compile_errors(golden, "golden.v", backend, options)
        raise InvalidGolden(f"does not compile: {message}" if message else str(exc)) from None
    if not compared_ports(iface):
        raise InvalidGolden(f"top module '{iface.top}' has no outputs to compare")
    stim = build_stimulus(iface, options.stimulus_options())
    plan = sample_plan(iface, stim)
    expected, sim = simulate_golden(golden, iface, stim, options, backend)
    if sim.timed_out:
        raise InvalidGolden(f"simulation of the golden exceeded {options.timeout:.0f} s")
    if len(expected) != plan.samples:
        raise InvalidGolden(
            f"simulation of the golden stopped early ({len(expected)} of {plan.samples} samples): "
            + (sim.stderr or sim.stdout).strip()[-500:]
        )
    return GoldenRun(iface, stim, plan, expected, sim.seconds, never_known(iface, expected),
                     untoggled_outputs(iface, expected))


def simulate_golden(golden: str, iface: Interface, stim: Stimulus, options: CheckOptions,
                    backend: SimulatorBackend) -> tuple[list[str], RunResult]:
    """The golden alone on `stim`: its output trace (one line per sample) and the simulator run."""
    token = secrets.token_hex(6)
    with sandbox_dir("codev-golden-") as wd:
        (wd / "golden.v").write_text("`resetall\n`timescale 1ns/1ps\n" + golden)
        (wd / STIM_FILE).write_text("\n".join(stim.hex_lines()) + "\n")
        (wd / "tb.v").write_text(render_golden_harness(iface, stim, iface.top, token))
        limits = _limits(options, options.timeout)
        comp = backend.compile(wd, [wd / "tb.v", wd / "golden.v"], f"codev_tb_{token}", limits)
        if not comp.ok:
            raise InvalidGolden("does not compile: " + clean_paths(backend.compile_errors(comp), wd))
        sim = backend.simulate(wd, limits)
        trace_path = wd / EXPECTED_FILE
        expected = trace_path.read_text().split() if trace_path.exists() else []
        sim.stderr, sim.stdout = clean_paths(sim.stderr, wd), clean_paths(sim.stdout, wd)
    return expected, sim


def _slices(iface: Interface) -> list[tuple[int, int]]:
    """String index ranges [lo, hi) of each compared port in a trace line (MSB first)."""
    out, pos = [], 0
    for p in compared_ports(iface):
        out.append((pos + p.width, pos))
        pos += p.width
    return out


def check(golden: str, candidates: list[str], options: CheckOptions = CheckOptions(),
          names: list[str] | None = None, backend: SimulatorBackend | None = None) -> list[Verdict]:
    """Verdicts for each candidate, in order.

    Raises InvalidGolden if the golden is unusable, SimulatorUnavailable if nothing can run.
    """
    names = names or [f"candidate_{i}.v" for i in range(len(candidates))]
    options = options.with_seed()  # one seed for the whole call, whatever the backend
    if backend is None and options.backend in STRATEGY_NAMES:
        from .strategies import check_with_strategy  # strategies build on this module

        verdicts = check_with_strategy(golden, candidates, options, names=names)
        for verdict in verdicts:
            verdict.seed = options.seed
        return verdicts
    backend = backend or get_backend(options.backend)
    golden_run = prepare_golden(golden, options, backend)
    verdicts: list[Verdict | None] = [None] * len(candidates)
    survivors: list[_Item] = []
    for i, source in enumerate(candidates):
        start = time.monotonic()
        screened = _screen(source, names[i], golden_run.interface, backend, options)
        if isinstance(screened, Verdict):
            screened.seconds = time.monotonic() - start
            verdicts[i] = screened
        else:
            survivors.append(_Item(i, names[i], source, top=screened))
    for chunk_start in range(0, len(survivors), max(1, options.batch_size)):
        chunk = survivors[chunk_start:chunk_start + options.batch_size]
        for index, verdict in _run_group(golden_run, chunk, options, backend).items():
            verdicts[index] = verdict
    done = [v for v in verdicts if v is not None]
    for verdict in done:
        verdict.seed, verdict.untoggled = options.seed, list(golden_run.untoggled)
    return done


# ---------------------------------------------------------------- screening
def _screen(source: str, name: str, golden: Interface, backend: SimulatorBackend,
            options: CheckOptions) -> Verdict | str:
    """A verdict for a candidate that cannot be simulated, else the name of its top module."""
    violations = scan(source)
    if violations:
        listed = ", ".join(str(v) for v in violations[:5])
        # Text that does not even parse (prose after the code reads like `off.Let`) is a compile
        # error, not a cheat; `include is never handed to a compiler (it reads files at compile time).
        if has_syntax_errors(source) and not any(v.construct.startswith("`include") for v in violations):
            message = _lone_compile_errors(source, name, backend, options)
            if message:
                return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", backend=backend.name,
                               detail=message)
        return Verdict(VerdictKind.REJECTED, f"forbidden construct: {listed}", backend=backend.name)
    try:
        iface = infer_interface(source, filename=name, prefer_top=golden.top)
    except InterfaceError as exc:
        message = _lone_compile_errors(source, name, backend, options)
        if message:
            return Verdict(VerdictKind.COMPILE_ERROR, "does not compile", backend=backend.name,
                           detail=message)
        if "several top-level modules" in str(exc):
            iface = _top_by_ports(source, name, golden)
            if iface is None:
                return Verdict(VerdictKind.INTERFACE_MISMATCH, str(exc), backend=backend.name)
        else:
            return Verdict(VerdictKind.INTERFACE_MISMATCH, str(exc), backend=backend.name)
    problem = interface_difference(golden, iface)
    if problem:
        return Verdict(VerdictKind.INTERFACE_MISMATCH, problem, backend=backend.name)
    return iface.top


def _top_by_ports(source: str, name: str, golden: Interface) -> Interface | None:
    """Among several uninstantiated modules, the single one whose ports match the golden's."""
    from .policy import definitions

    matches = []
    for kind, module in definitions(source):
        if kind not in ("module", "macromodule"):
            continue
        try:
            iface = infer_interface(source, top=module, filename=name)
        except InterfaceError:
            continue
        if not interface_difference(golden, iface):
            matches.append(iface)
    return matches[0] if len(matches) == 1 else None


def interface_difference(golden: Interface, cand: Interface) -> str:
    """'' when the candidate's ports match the golden's by name, direction and width."""
    g = {p.name: p for p in golden.ports}
    c = {p.name: p for p in cand.ports}
    problems = []
    missing = [n for n in g if n not in c]
    extra = [n for n in c if n not in g]
    if missing:
        problems.append("missing port(s) " + ", ".join(missing))
    if extra:
        problems.append("extra port(s) " + ", ".join(extra))
    for n in g:
        if n in c:
            if g[n].direction != c[n].direction:
                problems.append(f"port {n} is {c[n].direction}, expected {g[n].direction}")
            elif g[n].width != c[n].width:
                problems.append(f"port {n} is {c[n].width} bits wide, expected {g[n].width}")
    return "; ".join(problems)


def _lone_compile_errors(source: str, name: str, backend: SimulatorBackend,
                         options: CheckOptions) -> str:
    """Compile a candidate on its own; the cleaned error text, or '' if it compiles."""
    with sandbox_dir("codev-lone-") as wd:
        path = wd / "candidate.v"
        path.write_text(prepare(source, top="", suffix="lone", display_name=name).text)
        result = backend.compile(wd, [path], None, _limits(options, 30.0))
        return "" if result.ok else clean_paths(backend.compile_errors(result), wd)


# ---------------------------------------------------------------- batch simulation
def _candidate_budget(golden_run: GoldenRun, options: CheckOptions) -> float:
    return min(options.timeout, max(options.min_timeout, options.timeout_factor * golden_run.seconds))


def _run_group(golden_run: GoldenRun, items: list[_Item], options: CheckOptions,
               backend: SimulatorBackend) -> dict[int, Verdict]:
    if not items:
        return {}
    start = time.monotonic()
    token = secrets.token_hex(6)
    with sandbox_dir("codev-check-") as wd:
        modules, files, shown = [], [], {}
        for k, item in enumerate(items):
            prepared = prepare(item.source, item.top, f"c{k}_{token}", f"cand{k}.v")
            (wd / f"cand{k}.v").write_text(prepared.text)
            (wd / f"cand{k}_end.v").write_text(prepared.trailer)
            modules.append(prepared.top)
            files += [wd / f"cand{k}.v", wd / f"cand{k}_end.v"]
            shown[f"cand{k}.v"] = item.name
        (wd / STIM_FILE).write_text("\n".join(golden_run.stimulus.hex_lines()) + "\n")
        (wd / EXPECTED_FILE).write_text("\n".join(golden_run.expected) + "\n")
        tb = render_compare_harness(golden_run.interface, golden_run.stimulus, modules, token,
                                    RESULTS_FILE, stop_when_all_fail=not options.graded,
                                    x_in_golden_matches_anything=options.x_matches_anything)
        (wd / "tb.v").write_text(tb)
        comp = backend.compile(wd, [wd / "tb.v", *files], f"codev_tb_{token}", _limits(options, 60.0))
        if comp.ok:
            budget = _candidate_budget(golden_run, options)
            sim = backend.simulate(wd, _limits(options, budget * len(items)))
            results = _parse_results(wd / RESULTS_FILE, token, len(items))
        else:
            message = clean_paths(backend.compile_errors(comp), wd)
    elapsed = time.monotonic() - start
    if not comp.ok:
        if len(items) == 1:
            return {items[0].index: Verdict(VerdictKind.COMPILE_ERROR, "does not compile",
                                            backend=backend.name, seconds=elapsed,
                                            detail=clean_paths(message, wd, shown))}
        return _isolate_compile_errors(golden_run, items, message, options, backend)
    if results is None:
        if len(items) > 1:
            return _split(golden_run, items, options, backend)
        return {items[0].index: _failed_run_verdict(sim, budget, golden_run, backend, elapsed, options)}
    verdicts = {}
    for k, item in enumerate(items):
        verdict = _verdict_from_results(results, k, golden_run, options, backend)
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
        lone = _lone_compile_errors(item.source, item.name, backend, options)
        if lone:
            verdicts[item.index] = Verdict(VerdictKind.COMPILE_ERROR, "does not compile",
                                           backend=backend.name, detail=lone,
                                           seconds=time.monotonic() - start)
        else:
            keep.append(item)
    if len(keep) == len(items):  # nobody fails alone: the harness itself trips, isolate each
        return _split(golden_run, items, options, backend)
    verdicts.update(_run_group(golden_run, keep, options, backend))
    return verdicts


def _split(golden_run, items, options, backend) -> dict[int, Verdict]:
    verdicts = {}
    for item in items:
        verdicts.update(_run_group(golden_run, [item], options, backend))
    return verdicts


def _failed_run_verdict(sim: RunResult, budget: float, golden_run: GoldenRun,
                        backend: SimulatorBackend, elapsed: float, options: CheckOptions) -> Verdict:
    if sim.timed_out:
        return Verdict(
            VerdictKind.TIMEOUT,
            f"simulation exceeded {budget:.1f} s (the golden needed {golden_run.seconds:.2f} s; "
            f"limit = max({options.min_timeout:.0f} s, {options.timeout_factor:.0f}x golden), capped at "
            f"{options.timeout:.0f} s)",
            backend=backend.name, seconds=elapsed)
    if sim.file_limit_hit:
        return Verdict(VerdictKind.REJECTED,
                       f"output flood: the candidate printed more than {options.max_output_mb} MB",
                       backend=backend.name, seconds=elapsed)
    if sim.memory_limit_hit:
        return Verdict(VerdictKind.REJECTED, f"exceeded the memory limit of {options.memory_mb} MB",
                       backend=backend.name, seconds=elapsed)
    tail = (sim.stderr or sim.stdout).strip()[-400:]
    return Verdict(VerdictKind.INFRA_ERROR,
                   f"simulator ended without a result (exit status {sim.returncode})",
                   backend=backend.name, seconds=elapsed, detail=tail)


@dataclass
class _CandidateResult:
    fails: int = 0
    first: int = -1
    counts: list[int] = field(default_factory=list)
    actual: str = ""


def _parse_results(path: Path, token: str, n: int) -> dict[int, _CandidateResult] | None:
    """Result lines of a finished run; None if the run did not reach its END line."""
    if not path.exists():
        return None
    results = {k: _CandidateResult() for k in range(n)}
    ended = None
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 2 or parts[0] != token:
            continue
        tag = parts[1]
        try:
            if tag == "END":
                ended = int(parts[2])
            elif tag == "R":
                r = results[int(parts[2])]
                r.fails, r.first = int(parts[3]), int(parts[4])
            elif tag == "O":
                results[int(parts[2])].counts = [int(x) for x in parts[3:]]
            elif tag == "M":
                results[int(parts[2])].actual = parts[4]
        except (IndexError, ValueError, KeyError):
            return None
    if ended is None:
        return None
    for r in results.values():
        r.counts = r.counts or []
    results[-1] = _CandidateResult(fails=ended)  # samples compared
    return results


def _verdict_from_results(results, k: int, golden_run: GoldenRun, options: CheckOptions,
                          backend: SimulatorBackend) -> Verdict:
    r = results[k]
    done = results[-1].fails
    outs = compared_ports(golden_run.interface)
    rates = {p.name: (r.counts[i] / done if done and i < len(r.counts) else 0.0)
             for i, p in enumerate(outs)}
    if r.fails == 0:
        reason = (f"matches the golden at all {done} sample points "
                  f"({options.cycles} cycles, {options.seeds} seeds, seed {golden_run.seed})")
        constant = [n for n in golden_run.untoggled if n not in golden_run.never_known]
        if constant:
            reason += "; never toggled in the golden: " + ", ".join(constant)
        if golden_run.never_known:
            reason += "; not compared (golden X throughout): " + ", ".join(golden_run.never_known)
        return Verdict(VerdictKind.EQUIVALENT, reason, backend=backend.name, mismatch_rate=rates,
                       samples_compared=done)
    cex = build_counterexample(golden_run, r.first, r.actual, options)
    if cex is None:
        reason = "differs from the golden"
    elif cex.outputs:
        reason = f"differs from the golden on {', '.join(cex.outputs)} at cycle {cex.cycle}"
    else:
        reason = f"differs from the golden at cycle {cex.cycle} only where the golden is X (2-state simulator)"
    return Verdict(VerdictKind.MISMATCH, reason, backend=backend.name, mismatch_rate=rates,
                   samples_compared=done, counterexample=cex)


def build_counterexample(golden_run: GoldenRun, sample: int, actual: str,
                         options: CheckOptions) -> Counterexample | None:
    if sample < 0 or sample >= len(golden_run.expected):
        return None
    iface, stim, plan = golden_run.interface, golden_run.stimulus, golden_run.plan
    expected = golden_run.expected[sample]
    pairs = [(port.name, expected[lo:hi], actual[lo:hi])
             for port, (hi, lo) in zip(compared_ports(iface), _slices(iface))]
    outputs = {name: OutputValue(expected=e, actual=a) for name, e, a in pairs
               if bits_differ(e, a, options.x_matches_anything)}
    # empty when the simulator compared an X of the golden as 0 (2-state): strategies re-check those
    step = plan.step_of(sample)
    phase_a = plan.per_step == 2 and sample % 2 == 0
    # at sample A the data inputs still hold the previous step's values (they change at +6)
    row = stim.values_at(max(0, step - 1) if phase_a else step)
    clocks_now = stim.values_at(step)
    inputs = {}
    for name, width in zip(stim.columns, stim.widths):
        value = clocks_now[name] if name in iface.clock_names else row[name]
        inputs[name] = format(value, f"0{width}b")
    cex = Counterexample(cycle=step // stim.steps_per_cycle, step=step, time_ns=plan.time_of(sample),
                         inputs=inputs, outputs=outputs)
    cex.testbench = replay_testbench(golden_run, step, options)
    return cex


def replay_testbench(golden_run: GoldenRun, last_step: int, options: CheckOptions,
                     module: str | None = None) -> str:
    """A single-file testbench that drives `module` (default: the golden's top name) with the
    stimulus up to last_step and compares it with the golden's recorded outputs."""
    iface = golden_run.interface
    stim = replace(golden_run.stimulus, rows=golden_run.stimulus.rows[: last_step + 1])
    samples = (last_step + 1) * golden_run.plan.per_step
    token = "replay"
    return render_compare_harness(iface, stim, [module or iface.top], token, None,
                                  stop_when_all_fail=True,
                                  x_in_golden_matches_anything=options.x_matches_anything,
                                  embedded_expected=golden_run.expected[:samples])
