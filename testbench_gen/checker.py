"""check(golden, candidates) -> verdicts: the one entry point for the reward, the data filter and eval.

A thin dispatcher: simulator backends go to the batch core (core.py), strategies (auto, hybrid,
formal, cocotb) and Verilator (whose 2-state `equivalent` gets a 4-state spot check) to strategies.py. Flow of the core: infer the golden's interface,
build the stimulus, simulate the golden alone once and keep its output trace (golden.py, cached by
content hash); screen each candidate (screen.py); compile all survivors into one comparison
testbench and simulate once; verdicts from the results (compare.py).
"""
from __future__ import annotations

from dataclasses import replace

from .backends import SimulatorBackend, get_backend
from .compare import build_counterexample, replay_testbench
from .config import CheckOptions
from .core import check_batch
from .frontend import FrontEndLimits, analyse_bounded
from .golden import (GoldenRun, InvalidGolden, SimulatorUnavailable, golden_interface, golden_key, prepare_golden,
                     simulate_golden)
from .results import TRACE_FILE
from .screen import interface_difference
from .strategies import SPOT_CHECKED, STRATEGIES, check_with_strategy
from .verdict import Verdict, VerdictKind
from .widths import adapter, describe, width_only_difference

STRATEGY_NAMES = STRATEGIES  # policies in strategies.py, not simulators

__all__ = ["check", "CheckOptions", "GoldenRun", "InvalidGolden", "SimulatorUnavailable", "prepare_golden",
           "simulate_golden", "golden_key", "build_counterexample", "replay_testbench",
           "interface_difference", "TRACE_FILE", "STRATEGY_NAMES"]


def check(golden: str, candidates: list[str], options: CheckOptions = CheckOptions(),
          names: list[str] | None = None, backend: SimulatorBackend | None = None) -> list[Verdict]:
    """Verdicts for each candidate, in order.

    Raises InvalidGolden if the golden is unusable, SimulatorUnavailable if nothing can run.
    """
    names = names or [f"candidate_{i}.v" for i in range(len(candidates))]
    options = options.with_seed()  # one stimulus for the whole call, whatever the backend
    if backend is None and (options.backend in STRATEGIES or options.backend in SPOT_CHECKED):
        verdicts = check_with_strategy(golden, candidates, options, names=names)
    else:
        verdicts = check_batch(golden, candidates, options, names, backend or get_backend(options.backend))
    if options.coerce_widths:
        _coerce_widths(golden, candidates, options, names, backend, verdicts)
    for verdict in verdicts:
        verdict.seed = options.seed
    return verdicts


def _coerce_widths(golden: str, candidates: list[str], options: CheckOptions, names: list[str],
                   backend: SimulatorBackend | None, verdicts: list[Verdict]) -> None:
    """Re-check, through an adapter with the golden's port widths (widths.py), each candidate that
    was an interface mismatch only because of port widths; its new verdict says so."""
    redo = [i for i, v in enumerate(verdicts) if v.kind is VerdictKind.INTERFACE_MISMATCH]
    if not redo:
        return
    giface = golden_interface(golden, options, backend or get_backend("icarus"))
    adapted: dict[int, tuple[str, str]] = {}
    for i in redo:
        front = analyse_bounded(candidates[i], names[i], giface.top,
                                FrontEndLimits.for_check(options.min_timeout, options.memory_mb))
        if front.interface is None:
            continue
        differing = width_only_difference(giface, front.interface)
        if differing:
            adapted[i] = (candidates[i] + adapter(giface, front.interface),
                          describe(giface, front.interface, differing))
    if not adapted:
        return
    order = list(adapted)
    again = check(golden, [adapted[i][0] for i in order], replace(options, coerce_widths=False),
                  [names[i] for i in order], backend)
    for i, verdict in zip(order, again):
        if verdict.kind is not VerdictKind.INTERFACE_MISMATCH:
            verdict.reason = f"{verdict.reason}; {adapted[i][1]}"
            verdicts[i] = verdict
