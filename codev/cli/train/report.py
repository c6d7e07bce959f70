"""`codev train report RUN_DIR`: training curves (PNG) and a markdown summary from metrics.jsonl."""
from __future__ import annotations

import argparse
from pathlib import Path

from codev.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("report", help="draw a run's curves (curves.png) and summary (report.md)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  codev train report runs/tiny/rl")
    p.add_argument("run_dir", help="a run folder holding metrics.jsonl")
    p.set_defaults(func=run)


def run(args) -> int:
    from codev.train.report import write_report

    metrics = Path(args.run_dir) / "metrics.jsonl"
    if not metrics.is_file():
        raise UsageError(f"run folder {args.run_dir}: no metrics.jsonl")
    from codev.train.metrics import read_metrics
    from codev.train.report import warnings_of

    png, md = write_report(args.run_dir)
    for flag in warnings_of(read_metrics(args.run_dir)):
        print(f"warning: {flag}")
    print(f"report: {md} and {png}")
    from codev.train.selfplay.report import has_selfplay, write_selfplay_report

    if has_selfplay(args.run_dir):
        print(f"self-play report: {write_selfplay_report(args.run_dir)}")
    return 0
