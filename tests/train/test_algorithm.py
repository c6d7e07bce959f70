"""The DAPO pieces on hand-computed values."""
from __future__ import annotations

import math

import pytest
import torch

from codev.train.algorithm import (KeepRatio, dapo_loss, group_advantages, keep_groups, mask_unscored, plan_batch,
                                   prompts_to_generate, simulate_sampling, weighted_rewards)

nan = float("nan")


def test_group_advantages_per_group_and_masked_samples():
    rewards = torch.tensor([1.0, 0.0, 1.0, 0.0,   1.0, 1.0, 1.0, 1.0,   1.0, 0.0, nan, nan])
    adv = group_advantages(rewards, 4, eps=0.0)
    std = math.sqrt(1 / 3)  # unbiased std of [1, 0, 1, 0]
    assert adv[:4].tolist() == pytest.approx([0.5 / std, -0.5 / std, 0.5 / std, -0.5 / std])
    assert adv[4:8].tolist() == [0.0] * 4  # all equal: no signal (and no NaN)
    # masked samples: no advantage, and they do not move the baseline of the two valid ones
    std2 = math.sqrt(0.5)
    assert adv[8:].tolist() == pytest.approx([0.5 / std2, -0.5 / std2, 0.0, 0.0])


def test_group_advantages_none_scaling():
    adv = group_advantages(torch.tensor([1.0, 0.0, 0.0, 0.0]), 4, scale="none")
    assert adv.tolist() == pytest.approx([0.75, -0.25, -0.25, -0.25])


def test_filter_drops_equal_and_underscored_groups():
    rewards = torch.tensor([1.0, 1.0,   0.0, 0.0,   1.0, 0.0,   1.0, nan,   nan, nan,   0.5, 0.0])
    assert keep_groups(rewards, 2).tolist() == [False, False, True, False, False, True]


def test_weighted_rewards_keep_primary_nan():
    per_func = torch.tensor([[1.0, -0.5], [nan, -1.0], [0.0, nan]])
    out = weighted_rewards(per_func, torch.tensor([1.0, 2.0]))
    assert out[0].item() == pytest.approx(0.0) and math.isnan(out[1].item()) and out[2].item() == 0.0


def test_adaptive_sizing_divides_by_keep_ratio():
    assert prompts_to_generate(6, 0.5, 100) == 12
    assert prompts_to_generate(6, 0.4, 100) == 15
    assert prompts_to_generate(6, 0.4, 100, adaptive=False) == 6
    assert prompts_to_generate(6, 0.01, 20) == 20  # capped
    assert prompts_to_generate(0, 0.5, 20) == 0


def test_keep_ratio_running_estimate_with_prior_and_floor():
    ratio = KeepRatio(initial=1.0, prior_groups=4, floor=0.1)
    assert ratio.value == 1.0
    ratio.update(kept=2, seen=8)
    assert ratio.value == pytest.approx((2 + 4) / (8 + 4))
    ratio.update(kept=0, seen=1000)
    assert ratio.value == 0.1


def test_plan_batch_fills_from_kept_first():
    plan = plan_batch([False, True, True, False, True], [0.0] * 5, needed=2)
    assert plan.chosen == [1, 2] and plan.trained == [True, True] and plan.short == 0 and plan.surplus == 1


def test_plan_batch_round_cap_fallbacks():
    kept = [False, True, False, False]
    spread = [0.1, 0.5, 0.3, 0.0]
    keep = plan_batch(kept, spread, needed=3, fallback="keep")
    assert keep.chosen == [1, 2, 0] and keep.trained == [True, False, False] and keep.short == 2
    pad = plan_batch(kept, spread, needed=3, fallback="pad_best_variance")
    assert pad.chosen == [1, 2, 0] and pad.trained == [True, True, True]
    with pytest.raises(ValueError):
        plan_batch(kept, spread, 3, fallback="crash")


def test_adaptive_needs_fewer_rounds_than_plain():
    plain = simulate_sampling(0.5, batch_groups=16, steps=50, max_rounds=10, adaptive=False)
    adaptive = simulate_sampling(0.5, batch_groups=16, steps=50, max_rounds=10, adaptive=True)
    assert adaptive["rounds_per_step"] < plain["rounds_per_step"]
    assert adaptive["short_per_step"] == 0 and plain["short_per_step"] == 0


def _loss(logps, old, adv, mask, n, **kw):
    return dapo_loss(torch.tensor(logps), torch.tensor(old), torch.tensor(adv), torch.tensor(mask), 0.2, 0.28, n, **kw)


def test_dapo_loss_clips_both_sides():
    r = [1.5, 0.5, 1.1, 0.9]
    logps = [[math.log(x) for x in r]]
    old = [[0.0] * 4]
    pos = _loss(logps, old, [1.0], [[1, 1, 1, 1]], 4)
    # A>0: min(r, clip(r, 0.8, 1.28)) = [1.28, 0.5, 1.1, 0.9]
    assert pos.loss.item() == pytest.approx(-(1.28 + 0.5 + 1.1 + 0.9) / 4)
    assert pos.high_clip_frac.item() == pytest.approx(0.25) and pos.low_clip_frac.item() == 0.0
    neg = _loss(logps, old, [-1.0], [[1, 1, 1, 1]], 4)
    # A<0: -min(-r, -clip(r)) = max(r, clip(r)) = [1.5, 0.8, 1.1, 0.9]
    assert neg.loss.item() == pytest.approx((1.5 + 0.8 + 1.1 + 0.9) / 4)
    assert neg.low_clip_frac.item() == pytest.approx(0.25) and neg.high_clip_frac.item() == 0.0


def test_dapo_loss_token_level_normalisation():
    # two sequences, lengths 3 and 1, ratio 1: token-level mean weighs the long one 3:1
    logps = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    mask = [[1, 1, 1], [1, 0, 0]]
    parts = _loss(logps, logps, [1.0, -1.0], mask, 4)
    assert parts.loss.item() == pytest.approx(-(3 * 1.0 - 1 * 1.0) / 4)  # per-sequence mean would give 0
    # the normaliser is the batch's token count, not this micro-batch's
    assert _loss(logps, logps, [1.0, -1.0], mask, 8).loss.item() == pytest.approx(-2 / 8)


def test_dapo_loss_entropy_bonus_and_gradient_masks():
    logps = torch.zeros(1, 2, requires_grad=True)
    parts = dapo_loss(logps, torch.zeros(1, 2), torch.tensor([1.0]), torch.tensor([[1, 0]]), 0.2, 0.28, 1,
                      entropies=torch.tensor([[2.0, 9.0]]), entropy_coef=0.1)
    assert parts.entropy.item() == pytest.approx(2.0)
    assert parts.loss.item() == pytest.approx(-1.0 - 0.2)
    parts.loss.backward()
    assert logps.grad.tolist() == [[-1.0, 0.0]]


def test_unjudged_samples_leave_the_loss_not_the_batch():
    # group of 4: one timeout, one infra error (NaN), two judged
    rewards = torch.tensor([1.0, nan, 0.0, nan])
    mask = torch.ones(4, 3, dtype=torch.long)
    masked = mask_unscored(mask, rewards)
    assert masked.tolist() == [[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]]
    adv = group_advantages(rewards, 4)
    assert adv[1] == 0 and adv[3] == 0 and adv[0] > 0 > adv[2]  # the judged pair still learns
    assert keep_groups(rewards, 4).tolist() == [True]
    # a whole batch of unjudged samples: zero loss and zero normaliser, no NaN
    parts = dapo_loss(torch.zeros(4, 3), torch.zeros(4, 3), adv, mask_unscored(mask, torch.full((4,), nan)),
                      0.2, 0.28, num_tokens=0)
    assert parts.loss.item() == 0.0


def test_advantage_floor_keeps_all_wrong_graded_groups_near_zero():
    # graded partial credit of four wrong answers differing by ~0.0002 (the probe) and one group
    # with a pass: plain std scaling blows the first up to +-1, the floor keeps it at ~0.002
    wrong = [0.0350, 0.0352, 0.0349, 0.0351]
    rewards = torch.tensor(wrong + [1.0, 0.0350, 0.0352, 0.0349])
    plain = group_advantages(rewards, 4)
    assert plain[:4].abs().max() > 0.6  # +-0.65: as large as a real pass-vs-fail signal
    floored = group_advantages(rewards, 4, floor=0.1)
    assert floored[:4].abs().max() < 0.003
    assert floored[:4].abs().max() <= (max(wrong) - min(wrong)) / 0.1
    assert floored[4] > 1.0  # the passing answer keeps a full-size advantage (std 0.48 > floor)


def test_advantage_floor_leaves_binary_rewards_alone():
    # one pass in 16: std = 1/sqrt(16) = 0.25 > 0.1, so the floor changes nothing
    rewards = torch.tensor([1.0] + [0.0] * 15)
    assert group_advantages(rewards, 16, floor=0.1).tolist() == pytest.approx(group_advantages(rewards, 16).tolist())
    batch = group_advantages(torch.tensor([0.001, 0.0, 0.0, 0.0]), 4, scale="batch", floor=0.1)
    assert batch.abs().max() < 0.01
