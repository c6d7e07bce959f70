"""`codev synth STAGE`: verified dataset synthesis, one module per stage under codev.synth."""
from __future__ import annotations

from .stages import register_staged

# stage name -> module defining register(subparsers) and run(args)
STAGES = {
    "generate": "codev.synth.generator.cli",
}


def register(sub) -> None:
    register_staged(sub, "synth", "synthesise verified Verilog datasets", STAGES,
                    epilog="example:\n  codev synth generate --n 100 --seed 0 --out runs/gen")
