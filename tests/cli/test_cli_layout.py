"""All command-line code lives under codev/cli (issue 19, item 4), and a command module that is missing
(renamed, deleted) stops `codev` at start-up instead of silently leaving --help."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codev import cli
from codev.cli import build_parser, synth_cmd, train_cmd

REPO = Path(__file__).resolve().parents[2]


def test_only_codev_cli_parses_command_lines():
    parsing = []
    for path in (REPO / "codev").rglob("*.py"):
        if path.relative_to(REPO / "codev").parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if "argparse" in names:
                parsing.append(str(path.relative_to(REPO)))
    assert parsing == []


def test_every_stage_module_is_a_cli_module():
    for stages in (synth_cmd.STAGES, train_cmd.STAGES):
        assert all(module.startswith("codev.cli.") for module in stages.values()), stages


@pytest.mark.parametrize("table, key, module", [
    (cli.SUBCOMMANDS, "gone", "gone_cmd"),
    (synth_cmd.STAGES, "gone", "codev.cli.synth.gone"),
    (train_cmd.STAGES, "gone", "codev.cli.train.gone"),
])
def test_a_missing_command_module_fails_at_start_up(monkeypatch, table, key, module):
    monkeypatch.setitem(table, key, module)
    with pytest.raises(ModuleNotFoundError, match=module.rsplit(".", 1)[-1]):
        build_parser()
