"""Per-step metrics as one JSON object per line in RUN_DIR/metrics.jsonl (TensorBoard gets the same logs).

Written by the main process only, appended and flushed at every log, so a killed run keeps what it logged
and a resumed run continues the same file. At the start of training the stage's records past the step it
starts from are dropped (a run killed after logging step 40 but checkpointed at 30 retrains 31-40; a fresh
run over an old folder starts at 0), so no step is logged twice.
"""
from __future__ import annotations

import math
from pathlib import Path

from transformers import TrainerCallback

from codev.jsonl import JsonlLog

METRICS_FILE = "metrics.jsonl"


DATA_PREFIX = "data/"  # keys of the one record a stage writes about its data (e.g. SFT rows cut at max_length)


class JsonlMetrics(TrainerCallback):
    def __init__(self, run_dir: str | Path, stage: str, data_record: dict | None = None):
        self.path = Path(run_dir) / METRICS_FILE
        self.stage = stage
        self.data_record = data_record or {}

    def on_train_begin(self, args, state, control, **kwargs):
        if not state.is_world_process_zero:
            return
        if self.path.is_file():
            kept = [r for r in read_metrics(self.path.parent)
                    if r.get("stage") != self.stage
                    or (r.get("step", 0) <= state.global_step and not any(k.startswith(DATA_PREFIX) for k in r))]
            JsonlLog(self.path).rewrite(kept)
        if self.data_record:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            record = {"stage": self.stage, "step": state.global_step,
                      **{DATA_PREFIX + k: v for k, v in self.data_record.items()}}
            JsonlLog(self.path).append(record)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        record = {"stage": self.stage, "step": state.global_step}
        for key, value in logs.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                record[key] = None if isinstance(value, float) and not math.isfinite(value) else value
        JsonlLog(self.path).append(record)


def read_metrics(run_dir: str | Path) -> list[dict]:
    """Records of RUN_DIR/metrics.jsonl; a torn last line (killed mid-write) is skipped (codev.jsonl.JsonlLog)."""
    path = Path(run_dir) / METRICS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return list(JsonlLog(path))


def fit_round_cost(records: list[dict]) -> tuple[float, float] | None:
    """(fixed seconds per generation round, seconds per sampled group), least squares over the RL steps.

    Fits `time/generate_and_score = fixed * dapo/rounds + per_group * dapo/prompts_sampled` on the per-step
    records of an RL run (logging_steps 1). None when the steps cannot separate the two (fewer than two steps,
    or rounds and groups proportional in every step) or the fit is not positive. bench/adaptive_sampling.py
    turns it into its round overhead in groups' worth of time.
    """
    import torch

    rows = [(r["dapo/rounds"], r["dapo/prompts_sampled"], r["time/generate_and_score"]) for r in records
            if all(isinstance(r.get(k), (int, float)) for k in ("dapo/rounds", "dapo/prompts_sampled",
                                                                  "time/generate_and_score"))]
    if len(rows) < 2:
        return None
    x = torch.tensor([[a, b] for a, b, _ in rows], dtype=torch.float64)
    y = torch.tensor([[t] for _, _, t in rows], dtype=torch.float64)
    if torch.linalg.matrix_rank(x) < 2:
        return None
    fixed, per_group = torch.linalg.lstsq(x, y).solution.flatten().tolist()
    tiny = 1e-9 * max(t for _, _, t in rows)  # an exact zero comes back as +-1e-16, whatever the BLAS
    if fixed <= tiny or per_group <= tiny:
        return None
    return fixed, per_group
