"""`codev train rl`: build the GRPO config, reward and checker from a recipe and run adaptive DAPO."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from transformers.trainer_utils import get_last_checkpoint

from testbench_gen import CheckOptions

from .checker_client import RewardChecker
from .config import ConfigError, ModelSettings, RLSettings, check_rl, trainer_kwargs
from .data import apply_mixture, fill_batch, load_rl
from .metrics import JsonlMetrics
from .model import load_tokenizer, lora_config, quiet_tied_head_warning, resolve_model_path
from .reward import EquivalenceReward, RewardSettings


def use_vllm(setting: str) -> bool:
    """`auto`: vLLM when it is installed, plain `generate` otherwise."""
    value = str(setting).lower()
    if value == "auto":
        return importlib.util.find_spec("vllm") is not None
    if value in ("true", "false"):
        return value == "true"
    raise ConfigError(f"rl.use_vllm must be auto, true or false, not {setting!r}")


def batch_layout(settings: RLSettings, num_processes: int) -> tuple[int, int]:
    """(generation batch, per-device train batch): one rollout feeds `steps_per_generation` optimizer steps of
    `prompts_per_step` groups each; whole groups per process."""
    completions = settings.prompts_per_step * settings.num_generations
    if settings.prompts_per_step % num_processes:
        raise ConfigError(f"rl.prompts_per_step={settings.prompts_per_step} must be a multiple of the "
                          f"{num_processes} processes")
    per_device = completions // num_processes
    if per_device % settings.grad_accum:
        raise ConfigError(f"rl: {per_device} completions per process do not split into grad_accum="
                          f"{settings.grad_accum} micro-batches")
    return completions * settings.steps_per_generation, per_device // settings.grad_accum


def grpo_config(settings: RLSettings, model: ModelSettings, num_processes: int, report_to: list[str]):
    from trl import GRPOConfig

    problems = check_rl(settings)
    if problems:
        raise ConfigError(f"rl.{problems[0]}")
    _, per_device = batch_layout(settings, num_processes)
    vllm = use_vllm(settings.use_vllm)
    return GRPOConfig(
        max_steps=settings.max_steps,
        learning_rate=settings.learning_rate,
        lr_scheduler_type=settings.lr_scheduler,
        warmup_steps=settings.warmup_ratio,  # a float < 1 is a fraction of the steps
        per_device_train_batch_size=per_device,
        gradient_accumulation_steps=settings.grad_accum,
        # TRL counts micro-batches: a rollout feeds steps_per_generation optimizer steps of grad_accum each
        steps_per_generation=settings.grad_accum * settings.steps_per_generation,
        num_iterations=settings.num_iterations,
        num_generations=settings.num_generations,
        max_completion_length=settings.max_completion_length,
        temperature=settings.temperature,
        top_p=settings.top_p,
        epsilon=settings.epsilon,
        epsilon_high=settings.epsilon_high,
        beta=settings.beta,
        loss_type="dapo",
        scale_rewards=settings.scale_rewards,
        mask_truncated_completions=settings.mask_truncated,
        entropy_coef=settings.entropy_coef,
        reward_weights=[1.0] + ([settings.overlong_weight] if settings.overlong_buffer else []),
        use_vllm=vllm,
        **({"vllm_mode": settings.vllm_mode} if vllm else {}),
        log_completions=False,
        **trainer_kwargs(settings, model, settings.output_dir, report_to),
    )


def checker_options(reward: RewardSettings) -> CheckOptions:
    """The reward's checker options, or a ConfigError naming the bad `rl.reward` key (RewardSettings.problems)."""
    problems = reward.problems()
    if problems:
        raise ConfigError("rl: reward", problems[0])
    return reward.check_options()


def reward_functions(settings: RLSettings, equivalence: EquivalenceReward) -> list:
    funcs = [equivalence]
    if settings.overlong_buffer:
        from trl.rewards import get_soft_overlong_punishment

        funcs.append(get_soft_overlong_punishment(settings.max_completion_length, settings.overlong_buffer))
    return funcs


def run_rl(settings: RLSettings, model: ModelSettings, resume: bool = True,
           report_to: tuple[str, ...] = ("tensorboard",)) -> str:
    """Train and save the final policy to OUTPUT_DIR/final; resumes from the last checkpoint when present."""
    from accelerate import PartialState

    from .dapo_trainer import AdaptiveDAPOTrainer

    state = PartialState(cpu=settings.use_cpu)
    dataset = apply_mixture(load_rl(settings.data), settings.mixture, settings.seed)
    # one rollout draws prompts_per_step x steps_per_generation prompts (over all processes)
    dataset = fill_batch(dataset, settings.prompts_per_step * settings.steps_per_generation)
    texts = [m["content"] for row in dataset for m in row["prompt"]] + list(dataset["golden"])
    model_path = resolve_model_path(model, settings.output_dir, texts)
    tokenizer = load_tokenizer(model_path)
    args = grpo_config(settings, model, state.num_processes, list(report_to))
    with RewardChecker(checker_options(settings.reward), settings.reward.workers,
                       settings.reward.deadline, settings.reward.ray) as checker:
        equivalence = EquivalenceReward(checker, settings.reward)
        trainer = AdaptiveDAPOTrainer(
            model=model_path, reward_funcs=reward_functions(settings, equivalence), args=args,
            train_dataset=dataset, processing_class=tokenizer, peft_config=lora_config(model),
            callbacks=[JsonlMetrics(settings.output_dir, "rl")],
            sampling=settings.sampling, equivalence=equivalence,
            advantage_std_floor=settings.advantage_std_floor, stall_steps=settings.stall_steps,
        )
        last = get_last_checkpoint(settings.output_dir) if resume and Path(settings.output_dir).is_dir() else None
        quiet_tied_head_warning()
        trainer.train(resume_from_checkpoint=last)
    final = Path(settings.output_dir) / "final"
    trainer.save_model(str(final))
    if trainer.accelerator.is_main_process:
        tokenizer.save_pretrained(str(final))
    return str(final)
