"""`codev train selfplay`: rounds of propose -> validate -> solve on one policy (adaptive DAPO + the checker)."""
from __future__ import annotations

import argparse

from codev.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("selfplay", help="self-play: the model proposes Verilog tasks, the checker validates them, "
                                        "the model solves them",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev train selfplay --config configs/selfplay_tiny_cpu.yaml "
                              "--seed-data runs/gen --model runs/tiny/sft/final")
    p.add_argument("--config", required=True, help="YAML recipe with model: and selfplay: sections")
    p.add_argument("--seed-data", help="generator output (rl.jsonl or its folder) seeding the task buffer")
    p.add_argument("--model", help="starting model folder (overrides model.path; `tiny` builds one)")
    p.add_argument("--output-dir", help="run folder: tasks.jsonl, proposals.jsonl, metrics.jsonl, round-NNN/")
    p.add_argument("--rounds", type=int, help="self-play rounds")
    p.add_argument("--no-resume", action="store_true", help="refuse to continue an existing run folder")
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    from codev.train.config import ConfigError
    from codev.train.dapo_trainer import TrainingStalled
    from codev.train.selfplay.config import load_selfplay_recipe, validate
    from codev.train.selfplay.loop import run_selfplay

    try:
        recipe = load_selfplay_recipe(args.config)
        s = recipe.selfplay
        if args.seed_data:
            s.seed_data = args.seed_data
        if args.output_dir:
            s.output_dir = args.output_dir
        if args.rounds is not None:
            s.rounds = args.rounds
        if args.model:
            recipe.model.path = args.model
        validate(s, f"{args.config}: selfplay")
        final = run_selfplay(s, recipe.model, resume=not args.no_resume)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    except TrainingStalled as exc:  # a round without any learning signal (rl.stall_steps)
        print(f"codev train selfplay: error: {exc}", file=sys.stderr)
        return 1
    print(f"selfplay: model saved to {final}; report {s.output_dir}/selfplay.md")
    return 0
