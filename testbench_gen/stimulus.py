"""Stimulus plans: per-step values of every input (clocks and resets included), built in Python.

The testbench only replays rows, so every backend sees the same stimulus, and it can be written to a
file that a person can read. Design choices (see harness.py for the time grid):
- each seed is one *segment*; every segment starts with all resets asserted together, later segments
  also assert each reset alone at random points (async resets mid-cycle, sync resets across an edge);
- random data mixes uniform values, corner values (0, all ones, one-hot, MSB set, previous value) and
  the constants the golden itself uses (case labels, compared literals and their neighbours);
- several clocks get independent half-periods that change between segments.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .interface import Interface, Port

HALF_PERIODS = [(1, 3), (3, 1), (1, 2), (2, 1), (1, 1)]  # per segment, for designs with 2+ clocks


@dataclass(frozen=True)
class StimulusOptions:
    cycles: int = 2000  # clock cycles of the first clock (steps for combinational designs), all seeds
    seeds: int = 4  # segments; each starts from reset
    seed: int = 0
    reset_cycles: int = 2  # how long the initial reset is held (in cycles of the slowest clock)


@dataclass
class Stimulus:
    """Rows of input values, one per step; `columns` are input names in row order."""

    columns: list[str]
    widths: list[int]
    rows: list[list[int]]
    segment_starts: list[int] = field(default_factory=list)
    steps_per_cycle: int = 1  # steps per cycle of the first clock (2 when it toggles every step)

    @property
    def total_width(self) -> int:
        return sum(self.widths)

    def packed(self, row: list[int]) -> int:
        """Row as one integer: first column in the most significant bits (Verilog concatenation)."""
        value = 0
        for v, w in zip(row, self.widths):
            value = (value << w) | (v & ((1 << w) - 1))
        return value

    def hex_lines(self) -> list[str]:
        digits = max(1, (self.total_width + 3) // 4)
        return [format(self.packed(r), f"0{digits}x") for r in self.rows]

    def values_at(self, step: int) -> dict[str, int]:
        return dict(zip(self.columns, self.rows[step]))


def _segment_lengths(total: int, seeds: int) -> list[int]:
    """Growing segments (1:2:3:...): short ones exercise resets often, the last reaches deep states."""
    weights = list(range(1, seeds + 1))
    lengths = [max(1, total * w // sum(weights)) for w in weights]
    lengths[-1] += total - sum(lengths)
    return lengths


class _ValueSource:
    """Random values for one data input, biased towards corners and the golden's constants."""

    def __init__(self, port: Port, constants: list[int], rng: random.Random, density: float):
        self.width = port.width
        self.mask = (1 << port.width) - 1
        self.rng = rng
        self.density = density  # probability of a 1 for 1-bit inputs
        consts = set()
        for c in constants:
            for v in (c - 1, c, c + 1):
                if 0 <= v <= self.mask:
                    consts.add(v)
        self.constants = sorted(consts)
        self.prev = 0

    def next(self) -> int:
        rng = self.rng
        if self.width == 1:
            value = 1 if rng.random() < self.density else 0
        else:
            r = rng.random()
            if r < 0.12:
                value = self.prev
            elif r < 0.30 and self.constants:
                value = rng.choice(self.constants)
            elif r < 0.50:
                value = self._corner()
            else:
                value = rng.getrandbits(self.width)
        self.prev = value
        return value

    def _corner(self) -> int:
        w = self.width
        choice = self.rng.randrange(7)
        return [
            0,
            self.mask,
            1,
            1 << (w - 1),
            1 << self.rng.randrange(w),
            self.mask ^ (1 << self.rng.randrange(w)),
            self.mask >> 1,
        ][choice]


def build_stimulus(iface: Interface, options: StimulusOptions = StimulusOptions()) -> Stimulus:
    clocks = iface.clocks
    resets = iface.resets
    data = iface.data_inputs
    columns = [c.name for c in clocks] + [r.name for r in resets] + [p.name for p in data]
    widths = [1] * (len(clocks) + len(resets)) + [p.width for p in data]
    rows: list[list[int]] = []
    starts: list[int] = []
    steps_per_cycle = 2 if clocks else 1
    rng = random.Random(options.seed)
    densities = [0.5, 0.5, 0.2, 0.8, 0.5]
    reset_rates = [0.0, 0.03, 0.015, 0.01, 0.0]
    for seg, cycles in enumerate(_segment_lengths(options.cycles, max(1, options.seeds))):
        seg_rng = random.Random(rng.getrandbits(64))
        halves = [1] * len(clocks)
        if len(clocks) > 1:
            pattern = HALF_PERIODS[seg % len(HALF_PERIODS)]
            halves = [pattern[i % 2] + (i // 2) for i in range(len(clocks))]
        sources = [_ValueSource(p, iface.constants, seg_rng, densities[seg % len(densities)]) for p in data]
        steps = cycles * steps_per_cycle
        slowest = max(halves) if clocks else 1
        hold_initial = options.reset_cycles * 2 * slowest if clocks else max(1, options.reset_cycles)
        rate = reset_rates[seg % len(reset_rates)] if seg > 0 else 0.0
        active_left = [0] * len(resets)
        starts.append(len(rows))
        for step in range(steps):
            row: list[int] = []
            for i, _clock in enumerate(clocks):
                # starts low; toggles every halves[i] steps, the first edge (rising) one half-period in
                row.append(((step // halves[i]) % 2) if step >= halves[i] else 0)
            for i, rst in enumerate(resets):
                if step < hold_initial:
                    active = True
                else:
                    if active_left[i] == 0 and rate and seg_rng.random() < rate:
                        # assert this reset alone: long enough to cover an active edge of the slowest clock
                        active_left[i] = 2 * slowest * seg_rng.randint(1, 2) if clocks else 1
                    active = active_left[i] > 0
                    if active:
                        active_left[i] -= 1
                row.append(int(active == rst.active_high))
            row.extend(src.next() for src in sources)
            rows.append(row)
    return Stimulus(columns=columns, widths=widths, rows=rows, segment_starts=starts,
                    steps_per_cycle=steps_per_cycle)
