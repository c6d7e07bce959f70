"""`codev synth run`: the whole pipeline from a config, resumable in its output folder."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from codev.errors import UsageError

from codev.cli.synth.common import bench_root_of, config_of

EXAMPLE = "example:\n  codev synth run --config configs/synth_default.yaml --out runs/synth"


def register(sub) -> None:
    p = sub.add_parser("run", help="the whole pipeline: ingest, filters, decontam, round trip, difficulty, datasets",
                       description=__doc__, epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", type=Path, required=True, help="synthesis config (YAML), e.g. configs/synth_default.yaml")
    p.add_argument("--out", type=Path, required=True, help="output folder; rerunning on it resumes")
    p.add_argument("--bench-root", type=Path, help="benchmarks for decontamination (default: config, $CODEV_BENCH_ROOT)")
    p.add_argument("--jobs", type=int, help="checker processes (default: the config's jobs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--ray", metavar="ADDRESS", help="run the checker-bound stages (filter, decontamination, degenerate "
                   "screen, round trip, difficulty, generator verification and decontamination) on the Ray cluster "
                   "at ADDRESS (HOST:PORT; 'local': a local instance of --jobs CPUs); same outputs, checkpoints and "
                   "resume (needs codev[ray] and the simulators on every node)")
    p.set_defaults(func=run)


def check_ray(address: str) -> None:
    """Say up front that ray is missing or that no cluster answers at the address (Ray would retry for minutes)."""
    try:
        import ray  # noqa: F401 - only to say up front that it is missing
    except ImportError:
        raise UsageError("--ray needs ray: pip install 'codev[ray]'") from None
    from testbench_gen.service.ray_pool import RayUnreachable, probe

    try:
        probe(address)
    except RayUnreachable as exc:
        raise UsageError(f"--ray: {exc}") from None


def run(args) -> int:
    from codev.eval.benchmarks import BenchmarkError
    from codev.llm.backend import BackendError

    from codev.synth.ingest import IngestError
    from codev.synth.pipeline import RunMismatch, StagePending, run_pipeline
    from codev.synth.roundtrip import NoRecordedResponse

    config = config_of(args, needs_llm=True)
    if args.ray:
        check_ray(args.ray)
    bench_root = bench_root_of(args.bench_root, config) if config.decontam.enabled else None
    try:
        summary = run_pipeline(config, args.out, bench_root, show_progress=not args.no_progress, ray=args.ray)
    except (RunMismatch, IngestError, BenchmarkError, ValueError, NoRecordedResponse) as exc:
        raise UsageError(str(exc)) from None
    except StagePending as exc:
        print(f"codev synth run: {exc}", file=sys.stderr)
        return 1
    except BackendError as exc:
        print(f"codev synth run: LLM backend failed: {exc} (finished work is saved; rerun to resume)", file=sys.stderr)
        return 1
    print(json.dumps({"sft": summary.sft, "rl": summary.rl, "out": str(args.out),
                      "funnel": [s.to_json() for s in summary.stages]}))
    return 0
