"""Degenerate items: a design that would teach nothing, or teach the wrong thing, whoever wrote it.

Three reasons, each a funnel row: `constant_output` (no input reaches an output and no state evolves
behind it: a flag that can never be set), `unused_input` (an input that reaches no output), both found
by dataflow analysis of the golden (`codev.synth.dataflow`, pyverilog); and `never_toggles` (an output
that kept one value throughout the golden's own coverage-directed simulation), which catches what
structure cannot see (`a - a`, a flag set only on an unreachable condition). A design pyverilog cannot
read (SystemVerilog, say) gets the simulation test only.

The rules, shared by both kinds of item: generator items are screened in the generator (their
verification already simulated the golden), corpus items by `degenerate_stage.DegenerateScreen`, a
pipeline stage before the round trip.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Iterable

from testbench_gen import CheckOptions

from .dataflow import DataflowUnavailable, analyse

REASONS = ("constant_output", "unused_input", "never_toggles")


@dataclass(frozen=True)
class Degeneracy:
    reason: str  # one of REASONS
    ports: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.reason}: {', '.join(self.ports)}"


def structural(code: str, top: str, clocks: Iterable[str], resets: Iterable[str] = ()) -> Degeneracy | None:
    """A constant output or an unused input by dataflow (None when there is none or pyverilog cannot read it).
    An output that only the clock and reset reach is constant; a clock reaches no value (it times the
    registers), so it is never an unused input, while a reset must reach some output."""
    try:
        flow = analyse(code, top)
    except DataflowUnavailable:
        return None
    constant = flow.constant_outputs(set(clocks) | set(resets))
    if constant:
        return Degeneracy("constant_output", tuple(constant))
    unused = flow.unused_inputs(set(clocks))
    if unused:
        return Degeneracy("unused_input", tuple(unused))
    return None


def degeneracy(code: str, top: str, clocks: Iterable[str], resets: Iterable[str],
               untoggled: Iterable[str]) -> Degeneracy | None:
    """The first reason the design is degenerate, or None: structure first, then the simulation's verdict."""
    found = structural(code, top, clocks, resets)
    if found is not None:
        return found
    untoggled = tuple(untoggled)
    return Degeneracy("never_toggles", untoggled) if untoggled else None


def seeded(options: CheckOptions, code: str) -> CheckOptions:
    """`options` with a stimulus seed drawn from the golden's text, unless the options fix one."""
    if options.seed is not None:
        return options
    return replace(options, seed=int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % (1 << 31))
