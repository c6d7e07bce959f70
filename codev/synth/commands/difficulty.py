"""`codev synth difficulty`: difficulty filter on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from .common import config_of, run_item_stage
from .stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "difficulty", "k base-model samples per round-trip item; keep the failed ones for RL",
            "codev synth difficulty --input runs/rt/kept.jsonl --config configs/synth_default.yaml --out runs/diff",
            run)


def run(args) -> int:
    from ..checking import Checker
    from ..difficulty import DifficultyFilter
    from ..pipeline import llm

    config = config_of(args, needs_llm=True)
    with Checker(config.jobs) as checker:
        stage = DifficultyFilter(llm(args.out, "difficulty", config.difficulty_llm()), config.difficulty.k,
                                 config.difficulty.max_passes, config.checker, checker)
        return run_item_stage(args, stage)
