"""Ctrl-C during `codev eval` stops within a second or two, says how to resume, and keeps finished work."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import write_jsonl

REPO = Path(__file__).resolve().parents[2]
HANG = (  # never reaches the next time step: each simulation would run to the official 30 s bound
    "[BEGIN]\nmodule TopModule(input a, input b, input sel, output out);\n  reg r;\n"
    "  always @(posedge sel) while (1) r = ~r;\n  assign out = sel ? b : a;\nendmodule\n[DONE]\n"
)


def test_sigint_stops_at_once_and_says_rerun_to_resume(bench_root, iverilog_major, tmp_path):
    rows = [{"task_id": "Prob022_mux2to1", "index": i, "completion": HANG.replace("r = ~r", f"r = ~r ^ {i}")}
            for i in range(6)]
    samples = write_jsonl(tmp_path / "s.jsonl", rows)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "codev", "eval", "--samples", str(samples), "--bench", "verilogeval-v2-spec-to-rtl",
         "--problems", "Prob022_mux2to1", "--bench-root", str(bench_root), "--out", str(tmp_path / "o"), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    try:
        for line in proc.stderr:  # wait until the simulations run
            if line.startswith("scoring "):
                break
        time.sleep(1.0)
        assert proc.poll() is None
        running = _descendants(proc.pid)
        assert running, "no simulation was running"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=20)[1]
        waited = time.monotonic() - sent
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted; rerun to resume" in rest
    assert waited < 3.0, f"took {waited:.1f} s to stop"
    time.sleep(1.0)  # no simulation outlives the run
    assert not [pid for pid in running if _alive(pid)]


def _descendants(root: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
