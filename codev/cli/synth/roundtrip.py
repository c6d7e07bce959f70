"""`codev synth roundtrip`: round trip on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from codev.cli.synth.common import run_llm_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "roundtrip", "code -> spec -> code with the config's LLM; keep pairs the checker finds equivalent",
            "codev synth roundtrip --input runs/decontam/kept.jsonl --config configs/synth_default.yaml --out runs/rt",
            run)


def run(args) -> int:
    from codev.synth.roundtrip import RoundTrip

    from codev.synth.pipeline import llm as cached

    def build(config, spec_writer, checker):
        solver = cached(args.out, "solver", config.solver_llm()) if config.roundtrip.solver_llm else None
        return RoundTrip(spec_writer, config.checker, checker, solver)

    return run_llm_stage(args, "roundtrip", build)
