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
