"""Training recipes: one dataclass per stage, loaded from YAML by codev/config.py and validated when built.

A recipe file may hold `sft:` and `rl:` sections (plus `model:`, shared); each stage reads its own section.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codev.config import load
from codev.errors import ConfigError  # noqa: F401 (re-exported: the train modules raise it from here)

from .reward import RewardSettings


@dataclass
class ModelSettings:
    """Which causal LM to start from. `tiny` builds codev's offline tiny Llama (codev/llm/tiny.py)."""
    path: str = "tiny"
    tiny_hidden: int = 32          # only for path: tiny (a bigger tiny model for the RL-gain benchmark)
    tiny_layers: int = 2
    tiny_vocab: int = 512
    dtype: str = "float32"
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])


@dataclass
class RunSettings:
    """What every training stage shares (Trainer arguments)."""
    save_steps: int = 50
    logging_steps: int = 5
    seed: int = 0
    bf16: bool = False
    use_cpu: bool = True
    gradient_checkpointing: bool = False
    deepspeed: str | None = None   # a DeepSpeed JSON; ZeRO-3 runs usually come from an accelerate config


@dataclass
class SFTSettings(RunSettings):
    data: str = ""                 # sft.jsonl, or a folder with sft.jsonl / an HF `datasets` save
    output_dir: str = "runs/sft"
    max_steps: int = 60
    epochs: float = 1.0
    learning_rate: float = 1e-3
    batch_size: int = 8
    grad_accum: int = 1
    max_length: int = 1024
    packing: bool = False
    warmup_ratio: float = 0.0
    lr_scheduler: str = "linear"   # any transformers SchedulerType name (linear, cosine, constant, ...)
    max_truncated_share: float = 0.1  # warn (and flag in `codev train report`) above this share of cut rows
    max_seconds: float = 0.0       # > 0: stop after this much training wall time (compute-matched controls)

    def problems(self) -> list[str]:
        return check_sft(self)


@dataclass
class SamplingSettings:
    """Dynamic sampling with CodeV-R1's adaptive batch sizing."""
    dynamic: bool = True           # drop groups whose rewards are all equal
    adaptive: bool = True          # prompts per round = still needed / running keep ratio
    max_rounds: int = 4            # generation rounds per step before the fallback
    fallback: str = "keep"         # keep | pad_best_variance (see algorithm.plan_batch)
    initial_keep_ratio: float = 1.0
    min_keep_ratio: float = 0.1
    max_prompts_factor: int = 8    # a round samples at most this many times the batch's prompts
    min_spread: float = 1e-6       # a group is kept when its rewards' std exceeds this (graded: set ~0.05)


@dataclass
class RLSettings(RunSettings):
    data: str = ""                 # rl.jsonl, or a folder with rl.jsonl / an HF `datasets` save
    output_dir: str = "runs/rl"
    max_steps: int = 20            # optimizer steps
    learning_rate: float = 1e-5
    lr_scheduler: str = "constant"  # transformers SchedulerType name; TRL's default (linear) decays to 0
    warmup_ratio: float = 0.0      # < 1: fraction of max_steps; >= 1: steps
    prompts_per_step: int = 4      # groups per optimizer step (over all processes)
    num_generations: int = 4       # G completions per prompt
    steps_per_generation: int = 1  # optimizer steps per rollout batch (a rollout holds this many steps' groups)
    num_iterations: int = 1        # passes over each rollout batch (> 1: the ratio moves and clipping acts)
    grad_accum: int = 1
    max_completion_length: int = 256
    temperature: float = 1.0       # rollout sampling temperature
    eval_temperature: float = 0.5  # held-out scoring (bench/rl_gain.py, `codev train mix`)
    top_p: float = 1.0
    epsilon: float = 0.2           # clip low
    epsilon_high: float = 0.28     # clip higher (DAPO)
    beta: float = 0.0              # KL to the reference (DAPO: none)
    entropy_coef: float = 0.0      # entropy bonus in the loss
    scale_rewards: str = "group"   # group | batch | none
    advantage_std_floor: float = 0.1  # advantages divide by max(std, floor): near-equal rewards stay ~0
    stall_steps: int = 3           # stop after this many rollouts in a row all clipped or none checked (0: never)
    mask_truncated: bool = True    # DAPO overlong filtering
    overlong_buffer: int = 0       # >0: DAPO soft overlong punishment over the last N tokens
    overlong_weight: float = 1.0
    use_vllm: str = "auto"         # auto (when installed) | true | false
    vllm_mode: str = "colocate"
    mixture: dict[str, float] = field(default_factory=dict)  # source prefix -> sampling weight
    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    reward: RewardSettings = field(default_factory=RewardSettings)
    save_steps: int = 10
    logging_steps: int = 1

    def problems(self) -> list[str]:
        return check_rl(self)


SCHEDULERS = ("linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
              "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr", "warmup_stable_decay")


def check_rl(rl: RLSettings) -> list[str]:
    """What a recipe's RL section gets wrong, as `key: problem` strings (empty when valid)."""
    problems = []
    if rl.stall_steps < 0:
        problems.append(f"stall_steps: must be >= 0 (0: never stop), got {rl.stall_steps}")
    for name in ("steps_per_generation", "num_iterations", "num_generations", "prompts_per_step", "grad_accum"):
        if getattr(rl, name) < 1:
            problems.append(f"{name}: must be at least 1, got {getattr(rl, name)}")
    if rl.lr_scheduler not in SCHEDULERS:
        problems.append(f"lr_scheduler: {rl.lr_scheduler!r} is not one of {', '.join(SCHEDULERS)}")
    for name in ("temperature", "eval_temperature"):
        if getattr(rl, name) <= 0:
            problems.append(f"{name}: must be > 0, got {getattr(rl, name)}")
    for name in ("beta", "advantage_std_floor", "warmup_ratio", "entropy_coef"):
        if getattr(rl, name) < 0:
            problems.append(f"{name}: must be >= 0, got {getattr(rl, name)}")
    if not 0 <= rl.epsilon < 1 or rl.epsilon_high < 0:
        problems.append(f"epsilon/epsilon_high: need 0 <= epsilon < 1 and epsilon_high >= 0 "
                        f"(got {rl.epsilon}, {rl.epsilon_high})")
    if rl.scale_rewards not in ("group", "batch", "none"):
        problems.append(f"scale_rewards: must be group, batch or none, not {rl.scale_rewards!r}")
    if rl.sampling.fallback not in ("keep", "pad_best_variance"):
        problems.append(f"sampling: fallback: must be keep or pad_best_variance, not {rl.sampling.fallback!r}")
    return problems + [f"reward: {problem}" for problem in rl.reward.problems()]


def check_sft(sft: SFTSettings) -> list[str]:
    problems = []
    if sft.lr_scheduler not in SCHEDULERS:
        problems.append(f"lr_scheduler: {sft.lr_scheduler!r} is not one of {', '.join(SCHEDULERS)}")
    if not 0 <= sft.max_truncated_share <= 1:
        problems.append(f"max_truncated_share: must be within [0, 1], got {sft.max_truncated_share}")
    return problems


@dataclass
class Recipe:
    model: ModelSettings = field(default_factory=ModelSettings)
    sft: SFTSettings = field(default_factory=SFTSettings)
    rl: RLSettings = field(default_factory=RLSettings)


def trainer_kwargs(run: RunSettings, model: ModelSettings, output_dir: str, report_to: list[str]) -> dict:
    """TrainingArguments fields common to the SFT and GRPO configs."""
    return dict(output_dir=output_dir, save_steps=run.save_steps, logging_steps=run.logging_steps, seed=run.seed,
                bf16=run.bf16, use_cpu=run.use_cpu, deepspeed=run.deepspeed,
                gradient_checkpointing=run.gradient_checkpointing,  # TRL defaults it to True
                dataloader_num_workers=0, report_to=report_to, model_init_kwargs={"dtype": model.dtype},
                save_total_limit=2)


def load_recipe(path: str | Path) -> Recipe:
    """The recipe in a YAML file, validated (each stage's section checks itself when built)."""
    return load(Recipe, path)
