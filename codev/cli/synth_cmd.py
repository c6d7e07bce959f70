"""`codev synth STAGE`: verified dataset synthesis, one command module per stage under codev/cli/synth/."""
from __future__ import annotations

from .stages import register_staged

# stage name -> module defining register(subparsers) and run(args)
STAGES = {
    "generate": "codev.cli.synth.generate",
    "run": "codev.cli.synth.run",
    "ingest": "codev.cli.synth.ingest",
    "filter": "codev.cli.synth.filter",
    "dedup": "codev.cli.synth.dedup",
    "decontam": "codev.cli.synth.decontam",
    "degenerate": "codev.cli.synth.degenerate",
    "roundtrip": "codev.cli.synth.roundtrip",
    "difficulty": "codev.cli.synth.difficulty",
    "reason": "codev.cli.synth.reason",
    "calibrate": "codev.cli.synth.calibrate",
    "export-replay": "codev.cli.synth.export_replay",
}


def register(sub) -> None:
    register_staged(sub, "synth", "synthesise verified Verilog datasets", STAGES,
                    epilog="example:\n  codev synth generate --n 100 --seed 0 --out runs/gen")
