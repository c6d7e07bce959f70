"""Commands with stages (`codev synth STAGE`, `codev train STAGE`): each stage is a module that defines
`register(subparsers)` (which sets `func`) and `run(args) -> int`, so stages are added without touching
their neighbours."""
from __future__ import annotations

import argparse
from importlib import import_module


def register_staged(sub, name: str, help_text: str, stages: dict[str, str], epilog: str) -> None:
    """Add `codev NAME STAGE ...`. No try/except: a renamed or missing stage module fails at start-up
    (ModuleNotFoundError naming it), it does not vanish from --help."""
    parser = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    stage_parsers = parser.add_subparsers(dest="stage", metavar="STAGE")
    for module_name in stages.values():
        import_module(module_name).register(stage_parsers)

    def no_stage(args) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=no_stage)
