"""What the golden's recorded trace says about the stimulus's reach.

An output that never changes in the golden trace compares nothing but a constant: a candidate that
ties it to that constant passes however wrong its logic is. These facts are reported (in verdicts and
by `codev tbgen`) so such vacuous passes are visible instead of silent, and they steer the stimulus:
directed.py searches input profiles that toggle what stays untoggled (`toggled_mask` over any lines,
outputs and probed registers alike).
"""
from __future__ import annotations

from .harness import compared_ports
from ..interface import Interface
from ..run.results import trace_slices


def port_slices(iface: Interface) -> list[tuple[str, int, int]]:
    """(port name, lo, hi): string index range of each compared port in a trace line (MSB first)."""
    return [(p.name, lo, hi) for p, (hi, lo) in zip(compared_ports(iface), trace_slices(iface))]


def never_known(iface: Interface, expected: list[str]) -> list[str]:
    """Outputs that are X in every bit of every sample (never compared)."""
    return [name for name, lo, hi in port_slices(iface)
            if all(set(line[lo:hi]) <= {"x"} for line in expected)]


_SYMBOL_TABLES = {symbol: str.maketrans({c: ("1" if c == symbol else "0") for c in "01xz"}) for symbol in "01z"}


def toggled_mask(lines) -> int:
    """Bits (as an int, the first character of a line is the most significant bit) that take two
    different values among 0, 1 and z somewhere in `lines` (4-state binary, equal widths).

    X does not count as a value: a bit that is X until the inputs settle and 0 ever after has not
    toggled."""
    lines = set(lines)  # traces repeat a lot; the int conversions below run in C
    if not lines:
        return 0
    ever = {}
    for symbol, table in _SYMBOL_TABLES.items():
        seen = 0
        for line in lines:
            seen |= int(line.translate(table), 2)
        ever[symbol] = seen
    return (ever["0"] & ever["1"]) | (ever["0"] & ever["z"]) | (ever["1"] & ever["z"])


def toggle_share(iface: Interface, expected: list[str], mask: int | None = None) -> float:
    """Share of the compared output bits that toggle in the golden trace (1.0: all of them);
    `mask`: toggled_mask(expected), when the caller has it already."""
    width = len(expected[0]) if expected else sum(hi - lo for _n, lo, hi in port_slices(iface))
    mask = toggled_mask(expected) if mask is None else mask
    return bin(mask).count("1") / width if width else 1.0


def untoggled_bits(iface: Interface, expected: list[str], mask: int | None = None) -> dict[str, list[int]]:
    """Per output, the bit indices (LSB = 0) that never take two different values among 0, 1 and z
    (see toggled_mask)."""
    if not expected:
        return {}
    width = len(expected[0])
    changed = toggled_mask(expected) if mask is None else mask
    out = {}
    for name, lo, hi in port_slices(iface):
        stuck = [hi - 1 - i for i in range(lo, hi) if not (changed >> (width - 1 - i)) & 1]
        if stuck:
            out[name] = sorted(stuck)
    return out


def untoggled_outputs(iface: Interface, expected: list[str], mask: int | None = None) -> list[str]:
    """Outputs whose whole value never changes in the golden trace."""
    stuck = untoggled_bits(iface, expected, mask)
    widths = {p.name: p.width for p in compared_ports(iface)}
    return [name for name, bits in stuck.items() if len(bits) == widths[name]]
