"""`codev synth run --ray ADDRESS`: the checker-bound stages on a local Ray cluster of two worker processes give
the run a local pool gives, with the same checkpoints, and a rerun resumes without new work."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import REPO, seed_config

ray = pytest.importorskip("ray")
CHECKED = ("decontam", "roundtrip", "difficulty")  # the stages whose work is checker jobs


def outcomes(out) -> dict[str, list]:
    """Per checker-bound stage: each item's id, whether kept, and why not (the checkpoint minus timings)."""
    found = {}
    for stage in CHECKED:
        rows = [json.loads(line) for line in (out / "stages" / f"{stage}.jsonl").read_text().splitlines() if line]
        found[stage] = sorted((r.get("id"), r.get("kept"), r.get("reason")) for r in rows)
    return found


@pytest.mark.slow  # starts a Ray cluster and runs the seed pipeline twice
def test_run_on_a_local_ray_cluster_matches_the_local_pool_and_resumes(tmp_path, synth_cli, bench_root, iverilog):
    config = seed_config(tmp_path, bench_root)
    status, _, err = synth_cli("run", "--config", config, "--out", tmp_path / "local", "--no-progress", "--jobs", "2")
    assert status == 0, err
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # a head node with two worker slots
    try:
        address = ray.get_runtime_context().gcs_address
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "codev", "synth", "run", "--config", str(config), "--out",
                   str(tmp_path / "ray"), "--no-progress", "--ray", address]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Connected to Ray cluster" in done.stderr  # a driver of this cluster, not a Ray of its own
        assert json.loads((tmp_path / "ray" / "funnel.json").read_text()) == \
            json.loads((tmp_path / "local" / "funnel.json").read_text())
        first = outcomes(tmp_path / "ray")
        assert first == outcomes(tmp_path / "local") and first["decontam"]
        before = {s: (tmp_path / "ray" / "stages" / f"{s}.jsonl").read_text() for s in CHECKED}
        again = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=900)
        assert again.returncode == 0, again.stderr[-2000:]
        assert {s: (tmp_path / "ray" / "stages" / f"{s}.jsonl").read_text() for s in CHECKED} == before
    finally:
        ray.shutdown()

