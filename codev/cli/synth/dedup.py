"""`codev synth dedup`: duplicate removal on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from codev.cli.synth.common import config_of, run_item_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "dedup", "exact and near-duplicate removal (MinHash LSH, datasketch)",
            "codev synth dedup --input runs/filter/kept.jsonl --out runs/dedup", run)


def run(args) -> int:
    from codev.synth.dedup import Deduplicator

    return run_item_stage(args, Deduplicator(config_of(args).dedup))
