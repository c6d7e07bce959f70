"""Per-step metrics as one JSON object per line in RUN_DIR/metrics.jsonl (TensorBoard gets the same logs).

Written by the main process only, appended and flushed at every log, so a killed run keeps what it logged
and a resumed run continues the same file.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from transformers import TrainerCallback

METRICS_FILE = "metrics.jsonl"


class JsonlMetrics(TrainerCallback):
    def __init__(self, run_dir: str | Path, stage: str):
        self.path = Path(run_dir) / METRICS_FILE
        self.stage = stage

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        record = {"stage": self.stage, "step": state.global_step}
        for key, value in logs.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                record[key] = None if isinstance(value, float) and not math.isfinite(value) else value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


def read_metrics(run_dir: str | Path) -> list[dict]:
    """Records of RUN_DIR/metrics.jsonl; a torn last line (killed mid-write) is skipped."""
    path = Path(run_dir) / METRICS_FILE
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records
