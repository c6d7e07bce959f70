"""`codev synth difficulty`: difficulty filter on a JSONL of items (kept.jsonl, dropped.jsonl), or on a generator
output (its folder or rl.jsonl): the same filter, and DIR/rl.jsonl holds the generator items kept for RL with
their pass counts and their family and level's measured pass rate (DIR/calibration.yaml)."""
from __future__ import annotations

import json

from codev.cli.synth.common import generator_items, is_generator_output, run_llm_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "difficulty", "k base-model samples per round-trip or generator item; keep the failed ones "
                 "for RL", "codev synth difficulty --input runs/rt/kept.jsonl --config configs/synth_default.yaml "
                 "--out runs/diff", run)


def run(args) -> int:
    from codev.synth.calibrate import measure, write
    from codev.synth.difficulty import DifficultyFilter
    from codev.synth.outputs import write_jsonl
    from codev.synth.pipeline import describe_llm
    from codev.synth.reason import rl_of
    from codev.synth.store import StageFile

    generated = is_generator_output(args.input)
    if generated:
        generator_items(args)
    chosen = {}

    def build(config, llm, checker):
        chosen["config"] = config
        return DifficultyFilter(llm, config.difficulty.k, config.difficulty.max_passes, config.checker, checker)

    status = run_llm_stage(args, "difficulty", build)
    if generated and "config" in chosen:
        config = chosen["config"]
        checkpoint = StageFile(args.out / "checkpoint.jsonl")
        measured = measure(checkpoint.records(), describe_llm(config.difficulty_llm()), config.difficulty.k)
        write(measured, args.out / "calibration.yaml")
        rows = write_jsonl(args.out / "rl.jsonl", (rl_of(item, measured.rate_of_item(item)).to_row()
                                                   for item in checkpoint.kept_items()))
        print(json.dumps({"rl": rows, "calibration": str(args.out / "calibration.yaml")}))
    return status
