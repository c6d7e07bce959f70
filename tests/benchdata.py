"""Where the tests find the benchmark copy (../shared/benchmarks, or $CODEV_BENCH_ROOT) and its designs."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def bench_root() -> Path:
    """The benchmark folder; a test that needs it fails (not skips) when it is missing."""
    root = Path(os.environ.get("CODEV_BENCH_ROOT", REPO.parent / "shared" / "benchmarks"))
    if not (root / "MANIFEST.md").is_file():
        pytest.fail(f"benchmark data not found at {root} (set CODEV_BENCH_ROOT)")
    return root


def ve2_reference(problem: str) -> str:
    (path,) = (bench_root() / "verilogeval_v2" / "dataset_spec-to-rtl").glob(f"{problem}*_ref.sv")
    return path.read_text()


def rtllm_reference(design: str) -> str:
    return next((bench_root() / "rtllm_v2" / design).glob("verified_*.v")).read_text()


def as_top(source: str) -> str:
    """A VerilogEval reference as a candidate would write it (module TopModule)."""
    return re.sub(r"\bRefModule\b", "TopModule", source)
