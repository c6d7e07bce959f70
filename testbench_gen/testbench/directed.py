"""Coverage-directed stimulus: input profiles that reach what uniform random stimulus leaves untoggled.

Why: against a 16-deep FIFO golden, uniform random stimulus (a random walk of writes and reads,
reset every few dozen cycles) filled the FIFO on about half the seeds, so a FIFO holding 15 entries,
or one with no `full` logic, passed on the others. What fills it is a different *profile* of inputs:
writes held high while reads stay rare, a long run without reset.

How (one search per golden, `search`):
- the golden is simulated once on Icarus (4-state) behind a wrapper that exposes its registers
  (Interface.state) as extra outputs through hierarchical references, on a short random baseline
  (fixed seed) followed by CANDIDATES directed segments (stimulus.Profile: per-input densities and
  hold lengths, wide inputs drawn from the golden's constants, corners or small values);
- coverage points: bits of outputs and registers that toggle, and the literals a register is compared
  with (FSM states, a counter's limit) that it takes;
- profiles are kept greedily while one adds points that the baseline and the profiles kept so far
  missed (at most MAX_KEPT).
The result depends only on the golden's text and top (never on the check's seed, options or
backend), and it is cached per process: an RL run pays the search once per golden on each warm worker
(the CheckerPool's affinity sends a golden back to the worker that holds it), and every check of a
golden on a given seed gets the same stimulus whether the search was cached or not. golden.py
decides, from the golden's trace on the check's own seed, whether the kept segments are appended
(`SearchResult.wanted`).
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Callable

from ..service.cache import BoundedCache
from .coverage import toggled_mask
from .harness import output_width
from ..interface import Interface, Port, StateVar
from .stimulus import WIDE_MODES, InputBias, Profile, Stimulus, StimulusOptions, build_stimulus

SEARCH_SEED = 0x5EED  # the search's own stimulus: fixed, so its result is a function of the golden
BASELINE_CYCLES = 600  # the random baseline of the search (4 segments from reset, no long run)
PROFILE_CYCLES = 256  # one directed segment, in the search and in checks
CANDIDATES = 12  # profiles tried per search (one simulation)
MAX_KEPT = 4  # profiles appended to a check's stimulus at most
MAX_BIT_INPUTS = 6  # 1-bit inputs that get the systematic "this one high, the others low" profiles
DENSITIES = (0.03, 0.2, 0.5, 0.8, 0.97)
HOLDS = (1, 1, 4, 16, 64)
WIDE_HOLDS = (1, 1, 8)
SEARCH_TIMEOUT = 120.0  # seconds for the search's one simulation (a timeout is not cached)
PROBE_PREFIX = "codev_probe_"
WRAPPER_PREFIX = "codev_cov_"

# None: the design cannot be simulated with this stimulus; []: the run stopped early (not cached)
Simulate = Callable[[str, Interface, Stimulus], "list[str] | None"]


@dataclass(frozen=True)
class SearchResult:
    profiles: tuple[Profile, ...] = ()
    output_mask: int = 0  # output bits (trace-line order, MSB first) that the kept profiles toggle
    state_gain: bool = False  # the kept profiles reach register points the random baseline missed
    reached: int = 0  # coverage points reached by the baseline and the kept profiles
    points: int = 0  # coverage points that exist (toggle bits, compared values)
    untoggled_state: tuple[str, ...] = ()  # registers with a bit or a compared value never reached

    def wanted(self, toggled_outputs: int) -> bool:
        """Append the kept profiles to a check whose golden trace toggled these output bits: always
        when they reach registers the random baseline does not (the seed's own run says nothing
        about registers), else when they toggle an output bit that this seed's run left untoggled."""
        return bool(self.profiles) and (self.state_gain or bool(self.output_mask & ~toggled_outputs))


_RESULTS: "BoundedCache[SearchResult]" = BoundedCache(4096)


def applies(iface: Interface) -> bool:
    """Clocked designs with inputs to bias (combinational ones have no state to reach)."""
    return bool(iface.clocks and iface.data_inputs)


def search(golden: str, iface: Interface, simulate: Simulate) -> SearchResult:
    """The kept profiles of this golden (cached; see the module docstring)."""
    key = hashlib.sha256(repr((golden, iface.top, "directed-1")).encode()).hexdigest()
    cached = _RESULTS.get(key)
    if cached is not None:
        return cached
    result = _search(golden, iface, simulate)
    if result is not None:
        _RESULTS.put(key, result)
    return result or SearchResult()


def _search(golden: str, iface: Interface, simulate: Simulate) -> SearchResult | None:
    if not applies(iface):
        return SearchResult()
    candidates = candidate_profiles(iface, random.Random(SEARCH_SEED))
    options = StimulusOptions(cycles=BASELINE_CYCLES, seeds=4, seed=SEARCH_SEED, horizon_jitter=0, long_cycles=0)
    stim = build_stimulus(iface, options, tuple(candidates))
    state = list(iface.state)
    wrapper, probed = probe_wrapper(iface, state)
    lines = simulate(golden + "\n" + wrapper, probed, stim) if state else None
    if lines is None:  # no registers, or hierarchical references the simulator refuses: outputs only
        state, probed = [], iface
        lines = simulate(golden, iface, stim)
    if lines is None:
        return SearchResult()  # the golden itself does not run here: nothing to search (cached)
    if len(lines) != 2 * len(stim.rows):
        return None  # stopped early (the machine, or a hang): not cached, the check goes on without
    bounds = stim.segment_starts + [len(stim.rows)]
    segments = [lines[2 * a:2 * b] for a, b in zip(bounds, bounds[1:])]
    base, directed = segments[:options.seeds], segments[options.seeds:]
    return choose(iface, state, base, directed, candidates)


def choose(iface: Interface, state: list[StateVar], base: list[list[str]], directed: list[list[str]],
           candidates: list[Profile]) -> SearchResult:
    """Greedy: keep the profile that adds most points, while one adds any (at most MAX_KEPT)."""
    probe_width = sum(v.width for v in state)
    out_width = output_width(iface)
    values = _value_points(state, out_width)
    covered = set().union(*(_points(seg, values) for seg in base)) if base else set()
    baseline = set(covered)
    gains = [_points(seg, values) for seg in directed]
    kept: list[int] = []
    while len(kept) < MAX_KEPT:
        best = max((k for k in range(len(gains)) if k not in kept), key=lambda k: len(gains[k] - covered),
                   default=None)
        if best is None or not gains[best] - covered:
            break
        kept.append(best)
        covered |= gains[best]
    kept.sort()  # segments in the order the search tried them
    kept_mask = _mask(set().union(*(gains[k] for k in kept))) if kept else 0
    state_points = {p for p in covered - baseline if not isinstance(p, int) or p < (1 << probe_width)}
    total = out_width + probe_width + sum(len(v.values) for v in state)
    return SearchResult(
        profiles=tuple(candidates[k] for k in kept),
        output_mask=kept_mask >> probe_width,
        state_gain=bool(state_points),
        reached=len(covered),
        points=total,
        untoggled_state=tuple(_untoggled_state(state, _mask(covered), covered)),
    )


def _points(lines: list[str], values: list[tuple[int, int, int, frozenset[int]]]) -> set:
    """Coverage points of one segment: ints are toggled bits (1 << position from the line's LSB
    end), tuples (register index, value) are compared values a register took."""
    mask = toggled_mask(lines)
    points: set = {1 << i for i in range(mask.bit_length()) if mask >> i & 1}
    for index, lo, hi, wanted in values:
        seen = {line[lo:hi] for line in lines}
        for text in seen:
            if "x" not in text and "z" not in text and int(text, 2) in wanted:
                points.add((index, int(text, 2)))
    return points


def _value_points(state: list[StateVar], out_width: int) -> list[tuple[int, int, int, frozenset[int]]]:
    """(register index, lo, hi, compared values): where each register sits in a probed line."""
    found, pos = [], out_width
    for index, var in enumerate(state):
        if var.values:
            found.append((index, pos, pos + var.width, frozenset(var.values)))
        pos += var.width
    return found


def _mask(points: set) -> int:
    mask = 0
    for p in points:
        if isinstance(p, int):
            mask |= p
    return mask


def _untoggled_state(state: list[StateVar], mask: int, covered: set) -> list[str]:
    """Registers with a bit that never toggled or a compared value never taken."""
    names, pos = [], sum(v.width for v in state)
    for index, var in enumerate(state):
        pos -= var.width  # bits of this register: [pos, pos + width) from the LSB end
        bits = (mask >> pos) & ((1 << var.width) - 1)
        if bits != (1 << var.width) - 1 or any((index, v) not in covered for v in var.values):
            names.append(var.path)
    return names


def candidate_profiles(iface: Interface, rng: random.Random) -> list[Profile]:
    """Systematic profiles first (each 1-bit input held mostly high while the others stay mostly low,
    and the reverse: writes with rare reads, reads with rare writes), then random biases."""
    bits = [p.name for p in iface.data_inputs if p.width == 1]
    wides = [p.name for p in iface.data_inputs if p.width > 1]
    high, low = InputBias(density=0.95), InputBias(density=0.05)
    out = []
    for b in bits[:MAX_BIT_INPUTS]:
        out.append(Profile(PROFILE_CYCLES, tuple((n, high if n == b else low) for n in bits)))
        if len(bits) > 1:
            out.append(Profile(PROFILE_CYCLES, tuple((n, low if n == b else high) for n in bits)))
    while len(out) < CANDIDATES:
        biases = [(n, InputBias(density=rng.choice(DENSITIES), hold=rng.choice(HOLDS))) for n in bits]
        biases += [(n, InputBias(mode=rng.choice(WIDE_MODES), hold=rng.choice(WIDE_HOLDS))) for n in wides]
        out.append(Profile(PROFILE_CYCLES, tuple(biases)))
    return out[:CANDIDATES]


def probe_wrapper(iface: Interface, state: list[StateVar]) -> tuple[str, Interface]:
    """A module around the golden's top with each register of `state` as an extra output (read
    through a hierarchical reference), and its interface (the golden's, plus those outputs last)."""
    name = WRAPPER_PREFIX + iface.top
    probes = [Port(f"{PROBE_PREFIX}{k}", "output", v.width) for k, v in enumerate(state)]
    ports = list(iface.ports) + probes
    decls = [f"{p.direction} {_vec(p.width)}{p.name}" for p in ports]
    conns = ", ".join(f".{p.name}({p.name})" for p in iface.ports)
    assigns = "".join(f"  assign {p.name} = codev_u.{v.path};\n" for p, v in zip(probes, state))
    text = (f"module {name}(\n  " + ",\n  ".join(decls) + "\n);\n"
            f"  {iface.top} codev_u ({conns});\n{assigns}endmodule\n")
    probed = Interface(top=name, ports=ports, clocks=iface.clocks, resets=iface.resets,
                       parameters=iface.parameters, constants=iface.constants,
                       counter_bits=iface.counter_bits, state=state)
    return text, probed


def _vec(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""
