"""`codev train rl`: adaptive DAPO with the equivalence reward (TRL GRPOTrainer + testbench_gen)."""
from __future__ import annotations

import argparse

from codev.cli.train.common import add_recipe_args, run_stage


def register(sub) -> None:
    p = sub.add_parser("rl", help="adaptive DAPO on RL rows, reward = format AND checker verdict",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  codev train rl --config configs/tiny_cpu.yaml --data runs/gen/rl.jsonl "
                              "--model runs/sft/final\n  accelerate launch --num_processes 2 --cpu -m codev train rl "
                              "--config configs/tiny_cpu.yaml")
    add_recipe_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.train.rl import run_rl

    return run_stage(args, "rl", run_rl)
