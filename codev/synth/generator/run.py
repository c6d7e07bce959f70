"""The generation loop: deterministic candidates, dedup, batched verification, resumable writes.

Candidate i is a pure function of (seed, i, selected families, levels): its family, level and
parameters come from a RNG seeded with those alone. Candidates are deduplicated in index order
before verification (a duplicate never depends on a verdict), verified in batches on a process
pool, and recorded in index order, so the kept items are the same however often the run is killed.
Verified candidates that are degenerate (`degenerate.py`: a constant output, an unused input, an output
that never toggles) are recorded as such with the reason; the rest pass a decontamination screen (a small family such as a 2-to-1 mux can be a
benchmark problem); those it names are recorded as "contaminated" with the benchmark problem.
"""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from codev.synth.checking import Checker
from codev.synth.items import Item

from .config import GeneratorConfig
from .degenerate import degeneracy
from .design import Design, skeleton
from .families import FAMILIES
from .rows import dedup_key, item_id, rows, styled_prompt
from .store import Attempt, ItemStore, read_attempts
from .verify import Verification, verify


Screen = Callable[[list[Item]], dict[str, str]]  # item id -> why it copies a benchmark problem (those that do)


class CheckUnavailable(Exception):
    """A candidate could not be checked (timeout, missing tool): the run stops, a rerun resumes there."""


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
        keys |= {a.key for a in read_attempts(path) if a.status == "kept"}
    return keys


def generate(config: GeneratorConfig, out: Path, progress: Callable[[int, int], None] | None = None,
             screen: Screen | None = None, checker: Checker | None = None) -> ItemStore:
    """Fill `out` with `config.n` verified items (resuming what is there); returns the closed store.
    `screen` (e.g. `codev.synth.decontam.Decontaminator.screen`) is required when `config.decontam` is on.
    `checker`: the caller's warm pool (local or Ray), which every batch's verification uses; without one,
    a pool of `config.jobs` workers is started here for the whole run (never one per batch)."""
    if config.decontam and screen is None:
        raise ValueError("generator decontam is on but no screen was given (or set decontam: false)")
    if checker is None:
        with Checker(config.jobs) as own:
            return generate(config, out, progress, screen, own)
    banned = foreign_keys(config.exclude_from)
    store = ItemStore(out, config.identity())
    try:
        while store.kept < config.n and store.next_index < config.attempt_limit():
            start = store.next_index
            want = max(config.n - store.kept, 2 * (config.jobs or 2))  # verify little more than still needed
            stop = min(start + min(config.batch, want), config.attempt_limit())
            _batch(config, store, banned, range(start, stop), screen if config.decontam else None, checker)
            if progress:
                progress(store.kept, store.next_index)
        store.finalize()
    finally:
        store.close()
    return store


def _batch(config: GeneratorConfig, store: ItemStore, banned: set[str], indices: range,
           screen: Screen | None, checker: Checker) -> None:
    designs = [candidate(config, i) for i in indices]
    keys = [dedup_key(d) for d in designs]
    shapes = [shape_key(d) for d in designs]
    seen = set(store.keys)
    used = Counter(a.shape for a in store.attempts if a.status != "duplicate" and a.shape)
    cap = config.max_per_skeleton
    repeats: list[str] = []  # why a candidate is not fresh ("" when it is)
    for key, shape in zip(keys, shapes):
        repeats.append("held out: in an --exclude-from set" if key in banned else
                       "same normalized golden as an earlier item" if key in seen else
                       f"skeleton already used by {cap} earlier candidates (only widths or constants differ)"
                       if cap and used[shape] >= cap else "")
        seen.add(key)
        if not repeats[-1]:
            used[shape] += 1
    fresh = [d for d, r in zip(designs, repeats) if not r]
    verified = _verified(fresh, config, checker)
    degenerate = {item_id(d): found for d, v in zip(fresh, verified)
                  if v.ok and (found := degeneracy(d, v.untoggled)) is not None}
    passed = [Item(item_id(d), d.golden, d.top, "generator", data={"prompt": styled_prompt(d)})
              for d, v in zip(fresh, verified) if v.ok and item_id(d) not in degenerate]
    contaminated = screen(passed) if screen and passed else {}
    results = iter(verified)
    for index, design, key, repeat in zip(indices, designs, keys, repeats):
        if store.kept >= config.n:
            return  # later candidates stay unrecorded: a run with a larger n picks them up
        if repeat:
            store.record(_attempt(index, design, key, "duplicate", repeat))
            continue
        result = next(results)
        if result.unchecked:  # recording it would make the output depend on machine load
            raise CheckUnavailable(f"candidate {index} ({design.family}) could not be checked: {result.reason}; "
                                   "the items before it are saved, rerun the same command to resume")
        if not result.ok:
            store.record(_attempt(index, design, key, "failed", result.reason))
            continue
        if item_id(design) in degenerate:
            store.record(_attempt(index, design, key, "degenerate", degenerate[item_id(design)].describe()))
            continue
        if item_id(design) in contaminated:
            store.record(_attempt(index, design, key, "contaminated", contaminated[item_id(design)]))
            continue
        meta = {"key": key, "seed": config.seed, "index": index, "verified_by": list(result.backends)}
        rl, sft = rows(design, meta)
        store.record(_attempt(index, design, key, "kept"), rl, sft)


def _verified(designs: list[Design], config: GeneratorConfig, checker: Checker) -> list[Verification]:
    """Verify a batch; checks that could not run (e.g. a timeout on a loaded machine) get one more try alone."""
    results = verify(designs, config.checker, config.formal, check=checker.check_jobs)
    for i, result in enumerate(results):
        if result.unchecked:
            results[i] = verify([designs[i]], config.checker, config.formal, check=checker.check_jobs)[0]
    return results


def shape_key(design: Design) -> str:
    return hashlib.sha256(skeleton(design.golden).encode()).hexdigest()[:16]


def _attempt(index: int, design: Design, key: str, status: str, reason: str = "") -> Attempt:
    return Attempt(index, item_id(design), key, design.family, design.level, status, reason, shape_key(design))
