"""`codev train mix`: search per-source RL data mixtures, scored on held-out generated problems."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from codev.errors import UsageError

from codev.cli.train.common import add_recipe_args, recipe_from_args
from codev.train.config import ConfigError


def register(sub) -> None:
    p = sub.add_parser("mix", help="search RL data mixtures over sources (short RL run + held-out pass@1 each)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev train mix --config configs/tiny_cpu.yaml --data runs/gen "
                              "--heldout runs/gen-heldout --model runs/tiny/sft/final --candidates 4")
    add_recipe_args(p)
    p.add_argument("--heldout", required=True, help="held-out RL rows (a folder with rl.jsonl, or a .jsonl)")
    p.add_argument("--candidates", type=int, default=4, help="mixtures to try (the first is uniform)")
    p.add_argument("--samples", type=int, default=4, help="samples per held-out problem")
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.train.checker_client import RewardChecker
    from codev.train.data import load_rl
    from codev.train.mixture import candidate_mixtures, rl_then_score, search_mixtures
    from codev.train.rl import checker_options

    recipe = recipe_from_args(args, "rl")
    if args.candidates < 1:
        raise UsageError(f"--candidates must be at least 1, got {args.candidates}")
    try:
        sources = sorted(set(load_rl(recipe.rl.data)["source"]))
        heldout = list(load_rl(args.heldout))
        out = Path(recipe.rl.output_dir)
        candidates = candidate_mixtures(sources, args.candidates, seed=recipe.rl.seed)
        with RewardChecker(checker_options(recipe.rl.reward), recipe.rl.reward.workers,
                           recipe.rl.reward.deadline, recipe.rl.reward.ray) as checker:
            best, records = search_mixtures(candidates, rl_then_score(recipe, heldout, out, checker, args.samples),
                                            out / "mixtures.jsonl")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for r in records:
        print(f"mixture {r['index']}: pass@1 {r['pass_at_1']:.3f}  {json.dumps(r['mixture'])}")
    print(f"best mixture (set rl.mixture in the recipe): {json.dumps(best)}")
    return 0
