"""`codev synth filter`: static filters on a JSONL of items (kept.jsonl, dropped.jsonl)."""
from __future__ import annotations

from codev.cli.synth.common import config_of, run_item_stage
from codev.cli.synth.stage_parser import stage_parser


def register(sub) -> None:
    stage_parser(sub, "filter", "static filters: size, pyslang parse, interface (inputs and outputs), Icarus compile",
            "codev synth filter --input runs/ingest/items.jsonl --out runs/filter", run)


def run(args) -> int:
    from codev.synth.static_filters import StaticFilter

    config = config_of(args)
    return run_item_stage(args, StaticFilter(config.filters, config.jobs))
