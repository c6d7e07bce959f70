"""What `codev train sft` and `codev train rl` share: the recipe flags and their overrides."""
from __future__ import annotations

import argparse

from codev.errors import UsageError

from codev.train.config import ConfigError, Recipe, load_recipe


def add_recipe_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="YAML recipe (configs/tiny_cpu.yaml, ...)")
    p.add_argument("--data", help="dataset: a .jsonl of rows or a folder holding sft.jsonl / rl.jsonl")
    p.add_argument("--model", help="starting model folder (overrides model.path; `tiny` builds one)")
    p.add_argument("--output-dir", help="run folder: checkpoints, metrics.jsonl, tensorboard/, final/")
    p.add_argument("--max-steps", type=int, help="optimizer steps")
    p.add_argument("--no-resume", action="store_true", help="start over even when checkpoints exist")


def recipe_from_args(args, stage: str) -> Recipe:
    """The recipe with command-line overrides applied to the stage's section."""
    try:
        recipe = load_recipe(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    section = getattr(recipe, stage)
    if args.data:
        section.data = args.data
    if args.output_dir:
        section.output_dir = args.output_dir
    if args.max_steps is not None:
        if args.max_steps < 1:
            raise UsageError(f"--max-steps must be at least 1, got {args.max_steps}")
        section.max_steps = args.max_steps
    if args.model:
        recipe.model.path = args.model
    return recipe


def run_stage(args, stage: str, runner) -> int:
    """Run `runner(section, model_settings, resume=...)` for a stage; recipe problems become UsageErrors,
    a run without any learning signal (TrainingStalled) one error line and exit status 1."""
    import sys

    from codev.train.dapo_trainer import TrainingStalled

    recipe = recipe_from_args(args, stage)
    try:
        final = runner(getattr(recipe, stage), recipe.model, resume=not args.no_resume)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    except TrainingStalled as exc:
        print(f"codev train {stage}: error: {exc}", file=sys.stderr)
        return 1
    print(f"{stage}: model saved to {final}")
    return 0
