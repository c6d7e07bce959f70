"""Fixtures for the `codev eval` tests: the benchmark folder, the installed Icarus, CLI runs."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest



@pytest.fixture(scope="session")
def iverilog_major() -> int:
    """Major version of the Icarus `codev eval` uses by default (a cached Icarus 12 build, else PATH's)."""
    from codev.eval.tools import default_icarus, iverilog_version

    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    major = iverilog_version(default_icarus().iverilog).major
    assert major is not None
    return major


@pytest.fixture
def run_cli(capsys):
    """Run `codev ...` in-process; returns (exit status, stdout, stderr)."""
    from codev.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        status = main([str(a) for a in argv])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def write_jsonl(path: Path, rows) -> Path:
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in rows))
    return Path(path)


@pytest.fixture
def rtllm_samples(bench_root) -> Path:
    """RTLLM's shipped GPT samples and verdicts.csv: in ../shared/benchmarks, not in a fetched copy."""
    folder = bench_root / "rtllm_samples"
    if not (folder / "verdicts.csv").is_file():
        pytest.skip(f"{folder}/verdicts.csv not found (only ../shared/benchmarks has the RTLLM sample verdicts)")
    return folder
