"""Suite-wide setup: never reach a model hub; the benchmark folder as a fixture."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from tests.benchdata import bench_root as _bench_root  # noqa: E402


@pytest.fixture(scope="session")
def bench_root() -> Path:
    return _bench_root()
