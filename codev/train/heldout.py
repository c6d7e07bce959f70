"""pass@1 of a model on held-out RL problems, judged like the reward (format AND checker verdict).

Used to score RL runs (bench/rl_gain.py) and data mixtures (mixture.py). pass@1 is the unbiased estimate
c/n per problem averaged over problems; samples the checker could not judge leave the denominator.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from codev.llm.hf_local import LocalModelBackend, LocalModelConfig
from codev.llm.openai_client import ChatRequest

from .checker_client import RewardChecker
from .reward import EquivalenceReward, RewardSettings


@dataclass
class HeldoutScore:
    pass_at_1: float
    format_rate: float
    problems: int
    samples: int
    masked: int
    seconds_generate: float
    seconds_check: float
    # per problem (row order), per sample (sample order): 1 pass, 0 fail, None unjudged (timeout, infra error)
    outcomes: list[list[int | None]] = field(default_factory=list)


def score_model(model_path: str, rows: list[dict], checker: RewardChecker, samples: int = 4,
                temperature: float = 0.5, max_tokens: int = 512, batch_size: int = 16,
                seed: int = 0) -> HeldoutScore:
    requests = [ChatRequest((i, k), row["prompt"]) for i, row in enumerate(rows) for k in range(samples)]
    texts: dict[tuple[int, int], str] = {}
    start = time.perf_counter()
    LocalModelBackend(LocalModelConfig(model_path, temperature=temperature, top_p=1.0, max_tokens=max_tokens,
                                       batch_size=batch_size, seed=seed, device="cpu")).complete(
        requests, lambda req, text: texts.__setitem__(req.key, text))
    generated = time.perf_counter() - start
    keys = sorted(texts)
    reward = EquivalenceReward(checker, RewardSettings())
    start = time.perf_counter()
    scores = reward.score([texts[k] for k in keys], [rows[i]["golden"] for i, _ in keys],
                          [rows[i].get("meta") for i, _ in keys], [rows[i]["id"] for i, _ in keys])
    checked = time.perf_counter() - start
    per_problem: dict[int, list[float]] = defaultdict(list)
    outcomes: list[list[int | None]] = [[None] * samples for _ in rows]
    masked = bad_format = 0
    for (i, k), score in zip(keys, scores):
        if score.reward is None:
            masked += 1
            continue
        outcomes[i][k] = int(score.equivalent)
        bad_format += score.status == "bad_format"
        per_problem[i].append(1.0 if score.equivalent else 0.0)
    rates = [sum(v) / len(v) for v in per_problem.values()]
    judged = sum(len(v) for v in per_problem.values())
    return HeldoutScore(sum(rates) / len(rates) if rates else 0.0, 1 - bad_format / max(1, judged), len(rows),
                        len(keys), masked, generated, checked, outcomes)
