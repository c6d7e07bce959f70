"""`codev train report` flags RL runs that learn from (almost) nothing, as read from a run's metrics.jsonl."""
from __future__ import annotations

from codev.cli import main

from .conftest import write_jsonl


def _rl_step(step: int, clipped: float, no_signal: float = 0.0) -> dict:
    return {"stage": "rl", "step": step, "loss": 0.0, "reward": 0.0, "rollout/clipped_share": clipped,
            "rollout/no_signal": no_signal}


def test_report_warns_when_many_completions_are_cut_without_a_stall(tmp_path, capsys):
    # the demo's 384-token cap: 60-75% of each rollout cut, some answers still judged, so no stall fired
    run = tmp_path / "rl"
    run.mkdir()
    write_jsonl(run / "metrics.jsonl", [_rl_step(1, 0.70), _rl_step(2, 0.75), _rl_step(3, 0.10)])
    assert main(["train", "report", str(run)]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 logged steps had more than 25% of their completions cut" in out and "up to 75%" in out
    assert "no learning signal" not in out


def test_report_counts_a_stalled_step_once(tmp_path, capsys):
    run = tmp_path / "rl"
    run.mkdir()
    write_jsonl(run / "metrics.jsonl", [_rl_step(1, 1.0, no_signal=1.0), _rl_step(2, 0.05)])
    assert main(["train", "report", str(run)]) == 0
    out = capsys.readouterr().out
    assert "1 of 2 logged steps had no learning signal (1 with every completion cut" in out
    assert "of their completions cut" not in out
