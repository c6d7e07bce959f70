"""Backend policies on top of check(): `auto`, `hybrid`, `formal`, `cocotb`.

- auto: Icarus unless Verilator is expected to be faster. The probe is an Icarus run of the golden
  over the first eighth of its stimulus, built for the whole (the build is reused when Icarus is
  chosen): eight times its duration, times the golden and the candidates, estimates what Icarus
  would spend on the batch. Verilator's cost counts its builds and the 4-state Icarus spot check
  its `equivalent`s get (up to `spot_check_seconds`), so a golden Icarus runs in a few seconds stays
  on Icarus (conwaylife with one candidate: Verilator's route cost twice Icarus'). A golden whose
  Icarus run alone would exceed the break-even time (or `probe_seconds`, whichever is lower), or
  that Icarus rejects (e.g. iverilog 11 and enum casts), goes to Verilator directly. Candidates whose Verilator verdict may be an
  artefact of 2-state simulation (compile error, mismatch only where the golden is X, infra error)
  are re-checked with Icarus.
- hybrid: auto, then yosys formal on every candidate simulation calls equivalent, each within
  `hybrid_budget` seconds (per candidate, so batch-mates cannot starve each other); a counterexample
  confirmed in simulation turns `equivalent` into `mismatch`.
- formal: hybrid without the time budget. Formal never decides `equivalent` alone: simulation must
  agree, and a proof of a design whose synthesised model is not what simulation runs (multiple
  drivers, undriven nets, loops, incomplete sensitivity: see formal_input.py) is not counted. A
  candidate yosys cannot read while it reads the golden (`real`, recursion), or whose counterexample
  simulation does not reproduce (a decoy such as `$isunknown`), is `rejected`: otherwise any construct
  yosys lacks would switch formal off around a trojan. A formal timeout still leaves simulation alone.
- cocotb: the Python-driven harness (backends/cocotb_backend.py).
Every verdict's `backend` names what decided it, e.g. "icarus", "verilator", "icarus+formal".
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from .backends import get_backend
from .cache import BoundedCache
from .config import CheckOptions, FormalOptions, StrategyOptions
from .core import check_batch
from .formal import COVERAGE, FormalResult, counterexample_stimulus, prove, replay
from .formal_input import simulator_of
from .golden import InvalidGolden, estimate_golden_seconds, golden_interface
from .interface import Interface
from .screen import screen
from .stimulus import StimulusOptions, build_stimulus
from .verdict import FormalKind, FormalStatus, Verdict, VerdictKind

STRATEGIES = ("auto", "hybrid", "formal", "cocotb")  # policies, not simulators
# backends whose `equivalent` is spot-checked with 4-state Icarus (cocotb: when it runs on Verilator);
# checker.check sends these names here instead of straight to the core
SPOT_CHECKED = ("verilator", "cocotb")
__all__ = ["STRATEGIES", "SPOT_CHECKED", "StrategyOptions", "check_with_strategy", "choose_backend", "check_auto",
           "check_formal", "check_hybrid", "formal_verdict", "formal_note", "screened_top",
           "golden_is_formal_ready"]


@dataclass
class _Choice:
    backend: str
    why: str


_CHOICES: "BoundedCache[_Choice]" = BoundedCache(1024)
PROBE_SHARE = 8  # auto's Icarus probe simulates this fraction of the golden's stimulus (1/8)
# seconds an Icarus golden run was seen to exceed (auto's probe, the spot check's): a golden known to
# be slow is not probed again to learn that a whole-stimulus spot check is unaffordable
_ICARUS_SLOWER_THAN: "BoundedCache[float]" = BoundedCache(1024)
# auto's probe estimate of the golden's whole Icarus run (seconds): the spot check reuses it
_ICARUS_ESTIMATE: "BoundedCache[float]" = BoundedCache(1024)


def _run_length_key(golden: str, options: CheckOptions) -> str:
    """The golden and what sets its run's length (not the seed: it moves the horizon by <= 25%)."""
    return hashlib.sha256(repr((golden, options.top, options.cycles, options.seeds,
                                options.long_cycles)).encode()).hexdigest()


def check_with_strategy(golden: str, candidates: list[str], options: CheckOptions = CheckOptions(),
                        names: list[str] | None = None,
                        strategy: StrategyOptions | None = None) -> list[Verdict]:
    """Verdicts for options.backend in STRATEGIES (any other name goes straight to the batch core).

    `strategy` overrides options.strategy (kept for callers that pass it separately)."""
    names = names or [f"candidate_{i}.v" for i in range(len(candidates))]
    strategy = strategy or options.strategy
    kind = options.backend
    if kind == "auto":
        return check_auto(golden, candidates, options, names, strategy)
    if kind == "hybrid":
        return check_hybrid(golden, candidates, options, names, strategy)
    if kind == "formal":
        return check_formal(golden, candidates, options, names, strategy)
    if kind == "cocotb":
        from .backends.cocotb_backend import check_cocotb

        verdicts = check_cocotb(golden, candidates, options, names)
    else:
        verdicts = check_batch(golden, candidates, options, names, get_backend(kind))
    if kind in SPOT_CHECKED:  # an explicit 2-state simulator's `equivalent` needs a 4-state second opinion
        _spot_check_equivalents(golden, candidates, options, names, verdicts, strategy)
    return verdicts


def _simulate(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
              backend: str) -> list[Verdict]:
    return check_batch(golden, candidates, replace(options, backend=backend), names, get_backend(backend))


# ---------------------------------------------------------------- auto
def choose_backend(golden: str, n_candidates: int, options: CheckOptions,
                   strategy: StrategyOptions = StrategyOptions()) -> _Choice:
    """Icarus or Verilator for this golden and batch size (decision cached per golden)."""
    verilator = get_backend("verilator")
    if not verilator.available():
        return _Choice("icarus", "Verilator not installed")
    # not the seed (fresh per check by default): the choice depends on the design and the run's length
    key = hashlib.sha256(repr((golden, options.top, options.cycles, options.seeds, options.long_cycles,
                               n_candidates, strategy)).encode()).hexdigest()
    cached = _CHOICES.get(key)
    if cached is not None:
        return cached
    n = max(1, n_candidates)
    limit = min(options.timeout, strategy.probe_seconds, break_even_seconds(n, strategy))
    probe = replace(options, backend="icarus", timeout=limit)
    try:
        # a run over 1/PROBE_SHARE of the stimulus: a slow golden (conwaylife) used to hold the
        # probe for its whole probe_seconds before going to Verilator anyway
        seconds = estimate_golden_seconds(golden, probe, get_backend("icarus"), PROBE_SHARE)
    except InvalidGolden as exc:
        if "exceeded" in str(exc):
            _ICARUS_SLOWER_THAN.put(_run_length_key(golden, options), probe.timeout)
            choice = _Choice("verilator", f"Icarus golden run exceeded {probe.timeout:.1f} s")
        else:
            choice = _Choice("verilator", f"Icarus rejects the golden ({str(exc)[:120]})")
    else:
        _ICARUS_ESTIMATE.put(_run_length_key(golden, options), seconds)
        icarus_cost = seconds * (1 + n)  # the golden, and each candidate about as long
        verilator_cost = verilator_seconds(n, strategy, icarus_cost)
        if icarus_cost > verilator_cost:
            choice = _Choice("verilator", f"Icarus estimate {icarus_cost:.1f} s > Verilator "
                                          f"{verilator_cost:.1f} s")
        else:
            choice = _Choice("icarus", f"Icarus estimate {icarus_cost:.2f} s <= Verilator "
                                       f"{verilator_cost:.1f} s")
    _CHOICES.put(key, choice)
    return choice


def verilator_seconds(n: int, strategy: StrategyOptions, icarus_cost: float) -> float:
    """What `auto` expects Verilator's route to cost for n candidates: its builds, plus the 4-state
    Icarus spot check of its `equivalent`s (all n at worst: the whole stimulus when Icarus needs at
    most spot_check_seconds for it, else a run cut to about that allowance)."""
    builds = strategy.verilator_fixed + strategy.verilator_per_candidate * n
    if strategy.spot_check_share == 1:  # always the whole stimulus
        return builds + icarus_cost
    return builds + min(strategy.spot_check_seconds, icarus_cost)


def break_even_seconds(n: int, strategy: StrategyOptions) -> float:
    """The Icarus golden time above which Verilator is cheaper for n candidates: Icarus costs
    G x (1 + n), Verilator its builds plus at most spot_check_seconds. A golden slower than this
    goes to Verilator without waiting for the probe to finish."""
    if strategy.spot_check_share == 1:  # the spot check runs Icarus' whole stimulus anyway
        return float("inf")
    return (strategy.verilator_fixed + strategy.verilator_per_candidate * n + strategy.spot_check_seconds) / (1 + n)


def _needs_icarus(verdict: Verdict) -> bool:
    """A Verilator verdict that 2-state simulation or Verilator's stricter frontend may have caused."""
    if verdict.kind in (VerdictKind.COMPILE_ERROR, VerdictKind.INFRA_ERROR):
        return True
    if verdict.kind is VerdictKind.MISMATCH:
        cex = verdict.counterexample
        return cex is None or not cex.outputs  # differs only at bits where the golden is X
    return False


def check_auto(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
               strategy: StrategyOptions = StrategyOptions()) -> list[Verdict]:
    choice = choose_backend(golden, len(candidates), options, strategy)
    if choice.backend == "icarus":
        return _simulate(golden, candidates, options, names, "icarus")
    try:
        verdicts = _simulate(golden, candidates, options, names, "verilator")
    except InvalidGolden as exc:
        fallback = _simulate(golden, candidates, options, names, "icarus")
        return [_note(v, f"Verilator rejected the golden: {str(exc)[:200]}") for v in fallback]
    redo = [i for i, v in enumerate(verdicts) if _needs_icarus(v)]
    _spot_check_equivalents(golden, candidates, options, names, verdicts, strategy)
    if redo:
        again = _simulate(golden, [candidates[i] for i in redo], options, [names[i] for i in redo], "icarus")
        for i, verdict in zip(redo, again):
            first = verdicts[i]
            verdicts[i] = _note(verdict, f"re-checked with Icarus after Verilator said {first.kind}"
                                         f" ({first.reason[:120]})")
    return verdicts


def _spot_check_equivalents(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                            verdicts: list[Verdict], strategy: StrategyOptions = StrategyOptions()) -> None:
    """Verilator is 2-state: a shorted output (two drivers), a `z` where the golden drives 0, or state
    that is wrong only for power-up values other than all-0/all-1 look equivalent there. A 4-state
    Icarus run of the same stimulus catches them; a flaw may show only late (a pin that floats once
    a counter reaches 64 passed a run of the first 100 cycles), so the run covers the whole stimulus
    whenever Icarus is expected to need at most `strategy.spot_check_seconds` for it. Above that (a
    golden Icarus simulates slowly: the reason why Verilator runs it) the run is cut to the cycles
    the allowance buys (at least max(50, cycles/share)), in one segment from reset, without the
    long run, and the verdict says so: a 4-state flaw later than that still passes there.

    Any Verilator `equivalent` (auto, explicit `verilator`, cocotb on Verilator) goes through here,
    only when some candidate is `equivalent`. Only an Icarus mismatch overturns it: an Icarus compile
    error (a construct only Verilator accepts) or timeout leaves it standing, with a note."""
    same = [i for i, v in enumerate(verdicts)
            if v.kind is VerdictKind.EQUIVALENT and simulator_of(v.backend) == "verilator"]
    if not same:
        return
    spot, cut = spot_check_options(golden, options, strategy, len(same))
    if cut:
        for i in same:
            _note(verdicts[i], cut)
    try:
        spot = _simulate(golden, [candidates[i] for i in same], spot, [names[i] for i in same], "icarus")
    except InvalidGolden as exc:
        for i in same:  # no 4-state reference: say so rather than imply a spot check happened
            _note(verdicts[i], f"no 4-state spot check (Icarus cannot run the golden: {str(exc)[:120]})")
        return
    for i, verdict in zip(same, spot):
        if verdict.kind is VerdictKind.MISMATCH:
            verdicts[i] = _note(verdict, f"4-state Icarus spot check of {verdicts[i].backend}'s equivalent")
        elif verdict.kind is not VerdictKind.EQUIVALENT:
            _note(verdicts[i], f"4-state spot check inconclusive (Icarus: {verdict.kind})")


def spot_check_options(golden: str, options: CheckOptions, strategy: StrategyOptions, n: int) -> tuple[CheckOptions, str]:
    """The spot check's options for n candidates, and '' or the note saying it was cut short.

    An Icarus run of the golden over an eighth of the stimulus, on the whole run's build (kept:
    the spot check's own golden run reuses it), estimates the cost, as auto's probe does."""
    share = max(1, strategy.spot_check_share)
    if share == 1:
        return options, ""
    cycles = max(50, options.cycles // share)
    # the golden alone may take a (1 + n)th of the allowance: no longer is spent finding out, and
    # not at all when an earlier run already took longer (auto's probe of a slow golden)
    probe = replace(options, backend="icarus", timeout=min(options.timeout, strategy.spot_check_seconds / (1 + n)))
    slow_key = _run_length_key(golden, options)
    known = _ICARUS_SLOWER_THAN.get(slow_key)
    try:
        if known is not None and known >= probe.timeout:
            raise InvalidGolden(f"simulation of the golden exceeded {known:.1f} s before")
        seconds = _ICARUS_ESTIMATE.get(slow_key)  # auto's probe measured it already
        if seconds is None:
            seconds = estimate_golden_seconds(golden, probe, get_backend("icarus"), PROBE_SHARE)
        estimate = seconds * (1 + n)
    except InvalidGolden as exc:
        if "exceeded" not in str(exc):  # Icarus cannot run the golden at all: the caller says so
            return replace(options, cycles=cycles, long_cycles=0), ""
        _ICARUS_SLOWER_THAN.put(slow_key, max(known or 0.0, probe.timeout))
        estimate = float("inf")
    if estimate <= strategy.spot_check_seconds:
        return options, ""
    if estimate < float("inf"):  # as many cycles as the allowance buys, without the long run
        cycles = max(cycles, int(options.cycles * strategy.spot_check_seconds / estimate))
    # one segment from reset: the deepest state the cut run can reach (4 segments of 25 cycles
    # never let a counter reach 64)
    short = replace(options, cycles=cycles, seeds=1, long_cycles=0)
    needs = f"~{estimate:.1f} s" if estimate < float("inf") else f"over {probe.timeout:.1f} s for the golden alone"
    return short, (f"4-state spot check over {cycles} cycles from reset only (Icarus would need {needs} for "
                   f"the whole stimulus; strategy.spot_check_seconds = {strategy.spot_check_seconds:.0f} s)")


def _note(verdict: Verdict, text: str) -> Verdict:
    verdict.reason = f"{verdict.reason}; {text}"
    return verdict


# ---------------------------------------------------------------- formal
def screened_top(golden: Interface, candidate: str, name: str, options: CheckOptions,
                 simulator: str = "icarus") -> str | None:
    """The candidate's top module exactly as the simulation's screening picked it (None: screened out)."""
    screened = screen(candidate, name, golden, get_backend(simulator), replace(options, backend=simulator))
    return None if isinstance(screened, Verdict) else screened


def formal_verdict(golden: str, candidate: str, name: str, sim: Verdict, options: CheckOptions,
                   timeout: float, giface: Interface | None = None) -> tuple[Verdict | None, FormalResult]:
    """A new verdict when formal overturns or co-signs simulation's `equivalent` (None: the
    simulation verdict stands alone) and formal's raw result. A new verdict carries `formal`
    (FormalStatus); when None is returned, `result.to_status()` says what formal found.

    Formal reads what the simulator that decided `sim` compiled, with the same top. It never
    decides `equivalent` alone: a proof co-signs simulation's verdict only when it is about the
    simulated design (no caveats); a counterexample counts when a replay on that simulator
    reproduces it."""
    if giface is None:
        try:
            giface = golden_interface(golden, options, get_backend("icarus"))
        except InvalidGolden as exc:
            return None, FormalResult("unsupported", f"golden interface not inferable: {str(exc)[:200]}")
    simulator = simulator_of(sim.backend)
    ctop = screened_top(giface, candidate, name, options, simulator)
    if ctop is None:
        return None, FormalResult("unsupported", "the candidate does not pass screening on its own")
    fopts = replace(options.formal, timeout=timeout)
    result = prove(golden, candidate, giface, ctop, fopts, simulator=simulator)
    spent = sim.seconds + result.seconds
    if result.status == "unsupported" and result.reason.startswith("yosys: ") and \
            golden_is_formal_ready(golden, giface, fopts, simulator):
        # yosys models the golden but not this candidate (`real`, recursion, a dual-edge flip-flop):
        # letting simulation decide alone would let any construct yosys lacks switch formal off
        # around a trojan
        return _formal_refused(sim, f"formal cannot model this candidate ({result.reason})", spent,
                               result), result
    if result.status in ("proven", "bounded"):
        if not result.vouches:
            return None, result
        return Verdict(VerdictKind.EQUIVALENT, f"{sim.reason}; formal: {result.label} ({result.reason}); "
                       f"{COVERAGE}", backend=sim.backend + "+formal", seconds=spent,
                       mismatch_rate=sim.mismatch_rate, samples_compared=sim.samples_compared,
                       seed=sim.seed, untoggled=sim.untoggled, coverage=sim.coverage,
                       formal=result.to_status()), result
    if result.status == "counterexample" and fopts.replay:
        # only the column layout is needed: no golden simulation (it may be a long Icarus run)
        template = build_stimulus(giface, StimulusOptions(cycles=1, seeds=1))
        stim = counterexample_stimulus(result.steps, template)
        try:
            replayed = replay(golden, candidate, name, ctop, giface, stim, replace(options, backend=simulator))
        except InvalidGolden as exc:
            result.reason += f"; replay impossible: {exc}"
            return None, result
        if replayed.kind is VerdictKind.MISMATCH:
            result.confirmed = True
            cex = replayed.counterexample
            where = f" on {', '.join(cex.outputs)} at step {cex.step}" if cex else ""
            return Verdict(VerdictKind.MISMATCH, "formal counterexample (simulation with random stimulus "
                           f"missed it), confirmed by replaying it on {simulator}: differs{where}",
                           backend=sim.backend + "+formal", seconds=spent, counterexample=cex,
                           samples_compared=replayed.samples_compared, seed=sim.seed,
                           formal=result.to_status()), result
        result.reason += f"; not reproduced in simulation ({replayed.kind})"
        # yosys' model of this candidate is not what the simulator runs ($isunknown, X tricks), and
        # the solver's one answer may be a decoy that hides a real trojan: never co-signed
        return _formal_refused(sim, f"formal's model of this candidate differs from its simulation "
                                    f"({result.reason})", spent, result), result
    return None, result


_GOLDEN_READY: "BoundedCache[bool]" = BoundedCache(256)


def golden_is_formal_ready(golden: str, giface: Interface, fopts: FormalOptions, simulator: str) -> bool:
    """Does yosys model the golden (checked against itself, once per golden)? Then a yosys error
    on a golden-candidate pair is the candidate's doing."""
    key = (hashlib.sha256(golden.encode()).hexdigest(), simulator, fopts)
    ready = _GOLDEN_READY.get(key)
    if ready is None:
        ready = prove(golden, golden, giface, giface.top, fopts, simulator=simulator).status != "unsupported"
        _GOLDEN_READY.put(key, ready)
    return ready


def _formal_refused(sim: Verdict, why: str, seconds: float, result: FormalResult) -> Verdict:
    """`rejected`: simulation said equivalent, but formal cannot check the candidate as simulated."""
    return Verdict(VerdictKind.REJECTED, f"{why}; the formal backends need a candidate yosys models as "
                   "the simulator runs it", backend=sim.backend + "+formal", seconds=seconds,
                   samples_compared=sim.samples_compared, seed=sim.seed, formal=result.to_status())


def formal_note(result: FormalResult) -> str:
    """What formal said when simulation's verdict stands alone."""
    if result.caveats:
        return (f"formal: {result.label} not counted ({'; '.join(result.caveats)}): the synthesised "
                "model is not what simulation runs, simulation decided alone")
    return f"formal: {result.label} ({result.reason})"


def check_formal(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                 strategy: StrategyOptions = StrategyOptions()) -> list[Verdict]:
    """Simulation (auto) first; every `equivalent` then needs formal's agreement or stands alone
    with formal's reason; a confirmed counterexample turns it into `mismatch`. No time budget."""
    return _confirm(golden, candidates, options, names, strategy, budget=float("inf"))


# ---------------------------------------------------------------- hybrid
def check_hybrid(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                 strategy: StrategyOptions = StrategyOptions()) -> list[Verdict]:
    return _confirm(golden, candidates, options, names, strategy, budget=strategy.hybrid_budget)


def _confirm(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
             strategy: StrategyOptions, budget: float) -> list[Verdict]:
    """Formal on every `equivalent`, each within its own allowance (a batch-mate that makes yosys
    slow must not use up the time that would have found another candidate's counterexample)."""
    verdicts = check_auto(golden, candidates, options, names, strategy)
    allowance = min(options.formal.timeout, budget)
    giface = None
    for i, sim in enumerate(verdicts):
        if sim.kind is not VerdictKind.EQUIVALENT:
            continue
        if allowance < 1.0:
            _note(sim, "formal: skipped (hybrid time budget below 1 s)")
            sim.formal = FormalStatus(FormalKind.SKIPPED, why="hybrid time budget below 1 s")
            continue
        if giface is None:  # cached: simulation inferred it already, in the front end's worker
            giface = golden_interface(golden, options, get_backend("icarus"))
        verdict, result = formal_verdict(golden, candidates[i], names[i], sim, options, allowance, giface)
        if verdict is None:
            _note(sim, formal_note(result))
            sim.formal = result.to_status()
        else:
            verdicts[i] = verdict
    return verdicts
