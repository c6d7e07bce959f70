"""What a run leaves behind: the SFT and RL datasets (JSONL and `datasets.save_to_disk`), `funnel.json`
(kept and dropped per stage and reason) and `report.md` (the same, with an example of every reason)."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .store import KEPT, StageFile

SFT_COLUMNS = ("id", "messages", "source", "meta")
RL_COLUMNS = ("id", "prompt", "golden", "interface", "difficulty", "source", "meta")


@dataclass
class StageCount:
    name: str
    inputs: int = 0
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    examples: dict[str, dict] = field(default_factory=dict)  # reason -> first dropped record

    def to_json(self) -> dict:
        return {"name": self.name, "in": self.inputs, "kept": self.kept, "dropped": dict(sorted(self.dropped.items()))}


def count_stage(name: str, stage: StageFile) -> StageCount:
    counts = StageCount(name)
    for row in stage.records():
        counts.inputs += 1
        if row["status"] == KEPT:
            counts.kept += 1
        else:
            counts.dropped[row["reason"]] += 1
            if row["reason"] not in counts.examples:
                item = row["item"]
                counts.examples[row["reason"]] = {"id": row["id"], "where": f"{item.get('source')}:{item.get('path')}",
                                                  "top": item.get("top", ""), "detail": row.get("detail", "")}
    return counts


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    """Atomically (temp file, then rename): a kill never leaves half a dataset file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(path)
    return n


def save_dataset(jsonl: Path, folder: Path, columns: tuple[str, ...], cache: Path) -> None:
    """JSONL -> Arrow on disk, read in streaming fashion by `datasets` (rows are never all in memory)."""
    import datasets

    datasets.disable_progress_bars()  # the stage bars say what is happening; these would only add noise
    if folder.exists():
        shutil.rmtree(folder)
    if jsonl.stat().st_size == 0:
        data = datasets.Dataset.from_dict({c: [] for c in columns})
    else:
        data = datasets.Dataset.from_json(str(jsonl), cache_dir=str(cache))
    data.save_to_disk(str(folder))


def write_funnel(path: Path, stages: list[StageCount]) -> None:
    path.write_text(json.dumps({"stages": [s.to_json() for s in stages]}, indent=2) + "\n", encoding="utf-8")


def _cell(text: str, limit: int = 140) -> str:
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|")


def write_report(path: Path, stages: list[StageCount], sft: int, rl: int, extra: dict[str, str]) -> None:
    lines = ["# Synthesis report", "", f"SFT rows: **{sft}**; RL rows: **{rl}**.", ""]
    lines += ["## Funnel", "", "| stage | in | kept | dropped |", "|---|---:|---:|---:|"]
    for s in stages:
        lines.append(f"| {s.name} | {s.inputs} | {s.kept} | {sum(s.dropped.values())} |")
    for s in stages:
        if not s.dropped:
            continue
        lines += ["", f"## {s.name}: dropped, by reason", "", "| reason | count | example (id, where, detail) |",
                  "|---|---:|---|"]
        for reason, n in sorted(s.dropped.items(), key=lambda kv: -kv[1]):
            ex = s.examples[reason]
            lines.append(f"| {reason} | {n} | `{ex['id']}` {_cell(ex['where'], 60)} `{ex['top']}`: {_cell(ex['detail'])} |")
    if extra:
        lines += ["", "## Run", ""] + [f"- {k}: {v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
