"""Commands with stages (`codev synth STAGE`, `codev train STAGE`): each stage is a module that defines
`register(subparsers)` (which sets `func`) and `run(args) -> int`, so stages are added without touching
their neighbours."""
from __future__ import annotations

import argparse
from importlib import import_module


def register_staged(sub, name: str, help_text: str, stages: dict[str, str], epilog: str) -> None:
    """Add `codev NAME STAGE ...`; a stage whose module is not built yet is left out."""
    parser = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    stage_parsers = parser.add_subparsers(dest="stage", metavar="STAGE")
    for module_name in stages.values():
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
                continue
            raise
        module.register(stage_parsers)

    def no_stage(args) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=no_stage)
