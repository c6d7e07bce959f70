"""`codev synth calibrate`: measure what the generator's levels mean for a model. Every item of a generator
output is sampled k times from the config's difficulty.llm (any `llm:` backend) and checked against its
golden (the difficulty filter's work, resumable in DIR); DIR/calibration.yaml then holds the pass rate per
family and level, the band per level, and whether the rate falls as the level rises (`monotone`)."""
from __future__ import annotations

import argparse
import json

from codev.errors import UsageError

from codev.cli.synth.common import add_common, config_of, generator_items, run_item_stage

EXAMPLE = "codev synth calibrate --input runs/gen --config my_models.yaml --out runs/calibration"


def register(sub) -> None:
    text = "pass rate of a model per generator family and level (levels calibrated by measurement)"
    p = sub.add_parser("calibrate", help=text, description=__doc__ + "\n--input is a generator output folder (or "
                       "its rl.jsonl); the config's difficulty.llm names the model and difficulty.k the samples.",
                       epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(p)
    p.add_argument("--ray", metavar="ADDRESS", help="check the answers on the Ray cluster at ADDRESS (HOST:PORT; "
                   "'local': a local instance of --jobs CPUs)")
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.synth.calibrate import measure, write
    from codev.synth.checking import Checker
    from codev.synth.config import ConfigError
    from codev.synth.difficulty import DifficultyFilter
    from codev.synth.pipeline import describe_llm, llm
    from codev.synth.store import StageFile
    from codev.cli.synth.run import check_ray

    if args.config is None:
        raise UsageError("--config CFG.yaml is needed: its difficulty.llm: section names the model to measure")
    config = config_of(args)
    try:
        model = config.difficulty_llm()
    except ConfigError as exc:
        raise UsageError(f"{args.config}: {exc}") from None
    if args.ray:
        check_ray(args.ray)
    generator_items(args)
    with Checker(config.jobs, args.ray) as checker:
        # max_passes = k: nothing is dropped as too easy here, every item is measured and kept
        status = run_item_stage(args, DifficultyFilter(llm(args.out, "difficulty", model), config.difficulty.k,
                                                       config.difficulty.k, config.checker, checker))
    calibration = measure(StageFile(args.out / "checkpoint.jsonl").records(), describe_llm(model),
                          config.difficulty.k)
    write(calibration, args.out / "calibration.yaml")
    print(json.dumps({"calibration": str(args.out / "calibration.yaml"), "monotone": calibration.monotone,
                      "levels": {lvl: calibration.level(lvl)["pass_rate"] for lvl in calibration.levels()}}))
    return status
