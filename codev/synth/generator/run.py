"""The generation loop: deterministic candidates, dedup, batched verification, resumable writes.

Candidate i is a pure function of (seed, i, selected families, levels): its family, level and
parameters come from a RNG seeded with those alone. Candidates are deduplicated in index order
before verification (a duplicate never depends on a verdict), verified in batches on a process
pool, and recorded in index order, so the kept items are the same however often the run is killed.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from .config import GeneratorConfig
from .design import Design
from .families import FAMILIES
from .rows import dedup_key, item_id, rows
from .store import ItemStore, iter_jsonl
from .verify import verify


def candidate(config: GeneratorConfig, index: int) -> Design:
    rng = random.Random(f"codev-generator/{config.seed}/{index}")
    family = FAMILIES[rng.choice(config.selected())]
    level = rng.randint(config.min_level, config.max_level)
    return family.build(family.sample(rng, level), level)


def foreign_keys(dirs: tuple[str, ...]) -> set[str]:
    """Dedup keys of items in other generator outputs (held-out sets this run must not repeat)."""
    keys = set()
    for d in dirs:
        path = Path(d) / "attempts.jsonl"
        if not path.exists():
            raise FileNotFoundError(f"{path}: not a generator output (no attempts.jsonl)")
        keys |= {a["key"] for a in iter_jsonl(path) if a["status"] == "kept"}
    return keys


def generate(config: GeneratorConfig, out: Path,
             progress: Callable[[int, int], None] | None = None) -> ItemStore:
    """Fill `out` with `config.n` verified items (resuming what is there); returns the closed store."""
    store = ItemStore(out, config.identity())
    banned = foreign_keys(config.exclude_from)
    try:
        while store.kept < config.n and store.next_index < config.attempt_limit():
            start = store.next_index
            stop = min(start + config.batch, config.attempt_limit())
            _batch(config, store, banned, range(start, stop))
            if progress:
                progress(store.kept, store.next_index)
    finally:
        store.close()
    store.finalize()
    return store


def _batch(config: GeneratorConfig, store: ItemStore, banned: set[str], indices: range) -> None:
    designs = [candidate(config, i) for i in indices]
    keys = [dedup_key(d) for d in designs]
    seen = set(store.keys)
    repeats: list[str] = []  # why a candidate is not fresh ("" when it is)
    for key in keys:
        repeats.append("held out: in an --exclude-from set" if key in banned else
                       "same normalized golden as an earlier item" if key in seen else "")
        seen.add(key)
    checked = verify([d for d, r in zip(designs, repeats) if not r], config.checker, config.formal, config.jobs)
    results = iter(checked)
    for index, design, key, repeat in zip(indices, designs, keys, repeats):
        if store.kept >= config.n:
            return  # later candidates stay unrecorded: a run with a larger n picks them up
        attempt = {"index": index, "id": item_id(design), "key": key, "family": design.family,
                   "level": design.level}
        if repeat:
            store.record({**attempt, "status": "duplicate", "reason": repeat})
            continue
        result = next(results)
        if not result.ok:
            store.record({**attempt, "status": "failed", "reason": result.reason})
            continue
        meta = {"key": key, "seed": config.seed, "index": index, "verified_by": list(result.backends)}
        rl, sft = rows(design, meta)
        store.record({**attempt, "status": "kept", "reason": ""}, rl, sft)
