"""`codev synth difficulty`: difficulty filter on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from .common import run_llm_stage
from .stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "difficulty", "k base-model samples per round-trip item; keep the failed ones for RL",
            "codev synth difficulty --input runs/rt/kept.jsonl --config configs/synth_default.yaml --out runs/diff",
            run)


def run(args) -> int:
    from ..difficulty import DifficultyFilter

    return run_llm_stage(args, "difficulty", lambda config, llm, checker: DifficultyFilter(
        llm, config.difficulty.k, config.difficulty.max_passes, config.checker, checker))
