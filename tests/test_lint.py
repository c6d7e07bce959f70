"""House rule: ruff is clean on the whole tree (config in pyproject.toml), so CI fails on an unused
import, an undefined name or a stray syntax slip before a reviewer has to find it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff not installed (pip install 'codev[dev]')")
    out = subprocess.run([str(ruff), "check", "--output-format", "concise", "."], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_every_noqa_says_why():
    """A suppression without its reason cannot be reviewed: `# noqa: CODE - why` (or per-file-ignores with a
    comment in pyproject.toml)."""
    bare = re.compile(r"#\s*noqa(:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*)?\s*$")
    found = [f"{path.relative_to(REPO)}:{n}" for folder in ("codev", "testbench_gen", "tests", "bench")
             for path in sorted((REPO / folder).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]
    assert found == [], "add the reason after the code: " + ", ".join(found)
