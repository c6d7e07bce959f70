"""The self-play recipe: `model:` (shared with SFT/RL) and `selfplay:`, whose `rl:` section is an RL recipe's.

Loaded with codev's one config builder (`codev.config`), so unknown or mistyped keys are the same one-line
errors as every other config's; `SelfPlaySettings.problems` checks names and ranges when it is built, and
`validate` again after command-line overrides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codev.config import load
from codev.errors import ConfigError

from ..config import ModelSettings, RLSettings
from .tasks import TASK_TYPES

BASELINES = ("group", "task_relative")


@dataclass
class ValidationSettings:
    """How proposed tasks are checked before they enter the buffer (every check fails closed)."""
    cycles: int = 200              # stimulus cycles of the validation checks (per seed)
    seeds: list[int] = field(default_factory=lambda: [11, 23])  # the golden must agree with itself on each
    timeout: float = 20.0          # seconds per validation check
    decontam: bool = True          # against every benchmark (codev.synth.decontam), needs the benchmarks
    bench_root: str = ""           # default: $CODEV_BENCH_ROOT, else ../shared/benchmarks
    dedup: bool = True             # functional duplicate of a buffer task of the same type (checker)
    max_bijections: int = 8        # port mappings tried per same-shaped task when names differ
    max_golden_chars: int = 6000   # longer proposals are rejected before any tool runs


@dataclass
class SelfPlaySettings:
    output_dir: str = "runs/selfplay"
    seed_data: str = ""            # generator output (rl.jsonl or its folder) seeding the buffer; "" = empty
    seed_limit: int = 0            # at most this many seed items (0: all)
    task_types: list[str] = field(default_factory=lambda: list(TASK_TYPES))
    rounds: int = 2                # one trainer run per round; the buffer grows between rounds
    steps_per_round: int = 2       # optimizer steps per round (rl.max_steps is ignored)
    solver_prompts: int = 16       # solver rows per round's dataset (drawn from the buffer)
    proposer_prompts: int = 8      # proposer rows per round's dataset (spread over task_types)
    references: int = 2            # buffer tasks shown to the proposer
    solver_samples: int = 4        # solver answers per valid proposal to estimate its solve rate
    trace_cycles: int = 4          # cycles of the traces shown in deduction / induction tasks
    baseline: str = "task_relative"  # task_relative (per role and task type, Absolute Zero) | group (DAPO)
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    rl: RLSettings = field(default_factory=RLSettings)  # trainer settings (data and max_steps unused)

    def problems(self) -> list[str]:
        """Names and ranges the builder cannot check, as `key: problem` (empty when valid)."""
        problems = []
        bad = [t for t in self.task_types if t not in TASK_TYPES]
        if bad or not self.task_types:
            problems.append(f"task_types: must be a non-empty list of {', '.join(TASK_TYPES)} (got {bad or '[]'})")
        if self.baseline not in BASELINES:
            problems.append(f"baseline: must be one of {', '.join(BASELINES)}, not {self.baseline!r}")
        for name in ("rounds", "steps_per_round", "solver_samples", "trace_cycles"):
            if getattr(self, name) < 1:
                problems.append(f"{name}: must be at least 1 (got {getattr(self, name)})")
        for name in ("solver_prompts", "proposer_prompts", "references", "seed_limit"):
            if getattr(self, name) < 0:
                problems.append(f"{name}: must be >= 0 (got {getattr(self, name)})")
        if self.solver_prompts + self.proposer_prompts < self.rl.prompts_per_step:
            problems.append(f"solver_prompts + proposer_prompts ({self.solver_prompts} + {self.proposer_prompts}) "
                            f"must hold at least rl.prompts_per_step ({self.rl.prompts_per_step}) rows")
        v = self.validation
        if len(v.seeds) < 2 or len(set(v.seeds)) != len(v.seeds):
            problems.append(f"validation: seeds: needs at least two distinct seeds (got {v.seeds})")
        if v.cycles < 1 or v.timeout <= 0 or v.max_golden_chars < 1:
            problems.append("validation: cycles, timeout and max_golden_chars must be positive")
        return problems


@dataclass
class SelfPlayRecipe:
    model: ModelSettings = field(default_factory=ModelSettings)
    selfplay: SelfPlaySettings = field(default_factory=SelfPlaySettings)


def validate(settings: SelfPlaySettings, where: str = "selfplay") -> SelfPlaySettings:
    """`settings` again after command-line overrides; a ConfigError names `where` and the first bad key."""
    problems = settings.problems()
    if problems:
        raise ConfigError(where, problems[0])
    return settings


def load_selfplay_recipe(path: str | Path) -> SelfPlayRecipe:
    """The recipe in a YAML file, validated when built."""
    return load(SelfPlayRecipe, path)
