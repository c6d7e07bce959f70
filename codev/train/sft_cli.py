"""`codev train sft`: distil reasoning traces into a causal LM (TRL SFTTrainer)."""
from __future__ import annotations

import argparse

from codev.cli import UsageError

from .cli_common import add_recipe_args, recipe_from_args
from .config import ConfigError


def register(sub) -> None:
    p = sub.add_parser("sft", help="supervised fine-tuning on SFT rows (loss on the assistant turn)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev train sft --config configs/tiny_cpu.yaml --data runs/gen/sft.jsonl "
                              "--output-dir runs/sft")
    add_recipe_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .sft import run_sft

    recipe = recipe_from_args(args, "sft")
    try:
        final = run_sft(recipe.sft, recipe.model, resume=not args.no_resume)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    print(f"sft: model saved to {final}")
    return 0
