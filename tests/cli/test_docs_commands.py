"""The command examples in README.md and docs/ cannot go stale.

Every `codev ...` line in a ```bash block of the docs is parsed by the real `codev` argument parser
(a renamed flag, a removed subcommand or a missing required option fails here). Synopses with
`[optional]` parts belong in ```text blocks. The README's 30-second tour is also run for real.
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codev.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```bash\n(.*?)^```", re.M | re.S)


def bash_blocks(path: Path) -> list[str]:
    return FENCE.findall(path.read_text(encoding="utf-8"))


def codev_commands(block: str) -> list[list[str]]:
    """The argv after `codev` of every codev command in a bash block (continuations joined)."""
    text = block.replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not (line.startswith("codev ") or " -m codev " in line):
            continue  # other tools, heredoc bodies, comments
        words = shlex.split(line)
        if words[:1] == ["codev"]:
            commands.append(words[1:])
        elif "-m" in words and words[words.index("-m") + 1:][:1] == ["codev"]:  # accelerate launch ... -m codev
            commands.append(words[words.index("-m") + 2:])
    return commands


ALL = [(f"{path.relative_to(REPO)}: codev {' '.join(argv)}", argv)
       for path in DOCS for block in bash_blocks(path) for argv in codev_commands(block)]


def test_the_docs_have_commands_to_check():
    assert len(ALL) >= 15, ALL  # a broken extractor must not pass by finding nothing


@pytest.mark.parametrize("argv", [argv for _, argv in ALL], ids=[label[:90] for label, _ in ALL])
def test_documented_command_parses(argv: list[str]):
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"`codev {' '.join(argv)}` no longer parses (exit {exc.code})")
    assert getattr(args, "func", None), f"`codev {' '.join(argv)}` names no command"


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_the_readme_tour_runs_as_written(tmp_path: Path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## 30-second tour", 1)[1]
    (block,) = bash_blocks_of(tour)[:1]
    codev = f"{shlex.quote(sys.executable)} -m codev"
    script = re.sub(r"^codev ", codev + " ", block, flags=re.M)
    out = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, out.stderr  # the tour's candidate is wrong: exit status 1, as the README says
    assert "mismatch" in out.stdout and "candidate.v" in out.stdout


def bash_blocks_of(text: str) -> list[str]:
    return FENCE.findall(text)
