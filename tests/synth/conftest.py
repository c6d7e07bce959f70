"""Fixtures for the synthesis tests: CLI runs in-process, item files, a small config without the generator."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO / "configs" / "synth_default.yaml"


@pytest.fixture(scope="session")
def iverilog():
    if shutil.which("iverilog") is None:
        pytest.fail("iverilog not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def checker():
    """One warm checker pool per test module, as a synthesis run holds one."""
    from codev.synth.checking import Checker

    with Checker(workers=2) as pool:
        yield pool


@pytest.fixture
def synth_cli(capsys):
    """Run `codev synth ...` in-process; returns (exit status, stdout, stderr)."""
    from codev.cli import main

    def run(*argv) -> tuple[int, str, str]:
        status = main(["synth", *[str(a) for a in argv]])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


def write_items(path: Path, items: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"id": k, "code": v}) + "\n" for k, v in items.items()))
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def seed_config(tmp: Path, bench_root: Path, **overrides) -> Path:
    """The built-in config without generator items (those have their own tests), chunk 1 unless given."""
    import yaml
    from codev.config import read_mapping

    data = read_mapping(DEFAULT_CONFIG)
    data.pop("generator")
    data["chunk"] = 1
    data["decontam"]["bench_root"] = str(bench_root)
    data.update(overrides)
    path = tmp / "synth.yaml"
    path.write_text(yaml.safe_dump(data))
    return path
