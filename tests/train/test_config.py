"""Every training recipe in configs/ builds its config objects (the GPU recipes are validated, not run)."""
from __future__ import annotations

from pathlib import Path

import pytest

from codev.config import read_mapping

from codev.train.config import ConfigError, load_recipe
from codev.train.rl import batch_layout, checker_options, grpo_config
from codev.train.sft import sft_config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
RECIPES = ["tiny_cpu.yaml", "small_cpu.yaml", "small_cpu_anneal.yaml", "gpu_small.yaml", "codev_r1_7b.yaml", "rl_one_shot.yaml"]
PROCESSES = {"codev_r1_7b.yaml": 8}


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_builds(name, monkeypatch):
    recipe = load_recipe(CONFIGS / name)
    processes = PROCESSES.get(name, 1)
    if not recipe.rl.use_cpu:  # GPU recipes: validate as on a bf16-capable GPU (only the hardware probe is faked)
        import transformers.training_args as targs
        monkeypatch.setattr(targs, "is_torch_bf16_gpu_available", lambda: True)
    sft = sft_config(recipe.sft, recipe.model, ["none"])
    assert sft.completion_only_loss is True
    grpo = grpo_config(recipe.rl, recipe.model, processes, ["none"])
    assert grpo.loss_type == "dapo" and grpo.epsilon_high == recipe.rl.epsilon_high
    rollout = recipe.rl.prompts_per_step * recipe.rl.num_generations * recipe.rl.steps_per_generation
    # TRL sizes the generation batch with the processes present when the config is built (1 here)
    assert grpo.generation_batch_size * processes == rollout
    assert grpo.num_iterations == recipe.rl.num_iterations and grpo.lr_scheduler_type == recipe.rl.lr_scheduler
    assert grpo.beta == recipe.rl.beta and grpo.temperature == recipe.rl.temperature
    per_process = rollout // processes // recipe.rl.steps_per_generation
    assert per_process % recipe.rl.num_generations == 0  # whole groups on every process
    assert grpo.per_device_train_batch_size * grpo.gradient_accumulation_steps == per_process
    assert checker_options(recipe.rl.reward).cycles == recipe.rl.reward.cycles


def test_paper_recipe_matches_the_paper_batch():
    recipe = load_recipe(CONFIGS / "codev_r1_7b.yaml")
    assert recipe.rl.prompts_per_step * recipe.rl.num_generations * recipe.rl.steps_per_generation == 2048
    assert (recipe.rl.epsilon, recipe.rl.epsilon_high) == (0.2, 0.28)
    assert recipe.rl.beta == 0.0 and recipe.rl.temperature == 1.0 and recipe.rl.reward.mode == "binary"
    assert recipe.rl.steps_per_generation > 1  # several optimizer steps per rollout: clip-higher acts
    assert recipe.rl.lr_scheduler == "constant_with_warmup"
    zero3 = read_mapping(CONFIGS / "accelerate_zero3.yaml")
    assert zero3["distributed_type"] == "DEEPSPEED" and zero3["deepspeed_config"]["zero_stage"] == 3
    assert zero3["num_processes"] == PROCESSES["codev_r1_7b.yaml"]


def test_recipe_errors_name_the_key(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("rl:\n  sampling:\n    max_round: 3\n")
    with pytest.raises(ConfigError, match=r"r.yaml: rl: sampling: unknown key\(s\) max_round"):
        load_recipe(bad)
    bad.write_text("rl:\n  reward:\n    checker: {cycels: 3}\n")
    with pytest.raises(ConfigError, match="cycels"):
        checker_options(load_recipe(bad).rl.reward)
    recipe = load_recipe(CONFIGS / "tiny_cpu.yaml")
    recipe.rl.prompts_per_step = 3
    with pytest.raises(ConfigError, match="multiple of the 2 processes"):
        batch_layout(recipe.rl, 2)


@pytest.mark.parametrize("body, key", [
    ("rl:\n  num_iterations: 0\n", "num_iterations"),
    ("rl:\n  steps_per_generation: 0\n", "steps_per_generation"),
    ("rl:\n  lr_scheduler: linar\n", "lr_scheduler"),
    ("rl:\n  temperature: 0\n", "temperature"),
    ("rl:\n  beta: -0.1\n", "beta"),
    ("rl:\n  advantage_std_floor: -1\n", "advantage_std_floor"),
    ("rl:\n  reward:\n    mode: partial\n", "mode"),
    ("rl:\n  reward:\n    graded: true\n", "graded"),  # the old switch: unknown key, names the new one
    ("sft:\n  lr_scheduler: nope\n", "lr_scheduler"),
])
def test_recipe_controls_are_validated(tmp_path, body, key):
    bad = tmp_path / "r.yaml"
    bad.write_text(body)
    with pytest.raises(ConfigError, match=f"r.yaml: .*{key}"):
        load_recipe(bad)


def test_rollout_layout_with_several_steps_per_generation():
    recipe = load_recipe(CONFIGS / "tiny_cpu.yaml")
    recipe.rl.prompts_per_step, recipe.rl.num_generations, recipe.rl.steps_per_generation = 2, 4, 3
    recipe.rl.num_iterations, recipe.rl.grad_accum = 2, 2
    grpo = grpo_config(recipe.rl, recipe.model, 1, ["none"])
    assert grpo.generation_batch_size == 24  # 3 optimizer steps of 2 groups of 4
    assert grpo.per_device_train_batch_size == 4 and grpo.steps_per_generation == 6  # micro-batches
    assert grpo.num_iterations == 2
