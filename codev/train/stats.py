"""Sampling statistics for scoring models on problems: unbiased pass@k, bootstrap intervals over problems,
paired sample outcomes. Pure Python, so the benchmark's figures are checked on hand-computed values."""
from __future__ import annotations

import random
from dataclasses import dataclass
from math import comb


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one problem from n samples with c correct (Chen et al. 2021): 1 - C(n-c, k) / C(n, k).
    Needs n >= k; n == 0 (every sample unjudged) gives 0."""
    if n == 0:
        return 0.0
    if n < k:
        raise ValueError(f"pass@{k} needs at least {k} samples per problem, got {n}")
    return 1.0 - comb(n - c, k) / comb(n, k)


def problem_rates(outcomes: list[list[int | None]], k: int) -> list[float]:
    """pass@k per problem from per-sample outcomes (1 pass, 0 fail, None unjudged: left out)."""
    out = []
    for samples in outcomes:
        judged = [o for o in samples if o is not None]
        out.append(pass_at_k(len(judged), sum(judged), min(k, len(judged))) if judged else 0.0)
    return out


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} ({self.low:.3f}-{self.high:.3f})"


def bootstrap_mean(values: list[float], resamples: int = 2000, level: float = 0.95, seed: int = 0) -> Interval:
    """Mean over problems with a percentile bootstrap interval (problems resampled with replacement)."""
    if not values:
        return Interval(0.0, 0.0, 0.0)
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    tail = (1 - level) / 2
    return Interval(sum(values) / n, means[int(tail * resamples)], means[min(resamples - 1, int((1 - tail) * resamples))])


def paired_counts(before: list[list[int | None]], after: list[list[int | None]]) -> tuple[int, int]:
    """(fail->pass, pass->fail) over samples drawn with the same sampling seed by two models; unjudged skipped."""
    up = down = 0
    for b_samples, a_samples in zip(before, after):
        for b, a in zip(b_samples, a_samples):
            if b is None or a is None:
                continue
            up += b == 0 and a == 1
            down += b == 1 and a == 0
    return up, down
