"""The single `codev` command. Each subcommand lives in its own module and registers itself here."""
from __future__ import annotations

import argparse
import sys
from importlib import import_module

from codev.errors import UsageError  # noqa: F401 (re-exported: the command modules raise it from here)

# subcommand name -> module under codev.cli that defines `register(subparsers)` and `run(args) -> int`
SUBCOMMANDS = {
    "verify": "verify_cmd",
    "tbgen": "tbgen_cmd",
    "eval": "eval_cmd",
    "synth": "synth_cmd",
    "train": "train_cmd",
    "doctor": "doctor_cmd",
    "demo": "demo_cmd",
    "bench": "bench_cmd",
}




def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codev", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example:\n  codev verify --golden golden.v --candidate candidate.v\n"
                                            "  codev demo --out runs/demo   # the whole pipeline, offline")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMANDS.values():
        # no try/except: a renamed or missing command module must fail at start-up, not vanish from --help
        import_module(f"codev.cli.{module_name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"codev {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
