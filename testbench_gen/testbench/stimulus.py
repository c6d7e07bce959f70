"""Stimulus plans: per-step values of every input (clocks and resets included), built in Python.

The testbench only replays rows, so every backend sees the same stimulus, and it can be written to a
file that a person can read. Design choices (see harness.py for the time grid):
- each seed is one *segment*; every segment starts with all resets asserted together, later segments
  also assert each reset alone at random points (async resets mid-cycle, sync resets across an edge),
  mostly for 1-2 cycles, sometimes for 3 to 32;
- random data mixes uniform values, corner values (0, all ones, one-hot, MSB set, previous value) and
  the constants the golden itself uses (case labels, compared literals and their neighbours); now and
  then a wide input keeps its value for up to 32 cycles (an idle bus);
- several clocks get independent half-periods that change between segments;
- the horizon varies with the seed (up to `horizon_jitter` more cycles), and a clocked design ends
  with one *long run* that asserts its resets only at the start: each of its phases (up to three:
  narrow inputs all ones, all zeros, random) holds the inputs of up to HELD_WIDTH bits steady (an
  enable stays on) for long enough to wrap the golden's counter-like state (all counters: they may
  chain), within the
  `long_cycles` budget, so a narrower counter or a late divergence shows;
- *directed* segments (coverage-directed stimulus, directed.py) come after the random ones and
  before the long run: one per kept `Profile`, resets asserted at the start only, each data input
  drawn with its own bias (a write held high while reads stay rare) so that state uniform random
  rarely reaches (a full FIFO) is reached on every seed;
- an `inout` port gets two columns: the value the testbench drives and `<name>__oe`, whether it
  drives it (otherwise the testbench releases the net to `z`), so both directions are exercised.
The seed is drawn fresh per check by the checker (CheckOptions.seed=None): a design that plays back
outputs recorded under one stimulus fails under the next.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..interface import Interface, Port

HALF_PERIODS = [(1, 3), (3, 1), (1, 2), (2, 1), (1, 1)]  # per segment, for designs with 2+ clocks
OE_SUFFIX = "__oe"  # column that says whether the testbench drives an inout port
HELD_WIDTH = 4  # inputs this narrow are held steady through each phase of the long run
MAX_LONG_PHASES = 3
HOLD_START, HOLD_STEPS = 0.003, 64  # per step: a wide input starts to keep its value for 4-64 steps
LONG_RESET_SHARE = 0.15  # mid-segment resets held 3 .. LONG_RESET_CYCLES cycles instead of 1-2
LONG_RESET_CYCLES = 32


@dataclass(frozen=True)
class InputBias:
    """How a directed segment draws one data input."""

    density: float = 0.5  # 1-bit inputs: probability of a 1 for each drawn value
    hold: int = 1  # mean steps a drawn value is kept (runs: a write held high for a burst)
    mode: str = "mixed"  # wider inputs: one of WIDE_MODES


WIDE_MODES = ("mixed", "constants", "corners", "small")  # mixed: as the random segments draw


@dataclass(frozen=True)
class Profile:
    """A directed segment: `cycles` clock cycles from reset, inputs drawn with these biases (by name;
    an input not named is drawn as in the random segments)."""

    cycles: int
    biases: tuple[tuple[str, InputBias], ...] = ()

    def describe(self) -> str:
        parts = [f"{name}: p1={b.density:g}" if b.mode == "mixed" and b.density != 0.5 else f"{name}: {b.mode}"
                 for name, b in self.biases]
        holds = [f"{name} held ~{b.hold}" for name, b in self.biases if b.hold > 1]
        return ", ".join(parts + holds) or "uniform"


@dataclass(frozen=True)
class StimulusOptions:
    cycles: int = 2000  # clock cycles of the first clock (steps for combinational designs), all seeds
    seeds: int = 4  # segments; each starts from reset
    seed: int = 0
    reset_cycles: int = 2  # how long the initial reset is held (in cycles of the slowest clock)
    horizon_jitter: float = 0.25  # the seed adds up to this fraction of `cycles` to the horizon
    long_cycles: int = 100_000  # budget of the long run without reset (cycles, all phases)
    long_phase_min: int = 256  # shortest phase of the long run (designs without counters)
    long_trace_mb: int = 8  # the long run's share of the golden trace stays under this (file limits)


def enable_column(port_name: str) -> str:
    """Name of the stimulus column that says whether the testbench drives inout `port_name`."""
    return port_name + OE_SUFFIX


@dataclass
class Stimulus:
    """Rows of input values, one per step; `columns` are input names in row order."""

    columns: list[str]
    widths: list[int]
    rows: list[list[int]]
    segment_starts: list[int] = field(default_factory=list)
    steps_per_cycle: int = 1  # steps per cycle of the first clock (2 when it toggles every step)
    long_start: int | None = None  # first step of the long run without reset (None: no long run)
    directed_start: int | None = None  # first step of the directed segments (None: none)
    seed: int = 0
    _hex: list[str] | None = field(default=None, init=False, repr=False, compare=False)

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
        """One hex line per row (the testbench's $readmemh file); computed once per stimulus."""
        if self._hex is None or len(self._hex) != len(self.rows):
            fmt = f"0{max(1, (self.total_width + 3) // 4)}x"
            if len(set(map(len, self.rows))) <= 1 and self.widths:  # fast path: one shift list
                shifts, pos = [], self.total_width
                for w in self.widths:
                    pos -= w
                    shifts.append((pos, (1 << w) - 1))
                self._hex = [format(sum((v & m) << sh for v, (sh, m) in zip(r, shifts)), fmt) for r in self.rows]
            else:
                self._hex = [format(self.packed(r), fmt) for r in self.rows]
        return self._hex

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
            # a constant wider than the port (compared with a concatenation) comes in port-wide slices
            pieces = [c] if c <= self.mask else [(c >> s) & self.mask for s in range(0, c.bit_length(), self.width)]
            for piece in pieces:
                for v in (piece - 1, piece, piece + 1):
                    if 0 <= v <= self.mask:
                        consts.add(v)
        self.constants = sorted(consts)
        self.prev = 0
        self.hold_left = 0

    def next(self) -> int:
        rng = self.rng
        if self.width == 1:
            value = 1 if rng.random() < self.density else 0
        elif self.hold_left:  # a bus that stays idle: a design wrong only then used to pass
            self.hold_left -= 1
            value = self.prev
        else:
            r = rng.random()
            if r < HOLD_START:
                self.hold_left = rng.randint(3, HOLD_STEPS)
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


class _BiasedSource:
    """Values of one data input in a directed segment: biased draws, each kept ~`hold` steps."""

    def __init__(self, port: Port, bias: InputBias, base: _ValueSource, rng: random.Random):
        self.width, self.bias, self.base, self.rng = port.width, bias, base, rng
        self.value, self.left = 0, 0

    def next(self) -> int:
        if self.left > 0:
            self.left -= 1
            return self.value
        b, rng = self.bias, self.rng
        if self.width == 1:
            self.value = int(rng.random() < b.density)
        elif b.mode == "constants" and self.base.constants:
            self.value = rng.choice(self.base.constants)
        elif b.mode == "corners":
            self.value = self.base._corner()
        elif b.mode == "small":
            self.value = rng.randrange(min(4, 1 << self.width))
        else:
            self.value = self.base.next()
        # geometric run lengths with mean `hold` (1: a fresh draw every step)
        self.left = int(rng.expovariate(1.0 / (b.hold - 0.5))) if b.hold > 1 else 0
        return self.value


def long_run_plan(counter_bits: int, options: StimulusOptions, rng: random.Random,
                  trace_bits: int = 1) -> list[int]:
    """Cycles of each phase of the long run: each wraps the counter bits once, within the budget
    (`long_cycles`, and `long_trace_mb` of trace lines of `trace_bits` bits, 4 samples per cycle)."""
    budget = min(options.long_cycles, (options.long_trace_mb << 20) // (4 * (trace_bits + 1)))
    need = (1 << counter_bits) + (1 << counter_bits) // 16 if counter_bits else 0
    phase = max(options.long_phase_min, need)
    phase += rng.randrange(max(1, phase // 16))  # the horizon of the long run moves with the seed
    if budget <= 0:
        return []
    if phase >= budget:
        return [budget]
    return [phase] * max(1, min(MAX_LONG_PHASES, budget // phase))


def build_stimulus(iface: Interface, options: StimulusOptions = StimulusOptions(),
                   profiles: tuple[Profile, ...] = ()) -> Stimulus:
    """Random segments, then one directed segment per profile (clocked designs), then the long run.

    A profile's segment draws from its own generator (seeded by the stimulus seed and its position),
    so the random segments and the long run are the same rows with and without profiles."""
    clocks = iface.clocks
    resets = iface.resets
    data = iface.data_inputs + [_enable_port(p) for p in iface.inouts] + iface.inouts
    columns = [c.name for c in clocks] + [r.name for r in resets] + [p.name for p in data]
    widths = [1] * (len(clocks) + len(resets)) + [p.width for p in data]
    rng = random.Random(options.seed)
    total = options.cycles + rng.randrange(int(options.cycles * options.horizon_jitter) + 1)
    builder = _Builder(clocks, resets, data, iface.constants, options)
    for seg, cycles in enumerate(_segment_lengths(total, max(1, options.seeds))):
        builder.segment(seg, cycles, random.Random(rng.getrandbits(64)))
    directed_start = len(builder.rows) if profiles and clocks else None
    for k, profile in enumerate(profiles if clocks else ()):
        builder.directed(profile, random.Random(f"{options.seed}:directed:{k}"))
    long_start = None
    trace_bits = sum(p.width for p in iface.ports if p.direction != "input")
    phases = long_run_plan(iface.counter_bits, options, rng, trace_bits) if clocks else []
    if phases:
        long_start = len(builder.rows)
        builder.long_run(phases, random.Random(rng.getrandbits(64)))
    return Stimulus(columns=columns, widths=widths, rows=builder.rows, segment_starts=builder.starts,
                    steps_per_cycle=2 if clocks else 1, long_start=long_start, seed=options.seed,
                    directed_start=directed_start)


def _enable_port(port: Port) -> Port:
    return Port(name=enable_column(port.name), direction="input", width=1)


class _Builder:
    """Appends segments of rows; one instance per stimulus."""

    DENSITIES = [0.5, 0.5, 0.2, 0.8, 0.5]
    RESET_RATES = [0.0, 0.03, 0.015, 0.01, 0.0]

    def __init__(self, clocks, resets, data: list[Port], constants: list[int], options: StimulusOptions):
        self.clocks, self.resets, self.data = clocks, resets, data
        self.constants, self.options = constants, options
        self.rows: list[list[int]] = []
        self.starts: list[int] = []

    def _halves(self, seg: int) -> list[int]:
        if len(self.clocks) <= 1:
            return [1] * len(self.clocks)
        pattern = HALF_PERIODS[seg % len(HALF_PERIODS)]
        return [pattern[i % 2] + (i // 2) for i in range(len(self.clocks))]

    def _clock_values(self, step: int, halves: list[int]) -> list[int]:
        # starts low; toggles every halves[i] steps, the first edge (rising) one half-period in
        return [((step // h) % 2) if step >= h else 0 for h in halves]

    def _hold_initial(self, halves: list[int]) -> int:
        slowest = max(halves) if self.clocks else 1
        return self.options.reset_cycles * 2 * slowest if self.clocks else max(1, self.options.reset_cycles)

    def segment(self, seg: int, cycles: int, seg_rng: random.Random) -> None:
        halves = self._halves(seg)
        sources = [_ValueSource(p, self.constants, seg_rng, self.DENSITIES[seg % len(self.DENSITIES)])
                   for p in self.data]
        steps = cycles * (2 if self.clocks else 1)
        slowest = max(halves) if self.clocks else 1
        hold_initial = self._hold_initial(halves)
        rate = self.RESET_RATES[seg % len(self.RESET_RATES)] if seg > 0 else 0.0
        active_left = [0] * len(self.resets)
        self.starts.append(len(self.rows))
        for step in range(steps):
            row = self._clock_values(step, halves)
            for i, rst in enumerate(self.resets):
                if step < hold_initial:
                    active = True
                else:
                    if active_left[i] == 0 and rate and seg_rng.random() < rate:
                        # assert this reset alone: long enough to cover an active edge of the slowest clock,
                        # now and then for long (a design wrong only after a reset held N cycles passed
                        # when every hold was 1-2 cycles)
                        held = seg_rng.randint(1, 2) if seg_rng.random() >= LONG_RESET_SHARE \
                            else seg_rng.randint(3, LONG_RESET_CYCLES)
                        active_left[i] = 2 * slowest * held if self.clocks else 1
                    active = active_left[i] > 0
                    if active:
                        active_left[i] -= 1
                row.append(int(active == rst.active_high))
            row.extend(src.next() for src in sources)
            self.rows.append(row)

    def directed(self, profile: Profile, rng: random.Random) -> None:
        """One directed segment: resets asserted at the start only, inputs drawn per the profile."""
        halves = [1] * len(self.clocks)
        hold_initial = self._hold_initial(halves)
        biases = dict(profile.biases)
        sources = []
        for p in self.data:
            base = _ValueSource(p, self.constants, rng, 0.5)
            sources.append(_BiasedSource(p, biases[p.name], base, rng) if p.name in biases else base)
        asserted = [int(r.active_high) for r in self.resets]
        released = [int(not r.active_high) for r in self.resets]
        self.starts.append(len(self.rows))
        for step in range(profile.cycles * 2):
            self.rows.append(self._clock_values(step, halves) + (asserted if step < hold_initial else released)
                             + [src.next() for src in sources])

    def long_run(self, phases: list[int], rng: random.Random) -> None:
        """Resets asserted at the start only; narrow inputs held per phase (ones, zeros, random)."""
        halves = [1] * len(self.clocks)
        hold_initial = self._hold_initial(halves)
        sources = [_ValueSource(p, self.constants, rng, 0.5) for p in self.data]
        self.starts.append(len(self.rows))
        step = 0
        for k, cycles in enumerate(phases):
            held = {}
            for i, p in enumerate(self.data):
                if p.width <= HELD_WIDTH:
                    mask = (1 << p.width) - 1
                    held[i] = [mask, 0][k] if k < 2 else rng.getrandbits(p.width)
            # rows are built from precomputed parts: the long run is most of the stimulus's rows
            template = [held.get(i, 0) for i in range(len(sources))]
            varying = [(i, src) for i, src in enumerate(sources) if i not in held]
            asserted = [int(r.active_high) for r in self.resets]
            released = [int(not r.active_high) for r in self.resets]
            clocks = [[0] * len(self.clocks), [1] * len(self.clocks)]
            for _ in range(cycles * 2):
                data = template
                if varying:
                    data = list(template)
                    for i, src in varying:
                        data[i] = src.next()
                # every clock toggles each step (half-period 1), the first rising edge at step 1
                self.rows.append(clocks[step % 2] + (asserted if step < hold_initial else released) + data)
                step += 1
