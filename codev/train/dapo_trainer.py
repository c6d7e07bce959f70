"""TRL's GRPOTrainer with CodeV-R1's adaptive DAPO wired in (pinned to trl 1.16.0, whose hooks it overrides).

Per optimizer step: generate rounds until every process holds enough groups whose rewards differ (dynamic
sampling), sizing each round by the running keep ratio (adaptive sampling), with a round cap and a defined
fallback; samples the checker could not judge are masked out of the loss. All decisions are taken on the
rewards gathered from every process, so each process runs the same rounds and the collectives line up.
The rules themselves live in `algorithm.py`.
"""
from __future__ import annotations

import math
import random
import time
from collections import Counter

import torch
from accelerate.utils import gather, gather_object
from testbench_gen import VerdictKind
from trl import GRPOTrainer

from .algorithm import (KeepRatio, dapo_loss, group_advantages, group_spread, keep_groups, mask_unscored,
                        plan_batch, prompts_to_generate, weighted_rewards)
from .config import SamplingSettings
from .reward import MASKED, EquivalenceReward

# completion-aligned tensors (B, T) padded on the right; prompt tensors (B, P) padded on the left
_RIGHT = ("completion_ids", "completion_mask", "old_per_token_logps", "sampling_per_token_logps",
          "ref_per_token_logps", "importance_sampling_ratio", "tool_mask")
_LEFT = ("prompt_ids", "prompt_mask")


class TrainingStalled(RuntimeError):
    """Rollouts carry no learning signal at all (every completion cut at the length cap, or none reached the
    checker) for several rollouts in a row: training would only burn time, so the run stops and says why."""


def stall_reason(clipped: int, reached_checker: int, total: int) -> str:
    """Why one rollout cannot teach anything ("" when it can)."""
    if total and clipped == total:
        return f"all {total} completions hit max_completion_length (raise it, or train SFT longer)"
    if total and reached_checker == 0:
        return (f"none of {total} completions reached the checker (all badly formatted or unjudged: "
                "check the SFT model's format and the checker)")
    return ""


class AdaptiveDAPOTrainer(GRPOTrainer):
    def __init__(self, *args, sampling: SamplingSettings, equivalence: EquivalenceReward,
                 advantage_std_floor: float = 0.0, stall_steps: int = 0, **kwargs):
        # `equivalence` (or the self-play judge) is registered through a wrapper that keeps the per-sample
        # statuses its score() returns: the trainer's own round state, not the reward object's
        self._round_scores: list = []
        self._invalid_ids: set[str] = set()  # rows whose golden the checker rejected: never drawn again
        kwargs["reward_funcs"] = [self._keeping_scores(f) if f is equivalence else f
                                  for f in kwargs.get("reward_funcs") or []]
        super().__init__(*args, **kwargs)
        self.sampling = sampling
        self.advantage_std_floor = advantage_std_floor
        self.stall_steps = stall_steps  # 0: never stop
        self._stalled_rollouts = 0
        self.keep_ratio = KeepRatio(initial=sampling.initial_keep_ratio, floor=sampling.min_keep_ratio)
        self._rng = random.Random(self.args.seed * 1000 + self.accelerator.process_index)
        self._round_rewards: torch.Tensor | None = None
        self._round_statuses: list[str] = []
        self._round_verdicts: list[str] = []
        self._step_verdicts: Counter = Counter()
        self._seconds = Counter()
        self._update_logged_at = 0
        self._score_total = 0.0
        local = self.args.generation_batch_size // self.accelerator.num_processes
        if local % self.num_generations:
            raise ValueError(f"each process must hold whole groups: {local} completions per process is not a "
                             f"multiple of num_generations={self.num_generations}")
        self._own_loss = (self.loss_type == "dapo" and self.beta == 0.0 and not self.use_vllm
                          and self.importance_sampling_level == "token" and self.off_policy_mask_threshold is None
                          and self.top_entropy_quantile == 1.0 and not self.use_adaptive_entropy
                          and not self.aux_loss_enabled)

    # ------------------------------------------------------------ timing and per-sample statuses
    def _keeping_scores(self, scorer):
        """TRL's reward function for `scorer`: its rewards, with the SampleScores kept for this round."""
        def reward(prompts, completions, **columns):
            self._round_scores = scores = scorer.score(completions=completions, **columns)
            ids = columns.get("id")
            self._invalid_ids.update(ids[i] for i, s in enumerate(scores) if ids and s.status == "invalid_golden")
            return [s.reward for s in scores]
        reward.__name__ = scorer.__name__
        return reward

    def _generate(self, prompts):
        start = time.perf_counter()
        out = super()._generate(prompts)
        self._seconds["generate"] += time.perf_counter() - start
        return out

    def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
        start = time.perf_counter()
        rewards = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        self._round_rewards = rewards
        self._round_statuses = gather_object([s.status for s in self._round_scores])
        self._round_equivalent = sum(gather_object([int(s.equivalent) for s in self._round_scores]))
        self._round_verdicts = gather_object([s.verdict for s in self._round_scores if s.verdict])
        self._seconds["reward"] += time.perf_counter() - start
        return rewards

    def training_step(self, model, inputs, num_items_in_batch):
        before = self._score_total
        start = time.perf_counter()
        out = super().training_step(model, inputs, num_items_in_batch)
        self._seconds["update"] += time.perf_counter() - start - (self._score_total - before)
        return out

    # ------------------------------------------------------------ adaptive dynamic sampling
    def _score_round(self, inputs):
        """One parent call; returns its local tensors and the global rewards/statuses of this round."""
        out = super()._generate_and_score_completions(inputs)
        rewards = weighted_rewards(self._round_rewards, self.reward_weights)
        return out, rewards, list(self._round_statuses), self._round_equivalent

    def _extra_inputs(self, n_prompts: int) -> list[dict]:
        data = self.train_dataset
        bad = self._invalid_ids
        ids = data["id"] if "id" in data.column_names else None
        pool = [i for i in range(len(data)) if ids is None or ids[i] not in bad] or list(range(len(data)))
        rows = [data[self._rng.choice(pool)] for _ in range(n_prompts)]
        return [row for row in rows for _ in range(self.num_generations)]

    def _generate_and_score_completions(self, inputs):
        start = time.perf_counter()
        if not self.model.training:
            out, rewards, _, _ = self._score_round(inputs)
            rank = self.accelerator.process_index
            return self._mask_unscored(out, rewards, slice(rank * len(inputs), (rank + 1) * len(inputs)))
        G, P, rank = self.num_generations, self.accelerator.num_processes, self.accelerator.process_index
        need = len(inputs) // G  # groups per process
        rounds, statuses_all, equivalent_all, clipped = [], Counter(), 0, 0
        self._step_verdicts = Counter()
        kept_local = [0] * P
        n_prompts, round_inputs, sampled = need, inputs, 0
        while True:
            out, rewards, statuses, equivalent = self._score_round(round_inputs)
            statuses_all.update(statuses)
            clipped += self._count_clipped(out["completion_ids"])
            self._step_verdicts.update(self._round_verdicts)
            equivalent_all += equivalent
            keep = (keep_groups(rewards, G, self.sampling.min_spread) if self.sampling.dynamic
                    else torch.ones(len(rewards) // G, dtype=bool))
            per_rank = keep.view(P, n_prompts)
            for r in range(P):
                kept_local[r] += int(per_rank[r].sum())
            self.keep_ratio.update(int(keep.sum()), keep.numel())
            sampled += keep.numel()
            adv = self.advantages(rewards, round_inputs)
            local = slice(rank * n_prompts * G, (rank + 1) * n_prompts * G)
            out["advantages"] = adv[local].to(out["advantages"].device)
            out = self._mask_unscored(out, rewards, local)
            rounds.append((out, per_rank[rank].tolist(), group_spread(rewards, G).view(P, n_prompts)[rank].tolist()))
            still = max(need - k for k in kept_local)
            if still <= 0 or len(rounds) >= self.sampling.max_rounds or not self.sampling.dynamic:
                break
            n_prompts = prompts_to_generate(still, self.keep_ratio.value, need * self.sampling.max_prompts_factor,
                                            self.sampling.adaptive)
            round_inputs = self._extra_inputs(n_prompts)
        batch, plan = self._assemble(rounds, need)
        elapsed = time.perf_counter() - start
        self._score_total += elapsed
        self._log_step(len(rounds), sampled, statuses_all, equivalent_all, plan, P, elapsed, clipped)
        return batch

    def advantages(self, rewards: torch.Tensor, inputs: list[dict]) -> torch.Tensor:
        """Advantages of one round's rewards (all processes; `inputs`: this process's rows): DAPO's group
        baseline. A hook for trainers with other baselines (self-play's per role and task type)."""
        return group_advantages(rewards, self.num_generations, self.scale_rewards, floor=self.advantage_std_floor)

    def _count_clipped(self, completion_ids: torch.Tensor) -> int:
        """Completions of this round (all processes) that end without EOS: cut at max_completion_length."""
        eos = self.processing_class.eos_token_id
        local = int((~(completion_ids == eos).any(dim=1)).sum())
        return sum(gather_object([local]))

    def _check_stall(self, clipped: int, reached: int, total: int) -> float:
        """Count rollouts in a row without signal; raise TrainingStalled after `stall_steps` of them."""
        reason = stall_reason(clipped, reached, total)
        self._stalled_rollouts = self._stalled_rollouts + 1 if reason else 0
        if reason and self.stall_steps and self._stalled_rollouts >= self.stall_steps:
            raise TrainingStalled(f"RL stopped at step {self.state.global_step}: {self._stalled_rollouts} rollouts "
                                  f"in a row without a learning signal; last one: {reason}")
        return 1.0 if reason else 0.0

    def _mask_unscored(self, out: dict, rewards: torch.Tensor, local: slice) -> dict:
        """Samples without a primary reward (timeout, infra error, invalid golden) leave the loss."""
        out["completion_mask"] = mask_unscored(out["completion_mask"], rewards[local])
        return out

    def _assemble(self, rounds, need: int):
        """Pool the rounds' groups, choose `need` of them (algorithm.plan_batch), return one batch dict."""
        G = self.num_generations
        keys = [k for k in rounds[0][0] if isinstance(rounds[0][0][k], torch.Tensor) and rounds[0][0][k].dim() >= 1]
        pooled = {}
        for key in keys:
            tensors = [r[0][key] for r in rounds]
            if key in _LEFT or key in _RIGHT:
                width = max(t.size(1) for t in tensors) if tensors[0].dim() > 1 else None
                if width is not None:
                    tensors = [_pad(t, width, key, self.processing_class.pad_token_id) for t in tensors]
            pooled[key] = torch.cat(tensors, dim=0)
        kept = [k for r in rounds for k in r[1]]
        spread = [s for r in rounds for s in r[2]]
        plan = plan_batch(kept, spread, need, self.sampling.fallback)
        rows = torch.tensor([g * G + j for g in plan.chosen for j in range(G)], dtype=torch.long)
        batch = {k: v.index_select(0, rows.to(v.device)) for k, v in pooled.items()}
        trained = torch.tensor([t for t in plan.trained for _ in range(G)], device=batch["completion_mask"].device)
        batch["completion_mask"] = batch["completion_mask"] * trained.unsqueeze(1).to(batch["completion_mask"].dtype)
        loss_mask = batch["completion_mask"] * batch["tool_mask"] if "tool_mask" in batch else batch["completion_mask"]
        batch["num_items_in_batch"] = self.accelerator.gather(loss_mask.sum()).sum()
        return batch, plan

    def _log_step(self, n_rounds, sampled, statuses: Counter, equivalent: int, plan, P: int,
                  seconds: float, clipped: int = 0) -> None:
        m = self._metrics["train"]
        total = sum(statuses.values())
        scored = statuses["scored"] + statuses["bad_format"]
        m["rollout/clipped_share"].append(clipped / max(1, total))
        m["rollout/no_signal"].append(self._check_stall(clipped, statuses["scored"], total))
        m["dapo/rounds"].append(n_rounds)
        m["dapo/prompts_sampled"].append(sampled)
        m["dapo/keep_ratio"].append(self.keep_ratio.value)
        m["dapo/groups_short"].append(sum(gather_object([plan.short])) / P)
        m["dapo/groups_surplus"].append(sum(gather_object([plan.surplus])))
        m["reward/pass_rate"].append(equivalent / max(1, scored))
        m["reward/format_rate"].append(1.0 - statuses["bad_format"] / max(1, total))
        for reason in MASKED:
            m[f"masked/{reason}"].append(statuses[reason])
        for kind in VerdictKind:  # what the checker said about the well-formed answers of this step
            m[f"verdicts/{kind.value}"].append(self._step_verdicts[kind.value])
        for part in ("generate", "reward"):
            m[f"time/{part}"].append(self._seconds.pop(part, 0.0))
        m["time/generate_and_score"].append(seconds)

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        if self.model.training and "update" in self._seconds:  # mean update seconds per optimizer step
            steps = max(1, self.state.global_step - self._update_logged_at)
            self._metrics["train"]["time/update"].append(self._seconds.pop("update") / steps)
            self._update_logged_at = self.state.global_step
        super().log(logs, start_time)

    # ------------------------------------------------------------ loss
    def _compute_loss(self, model, inputs):
        if not self._own_loss:
            return super()._compute_loss(model, inputs)
        completion_ids, completion_mask = inputs["completion_ids"], inputs["completion_mask"]
        input_ids = torch.cat([inputs["prompt_ids"], completion_ids], dim=1)
        attention_mask = torch.cat([inputs["prompt_mask"], completion_mask], dim=1)
        mask = completion_mask if "tool_mask" not in inputs else completion_mask * inputs["tool_mask"]
        logps, entropies, _ = self._get_per_token_logps_and_entropies(
            model, input_ids, attention_mask, completion_ids.size(1), compute_entropy=True)
        old = inputs.get("old_per_token_logps")
        old = logps.detach() if old is None else old
        train = self.model.training
        accum = self.current_gradient_accumulation_steps if train else 1
        num_tokens = inputs["num_items_in_batch"].clamp(min=1.0) / self.accelerator.num_processes
        if train:  # num_items_in_batch spans the generation batch: rescale to one accumulation window
            num_tokens = num_tokens * accum / self.args.steps_per_generation
        parts = dapo_loss(logps, old, inputs["advantages"], mask, self.epsilon_low, self.epsilon_high, num_tokens,
                          entropies, self.entropy_coef / accum)
        m = self._metrics["train" if train else "eval"]
        empty = mask.sum() == 0  # every sample masked or padding: no token statistics on this process
        for name, value in (("entropy", parts.entropy), ("clip_ratio/low_mean", parts.low_clip_frac),
                            ("clip_ratio/high_mean", parts.high_clip_frac), ("policy_loss", parts.policy_loss)):
            value = torch.full((1,), float("nan"), device=value.device) if empty else value.reshape(1)
            mean = gather(value).nanmean().item()  # same on every process
            if math.isfinite(mean):  # nothing to average when all loss tokens were masked
                m[name].append(mean)
        return parts.loss


def _pad(t: torch.Tensor, width: int, key: str, pad_id: int) -> torch.Tensor:
    extra = width - t.size(1)
    if extra <= 0:
        return t
    value = pad_id if key in ("prompt_ids", "completion_ids") else (1 if key == "tool_mask" else 0)
    filler = torch.full((t.size(0), extra), value, dtype=t.dtype, device=t.device)
    return torch.cat([filler, t] if key in _LEFT else [t, filler], dim=1)
