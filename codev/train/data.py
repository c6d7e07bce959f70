"""Training datasets from synthesis outputs (`sft.jsonl` / `rl.jsonl` of SFTItem / RLItem rows).

SFT rows become conversational prompt/completion pairs, so TRL's SFTTrainer puts the loss on the assistant
turn only; RL rows keep every column (golden, interface, difficulty, source, meta) for the reward function.
Per-source mixture weights resample the RL rows with `datasets.interleave_datasets`.
"""
from __future__ import annotations

import json
from pathlib import Path

from datasets import Dataset, concatenate_datasets, interleave_datasets, load_from_disk

from codev.synth.records import RLItem, SFTItem

from .config import ConfigError


def _rows(path: str, name: str) -> list[dict]:
    """Rows of DIR/NAME.jsonl, a .jsonl file, or a `datasets` folder; errors name the file and line."""
    if not path:
        raise ConfigError(f"no {name} data given (set {name}.data in the recipe or pass --data)")
    p = Path(path)
    if p.is_dir():
        if (p / f"{name}.jsonl").is_file():
            p = p / f"{name}.jsonl"
        elif (p / "dataset_info.json").is_file() or (p / "state.json").is_file():
            return list(load_from_disk(str(p)))
        else:
            raise ConfigError(f"{name} data {path}: folder holds neither {name}.jsonl nor a saved dataset")
    if not p.is_file():
        raise ConfigError(f"{name} data {path}: no such file")
    rows = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{name} data {p}: line {n} is not JSON ({exc.msg})") from None
    if not rows:
        raise ConfigError(f"{name} data {p}: no rows")
    return rows


def load_sft(path: str) -> Dataset:
    items = []
    for n, row in enumerate(_rows(path, "sft"), 1):
        try:
            item = SFTItem.from_row(row)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"sft data {path}: row {n} is not an SFT row ({exc})") from None
        if not item.messages or item.messages[-1].get("role") != "assistant":
            raise ConfigError(f"sft data {path}: row {n} ({item.id}) does not end with an assistant turn")
        items.append({"prompt": item.messages[:-1], "completion": item.messages[-1:], "source": item.source})
    return Dataset.from_list(items)


def load_rl(path: str) -> Dataset:
    rows = []
    for n, row in enumerate(_rows(path, "rl"), 1):
        try:
            rows.append(RLItem.from_row(row).to_row())
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"rl data {path}: row {n} is not an RL row ({exc})") from None
    return Dataset.from_list(rows)


def source_key(source: str, weights: dict[str, float]) -> str | None:
    """The mixture key for a row's source: the longest matching prefix, else "*" when given."""
    matches = [k for k in weights if k != "*" and source.startswith(k)]
    if matches:
        return max(matches, key=len)
    return "*" if "*" in weights else None


def apply_mixture(dataset: Dataset, weights: dict[str, float], seed: int = 0) -> Dataset:
    """Resample rows so each source group is drawn with its weight (rows of unlisted sources are left out).

    The result has as many rows as the input; groups are cycled (sampling with repetition) when a small
    source gets a large weight. Empty weights: the dataset unchanged.
    """
    if not weights:
        return dataset
    bad = {k: w for k, w in weights.items() if w < 0}
    if bad or sum(weights.values()) <= 0:
        raise ConfigError(f"mixture weights must be >= 0 with a positive sum, got {weights}")
    keys = [source_key(s, weights) for s in dataset["source"]]
    parts, probs = [], []
    for key, weight in weights.items():
        idx = [i for i, k in enumerate(keys) if k == key]
        if idx and weight > 0:
            parts.append(dataset.select(idx))
            probs.append(weight)
    if not parts:
        raise ConfigError(f"mixture weights {weights} match no row source")
    total = sum(probs)
    mixed = interleave_datasets(parts, probabilities=[p / total for p in probs], seed=seed,
                                stopping_strategy="all_exhausted")
    if len(mixed) < len(dataset):
        mixed = concatenate_datasets([mixed] * (len(dataset) // len(mixed) + 1))
    return mixed.select(range(len(dataset)))


def fill_batch(dataset: Dataset, rows: int) -> Dataset:
    """The dataset repeated up to at least `rows` rows. TRL draws whole prompt batches and drops a short one,
    so a 1-shot RLVR set (one problem) smaller than a step's prompts trained 0 steps and exited 0."""
    if 0 < len(dataset) < rows:
        return concatenate_datasets([dataset] * -(-rows // len(dataset)))
    return dataset
