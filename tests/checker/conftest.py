"""Shared fixtures for checker tests: the benchmark copy beside the repo, helpers to load designs."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def bench_root() -> Path:
    return Path(os.environ.get("CODEV_BENCH_ROOT", REPO.parent / "shared" / "benchmarks"))


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    root = bench_root()
    if not (root / "MANIFEST.md").exists():
        pytest.fail(f"benchmark data not found at {root} (set CODEV_BENCH_ROOT)")
    return root


def ve2_reference(root: Path, problem: str) -> str:
    (path,) = (root / "verilogeval_v2" / "dataset_spec-to-rtl").glob(f"{problem}*_ref.sv")
    return path.read_text()


def rtllm_reference(root: Path, design: str) -> str:
    return next((root / "rtllm_v2" / design).glob("verified_*.v")).read_text()


def as_top(source: str) -> str:
    """A VerilogEval reference as a candidate would write it (module TopModule)."""
    return re.sub(r"\bRefModule\b", "TopModule", source)
