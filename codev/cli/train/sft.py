"""`codev train sft`: distil reasoning traces into a causal LM (TRL SFTTrainer)."""
from __future__ import annotations

import argparse

from codev.cli.train.common import add_recipe_args, run_stage


def register(sub) -> None:
    p = sub.add_parser("sft", help="supervised fine-tuning on SFT rows (loss on the assistant turn)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev train sft --config configs/tiny_cpu.yaml --data runs/gen/sft.jsonl "
                              "--output-dir runs/sft")
    add_recipe_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.train.sft import run_sft

    return run_stage(args, "sft", run_sft)
