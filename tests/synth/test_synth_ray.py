"""`codev synth run --ray ADDRESS`: the checker-bound stages (filter, decontamination, degenerate screen, round
trip, difficulty, generator verification and decontamination) on a local Ray cluster of two worker processes
give the run a local pool gives, with the same checkpoints, and a rerun resumes without new work. An address
where no cluster answers fails at once with a one-line error naming it (Ray itself retries for minutes)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import yaml

from codev.config import read_mapping

from .conftest import REPO, seed_config

ray = pytest.importorskip("ray")
CHECKED = ("filter", "decontam", "degenerate", "roundtrip", "difficulty")  # stages whose work runs on the cluster


def outcomes(out) -> dict[str, list]:
    """Per checker-bound stage: each item's id, status and reason (the checkpoint minus timings), and the
    generator's attempts (verification, degenerate screen, decontamination)."""
    found = {}
    for stage in CHECKED:
        rows = [json.loads(line) for line in (out / "stages" / f"{stage}.jsonl").read_text().splitlines() if line]
        found[stage] = sorted((r["id"], r["status"], r["reason"]) for r in rows)
    attempts = [json.loads(line) for line in (out / "generator" / "attempts.jsonl").read_text().splitlines() if line]
    found["generator"] = [(a["index"], a["id"], a["status"], a["reason"]) for a in attempts]
    return found


def with_generator(config):
    data = read_mapping(config)
    data["generator"] = {"n": 2, "seed": 0, "formal": False, "batch": 2, "families": ["mux", "counter"],
                         "max_level": 2}
    config.write_text(yaml.safe_dump(data))
    return config


@pytest.mark.slow  # starts a Ray cluster and runs the seed pipeline three times (about 2 min on 2 cores)
def test_run_on_a_local_ray_cluster_matches_the_local_pool_and_resumes(tmp_path, synth_cli, bench_root, iverilog):
    config = with_generator(seed_config(tmp_path, bench_root))
    status, _, err = synth_cli("run", "--config", config, "--out", tmp_path / "local", "--no-progress", "--jobs", "2")
    assert status == 0, err
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # a head node with two worker processes
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
        assert first == outcomes(tmp_path / "local")
        assert first["decontam"] and first["degenerate"] and len(first["generator"]) >= 2
        before = {s: (tmp_path / "ray" / "stages" / f"{s}.jsonl").read_text() for s in CHECKED}
        again = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=900)
        assert again.returncode == 0, again.stderr[-2000:]
        assert {s: (tmp_path / "ray" / "stages" / f"{s}.jsonl").read_text() for s in CHECKED} == before
        assert outcomes(tmp_path / "ray")["generator"] == first["generator"]
    finally:
        ray.shutdown()


def test_a_dead_ray_address_fails_fast_naming_it(tmp_path, synth_cli, bench_root):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"127.0.0.1:{port}"
    config = seed_config(tmp_path, bench_root)
    started = time.monotonic()
    status, _, err = synth_cli("run", "--config", config, "--out", tmp_path / "o", "--no-progress", "--ray", address)
    assert status == 2 and time.monotonic() - started < 15
    assert f"no Ray cluster answers at {address}" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()  # nothing started, nothing written
    status, _, err = synth_cli("generate", "--n", "1", "--out", tmp_path / "g", "--no-decontam", "--ray", address)
    assert status == 2 and f"no Ray cluster answers at {address}" in err
    status, _, err = synth_cli("run", "--config", config, "--out", tmp_path / "o", "--ray", "nonsense")
    assert status == 2 and "expected HOST:PORT" in err
