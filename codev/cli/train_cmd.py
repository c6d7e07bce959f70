"""`codev train STAGE`: SFT, adaptive DAPO RL and run reports, one module per stage under codev.train."""
from __future__ import annotations

from .stages import register_staged

# stage name -> module defining register(subparsers) and run(args)
STAGES = {
    "sft": "codev.train.sft_cli",
    "rl": "codev.train.rl_cli",
    "report": "codev.train.report_cli",
    "mix": "codev.train.mix_cli",
    "selfplay": "codev.train.selfplay.cli",
}


def register(sub) -> None:
    register_staged(sub, "train", "distill (SFT) and train with adaptive DAPO", STAGES,
                    epilog="example:\n  codev train sft --config configs/tiny_cpu.yaml")
