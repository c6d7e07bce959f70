"""Suite-wide setup: never reach a model hub; the benchmark folder as a fixture; CI's no-skip rule.

Tests that need a simulator, an optional package or the benchmark copy skip where it is missing, so
a laptop without them still runs the rest. CI must not pass half-run that way: with
CODEV_REQUIRE_ALL=1 (set by .ci/run) every such skip is a failure, except tests marked
`@pytest.mark.may_skip` whose skip depends on the host (kernel confinement, a tool version).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from tests.benchdata import bench_root as _bench_root  # noqa: E402 - after the offline switches above


REQUIRE_ALL = os.environ.get("CODEV_REQUIRE_ALL") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail")
            and item.get_closest_marker("may_skip") is None):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CODEV_REQUIRE_ALL=1 forbids this skip ({reason}): install the tool or data it needs"


@pytest.fixture(scope="session")
def bench_root() -> Path:
    return _bench_root()
