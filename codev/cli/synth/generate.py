"""`codev synth generate`: N verified, correct-by-construction problems as RL and SFT datasets."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench_gen.service.pool import default_workers

from codev.config import read_mapping
from codev.errors import UsageError
from codev.synth.checking import Checker
from codev.synth.generator.config import GeneratorConfig
from codev.synth.generator.families import FAMILIES
from codev.synth.generator.store import StoreMismatch
from codev.synth.generator.verify import FormalUnavailable

EXAMPLE = """example:
  codev synth generate --n 200 --seed 0 --out runs/gen --exclude-families fsm,fifo --max-level 3
  codev synth generate --n 50 --seed 1 --out runs/gen-heldout --families fsm,fifo --exclude-from runs/gen"""


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def register(sub) -> None:
    p = sub.add_parser("generate", help="generate verified problems from parametrised families",
                       description=__doc__ + f"\nFamilies: {', '.join(sorted(FAMILIES))}.\n"
                       "Writes DIR/rl/ and DIR/sft/ (datasets.save_to_disk), DIR/rl.jsonl, DIR/sft.jsonl,\n"
                       "DIR/attempts.jsonl and DIR/summary.json; rerunning on the same DIR resumes.\n"
                       "Items that copy a benchmark problem (by text, or equivalent to its reference under some\n"
                       "port mapping) are dropped as 'contaminated' unless --no-decontam.\n"
                       "Exit status: 0 N items written; 1 the selection holds fewer distinct problems;\n"
                       "2 usage error; 3 a check could not run (rerun to resume).",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, help="number of verified items to produce (default 100)")
    p.add_argument("--seed", type=int, help="generator seed (default 0): same seed and settings, same items")
    p.add_argument("--out", required=True, help="output directory (resumed when it exists)")
    p.add_argument("--config", help="YAML generator recipe (see configs/generator.yaml); flags override it")
    p.add_argument("--families", type=_names, help="comma-separated families to draw from (default: all)")
    p.add_argument("--exclude-families", type=_names, help="comma-separated families to hold out")
    p.add_argument("--min-level", type=int, help="lowest difficulty level (1..5)")
    p.add_argument("--max-level", type=int, help="highest difficulty level (1..5)")
    p.add_argument("--exclude-from", action="append", metavar="DIR",
                   help="another generator output whose items must not reappear (repeatable)")
    p.add_argument("--no-formal", dest="formal", action="store_const", const=False,
                   help="skip the yosys proof of combinational items (simulation only)")
    p.add_argument("--no-decontam", dest="decontam", action="store_const", const=False,
                   help="keep items that copy a benchmark problem (default: drop them; needs the benchmarks)")
    p.add_argument("--bench-root", type=Path, help="benchmarks for decontamination (default: $CODEV_BENCH_ROOT, "
                   "the codev config, ../shared/benchmarks)")
    p.add_argument("--jobs", type=int, help="checker processes (default: every core)")
    p.add_argument("--ray", metavar="ADDRESS", help="verify and decontaminate on the Ray cluster at ADDRESS "
                   "(HOST:PORT; 'local': a local instance of --jobs CPUs); same items, same resume")
    p.set_defaults(func=run)


def load(args) -> GeneratorConfig:
    values = {}
    if args.config:
        values = dict(read_mapping(args.config, section="generator"))
    for key in ("n", "seed", "families", "exclude_families", "min_level", "max_level", "formal", "jobs",
                "decontam"):
        if getattr(args, key, None) is not None:
            values[key] = getattr(args, key)
    if args.exclude_from:
        values["exclude_from"] = args.exclude_from
    try:
        return GeneratorConfig.from_mapping(values, source=args.config or "options")
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None


def run(args) -> int:
    try:
        import datasets
    except ImportError:
        raise UsageError("generate writes Hugging Face datasets: install them with pip install 'codev[ml]'") from None
    config = load(args)
    datasets.disable_progress_bars()  # rich shows progress; the final save is quick
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    if args.ray:
        from codev.cli.synth.run import check_ray

        check_ray(args.ray)
    with Checker(config.jobs or default_workers(), args.ray) as checker:
        return _generate(config, out, _screen(config, args.bench_root, checker), checker)


def _screen(config: GeneratorConfig, bench_root: Path | None, checker):
    """The decontamination screen over every benchmark (None when --no-decontam)."""
    if not config.decontam:
        return None
    from codev.eval.userconfig import require_bench_root
    from codev.eval.benchmarks import BenchmarkError

    from codev.synth.decontam import BenchmarkIndex, DecontamConfig, Decontaminator

    root = require_bench_root(bench_root)
    try:
        return Decontaminator(BenchmarkIndex(root, DecontamConfig()), config.checker, checker).screen
    except BenchmarkError as exc:
        raise UsageError(f"{exc} (or pass --no-decontam)") from None


def _generate(config: GeneratorConfig, out: Path, screen, checker: Checker) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from codev.synth.generator.run import CheckUnavailable, generate

    with Progress(TextColumn("generate"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
                  TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("generate", total=config.n, note="")
        try:
            store = generate(config, out, lambda kept, tried: bar.update(
                task, completed=kept, note=f"{tried} tried"), screen, checker)
        except (StoreMismatch, FileNotFoundError, FormalUnavailable) as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot write ({exc.strerror or exc})") from None
        except CheckUnavailable as exc:
            print(f"codev synth generate: {exc}", file=sys.stderr)
            return 3
    summary = store.summary()
    print(f"{summary['kept']} verified items in {out} ({summary['attempts']} candidates tried)")
    for family, counts in summary["families"].items():
        print(f"  {family:16s} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if summary["kept"] < config.n:
        print(f"only {summary['kept']} of {config.n} items after {config.attempt_limit()} candidates: "
              "the selected families and levels do not hold enough distinct problems")
        return 1
    return 0
