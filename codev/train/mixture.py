"""A small search over per-source RL data mixtures, each scored on held-out generated problems.

MoDoMoDo-style: propose mixtures (uniform, then Dirichlet draws over the sources), train a short RL run on
each from the same starting model, score held-out pass@1, keep the best. Results are appended to
OUT/mixtures.jsonl as each candidate finishes, so a killed search resumes where it stopped.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Callable

from codev.jsonl import JsonlLog

Mixture = dict[str, float]


def candidate_mixtures(keys: list[str], n: int, seed: int = 0, alpha: float = 1.0) -> list[Mixture]:
    """n mixtures over `keys`: uniform first, then Dirichlet(alpha) draws (weights sum to 1)."""
    keys = sorted(keys)
    out = [{k: round(1 / len(keys), 4) for k in keys}]
    rng = random.Random(seed)
    while len(out) < n:
        draws = [rng.gammavariate(alpha, 1.0) for _ in keys]
        total = sum(draws)
        out.append({k: round(d / total, 4) for k, d in zip(keys, draws)})
    return out[:n]


def search_mixtures(candidates: list[Mixture], evaluate: Callable[[int, Mixture], dict],
                    results_path: Path) -> tuple[Mixture, list[dict]]:
    """evaluate(index, mixture) -> {"pass_at_1": ..., ...} for each candidate not already in results_path."""
    results_path.parent.mkdir(parents=True, exist_ok=True)
    log = JsonlLog(results_path)
    done = {json.dumps(record["mixture"], sort_keys=True): record for record in log if "mixture" in record}
    records = []
    for i, mixture in enumerate(candidates):
        key = json.dumps(mixture, sort_keys=True)
        if key not in done:
            done[key] = {"index": i, "mixture": mixture, **evaluate(i, mixture)}
            log.append(done[key])
        records.append(done[key])
    best = max(records, key=lambda r: r["pass_at_1"])
    return best["mixture"], records


def rl_then_score(recipe, heldout_rows: list[dict], out: Path, checker, samples: int) -> Callable[[int, Mixture], dict]:
    """The evaluate function of a real search: a short `codev train rl` per mixture, then held-out pass@1."""
    from .heldout import score_model
    from .rl import run_rl

    def evaluate(index: int, mixture: Mixture) -> dict:
        r = copy.deepcopy(recipe)
        r.rl.mixture = mixture
        r.rl.output_dir = str(out / f"mix-{index}")
        final = run_rl(r.rl, r.model)
        score = score_model(final, heldout_rows, checker, samples=samples, temperature=r.rl.eval_temperature,
                            max_tokens=r.rl.max_completion_length)
        return {"pass_at_1": score.pass_at_1, "format_rate": score.format_rate, "problems": score.problems}

    return evaluate
