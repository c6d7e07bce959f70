"""The checker's one configuration: stimulus, limits, backend strategy and formal bounds.

Why one object: the reward, the data filter, the pool and `codev verify` must be able to set every
knob the checker has (the strategy's and formal's included) from one YAML recipe. Python callers keep
the flat fields (`CheckOptions(cycles=500)`); the strategy and formal knobs are nested records. YAML
may be flat or grouped in sections (`stimulus:`, `limits:`, `strategy:`, `formal:`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .interface import Interface
from .sandbox import Limits
from .stimulus import StimulusOptions
from .yamlfile import read_yaml


@dataclass(frozen=True)
class FormalOptions:
    bound: int = 24  # clock cycles checked from reset (sequential designs)
    induction_steps: int = 8  # longest induction attempted
    timeout: float = 20.0  # wall seconds per yosys run
    memory_mb: int = 2048
    replay: bool = True  # confirm counterexamples in simulation


@dataclass(frozen=True)
class StrategyOptions:
    # Icarus golden runs longer than this send the design to Verilator; auto lowers it to the
    # break-even time of the batch (strategies.break_even_seconds: 8.25 s for 1 candidate, 3.2 s for 16)
    probe_seconds: float = 10.0
    # Verilator's cost model (2 cores, Verilator 5.006): ~4 s of builds for any design, plus up to
    # ~2.5 s of C++ per candidate in the batch (VerilogEval conwaylife, the largest reference)
    verilator_fixed: float = 4.0
    verilator_per_candidate: float = 2.5
    hybrid_budget: float = 60.0  # formal seconds per candidate (hybrid; capped by formal.timeout)
    # Verilator's `equivalent`s are re-run on 4-state Icarus over the whole stimulus when Icarus is
    # expected to take at most `spot_check_seconds` for it (golden and candidates; a late float or
    # short shows only there), else over max(50, cycles / share) cycles without the long run;
    # share 1: always the whole stimulus, at Icarus' full cost
    spot_check_share: int = 20
    spot_check_seconds: float = 10.0


# YAML sections and the flat CheckOptions fields they group
SECTIONS = {
    "stimulus": ("cycles", "seeds", "seed", "horizon_jitter", "long_cycles", "directed"),
    "limits": ("timeout", "timeout_factor", "min_timeout", "memory_mb", "max_output_mb", "batch_size"),
}
NESTED = {"strategy": StrategyOptions, "formal": FormalOptions}


@dataclass(frozen=True)
class CheckOptions:
    top: str | None = None  # golden's top module (default: the one no other module instantiates)
    cycles: int = 2000  # clock cycles over all seeds
    seeds: int = 4
    seed: int | None = None  # stimulus seed; None draws a fresh one per check (recorded in verdicts)
    horizon_jitter: float = StimulusOptions.horizon_jitter  # the seed adds up to this share of cycles
    long_cycles: int = StimulusOptions.long_cycles  # budget of the long run without reset (0: none)
    directed: bool = True  # coverage-directed segments where random stimulus misses (directed.py)
    timeout: float = 120.0  # hard cap, seconds of simulation per candidate
    timeout_factor: float = 25.0  # a candidate may be this many times slower than the golden ...
    min_timeout: float = 5.0  # ... but always gets at least this long
    backend: str = "icarus"
    x_matches_anything: bool = True  # bits where the golden is X are not compared
    batch_size: int = 32
    memory_mb: int = 2048
    max_output_mb: int = 16  # a candidate printing more than this is rejected
    replay_testbench: bool = False  # render a standalone replay testbench into each counterexample
    # a candidate whose ports differ from the golden's only in width is compared through the
    # golden's widths, as a testbench connecting them coerces them (widths.py); False: interface_mismatch
    coerce_widths: bool = True
    strategy: StrategyOptions = field(default_factory=StrategyOptions)  # auto / hybrid / formal
    formal: FormalOptions = field(default_factory=FormalOptions)  # formal and hybrid

    @classmethod
    def from_mapping(cls, values: dict[str, Any], source: str = "options") -> "CheckOptions":
        """Build from a dict (a YAML recipe, flat or in sections); unknown keys are an error naming them."""
        flat: dict[str, Any] = {}
        for key, value in values.items():
            if key in SECTIONS:
                _expect_mapping(value, key, source)
                _reject_unknown(value, SECTIONS[key], f"option(s) in section '{key}':", source)
                flat.update(value)
            elif key in NESTED:
                _expect_mapping(value, key, source)
                flat[key] = _nested(NESTED[key], value, key, source)
            else:
                flat[key] = value
        _reject_unknown(flat, sorted(f.name for f in fields(cls)), "checker option(s)", source)
        return cls(**flat)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "CheckOptions":
        """A YAML recipe: the mapping itself or its `checker:` section."""
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of checker options")
        return cls.from_mapping(data.get("checker", data), source=str(path))

    def with_seed(self) -> "CheckOptions":
        """These options with a concrete seed: a fresh one drawn now unless `seed` is set."""
        return self if self.seed is not None else replace(self, seed=fresh_seed())

    def stimulus_options(self) -> StimulusOptions:
        return StimulusOptions(cycles=self.cycles, seeds=self.seeds, seed=self.with_seed().seed,
                               horizon_jitter=self.horizon_jitter, long_cycles=self.long_cycles)

    def limits(self, seconds: float, trace_bytes: int = 0) -> Limits:
        """Sandbox limits of one tool run that may take `seconds` of wall time and write a trace
        of `trace_bytes` (on top of what a candidate may print)."""
        return Limits(wall_seconds=seconds, memory_bytes=self.memory_mb << 20,
                      file_bytes=(self.max_output_mb << 20) + trace_bytes)

    def trace_limits(self, seconds: float, iface: Interface, designs: int, steps: int) -> Limits:
        """Limits of a recording run: the trace file of `designs` designs over `steps` steps fits."""
        width = sum(p.width for p in iface.ports if p.direction != "input")
        return self.limits(seconds, trace_bytes=2 * steps * (designs * width + 1) + 64)


def fresh_seed() -> int:
    """An unpredictable stimulus seed: no candidate can be tuned to the stimulus it will meet."""
    return secrets.randbits(31)


def _expect_mapping(value: Any, key: str, source: str) -> None:
    if not isinstance(value, dict):
        raise ValueError(f"{source}: section '{key}' must be a mapping")


def _reject_unknown(given: dict[str, Any], known: list[str], what: str, source: str) -> None:
    """ValueError naming every key of `given` not in `known` (listed in the order given)."""
    stray = sorted(set(given) - set(known))
    if stray:
        raise ValueError(f"{source}: unknown {what} {', '.join(stray)} (known: {', '.join(known)})")


def _nested(kind: type, value: dict[str, Any], key: str, source: str):
    _reject_unknown(value, sorted(f.name for f in fields(kind)), f"option(s) in section '{key}':", source)
    return kind(**value)
