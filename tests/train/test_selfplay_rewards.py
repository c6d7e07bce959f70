"""Learnability and the per-role / per-task-type (task-relative) baselines, on hand-computed values."""
from __future__ import annotations

import math

import pytest
import torch

from codev.train.algorithm import group_advantages
from codev.train.selfplay.rewards import learnability, sample_key, solve_rate, task_relative_advantages


@pytest.mark.parametrize("rate,valid,expected", [
    (0.25, True, 0.75), (0.5, True, 0.5), (0.75, True, 0.25),
    (0.0, True, 0.0), (1.0, True, 0.0),      # never or always solved: nothing to learn
    (None, True, 0.0), (0.5, False, 0.0),    # unjudged, invalid
])
def test_learnability(rate, valid, expected):
    assert learnability(rate, valid) == pytest.approx(expected)


def test_solve_rate_ignores_unjudged_samples():
    assert solve_rate([True, False, None, True]) == pytest.approx(2 / 3)
    assert solve_rate([None, None]) is None
    assert solve_rate([]) is None


def test_task_relative_baseline_is_per_role_and_type():
    # proposer/spec: 0.75, 0.25 (mean 0.5); solver/spec: 1, 0, 1, 0 (mean 0.5); solver/deduction: 1, 1
    rewards = torch.tensor([0.75, 1.0, 0.25, 0.0, 1.0, 1.0, 1.0, 0.0])
    keys = [sample_key(*k) for k in [("proposer", "spec"), ("solver", "spec"), ("proposer", "spec"),
                                     ("solver", "spec"), ("solver", "deduction"), ("solver", "deduction"),
                                     ("solver", "spec"), ("solver", "spec")]]
    adv = task_relative_advantages(rewards, keys, scale="none")
    assert adv.tolist() == pytest.approx([0.25, 0.5, -0.25, -0.5, 0.0, 0.0, 0.5, -0.5])
    scaled = task_relative_advantages(rewards, keys, scale="group")
    std_prop = math.sqrt(((0.25 ** 2) * 2) / 1)  # unbiased std of (0.75, 0.25)
    std_solv = math.sqrt((0.25 * 4) / 3)          # unbiased std of (1, 0, 1, 0)
    assert scaled[0].item() == pytest.approx(0.25 / (std_prop + 1e-4), rel=1e-4)
    assert scaled[1].item() == pytest.approx(0.5 / (std_solv + 1e-4), rel=1e-4)
    assert scaled[4].item() == 0.0  # all equal within the key: no signal


def test_task_relative_equals_dapo_group_when_keys_are_groups():
    rewards = torch.tensor([1.0, 0.0, 0.5, 0.5, 0.2, 0.9])
    keys = ["a", "a", "b", "b", "c", "c"]
    assert torch.allclose(task_relative_advantages(rewards, keys), group_advantages(rewards, 2, "group"))


def test_masked_samples_get_no_advantage_and_move_no_baseline():
    rewards = torch.tensor([1.0, float("nan"), 0.0, 1.0])
    adv = task_relative_advantages(rewards, ["k"] * 4, scale="none")
    assert adv[1].item() == 0.0
    assert adv[[0, 2, 3]].tolist() == pytest.approx([1 / 3, -2 / 3, 1 / 3])
    lone = task_relative_advantages(torch.tensor([1.0, float("nan")]), ["k", "k"])
    assert lone.tolist() == [0.0, 0.0]  # one valid sample: no baseline


def test_key_count_must_match():
    with pytest.raises(ValueError):
        task_relative_advantages(torch.zeros(3), ["a", "b"])


def test_std_floor_bounds_tiny_spreads_as_in_dapo():
    rewards = torch.tensor([0.1002, 0.1, 0.5, 0.5])
    keys = ["a", "a", "b", "b"]
    adv = task_relative_advantages(rewards, keys, floor=0.1)
    assert abs(adv[0].item()) < 0.01  # 0.0001 / (0.1 + eps), not +-0.7 as plain std scaling gives
    assert torch.allclose(adv, group_advantages(rewards, 2, "group", floor=0.1))
