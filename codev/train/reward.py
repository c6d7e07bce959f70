"""The RL reward: format AND checker verdict, with a status per sample so "could not check" is never "wrong".

`score_sample` is the pure combination rule; `EquivalenceReward` is the callable TRL calls once per generation
batch (keyword columns from the RL dataset), sending every candidate of the batch to one checker call.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from testbench_gen import CheckOptions, Verdict, VerdictKind

from .checker_client import RewardChecker

log = logging.getLogger(__name__)

# exactly one <think>...</think>, then <answer> holding a ```verilog block, nothing after </answer>
_FORMAT = re.compile(r"^\s*<think>(?:(?!<think>|</think>)[\s\S])*</think>\s*"
                     r"<answer>(?:(?!<answer>|</answer>)[\s\S])*?```verilog\s*\n([\s\S]*?)```"
                     r"(?:(?!<answer>|</answer>)[\s\S])*</answer>\s*$")

STATUSES = ("scored", "bad_format", "timeout", "infra_error", "invalid_golden")
MASKED = ("timeout", "infra_error", "invalid_golden")


def extract_answer(text: str) -> str | None:
    """The Verilog inside a well-formed response, or None when the format is wrong."""
    match = _FORMAT.match(text)
    return match.group(1) if match else None


@dataclass(frozen=True)
class SampleScore:
    reward: float | None      # None: masked out of the loss (see status)
    status: str               # one of STATUSES
    equivalent: bool = False
    verdict: str = ""         # the deciding checker verdict kind ("" when the checker never saw it: bad format)


@dataclass
class RewardSettings:
    """How verdicts become rewards (the `reward:` section of an RL recipe)."""
    # binary: 1 for a well-formed equivalent answer, else 0. graded: a well-formed answer that compiles and
    # runs but mismatches earns graded_scale * (1 - mean per-output mismatch rate); everything else 0. Pair
    # graded with rl.advantage_std_floor so near-equal partial credits do not become full-size advantages.
    mode: str = "binary"
    graded_scale: float = 0.5     # the most a non-equivalent answer can earn when graded (< 1)
    backend: str = "icarus"       # checker backend; "hybrid" adds formal confirmation of `equivalent`
    # hybrid/formal only: an `equivalent` earns 1 only with a full formal proof (Verdict.formal proven);
    # one that formal bounded (a trojan deeper than the bound survives), could not count or could not
    # run earns `unproven_reward` instead. False (default): every `equivalent` earns 1, as before.
    require_full_proof: bool = False
    unproven_reward: float = 0.5
    # what an `equivalent` earns when some output bit of its golden never toggled on the check's
    # stimulus (Verdict.coverage < 1, after the coverage-directed segments): the pass compared that
    # bit only against a constant. 1.0 (default): no discount.
    untoggled_reward: float = 1.0
    workers: int = 0              # checker processes (0: all cores)
    cycles: int = 500
    timeout: float = 30.0
    deadline: float | None = None  # seconds per reward call; what is unchecked by then is `timeout` (masked)
    ray: str | None = None         # a Ray cluster ADDRESS (or "local"): check on its nodes, golden affinity kept
    extra_goldens_column: str = "goldens"  # JSON list of alternative goldens in `meta` (max over goldens)
    checker: dict = field(default_factory=dict)  # any other testbench_gen.CheckOptions field

    def check_options(self) -> CheckOptions:
        """The checker options the reward runs with (a ValueError names a bad `checker:` key)."""
        return CheckOptions.from_mapping({"backend": self.backend, "cycles": self.cycles, "timeout": self.timeout,
                                          **self.checker}, "checker")

    def problems(self) -> list[str]:
        """What these settings get wrong, as `key: problem` (empty when valid): the one place they are checked."""
        problems = []
        if self.mode not in ("binary", "graded"):
            problems.append(f"mode: must be binary or graded, not {self.mode!r}")
        if not 0 <= self.graded_scale < 1:
            problems.append(f"graded_scale: must be within [0, 1), got {self.graded_scale}")
        if self.require_full_proof and self.backend not in ("hybrid", "formal"):
            problems.append(f"require_full_proof: needs backend hybrid or formal (got {self.backend}): "
                            "no other backend runs formal, so nothing would ever earn 1")
        for name in ("unproven_reward", "untoggled_reward"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name}: must be within [0, 1] (got {getattr(self, name)})")
        try:
            self.check_options()
        except (TypeError, ValueError) as exc:
            problems.append(str(exc))
        return problems


def score_sample(format_ok: bool, verdicts: list[Verdict], graded: bool = False,
                 graded_scale: float = 0.5, require_full_proof: bool = False,
                 unproven_reward: float = 0.5, untoggled_reward: float = 1.0) -> SampleScore:
    """Reward for one sample judged against one or several goldens (the max over goldens).

    Bad format: 0. Some golden says equivalent: 1 (with `require_full_proof`, 1 only when some golden's
    `equivalent` is fully proven by formal, else `unproven_reward`; at most `untoggled_reward` when an
    output bit of that golden never toggled). Otherwise, if any golden could not judge (timeout,
    infra error, invalid golden) the sample is masked, since that golden might have said equivalent.
    Otherwise 0, or graded_scale * (1 - mean per-output mismatch rate), maximised over goldens.
    """
    if not format_ok:
        return SampleScore(0.0, "bad_format")
    equivalent = [v for v in verdicts if v.kind is VerdictKind.EQUIVALENT]
    if equivalent:
        def pay(v: Verdict) -> float:
            reward = unproven_reward if require_full_proof and not v.is_proven else 1.0
            if v.coverage is not None and v.coverage < 1.0:
                reward = min(reward, untoggled_reward)
            return reward

        return SampleScore(max(pay(v) for v in equivalent), "scored", True, VerdictKind.EQUIVALENT.value)
    if any(v.kind is VerdictKind.INVALID_GOLDEN for v in verdicts):
        return SampleScore(None, "invalid_golden", verdict=VerdictKind.INVALID_GOLDEN.value)
    for v in verdicts:
        if not v.is_checked:
            return SampleScore(None, v.kind.value, verdict=v.kind.value)
    first = verdicts[0].kind.value if verdicts else ""
    if graded and verdicts:
        best = max(_graded(v) for v in verdicts)
        return SampleScore(graded_scale * best, "scored", verdict=first)
    return SampleScore(0.0, "scored", verdict=first)


def _graded(verdict: Verdict) -> float:
    if verdict.kind is not VerdictKind.MISMATCH or not verdict.mismatch_rate:
        return 0.0  # compile errors, interface mismatches, rejections earn nothing
    rates = list(verdict.mismatch_rate.values())
    return 1.0 - sum(rates) / len(rates)


def goldens_of(golden: str, meta: str | dict | None, column: str) -> list[str]:
    """The row's golden plus alternatives listed under meta[column] (several correct designs)."""
    extra = []
    if meta:
        data = json.loads(meta) if isinstance(meta, str) else meta
        extra = [g for g in data.get(column, []) if isinstance(g, str) and g.strip()]
    return [golden] + [g for g in extra if g != golden]


def completion_text(completion) -> str:
    """TRL passes conversational completions as [{"role": "assistant", "content": ...}]."""
    if isinstance(completion, list):
        return "".join(m.get("content", "") for m in completion)
    return str(completion)


class EquivalenceReward:
    """The RL reward: one checker call per generation batch.

    `score(...)` returns a SampleScore per sample (reward, status, verdict): the trainer and the held-out
    scorer read statuses from that return value, never from state kept here. Called as a plain TRL reward
    function it returns the rewards only.
    """

    __name__ = "equivalence"

    def __init__(self, checker: RewardChecker, settings: RewardSettings):
        self.checker = checker
        self.settings = settings
        self._warned: set[str] = set()  # row ids whose invalid golden was logged (once each)

    def __call__(self, prompts, completions, golden, meta=None, id=None, **_) -> list[float | None]:
        return [s.reward for s in self.score(completions, golden, meta, id)]

    def score(self, completions, golden, meta=None, id=None, **_) -> list[SampleScore]:
        texts = [completion_text(c) for c in completions]
        answers = [extract_answer(t) for t in texts]
        metas = meta or [None] * len(texts)
        ids = id or [str(i) for i in range(len(texts))]
        # one job per distinct golden, holding every well-formed answer written for it
        jobs: dict[str, list[int]] = {}
        for i, answer in enumerate(answers):
            if answer is None:
                continue
            for g in goldens_of(golden[i], metas[i], self.settings.extra_goldens_column):
                jobs.setdefault(g, []).append(i)
        keys = list(jobs)
        results = self.checker.check_many([(g, [answers[i] for i in jobs[g]]) for g in keys])
        per_sample: list[list[Verdict]] = [[] for _ in texts]
        for g, verdicts in zip(keys, results):
            for i, verdict in zip(jobs[g], verdicts):
                per_sample[i].append(verdict)
        s = self.settings
        scores = [score_sample(a is not None, per_sample[i], s.mode == "graded", s.graded_scale,
                               s.require_full_proof, s.unproven_reward, s.untoggled_reward)
                  for i, a in enumerate(answers)]
        for i, score in enumerate(scores):
            if score.status == "invalid_golden" and ids[i] not in self._warned:
                self._warned.add(ids[i])
                log.warning("RL row %s: invalid golden, its prompt is dropped (%s)", ids[i],
                            next(v.reason for v in per_sample[i] if not v.is_checked)[:200])
        return scores
