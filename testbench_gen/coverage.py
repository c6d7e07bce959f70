"""What the golden's recorded trace says about the stimulus's reach.

An output that never changes in the golden trace compares nothing but a constant: a candidate that
ties it to that constant passes however wrong its logic is. These facts are reported (in verdicts and
by `codev tbgen`) so such vacuous passes are visible instead of silent.
"""
from __future__ import annotations

from .harness import compared_ports
from .interface import Interface
from .results import trace_slices


def port_slices(iface: Interface) -> list[tuple[str, int, int]]:
    """(port name, lo, hi): string index range of each compared port in a trace line (MSB first)."""
    return [(p.name, lo, hi) for p, (hi, lo) in zip(compared_ports(iface), trace_slices(iface))]


def never_known(iface: Interface, expected: list[str]) -> list[str]:
    """Outputs that are X in every bit of every sample (never compared)."""
    return [name for name, lo, hi in port_slices(iface)
            if all(set(line[lo:hi]) <= {"x"} for line in expected)]


def untoggled_bits(iface: Interface, expected: list[str]) -> dict[str, list[int]]:
    """Per output, the bit indices (LSB = 0) that never take two different values among 0, 1 and z.

    X does not count as a value: an output that is X until the inputs settle and 0 ever after has
    not toggled.
    """
    if not expected:
        return {}
    lines = set(expected)  # traces repeat a lot; the int conversions below run in C
    width = len(expected[0])
    ever = {}
    for symbol in "01z":
        table = str.maketrans({c: ("1" if c == symbol else "0") for c in "01xz"})
        seen = 0
        for line in lines:
            seen |= int(line.translate(table), 2)
        ever[symbol] = seen
    changed = (ever["0"] & ever["1"]) | (ever["0"] & ever["z"]) | (ever["1"] & ever["z"])
    out = {}
    for name, lo, hi in port_slices(iface):
        stuck = [hi - 1 - i for i in range(lo, hi) if not (changed >> (width - 1 - i)) & 1]
        if stuck:
            out[name] = sorted(stuck)
    return out


def untoggled_outputs(iface: Interface, expected: list[str]) -> list[str]:
    """Outputs whose whole value never changes in the golden trace."""
    stuck = untoggled_bits(iface, expected)
    widths = {p.name: p.width for p in compared_ports(iface)}
    return [name for name, bits in stuck.items() if len(bits) == widths[name]]
