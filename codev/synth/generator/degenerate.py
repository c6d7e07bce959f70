"""Degenerate items: a verified design that would teach nothing, or teach the wrong thing.

Three reasons, each a funnel row: `constant_output` (no input reaches an output and no state evolves
behind it: a flag that can never be set), `unused_input` (an input that reaches no output), both found
by dataflow analysis of the golden (`codev.synth.dataflow`, pyverilog); and `never_toggles` (an output
that kept one value throughout the golden's own coverage-directed simulation, which the verification
check already ran), which catches what structure cannot see (`a - a`, a flag set only on an unreachable
condition). A design pyverilog cannot read gets the simulation test only.
"""
from __future__ import annotations

from codev.synth import degenerate as screen
from codev.synth.degenerate import REASONS, Degeneracy

from .design import Design

__all__ = ["REASONS", "Degeneracy", "degeneracy"]


def degeneracy(design: Design, untoggled: tuple[str, ...] | list[str]) -> Degeneracy | None:
    """The first reason the design is degenerate, or None (the rules shared with corpus items)."""
    return screen.degeneracy(design.golden, design.top, ("clk",), (design.reset.name,) if design.reset else (),
                             untoggled)
