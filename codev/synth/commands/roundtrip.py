"""`codev synth roundtrip`: round trip on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from .common import config_of, run_item_stage
from .stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "roundtrip", "code -> spec -> code with the config's LLM; keep pairs the checker finds equivalent",
            "codev synth roundtrip --input runs/decontam/kept.jsonl --config configs/synth_default.yaml --out runs/rt",
            run)


def run(args) -> int:
    from ..checking import Checker
    from ..pipeline import llm
    from ..roundtrip import RoundTrip

    config = config_of(args, needs_llm=True)
    with Checker(config.jobs) as checker:
        return run_item_stage(args, RoundTrip(llm(args.out, "roundtrip", config.roundtrip.llm), config.checker, checker))
