"""`codev synth decontam`: decontamination on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

import sys
from pathlib import Path

from codev.errors import UsageError

from codev.cli.synth.common import bench_root_of, config_of, run_item_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    p = stage_parser(sub, "decontam", "drop items that copy a benchmark problem by text or by function",
                "codev synth decontam --input items.jsonl --out runs/decontam --bench-root ../shared/benchmarks",
                run)
    p.add_argument("--bench-root", type=Path, help="benchmarks folder (default: config, $CODEV_BENCH_ROOT)")


def run(args) -> int:
    from codev.eval.benchmarks import BenchmarkError

    from codev.synth.checking import Checker
    from codev.synth.decontam import BenchmarkIndex, Decontaminator

    config = config_of(args)
    try:
        index = BenchmarkIndex(bench_root_of(args.bench_root, config), config.decontam)
    except BenchmarkError as exc:
        raise UsageError(str(exc)) from None

    def dropped(record: dict) -> dict:
        found = record["item"]["data"].get("contamination", {})
        return {"id": record["id"], "reason": record["reason"], "benchmark": found.get("benchmark", ""),
                "problem": found.get("problem", "")}

    with Checker(config.jobs) as checker:
        stage = Decontaminator(index, config.checker, checker)
        status = run_item_stage(args, stage, dropped)
    print(f"codev synth decontam: {stage.stats.describe()}", file=sys.stderr)
    return status
