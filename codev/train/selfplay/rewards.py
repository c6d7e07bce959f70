"""Self-play rewards and baselines, as pure functions (unit-tested on hand-computed values).

Solver: the existing correctness reward (`codev.train.reward`), or for deduction an exact trace match.
Proposer: learnability (Absolute Zero): a task the solver always or never solves teaches nothing, so the
reward is 1 - s for a solve rate s strictly between 0 and 1, else 0; an invalid task earns 0.
Baselines: Absolute Zero's task-relative REINFORCE++ normalises each sample's reward by the mean and std of
the rewards of its own (role, task type) in the batch, so a proposer's learnability is never compared with a
solver's correctness, nor a deduction with a spec task. NaN (could not judge) stays masked, as in DAPO.
"""
from __future__ import annotations

import torch

from ..algorithm import group_advantages


def solve_rate(outcomes: list[bool | None]) -> float | None:
    """Share of judged solver samples that solved the task (None: none could be judged)."""
    judged = [o for o in outcomes if o is not None]
    return sum(judged) / len(judged) if judged else None


def learnability(rate: float | None, valid: bool = True) -> float:
    """1 - s when 0 < s < 1; 0 for s in {0, 1}, an unjudged rate, or an invalid task."""
    if not valid or rate is None or not 0.0 < rate < 1.0:
        return 0.0
    return 1.0 - rate


def task_relative_advantages(rewards: torch.Tensor, keys: list[str], scale: str = "group",
                             eps: float = 1e-4, floor: float = 0.0) -> torch.Tensor:
    """Advantages with one baseline per key (role/task type) over the whole batch.

    Expressed with DAPO's `group_advantages`: the samples of each key are gathered into one group and
    normalised there (scale "group": by that key's std, at least `floor`, "none": centred only); the result is
    scattered back.
    A key with a single valid sample gets advantage 0 (no baseline to compare with).
    """
    if len(keys) != rewards.numel():
        raise ValueError(f"{len(keys)} keys for {rewards.numel()} rewards")
    if scale not in ("group", "none", "batch"):
        raise ValueError(f"scale must be group, batch or none, not {scale!r}")
    out = torch.zeros_like(rewards, dtype=torch.float32)
    flat = rewards.reshape(-1).to(torch.float32)
    for key in dict.fromkeys(keys):
        idx = torch.tensor([i for i, k in enumerate(keys) if k == key], dtype=torch.long)
        group = flat.index_select(0, idx)
        adv = group_advantages(group, len(idx), "none" if scale == "none" else "group", eps, floor)
        if int((~torch.isnan(group)).sum()) < 2:
            adv = torch.zeros_like(adv)
        out.view(-1).index_copy_(0, idx, adv)
    return out.reshape(rewards.shape)


def sample_key(role: str, task_type: str) -> str:
    return f"{role}/{task_type}"
