"""fit_round_cost: the per-round fixed cost recovered from per-step RL metrics."""
from __future__ import annotations

import pytest

from codev.train.metrics import fit_round_cost


def step(rounds: int, groups: int, seconds: float) -> dict:
    return {"dapo/rounds": rounds, "dapo/prompts_sampled": groups, "time/generate_and_score": seconds}


def test_recovers_fixed_and_per_group_cost():
    # 3 s per round plus 0.5 s per group, with a little noise
    records = [step(1, 4, 5.0), step(2, 8, 10.02), step(1, 6, 5.99), step(2, 12, 11.98), {"loss": 1.0}]
    fixed, per_group = fit_round_cost(records)
    assert fixed == pytest.approx(3.0, abs=0.2)
    assert per_group == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("records", [
    [step(1, 4, 5.0)],                                   # one step
    [step(1, 4, 5.0), step(2, 8, 10.0)],                 # groups proportional to rounds: not separable
    [step(1, 4, 1.0), step(2, 4, 1.0)],                  # no cost per round: not positive
])
def test_unseparable_or_nonpositive_is_none(records):
    assert fit_round_cost(records) is None


def test_resumed_stage_drops_records_past_its_checkpoint(tmp_path):
    """A run killed after logging step 40 but checkpointed at 30 retrains 31-40: step 40 must not appear twice;
    a fresh run (step 0) over an old folder drops that stage's records; other stages stay."""
    import json
    from types import SimpleNamespace

    from codev.train.metrics import JsonlMetrics, read_metrics

    old = [{"stage": "rl", "step": 3}, {"stage": "sft", "step": 0, "data/rows": 6}] + \
          [{"stage": "sft", "step": s, "loss": 1.0} for s in (10, 20, 30, 40)]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in old))
    cb = JsonlMetrics(tmp_path, "sft", {"rows": 6})
    cb.on_train_begin(None, SimpleNamespace(is_world_process_zero=True, global_step=30), None)
    for step in (40, 50):
        cb.on_log(None, SimpleNamespace(is_world_process_zero=True, global_step=step), None, logs={"loss": 0.5})
    sft = [r["step"] for r in read_metrics(tmp_path) if r["stage"] == "sft" and "loss" in r]
    assert sft == [10, 20, 30, 40, 50]
    assert [r for r in read_metrics(tmp_path) if "data/rows" in r] == [{"stage": "sft", "step": 30, "data/rows": 6}]
    JsonlMetrics(tmp_path, "sft").on_train_begin(None, SimpleNamespace(is_world_process_zero=True, global_step=0), None)
    assert read_metrics(tmp_path) == [{"stage": "rl", "step": 3}]


def test_tied_head_message_is_dropped_and_other_missing_keys_are_not(caplog):
    import logging

    from codev.train.model import quiet_tied_head_warning

    quiet_tied_head_warning()
    quiet_tied_head_warning()  # idempotent
    logger = logging.getLogger("transformers.trainer")
    with caplog.at_level("WARNING", logger="transformers.trainer"):
        logger.warning("There were missing keys in the checkpoint model loaded: ['lm_head.weight'].")
        logger.warning("There were missing keys in the checkpoint model loaded: ['model.norm.weight'].")
    assert "lm_head" not in caplog.text and "model.norm.weight" in caplog.text
