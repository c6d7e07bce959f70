"""The adaptive DAPO trainer with self-play's baselines, the live-policy sampler and per-round metrics.

The trainer is `AdaptiveDAPOTrainer` unchanged except for its advantage hook: with `baseline:
task_relative` each sample's baseline is the mean of its (role, task type) in the round (Absolute Zero's
task-relative REINFORCE++), with `group` DAPO's per-prompt group baseline (each group has one role and type).
"""
from __future__ import annotations

import math
from pathlib import Path

import torch
from accelerate.utils import gather_object
from transformers import TrainerCallback

from codev.jsonl import JsonlLog
from codev.llm.hf_local import render_chat

from ..dapo_trainer import AdaptiveDAPOTrainer
from ..metrics import METRICS_FILE
from .rewards import sample_key, task_relative_advantages


class SelfPlayTrainer(AdaptiveDAPOTrainer):
    def __init__(self, *args, baseline: str = "task_relative", **kwargs):
        super().__init__(*args, **kwargs)
        self.baseline = baseline

    def advantages(self, rewards: torch.Tensor, inputs: list[dict]) -> torch.Tensor:
        if self.baseline == "group":
            return super().advantages(rewards, inputs)
        keys = gather_object([sample_key(row["role"], row["task_type"]) for row in inputs])
        scale = self.scale_rewards if self.scale_rewards in ("group", "batch", "none") else "group"
        return task_relative_advantages(rewards, keys, scale, floor=self.advantage_std_floor)


def live_sampler(trainer: AdaptiveDAPOTrainer, max_new_tokens: int, temperature: float, batch_size: int = 16):
    """Answers from the policy being trained (for the solve rate of a proposed task), without gradients.

    It is a collective: with several processes every one must call it (with an empty list when it has no
    valid proposal); the prompts of all processes are pooled and each runs the same number of `generate`
    batches on its share (sharded models such as ZeRO-3 need every process in every forward pass).
    """
    acc = trainer.accelerator

    def generate(texts: list[str], batches: int) -> list[str]:
        model = acc.unwrap_model(trainer.model)
        tok = trainer.processing_class
        was_training = model.training
        model.eval()
        outs: list[str] = []
        try:
            with torch.no_grad():
                for b in range(batches):
                    chunk = texts[b * batch_size:(b + 1) * batch_size] or texts[:1] or [tok.eos_token]
                    enc = tok(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
                    gen = model.generate(**enc, do_sample=True, temperature=temperature, top_p=1.0,
                                         max_new_tokens=max_new_tokens, pad_token_id=tok.pad_token_id)
                    if b * batch_size < len(texts):  # a filler batch keeps the processes in step; dropped
                        outs += tok.batch_decode(gen[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        finally:
            if was_training:
                model.train()
        return outs

    def sample(prompts: list[list[dict]], n: int) -> list[list[str]]:
        tok = trainer.processing_class
        texts = [render_chat(tok, p) for p in prompts for _ in range(n)]
        if acc.num_processes == 1:
            outs = generate(texts, math.ceil(len(texts) / batch_size))
        else:
            pooled = gather_object([texts])  # one list per process, in rank order
            everything = [t for part in pooled for t in part]
            mine = everything[acc.process_index::acc.num_processes]
            batches = math.ceil(math.ceil(len(everything) / acc.num_processes) / batch_size)
            answers = gather_object([generate(mine, batches)])
            merged = [""] * len(everything)
            for rank, part in enumerate(answers):
                merged[rank::acc.num_processes] = part
            start = sum(len(part) for part in pooled[:acc.process_index])
            outs = merged[start:start + len(texts)]
        return [outs[i * n:(i + 1) * n] for i in range(len(prompts))]

    return sample


class SelfPlayMetrics(TrainerCallback):
    """RUN_DIR/metrics.jsonl records (stage "selfplay") across rounds: the step counts on from round to round
    and each record holds the trainer's logs plus the judge's per-role, per-type figures."""

    def __init__(self, run_dir: str | Path, judge, round_: int, step_offset: int):
        self.path = Path(run_dir) / METRICS_FILE
        self.judge, self.round, self.offset = judge, round_, step_offset

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        record = {"stage": "selfplay", "step": self.offset + state.global_step, "round": self.round}
        merged = {**logs, **(self.judge.pop_metrics() if "train_runtime" not in logs else {})}
        for key, value in merged.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                record[key] = None if isinstance(value, float) and not math.isfinite(value) else value
        JsonlLog(self.path).append(record)
