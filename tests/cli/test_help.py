"""Every `codev` command and stage ends its --help with an example (house rule: argparse epilog)."""
from __future__ import annotations

import argparse

from codev.cli import build_parser


def parsers(parser: argparse.ArgumentParser, name: str = "codev"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, child in action.choices.items():
                yield from parsers(child, f"{name} {sub}")


def test_every_help_ends_with_an_example():
    found = dict(parsers(build_parser()))
    assert {"codev demo", "codev synth run", "codev train rl", "codev eval", "codev verify"} <= set(found)
    missing = [name for name, p in found.items()
               if not any(line.strip().lower().startswith("example")
                          for line in (p.epilog or "").splitlines()) or not p.format_help().rstrip().endswith(
                   (p.epilog or "-").rstrip().splitlines()[-1].rstrip())]
    assert missing == []
