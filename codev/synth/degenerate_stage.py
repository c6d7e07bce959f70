"""The degenerate screen for corpus items (`degenerate.py`'s rules): a pipeline stage before the round trip,
so no LLM call is spent on an item that would teach nothing. Its simulation is the golden checked against
itself under a stimulus seed drawn from the golden's text (`degenerate.seeded`): whether an output
toggles, which decides the item, is then the same in every run. One funnel reason per rule."""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .checking import Checker
from .config import DegenerateConfig
from .degenerate import Degeneracy, seeded, structural
from .items import Item
from .static_filters import screen_goldens
from .store import Outcome


def ports_of(item: Item) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The item's top module and its clock and reset ports, from the interface the filter stage inferred
    (data["interface"]), else inferred here (an item given to the stage alone may name no top)."""
    raw = item.data.get("interface")
    if not raw:
        from testbench_gen.frontend import analyse_golden_bounded

        iface = analyse_golden_bounded(item.code, "item.v", item.top).interface
        found = iface.to_json() if iface is not None else {}
    else:
        found = json.loads(raw) if isinstance(raw, str) else raw
    return (item.top or found.get("top", ""), tuple(c["name"] for c in found.get("clocks", [])),
            tuple(r["name"] for r in found.get("resets", [])))


def structural_of(item: Item) -> Degeneracy | None:
    """An item's structural degeneracy (a module-level function, so Ray can ship it to a worker)."""
    return structural(item.code, *ports_of(item))


class DegenerateScreen:
    """The pipeline stage: drops degenerate corpus items, one funnel reason each (REASONS)."""
    name = "degenerate"

    def __init__(self, config: DegenerateConfig, options: CheckOptions, checker: Checker):
        self.config, self.options, self.checker = config, options, checker

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        drops, items = screen_goldens(items)  # each item becomes a golden, which the checker trusts
        yield from drops
        simulate = []
        # pyverilog's parser is one per process and not thread-safe: one item at a time here, spread on Ray
        for item, found in zip(items, self.checker.map(structural_of, items, threads=False)):
            if found is not None:
                yield Outcome(item, False, found.reason, found.describe())
            elif self.config.never_toggles:
                simulate.append(item)
            else:
                yield Outcome(item, True)
        jobs = [CheckJob(item.code, [item.code], seeded(self.options, item.code)) for item in simulate]
        for item, (verdict,) in zip(simulate, self.checker.check_jobs(jobs)):
            if verdict.kind == VerdictKind.EQUIVALENT and verdict.untoggled:
                yield Outcome(item, False, "never_toggles", f"never_toggles: {', '.join(verdict.untoggled)}")
            else:  # a golden the checker cannot run is the round trip's to report, with its reason
                yield Outcome(item, True, detail="" if verdict.kind == VerdictKind.EQUIVALENT else
                              f"not simulated ({verdict.kind}): {verdict.reason}"[:300])
