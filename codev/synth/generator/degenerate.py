"""Degenerate items: a verified design that would teach nothing, or teach the wrong thing.

Three reasons, each a funnel row: `constant_output` (no input reaches an output and no state evolves
behind it: a flag that can never be set), `unused_input` (an input that reaches no output), both found
by dataflow analysis of the golden (`codev.synth.dataflow`, pyverilog); and `never_toggles` (an output
that kept one value throughout the golden's own coverage-directed simulation, which the verification
check already ran), which catches what structure cannot see (`a - a`, a flag set only on an unreachable
condition). A design pyverilog cannot read gets the simulation test only.
"""
from __future__ import annotations

from dataclasses import dataclass

from codev.synth.dataflow import DataflowUnavailable, analyse

from .design import Design

REASONS = ("constant_output", "unused_input", "never_toggles")


@dataclass(frozen=True)
class Degeneracy:
    reason: str  # one of REASONS
    ports: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.reason}: {', '.join(self.ports)}"


def degeneracy(design: Design, untoggled: tuple[str, ...] | list[str]) -> Degeneracy | None:
    """The first reason the design is degenerate, or None."""
    clock_reset = {"clk"} | ({design.reset.name} if design.reset else set())
    try:
        flow = analyse(design.golden, design.top)
    except DataflowUnavailable:
        flow = None
    if flow is not None:
        constant = flow.constant_outputs(clock_reset)
        if constant:
            return Degeneracy("constant_output", tuple(constant))
        unused = flow.unused_inputs({"clk"})
        if unused:
            return Degeneracy("unused_input", tuple(unused))
    if untoggled:
        return Degeneracy("never_toggles", tuple(untoggled))
    return None
