"""The self-play recipe: `model:` (shared with SFT/RL) and `selfplay:`, whose `rl:` section is an RL recipe's.

Loaded with the training recipes' own builder (`codev.train.config.build`), so unknown or mistyped keys are
the same one-line errors; `validate` then checks what the builder cannot (names, ranges).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


from ..config import ConfigError, ModelSettings, RLSettings, build, read_recipe_yaml
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


@dataclass
class SelfPlayRecipe:
    model: ModelSettings = field(default_factory=ModelSettings)
    selfplay: SelfPlaySettings = field(default_factory=SelfPlaySettings)


def validate(settings: SelfPlaySettings, where: str = "selfplay") -> SelfPlaySettings:
    bad = [t for t in settings.task_types if t not in TASK_TYPES]
    if bad or not settings.task_types:
        raise ConfigError(f"{where}: task_types must be a non-empty list of {', '.join(TASK_TYPES)} (got {bad or '[]'})")
    if settings.baseline not in BASELINES:
        raise ConfigError(f"{where}: baseline must be one of {', '.join(BASELINES)}, not {settings.baseline!r}")
    for name in ("rounds", "steps_per_round", "solver_samples", "trace_cycles"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{where}: {name} must be at least 1 (got {getattr(settings, name)})")
    for name in ("solver_prompts", "proposer_prompts", "references", "seed_limit"):
        if getattr(settings, name) < 0:
            raise ConfigError(f"{where}: {name} must be >= 0 (got {getattr(settings, name)})")
    if settings.solver_prompts + settings.proposer_prompts < settings.rl.prompts_per_step:
        raise ConfigError(f"{where}: solver_prompts + proposer_prompts ({settings.solver_prompts} + "
                          f"{settings.proposer_prompts}) must hold at least rl.prompts_per_step "
                          f"({settings.rl.prompts_per_step}) rows")
    v = settings.validation
    if len(v.seeds) < 2 or len(set(v.seeds)) != len(v.seeds):
        raise ConfigError(f"{where}: validation.seeds needs at least two distinct seeds (got {v.seeds})")
    if v.cycles < 1 or v.timeout <= 0 or v.max_golden_chars < 1:
        raise ConfigError(f"{where}: validation.cycles, timeout and max_golden_chars must be positive")
    return settings


def load_selfplay_recipe(path: str | Path) -> SelfPlayRecipe:
    recipe = build(SelfPlayRecipe, read_recipe_yaml(path), str(path))
    validate(recipe.selfplay, f"{path}: selfplay")
    return recipe
