"""Adaptive DAPO as pure functions on tensors and numbers, so each rule is unit-tested on hand-computed values.

The trainer (`dapo_trainer.py`) only wires these in. Rewards are per completion, laid out group by group
(`G` consecutive completions share a prompt); NaN marks a sample the checker could not judge (`timeout`,
`infra_error`, invalid golden): it never counts as wrong, never moves the baseline, and gets no loss.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

FALLBACKS = ("keep", "pad_best_variance")


# ---------------------------------------------------------------- rewards and advantages

def weighted_rewards(rewards_per_func: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """(N, F) rewards -> (N,) weighted sums; a row whose first (primary) reward is NaN stays NaN (masked)."""
    total = (rewards_per_func * weights.to(rewards_per_func.device).unsqueeze(0)).nansum(dim=1)
    total[torch.isnan(rewards_per_func[:, 0])] = torch.nan
    return total


def group_advantages(rewards: torch.Tensor, group_size: int, scale: str = "group",
                     eps: float = 1e-4, floor: float = 0.0) -> torch.Tensor:
    """GRPO advantages (r - group mean) / (max(std, floor) + eps), NaN-aware; masked samples get 0.

    scale: "group" (std within each group), "batch" (one std over all valid rewards), "none" (no division).
    `floor` bounds the normaliser from below: a group whose rewards differ by 0.0002 (graded partial credit of
    answers that are all wrong) gets advantages of about 0.0002 / floor, not +-1 as plain std scaling gives,
    so |advantage| <= (max - min) / floor. Binary rewards over G samples have std >= ~1/sqrt(G) when they
    differ at all, so a floor of 0.1 leaves them unchanged for G <= 64.
    """
    grouped = rewards.view(-1, group_size)
    mean = torch.nanmean(grouped, dim=1, keepdim=True)
    centred = grouped - mean
    if scale == "group":
        adv = centred / (_nanstd(grouped, dim=1, keepdim=True).clamp(min=floor) + eps)
    elif scale == "batch":
        adv = centred / (_nanstd(rewards.flatten(), dim=0, keepdim=False).clamp(min=floor) + eps)
    elif scale == "none":
        adv = centred
    else:
        raise ValueError(f"scale must be group, batch or none, not {scale!r}")
    return torch.nan_to_num(adv.reshape(-1), nan=0.0)


def _nanstd(x: torch.Tensor, dim: int, keepdim: bool) -> torch.Tensor:
    """Unbiased std over the non-NaN entries (NaN when fewer than 2)."""
    valid = ~torch.isnan(x)
    count = valid.sum(dim=dim, keepdim=True).to(x.dtype)
    mean = torch.nansum(x, dim=dim, keepdim=True) / count
    sq = torch.where(valid, (x - mean) ** 2, torch.zeros_like(x)).sum(dim=dim, keepdim=True)
    std = torch.sqrt(sq / (count - 1))
    std = torch.where(count > 1, std, torch.full_like(std, torch.nan))
    return std if keepdim else std.squeeze(dim)


def mask_unscored(completion_mask: torch.Tensor, rewards: torch.Tensor) -> torch.Tensor:
    """Zero the loss-mask rows of samples without a reward (NaN): they leave the loss and its normaliser,
    while every other row, and so the batch, is untouched."""
    keep = ~torch.isnan(rewards.to(completion_mask.device))
    return completion_mask * keep.unsqueeze(1).to(completion_mask.dtype)


def group_spread(rewards: torch.Tensor, group_size: int) -> torch.Tensor:
    """Per-group std of the valid rewards (0 where fewer than two are valid): the dynamic-sampling score."""
    return torch.nan_to_num(_nanstd(rewards.view(-1, group_size), dim=1, keepdim=False), nan=0.0)


def keep_groups(rewards: torch.Tensor, group_size: int, min_std: float = 1e-6) -> torch.Tensor:
    """Dynamic sampling: True for groups that carry a learning signal (valid rewards not all equal)."""
    return group_spread(rewards, group_size) > min_std


# ---------------------------------------------------------------- adaptive batch sizing

@dataclass
class KeepRatio:
    """Running fraction of sampled groups that survive the filter (CodeV-R1's adaptive sampling estimate).

    Starts at `initial` with the weight of `prior_groups` observations, so the first rounds do not swing it;
    clamped to [floor, 1] so one bad round cannot ask for an unbounded number of prompts.
    """
    initial: float = 1.0
    prior_groups: float = 4.0
    floor: float = 0.05
    kept: float = 0.0
    seen: float = 0.0

    @property
    def value(self) -> float:
        ratio = (self.kept + self.initial * self.prior_groups) / (self.seen + self.prior_groups)
        return min(1.0, max(self.floor, ratio))

    def update(self, kept: int, seen: int) -> None:
        self.kept += kept
        self.seen += seen


def prompts_to_generate(needed: int, keep_ratio: float, max_prompts: int, adaptive: bool = True) -> int:
    """Prompts to sample this round: still needed / keep ratio (adaptive), or just the need (plain DAPO)."""
    if needed <= 0:
        return 0
    count = math.ceil(needed / keep_ratio - 1e-9) if adaptive else needed
    return max(1, min(max_prompts, count))


@dataclass
class BatchPlan:
    """Which groups of the pooled rounds fill the batch, and how."""
    chosen: list[int]          # indices into the pooled groups, in batch order (length = needed when any exist)
    trained: list[bool]        # per chosen group: False = padding whose loss mask is zeroed
    short: int                 # groups that had to be padded (0 when the batch filled)
    surplus: int               # kept groups left over (generated but not needed)


def plan_batch(kept: list[bool], spread: list[float], needed: int, fallback: str = "keep") -> BatchPlan:
    """Fill `needed` slots from pooled groups: kept ones first, then a defined fallback, never an exception.

    fallback "keep": train on what was kept; the missing slots are filled with dropped groups whose loss is
    masked (they keep the tensor shapes TRL needs, add nothing to the loss or its token normaliser).
    fallback "pad_best_variance": fill with the dropped groups of largest reward spread, trained as usual
    (their advantages are ~0, so they mostly add tokens to the normaliser, as plain GRPO would).
    """
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be one of {FALLBACKS}, not {fallback!r}")
    kept_idx = [i for i, k in enumerate(kept) if k]
    chosen = kept_idx[:needed]
    trained = [True] * len(chosen)
    short = needed - len(chosen)
    if short > 0:
        dropped = sorted((i for i, k in enumerate(kept) if not k), key=lambda i: -spread[i])
        pad = dropped[:short]
        while pad and len(pad) < short:  # fewer groups than slots in total: reuse (still masked or ~0 signal)
            pad.append(pad[len(pad) % len(dropped)])
        chosen += pad
        trained += [fallback == "pad_best_variance"] * len(pad)
    return BatchPlan(chosen, trained, max(0, short), max(0, len(kept_idx) - needed))


def simulate_sampling(keep_probability: float, batch_groups: int, steps: int, max_rounds: int,
                      adaptive: bool, seed: int = 0, max_factor: int = 8) -> dict[str, float]:
    """Sample-count model of one training run: groups survive the filter with `keep_probability`.

    Used by bench/adaptive_sampling.py to compare plain dynamic sampling (each round asks for the missing
    count) with adaptive sizing (missing count / running keep ratio) under the same round cap.
    """
    gen = torch.Generator().manual_seed(seed)
    ratio = KeepRatio()
    groups = rounds = short = 0
    for _ in range(steps):
        have = 0
        for _round in range(max_rounds):
            need = batch_groups - have
            if need <= 0:
                break
            n = prompts_to_generate(need, ratio.value, batch_groups * max_factor, adaptive)
            kept = int((torch.rand(n, generator=gen) < keep_probability).sum())
            ratio.update(kept, n)
            groups += n
            rounds += 1
            have += kept
        short += max(0, batch_groups - have)
    return {"groups_per_step": groups / steps, "rounds_per_step": rounds / steps,
            "short_per_step": short / steps}


# ---------------------------------------------------------------- loss

@dataclass
class LossParts:
    loss: torch.Tensor            # scalar to backpropagate
    policy_loss: torch.Tensor     # the clipped surrogate alone (detached)
    low_clip_frac: torch.Tensor   # fraction of loss tokens clipped at 1 - eps_low (negative advantage)
    high_clip_frac: torch.Tensor  # fraction clipped at 1 + eps_high (positive advantage)
    entropy: torch.Tensor         # mean entropy over loss tokens (detached)


def dapo_loss(logps: torch.Tensor, old_logps: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              eps_low: float, eps_high: float, num_tokens: float | torch.Tensor,
              entropies: torch.Tensor | None = None, entropy_coef: float = 0.0) -> LossParts:
    """DAPO's token-level clipped surrogate with clip-higher.

    loss = -sum_t mask * min(r A, clip(r, 1-eps_low, 1+eps_high) A) / num_tokens - entropy_coef * H,
    r = exp(logp - old_logp) per token; num_tokens counts loss tokens over the whole generation batch (token-
    level normalisation: long answers weigh by their length, not per sequence); H is the mean token entropy.
    """
    mask = mask.to(logps.dtype)
    adv = advantages.unsqueeze(1) if advantages.dim() == 1 else advantages
    ratio = torch.exp(logps - old_logps)
    clipped = torch.clamp(ratio, 1 - eps_low, 1 + eps_high)
    per_token = -torch.min(ratio * adv, clipped * adv)
    denom = torch.as_tensor(num_tokens, dtype=logps.dtype).clamp(min=1.0)
    policy = (per_token * mask).sum() / denom
    count = mask.sum().clamp(min=1.0)
    low = (((ratio < 1 - eps_low) & (adv < 0)).to(mask.dtype) * mask).sum() / count
    high = (((ratio > 1 + eps_high) & (adv > 0)).to(mask.dtype) * mask).sum() / count
    entropy = (entropies * mask).sum() / count if entropies is not None else torch.zeros((), dtype=logps.dtype)
    loss = policy - entropy_coef * entropy if entropy_coef else policy
    return LossParts(loss, policy.detach(), low.detach(), high.detach(), entropy.detach())
