"""Port bijections between an item and a benchmark reference whose ports have other names.

A copy of a benchmark problem with renamed ports still has the same port *shapes*: direction, width and
role (clock with its edge, reset, as the checker's interface inference finds them). A reset is found from
its use or, when the use does not show it, from its name only; renaming hides a name and rewriting the
process can reveal a use, so a port whose reset role rests on its name alone is matched both ways: as a reset
and as data (`VIEWS`). Polarity and timing are left out of the role: the equivalence check tells them
apart, and a copy may well show by use what the original only showed by name. Within each
group of equal shapes any port may stand for any other, so the candidate mappings are the product of the
groups' permutations: position order first (renamed copies usually keep it), then the others, at most
`limit` of them. Each mapping becomes a shim module with the reference's ports that instantiates the item,
so the checker compares it against the reference as it compares any candidate.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from testbench_gen import Interface, Port

Shape = tuple[str, int, str]  # (direction, width, role)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


VIEWS = ("name_is_reset", "name_is_data")  # how a reset recognised by its name alone is read


def shapes(iface: Interface, view: str = VIEWS[0]) -> dict[str, Shape]:
    """Each port's shape, in port order; `view` says what a reset found by name only is."""
    roles = {c.name: f"clock:{c.edge}" for c in iface.clocks}
    for r in iface.resets:
        if r.inferred_from == "usage" or view == "name_is_reset":
            roles[r.name] = "reset"
    return {p.name: (p.direction, p.width, roles.get(p.name, "data")) for p in iface.ports}


def shape_key(iface: Interface, view: str = VIEWS[0]) -> tuple[Shape, ...]:
    """The multiset of port shapes: two interfaces can be mapped onto each other only if these are equal."""
    return tuple(sorted(shapes(iface, view).values()))


def shape_keys(iface: Interface) -> set[tuple[Shape, ...]]:
    """The shape multisets under every view (one when no reset rests on its name alone)."""
    return {shape_key(iface, view) for view in VIEWS}


@dataclass(frozen=True)
class Bijections:
    mappings: list[dict[str, str]]  # reference port -> item port, position order first
    total: int  # how many bijections exist; more than len(mappings) when the limit cut them

    @property
    def truncated(self) -> bool:
        return self.total > len(self.mappings)


def bijections(ref: Interface, item: Interface, limit: int) -> Bijections:
    """Shape-preserving port mappings from `ref` onto `item` (none when the shape multisets differ under
    every pair of views; the first pair that agrees, a reset read as a reset first, decides)."""
    pairs = [(shapes(ref, rv), shapes(item, iv)) for rv in VIEWS for iv in VIEWS]
    agreeing = [(r, i) for r, i in pairs if sorted(r.values()) == sorted(i.values())]
    if not agreeing:
        return Bijections([], 0)
    ref_shapes, item_shapes = agreeing[0]
    groups: dict[Shape, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for name, shape in ref_shapes.items():
        groups[shape][0].append(name)
    for name, shape in item_shapes.items():
        groups[shape][1].append(name)
    order = list(groups.values())
    total = math.prod(math.factorial(len(refs)) for refs, _ in order)
    per_group = [itertools.permutations(items) for _, items in order]
    mappings = []
    for choice in itertools.islice(itertools.product(*per_group), limit):
        mappings.append({r: i for (refs, _), perm in zip(order, choice) for r, i in zip(refs, perm)})
    return Bijections(mappings, total)


def _declaration(port: Port) -> str:
    width = f" [{port.width - 1}:0]" if port.width > 1 else ""
    return f"{port.direction}{' signed' if port.signed else ''}{width} {port.name}"


def shim(item_code: str, item_top: str, ref: Interface, mapping: dict[str, str], name: str) -> str:
    """The item followed by a module `name` with the reference's ports that instantiates the item's top
    with its ports connected through `mapping` (reference port -> item port)."""
    if not all(_PLAIN.match(n) for n in (*mapping, *mapping.values(), item_top, name)):
        raise ValueError("escaped identifiers are not mapped")
    ports = ",\n  ".join(_declaration(p) for p in ref.ports)
    conns = ", ".join(f".{mapping[p.name]}({p.name})" for p in ref.ports)
    return f"{item_code}\n\nmodule {name}(\n  {ports});\n  {item_top} {name}_u({conns});\nendmodule\n"
