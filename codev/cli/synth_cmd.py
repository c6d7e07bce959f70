"""`codev synth STAGE`: verified dataset synthesis, one module per stage under codev.synth."""
from __future__ import annotations

from .stages import register_staged

# stage name -> module defining register(subparsers) and run(args)
STAGES = {
    "generate": "codev.synth.generator.cli",
    "run": "codev.synth.commands.run",
    "ingest": "codev.synth.commands.ingest",
    "filter": "codev.synth.commands.filter",
    "dedup": "codev.synth.commands.dedup",
    "decontam": "codev.synth.commands.decontam",
    "degenerate": "codev.synth.commands.degenerate",
    "roundtrip": "codev.synth.commands.roundtrip",
    "difficulty": "codev.synth.commands.difficulty",
    "reason": "codev.synth.commands.reason",
    "calibrate": "codev.synth.commands.calibrate",
    "export-replay": "codev.synth.commands.export_replay",
}


def register(sub) -> None:
    register_staged(sub, "synth", "synthesise verified Verilog datasets", STAGES,
                    epilog="example:\n  codev synth generate --n 100 --seed 0 --out runs/gen")
