"""Score one answer file with its benchmark's official flow, in a private sandbox folder.

The flows themselves (files, flags, bounds, pass rule) are the flavours' (flavours/), built from the
sandboxed tool runs of flow.py.
"""
from __future__ import annotations

from testbench_gen.containment.sandbox import sandbox_dir

from . import rules
from .flavours import flavour
from .flow import Bounds, Scored
from .problem import Problem
from .tools import Icarus


def score(problem: Problem, source: str | None, bounds: Bounds = Bounds(), icarus: Icarus = Icarus()) -> Scored:
    """Score one answer file (assemble.py) against the problem's own testbench with its official rule."""
    if source is None or not source.strip():
        return Scored(rules.NO_CODE, "", "no Verilog found in the response", 0.0)
    with sandbox_dir(prefix="codev-eval-") as work:
        return flavour(problem.rule).run(problem, source, work, bounds, icarus)
