"""`codev train selfplay` end to end: the tiny model, the real checker, two rounds, killed after the first
round and resumed; metrics, buffer files and both reports."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codev.cli import main
from codev.train.metrics import read_metrics

from .conftest import rl_rows, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "configs" / "selfplay_tiny_cpu.yaml")


@pytest.mark.slow  # about 2 minutes on 2 busy cores: `make test-slow`
def test_selfplay_rounds_killed_and_resumed(tmp_path, bench_root, monkeypatch):
    monkeypatch.setenv("CODEV_BENCH_ROOT", str(bench_root))  # decontamination reads every benchmark
    seed = tmp_path / "seed"
    seed.mkdir()
    write_jsonl(seed / "rl.jsonl", rl_rows())
    out = tmp_path / "run"
    args = ["train", "selfplay", "--config", CONFIG, "--seed-data", str(seed), "--output-dir", str(out)]
    env = dict(os.environ, CODEV_BENCH_ROOT=str(bench_root), PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    proc = subprocess.Popen([sys.executable, "-m", "codev", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 400
    try:
        while not (out / "rounds.jsonl").is_file() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.5)
        assert (out / "rounds.jsonl").is_file(), proc.stderr.read().decode()[-3000:] if proc.poll() is not None else "timeout"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # killed during the second round
        proc.wait()
    seeds = len((out / "tasks.jsonl").read_text().splitlines())
    assert seeds == 3 * len(rl_rows())  # every seed item as a spec, deduction and induction task

    assert main(args) == 0  # resumes: round 0 is kept, round 1 runs
    rounds = [json.loads(line)["round"] for line in (out / "rounds.jsonl").read_text().splitlines()]
    assert rounds == [0, 1]
    tasks = [json.loads(line) for line in (out / "tasks.jsonl").read_text().splitlines()]
    assert len({t["id"] for t in tasks}) == len(tasks) >= seeds  # seeds written once, never again
    steps = [r["step"] for r in read_metrics(out) if r.get("stage") == "selfplay" and "loss" in r]
    assert steps[0] == 1 and steps[-1] == 2
    record = next(r for r in read_metrics(out) if "loss" in r)
    assert "selfplay/buffer_tasks" in record and "dapo/rounds" in record
    assert any(k.startswith("selfplay/reward/") for k in record)
    proposals = [json.loads(line) for line in (out / "proposals.jsonl").read_text().splitlines()]
    assert all(p["valid"] or p["reason"] for p in proposals)
    assert (out / "round-001" / "final" / "model.safetensors").is_file()
    report = (out / "selfplay.md").read_text()
    assert "| type | proposed | valid | learnable | rejected by |" in report
    assert main(["train", "report", str(out)]) == 0
    assert (out / "report.md").is_file() and (out / "curves.png").is_file()


@pytest.mark.slow  # two processes on 2 busy cores: `make test-slow`
def test_selfplay_under_accelerate_two_processes(tmp_path, bench_root):
    """The live-policy sampler is a collective: both processes run the same generate batches, so a round
    where only one of them holds a valid proposal (or none does) neither hangs nor fails."""
    seed = tmp_path / "seed"
    seed.mkdir()
    write_jsonl(seed / "rl.jsonl", rl_rows())
    out = tmp_path / "run"
    env = dict(os.environ, CODEV_BENCH_ROOT=str(bench_root),
               PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    config = tmp_path / "two.yaml"  # whole prompts per process: 2 prompts per step over 2 processes
    config.write_text(Path(CONFIG).read_text().replace("prompts_per_step: 3", "prompts_per_step: 2"))
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "2", "--cpu", "--num_machines", "1",
           "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "codev", "train", "selfplay", "--config", str(config),
           "--seed-data", str(seed), "--output-dir", str(out), "--rounds", "1"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [json.loads(line)["round"] for line in (out / "rounds.jsonl").read_text().splitlines()] == [0]
    assert (out / "round-000" / "final" / "model.safetensors").is_file()
