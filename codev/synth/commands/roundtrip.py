"""`codev synth roundtrip`: round trip on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from .common import run_llm_stage
from .stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "roundtrip", "code -> spec -> code with the config's LLM; keep pairs the checker finds equivalent",
            "codev synth roundtrip --input runs/decontam/kept.jsonl --config configs/synth_default.yaml --out runs/rt",
            run)


def run(args) -> int:
    from ..roundtrip import RoundTrip

    return run_llm_stage(args, "roundtrip", lambda config, llm, checker: RoundTrip(llm, config.checker, checker))
