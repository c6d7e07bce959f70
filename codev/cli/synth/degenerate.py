"""`codev synth degenerate`: the degenerate screen on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from codev.cli.synth.common import config_of, run_item_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "degenerate", "drop items that would teach nothing: constant outputs, unused inputs, outputs "
                 "that never toggle in the golden's own simulation",
                 "codev synth degenerate --input runs/decontam/kept.jsonl --out runs/degenerate", run)


def run(args) -> int:
    from codev.synth.checking import Checker
    from codev.synth.degenerate_stage import DegenerateScreen

    config = config_of(args)
    with Checker(config.jobs) as checker:
        return run_item_stage(args, DegenerateScreen(config.degenerate, config.checker, checker))
