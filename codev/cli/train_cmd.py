"""`codev train STAGE`: SFT, adaptive DAPO RL and run reports, one command module per stage under codev/cli/train/."""
from __future__ import annotations

from .stages import register_staged

# stage name -> module defining register(subparsers) and run(args)
STAGES = {
    "sft": "codev.cli.train.sft",
    "rl": "codev.cli.train.rl",
    "report": "codev.cli.train.report",
    "mix": "codev.cli.train.mix",
    "selfplay": "codev.cli.train.selfplay",
}


def register(sub) -> None:
    register_staged(sub, "train", "distill (SFT) and train with adaptive DAPO", STAGES,
                    epilog="example:\n  codev train sft --config configs/tiny_cpu.yaml")
