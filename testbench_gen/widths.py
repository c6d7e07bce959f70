"""Port widths a testbench coerces: a candidate whose ports differ from the golden's only in width.

Why: a benchmark's testbench connects the golden's widths, and Verilog coerces a port connection to
the port's width (an input truncated or zero-extended, an output truncated or zero-extended into the
testbench's net). An answer that declares a 64-bit accumulator where the spec says 32, or an
address narrower than the golden's, passes such a testbench whenever the bits it compares agree,
and the benchmark counts it as a pass. Rejecting it as `interface_mismatch` punished 10 published
passing RTLLM answers. Instead the candidate is wrapped in an adapter whose ports are the golden's,
and compared as the testbench sees it: only the golden's bits are compared, and a narrower port
cannot see (or drive) bits the golden has, so a candidate that depends on them still fails as a
`mismatch` (the RTLLM RAM answers with a 4-bit address alias addresses the golden tells apart).

The adapter makes the coercion explicit (assignments through wires of the candidate's widths, all
unsigned: zero extension), so Icarus, Verilator, yosys and cocotb read the same thing; every
backend and strategy gets the adapted text in place of the candidate. Names, directions and inout
ports must still match: those are not coerced by any testbench.
"""
from __future__ import annotations

import re

from .interface import Interface

ADAPTER_PREFIX = "codev_widths_"
WIRE_PREFIX = "codev_w_"
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")


def width_only_difference(golden: Interface, cand: Interface) -> list[str]:
    """The ports whose widths differ, when nothing else does (same names and directions, no inout
    among them, plain identifiers); [] when the interfaces match or differ in more than widths."""
    g = {p.name: p for p in golden.ports}
    c = {p.name: p for p in cand.ports}
    if set(g) != set(c) or any(g[n].direction != c[n].direction for n in g):
        return []
    if not all(_SIMPLE.match(name) for name in [cand.top, *g]):
        return []
    differing = [n for n in g if g[n].width != c[n].width]
    if any(g[n].direction == "inout" for n in differing):
        return []
    return differing


def adapter(golden: Interface, cand: Interface) -> str:
    """A module with the golden's ports around the candidate's top (appended to the candidate)."""
    c = {p.name: p for p in cand.ports}
    ports, wires, assigns, conns = [], [], [], []
    for p in golden.ports:
        wire = WIRE_PREFIX + p.name
        ports.append(f"{p.direction} {_vec(p.width)}{p.name}")
        wires.append(f"  wire {_vec(c[p.name].width)}{wire};\n")
        if p.direction == "input":
            assigns.append(f"  assign {wire} = {p.name};\n")
        elif p.direction == "output":
            assigns.append(f"  assign {p.name} = {wire};\n")
        else:  # inout of the same width: connected directly
            wires.pop()
            wire = p.name
        conns.append(f".{p.name}({wire})")
    return (f"\nmodule {ADAPTER_PREFIX}{cand.top} (\n  " + ",\n  ".join(ports) + "\n);\n"
            + "".join(wires) + "".join(assigns)
            + f"  {cand.top} codev_u (" + ", ".join(conns) + ");\nendmodule\n")


def describe(golden: Interface, cand: Interface, differing: list[str]) -> str:
    """The note a coerced candidate's verdict carries."""
    g = {p.name: p for p in golden.ports}
    c = {p.name: p for p in cand.ports}
    listed = ", ".join(f"{n} {c[n].width} bits for {g[n].width}" for n in differing)
    return (f"port widths differ from the golden's ({listed}): compared through the golden's widths as a "
            "testbench connects them (truncated or zero-extended)")


def _vec(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""
