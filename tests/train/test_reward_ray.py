"""The RL reward on a local Ray cluster (`reward.ray`): the same rewards as the local pool, golden affinity kept."""
from __future__ import annotations

import pytest

from codev.train.checker_client import RewardChecker
from codev.train.reward import EquivalenceReward, RewardSettings
from testbench_gen import CheckOptions

from .conftest import DESIGNS, answer

ray = pytest.importorskip("ray")


def test_reward_on_a_local_ray_cluster_keeps_golden_affinity():
    mux, cnt = DESIGNS["mux2"][1], DESIGNS["cnt4"][1]
    texts = [answer(mux), answer(mux.replace("s ? b : a", "s ? a : b")),
             answer(cnt), answer(cnt.replace("q + 4'd1", "q + 4'd2")), "no format"]
    goldens = [mux, mux, cnt, cnt, cnt]
    completions = [[{"role": "assistant", "content": t}] for t in texts]
    with RewardChecker(CheckOptions(cycles=100), workers=2, ray="local") as checker:
        reward = EquivalenceReward(checker, RewardSettings())
        for _ in range(2):  # the second round draws the same prompts: each golden goes back to its actor
            assert reward(prompts=[[]] * 5, completions=completions, golden=goldens) == [1.0, 0.0, 1.0, 0.0, 0.0]
        pool = checker.pool
        assert len(pool.actors) == 2 and len(pool.holders) == 2
        assert len(set(pool.holders.values())) == 2  # two goldens, two actors (least loaded first)
        assert pool.affinity_hits == 2  # round 2: both goldens found their warm actor
        assert ray.is_initialized()
    assert not ray.is_initialized()  # the local instance it started is shut down
