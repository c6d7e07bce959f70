"""`codev synth reason`: a reasoning model writes the <think> of generator items; only answers the checker
finds equivalent to the golden are kept (DIR/sft.jsonl, plus kept.jsonl / dropped.jsonl as every stage)."""
from __future__ import annotations

import argparse
import json

from codev.errors import UsageError

from codev.cli.synth.common import add_common, config_of, generator_items, run_item_stage

EXAMPLE = "codev synth reason --input runs/gen --config my_reason.yaml --out runs/reason"


def register(sub) -> None:
    text = "a reasoning model writes the <think> for generator items; keep answers the checker finds equivalent"
    p = sub.add_parser("reason", help=text, description=text + ". --input is a generator output folder (or its "
                       "rl.jsonl); the config's reason.llm names the model. Writes DIR/sft.jsonl; a rerun resumes.",
                       epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.synth.checking import Checker
    from codev.synth.outputs import write_jsonl
    from codev.synth.pipeline import llm
    from codev.synth.reason import Reasoner, sft_of
    from codev.synth.store import read_items

    if args.config is None:
        raise UsageError("--config CFG.yaml is needed: its reason.llm: section names the reasoning model")
    config = config_of(args)
    if config.reason.llm is None:
        raise UsageError(f"{args.config}: reason.llm is missing: set it to an endpoint, e.g. "
                         "{kind: openai, base_url: URL, model: NAME} (api_key: or $OPENAI_API_KEY)")
    generator_items(args)
    with Checker(config.jobs) as checker:
        status = run_item_stage(args, Reasoner(llm(args.out, "reason", config.reason.llm), config.reason.samples,
                                               config.checker, checker))
    written = write_jsonl(args.out / "sft.jsonl", (sft_of(item).to_row() for item in read_items(args.out / "kept.jsonl")))
    print(json.dumps({"sft": written}))
    return status
