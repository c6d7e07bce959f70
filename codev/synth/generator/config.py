"""One config object for the generator, loadable from YAML (configs/generator.yaml)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from codev.config import build
from testbench_gen import CheckOptions
from testbench_gen.backends import BACKENDS
from testbench_gen.checker import STRATEGY_NAMES

from .design import MAX_LEVEL
from .families import FAMILIES


@dataclass(frozen=True)
class GeneratorConfig:
    n: int = 100
    seed: int = 0
    families: tuple[str, ...] = ()          # only these (empty: every family)
    exclude_families: tuple[str, ...] = ()  # never these: hold them out for evaluation
    min_level: int = 1
    max_level: int = MAX_LEVEL
    formal: bool = True                     # also prove combinational items with yosys
    jobs: int | None = None                 # checker processes (default: every core)
    batch: int = 16                         # candidates verified together between writes
    max_attempts: int | None = None         # give up after this many candidates (default: 20 n + 100)
    exclude_from: tuple[str, ...] = ()      # output dirs whose items must not reappear (held-out sets)
    decontam: bool = True                   # drop items that copy a benchmark problem (by text or by function)
    max_per_skeleton: int = 3               # candidates sharing one skeleton (same code but widths/constants): 0 = any
    checker: CheckOptions = field(default_factory=CheckOptions)  # 2000 cycles: rare FSM paths need them

    def __post_init__(self) -> None:
        unknown = sorted((set(self.families) | set(self.exclude_families)) - set(FAMILIES))
        if unknown:
            raise ValueError(f"unknown famil{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(FAMILIES))})")
        if not 1 <= self.min_level <= self.max_level <= MAX_LEVEL:
            raise ValueError(f"difficulty levels must satisfy 1 <= min_level <= max_level <= {MAX_LEVEL} "
                             f"(got {self.min_level}..{self.max_level})")
        if self.n < 0 or self.batch < 1 or (self.jobs is not None and self.jobs < 1):
            raise ValueError(f"n must be >= 0, batch and jobs >= 1 (got n={self.n}, batch={self.batch}, "
                             f"jobs={self.jobs})")
        if self.checker.backend not in (*BACKENDS, *STRATEGY_NAMES):
            raise ValueError(f"unknown checker backend {self.checker.backend!r} "
                             f"(known: {', '.join((*BACKENDS, *STRATEGY_NAMES))})")
        if not self.selected():
            raise ValueError("no family left after --families/--exclude-families")

    def selected(self) -> list[str]:
        names = self.families or tuple(FAMILIES)
        return sorted(set(names) - set(self.exclude_families))

    def attempt_limit(self) -> int:
        return self.max_attempts if self.max_attempts is not None else 20 * self.n + 100

    def identity(self) -> dict[str, Any]:
        """The settings that define the item sequence: a resumed run must share them."""
        return {"seed": self.seed, "families": self.selected(), "min_level": self.min_level,
                "max_level": self.max_level, "formal": self.formal, "exclude_from": sorted(self.exclude_from), "decontam": self.decontam,
                "max_per_skeleton": self.max_per_skeleton,
                "checker": asdict(self.checker)}

    @classmethod
    def from_mapping(cls, values: dict[str, Any], source: str = "config") -> "GeneratorConfig":
        """From a YAML mapping, by codev's one config builder: a ConfigError names `source` and the key."""
        return build(cls, values, source)
