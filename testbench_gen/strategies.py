"""Backend policies on top of check(): `auto`, `hybrid`, `formal`, `cocotb`.

- auto: Icarus unless Verilator is expected to be faster. The Icarus golden run is the probe: it is
  needed anyway when Icarus is chosen (and cached), and its duration times the number of candidates
  estimates what Icarus would spend on the batch; a golden that needs more than `probe_seconds`
  alone, or that Icarus rejects (e.g. iverilog 11 and enum casts), goes to Verilator directly. Candidates whose Verilator verdict may be an
  artefact of 2-state simulation (compile error, mismatch only where the golden is X, infra error)
  are re-checked with Icarus.
- hybrid: auto, then yosys formal on every candidate simulation calls equivalent, within a time
  budget; a counterexample confirmed in simulation turns `equivalent` into `mismatch`.
- formal: a yosys proof or a confirmed counterexample where it reaches one; otherwise (bounded
  check only, unsupported, counterexample not reproduced) simulation (auto) decides.
- cocotb: the Python-driven harness (backends/cocotb_backend.py).
Every verdict's `backend` names what decided it, e.g. "icarus", "verilator", "icarus+formal".
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace

from .backends import get_backend
from .cache import BoundedCache
from .config import CheckOptions, StrategyOptions
from .core import check_batch
from .formal import FormalResult, counterexample_stimulus, prove, replay
from .golden import InvalidGolden, prepare_golden
from .infer import InterfaceError, infer_interface
from .interface import Interface
from .screen import screen
from .stimulus import StimulusOptions, build_stimulus
from .verdict import Verdict, VerdictKind

STRATEGIES = ("auto", "hybrid", "formal", "cocotb")  # policies, not simulators
__all__ = ["STRATEGIES", "StrategyOptions", "check_with_strategy", "choose_backend", "check_auto",
           "check_formal", "check_hybrid", "formal_verdict"]


@dataclass
class _Choice:
    backend: str
    why: str


_CHOICES: "BoundedCache[_Choice]" = BoundedCache(1024)


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

        return check_cocotb(golden, candidates, options, names)
    return check_batch(golden, candidates, options, names, get_backend(kind))


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
    probe = replace(options, backend="icarus", timeout=min(options.timeout, strategy.probe_seconds))
    try:
        run = prepare_golden(golden, probe)
    except InvalidGolden as exc:
        if "exceeded" in str(exc):
            choice = _Choice("verilator", f"Icarus golden run exceeded {probe.timeout:.1f} s")
        else:
            choice = _Choice("verilator", f"Icarus rejects the golden ({str(exc)[:120]})")
    else:
        n = max(1, n_candidates)
        icarus_cost = run.seconds * n  # each candidate simulates about as long as the golden
        verilator_cost = strategy.verilator_fixed + strategy.verilator_per_candidate * n
        if icarus_cost > verilator_cost:
            choice = _Choice("verilator", f"Icarus estimate {icarus_cost:.1f} s > Verilator "
                                          f"{verilator_cost:.1f} s")
        else:
            choice = _Choice("icarus", f"Icarus estimate {icarus_cost:.2f} s <= Verilator "
                                       f"{verilator_cost:.1f} s")
    _CHOICES.put(key, choice)
    return choice


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
    if redo:
        again = _simulate(golden, [candidates[i] for i in redo], options, [names[i] for i in redo], "icarus")
        for i, verdict in zip(redo, again):
            first = verdicts[i]
            verdicts[i] = _note(verdict, f"re-checked with Icarus after Verilator said {first.kind}"
                                         f" ({first.reason[:120]})")
    return verdicts


def _note(verdict: Verdict, text: str) -> Verdict:
    verdict.reason = f"{verdict.reason}; {text}"
    return verdict


# ---------------------------------------------------------------- formal
def _interfaces(golden: str, candidate: str, name: str, options: CheckOptions
                ) -> tuple[Interface, str] | None:
    try:
        giface = infer_interface(golden, top=options.top, filename="golden.v")
        ciface = infer_interface(candidate, filename=name, prefer_top=giface.top)
    except InterfaceError:
        return None
    return giface, ciface.top


def formal_verdict(golden: str, candidate: str, name: str, sim: Verdict | None, options: CheckOptions,
                   strategy: StrategyOptions, timeout: float, candidate_top: str | None = None
                   ) -> tuple[Verdict | None, FormalResult]:
    """The verdict formal reaches (None: formal cannot decide) and its raw result."""
    found = _interfaces(golden, candidate, name, options)
    if found is None:
        return None, FormalResult("unsupported", "interface not inferable")
    giface, ctop = found
    ctop = candidate_top or ctop
    fopts = replace(options.formal, timeout=timeout)
    result = prove(golden, candidate, giface, ctop, fopts)
    base = sim.backend + "+formal" if sim else "formal"
    spent = sim.seconds if sim else 0.0
    if result.status in ("proven", "bounded"):
        reason = f"formal: {result.label} ({result.reason})"
        if sim:
            reason = f"{sim.reason}; {reason}"
        return Verdict(VerdictKind.EQUIVALENT, reason, backend=base, seconds=spent + result.seconds,
                       mismatch_rate=sim.mismatch_rate if sim else {},
                       samples_compared=sim.samples_compared if sim else 0), result
    if result.status == "counterexample" and fopts.replay:
        # only the column layout is needed: no golden simulation (it may be a long Icarus run)
        template = build_stimulus(giface, StimulusOptions(cycles=1, seeds=1))
        stim = counterexample_stimulus(result.steps, template)
        try:
            replayed = replay(golden, candidate, name, ctop, giface, stim,
                              replace(options, backend="icarus"))
        except InvalidGolden as exc:
            result.reason += f"; replay impossible: {exc}"
            return None, result
        if replayed.kind is VerdictKind.MISMATCH:
            result.confirmed = True
            cex = replayed.counterexample
            where = f" on {', '.join(cex.outputs)} at step {cex.step}" if cex else ""
            missed = " (simulation with random stimulus missed it)" if sim else ""
            return Verdict(VerdictKind.MISMATCH,
                           f"formal counterexample{missed}, confirmed by Icarus replay: differs{where}",
                           backend=base, seconds=spent + result.seconds, counterexample=cex,
                           samples_compared=replayed.samples_compared), result
        result.reason += f"; not reproduced in simulation ({replayed.kind})"
    return None, result


def check_formal(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                 strategy: StrategyOptions = StrategyOptions()) -> list[Verdict]:
    try:
        giface = infer_interface(golden, top=options.top, filename="golden.v")
    except InterfaceError as exc:
        raise InvalidGolden(str(exc)) from None
    icarus = get_backend("icarus")
    verdicts: list[Verdict | None] = [None] * len(candidates)
    fallback: list[int] = []
    notes: dict[int, str] = {}
    bounded: dict[int, bool] = {}
    for i, (cand, name) in enumerate(zip(candidates, names)):
        start = time.monotonic()
        screened = screen(cand, name, giface, icarus, replace(options, backend="icarus"))
        if isinstance(screened, Verdict):
            screened.backend, screened.seconds = "formal", time.monotonic() - start
            verdicts[i] = screened
            continue
        verdict, result = formal_verdict(golden, cand, name, None, options, strategy,
                                         options.formal.timeout, candidate_top=screened)
        if verdict is not None and result.status != "bounded":
            verdicts[i] = verdict
            continue
        # no proof: simulation decides (a bounded check says nothing past its bound, e.g. a 64-bit
        # Johnson counter differs first at cycle 66); bounded + simulation both count
        fallback.append(i)
        bounded[i] = result.status == "bounded"
        notes[i] = f"formal: {result.label} ({result.reason})"
    if fallback:
        sims = check_auto(golden, [candidates[i] for i in fallback], options, [names[i] for i in fallback],
                          strategy)
        for i, verdict in zip(fallback, sims):
            if bounded[i] and verdict.kind is VerdictKind.EQUIVALENT:
                verdict.backend += "+formal"
            verdicts[i] = _note(verdict, notes[i])
    return [v for v in verdicts if v is not None]


# ---------------------------------------------------------------- hybrid
def check_hybrid(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                 strategy: StrategyOptions = StrategyOptions()) -> list[Verdict]:
    verdicts = check_auto(golden, candidates, options, names, strategy)
    deadline = time.monotonic() + strategy.hybrid_budget
    for i, sim in enumerate(verdicts):
        if sim.kind is not VerdictKind.EQUIVALENT:
            continue
        left = deadline - time.monotonic()
        if left < 1.0:
            _note(sim, "formal: skipped (hybrid time budget spent)")
            continue
        timeout = min(options.formal.timeout, left)
        verdict, result = formal_verdict(golden, candidates[i], names[i], sim, options, strategy, timeout)
        if verdict is None:
            _note(sim, f"formal: {result.label} ({result.reason})")
        else:
            verdicts[i] = verdict
    return verdicts
