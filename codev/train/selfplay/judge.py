"""The self-play reward function: one callable for both roles, dispatched per row by the dataset's columns.

Solver rows: spec and induction answers go to the existing `EquivalenceReward` (format AND checker verdict
against the hidden golden, fresh stimulus per check); deduction answers must match the simulated trace
exactly. Proposer rows: the completion is read as a task, validated (validate.py), and a valid task is
given to the current policy `solver_samples` times; its learnability is the proposer's reward, and the task
enters the buffer. Every proposal, valid or not, is recorded with its funnel reason.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Callable

from ..reward import EquivalenceReward, RewardSettings, SampleScore, completion_text
from .buffer import ProposalRecord, TaskBuffer
from .rewards import learnability, solve_rate
from .tasks import Task, parse_proposal, parse_trace_answer, solver_prompt, trace_matches
from .validate import Validator

Sampler = Callable[[list[list[dict]], int], list[list[str]]]  # prompts, n -> n answers per prompt


class SelfPlayJudge:
    __name__ = "selfplay"

    def __init__(self, checker, reward: RewardSettings, validator: Validator, buffer: TaskBuffer,
                 solver_samples: int = 4):
        self.equivalence = EquivalenceReward(checker, reward)
        self.validator = validator
        self.buffer = buffer
        self.solver_samples = solver_samples
        self.sampler: Sampler | None = None   # set once the trainer exists (the live policy)
        self.collective = False               # several processes: every one calls the sampler every time
        self.round = 0
        self._stats: dict[str, float] = defaultdict(float)

    # ------------------------------------------------------------ the reward function TRL calls
    def __call__(self, prompts, completions, role, task_type, golden, truth, id=None, meta=None, **_):
        return [s.reward for s in self.score(completions, role, task_type, golden, truth, id)]

    def score(self, completions, role, task_type, golden, truth, id=None, **_) -> list[SampleScore]:
        """A SampleScore per sample, in order (the trainer reads statuses from this return value)."""
        texts = [completion_text(c) for c in completions]
        ids = id or [str(i) for i in range(len(texts))]
        scores: list[SampleScore | None] = [None] * len(texts)
        solver = [i for i, r in enumerate(role) if r == "solver"]
        proposer = [i for i, r in enumerate(role) if r == "proposer"]
        for i, score in zip(solver, self.score_solutions([task_type[i] for i in solver], [texts[i] for i in solver],
                                                         [golden[i] for i in solver], [truth[i] for i in solver],
                                                         [ids[i] for i in solver])):
            scores[i] = score
            self._count("solver", task_type[i], score)
        for i, score in zip(proposer, self.score_proposals([task_type[i] for i in proposer],
                                                            [texts[i] for i in proposer])):
            scores[i] = score
            self._count("proposer", task_type[i], score)
        return [s for s in scores if s is not None]

    # ------------------------------------------------------------ solver side
    def score_solutions(self, types: list[str], texts: list[str], goldens: list[str], truths: list[str],
                        ids: list[str]) -> list[SampleScore]:
        out: list[SampleScore | None] = [None] * len(texts)
        checked = [i for i, t in enumerate(types) if t != "deduction"]
        if checked:
            scores = self.equivalence.score([texts[i] for i in checked], [goldens[i] for i in checked],
                                            id=[ids[i] for i in checked])
            for i, score in zip(checked, scores):
                out[i] = score
        for i, t in enumerate(types):
            if t == "deduction":
                out[i] = deduction_score(texts[i], json.loads(truths[i]))
        return out

    # ------------------------------------------------------------ proposer side
    def score_proposals(self, types: list[str], texts: list[str]) -> list[SampleScore]:
        proposals = [parse_proposal(t, x) for t, x in zip(types, texts)]
        outcomes = self.validator.validate(proposals, self.round) if proposals else []
        valid = [k for k, o in enumerate(outcomes) if o.valid]
        rates: dict[int, float | None] = {}
        if self.sampler is not None and (valid or self.collective):
            tasks = [outcomes[k].task for k in valid]
            answers = self.sampler([solver_prompt(t) for t in tasks], self.solver_samples)
            flat = [(k, t, a) for k, t, group in zip(valid, tasks, answers) for a in group]
            scores = self.score_solutions([t.type for _, t, _ in flat], [a for _, _, a in flat],
                                          [t.golden for _, t, _ in flat], [_truth(t) for _, t, _ in flat],
                                          [t.id for _, t, _ in flat])
            per_task: dict[int, list[bool | None]] = defaultdict(list)
            for (k, _, _), s in zip(flat, scores):
                per_task[k].append(None if s.reward is None else s.equivalent)
            rates = {k: solve_rate(v) for k, v in per_task.items()}
        result, found = [], []
        for k, (text, outcome) in enumerate(zip(texts, outcomes)):
            rate = rates.get(k)
            if outcome.reason == "unchecked" or (outcome.valid and rate is None):
                score = SampleScore(None, "timeout")  # the checker could not say: masked, never "wrong"
            elif outcome.reason == "parse":
                score = SampleScore(0.0, "bad_format")
            else:
                score = SampleScore(learnability(rate, outcome.valid), "scored")
            if outcome.valid:
                outcome.task.solve_rate = rate
            found.append((outcome.task, ProposalRecord(self.round, outcome.proposal.type, outcome.valid,
                                                       outcome.reason, outcome.detail,
                                                       outcome.task.id if outcome.task else "", rate,
                                                       score.reward or 0.0, text[:3000])))
            self._stats[f"proposed/{outcome.proposal.type}"] += 1
            self._stats[f"valid/{outcome.proposal.type}"] += outcome.valid
            self._stats[f"learnable/{outcome.proposal.type}"] += bool(rate is not None and 0 < rate < 1)
            result.append(score)
        if self.collective:  # every process keeps the whole buffer (the main one writes it)
            from accelerate.utils import gather_object

            found = gather_object(found)
        for task, record in found:
            if task is not None:
                self.buffer.add(task)
            self.buffer.record(record)
        return result

    # ------------------------------------------------------------ metrics
    def _count(self, role: str, task_type: str, score: SampleScore) -> None:
        key = f"{role}/{task_type}"
        self._stats[f"samples/{key}"] += 1
        if score.reward is not None:
            self._stats[f"judged/{key}"] += 1
            self._stats[f"reward_sum/{key}"] += score.reward
            self._stats[f"solved/{key}"] += score.equivalent

    def pop_metrics(self) -> dict[str, float]:
        """Per role and task type since the last call: mean reward, solve rate (solver), valid and learnable
        shares (proposer), as `selfplay/...` metrics."""
        s, out = self._stats, {}
        keys = {k.split("/", 1)[1] for k in s if k.startswith("samples/")}
        for key in sorted(keys):
            judged = s.get(f"judged/{key}", 0)
            if judged:
                out[f"selfplay/reward/{key}"] = s[f"reward_sum/{key}"] / judged
                if key.startswith("solver/"):
                    out[f"selfplay/solve_rate/{key.split('/')[1]}"] = s[f"solved/{key}"] / judged
        for name in [k for k in s if k.startswith("proposed/")]:
            t = name.split("/")[1]
            out[f"selfplay/proposed/{t}"] = s[name]
            out[f"selfplay/valid/{t}"] = s.get(f"valid/{t}", 0)
            out[f"selfplay/learnable/{t}"] = s.get(f"learnable/{t}", 0)
        out["selfplay/buffer_tasks"] = len(self.buffer.tasks)
        self._stats = defaultdict(float)
        return out


def _truth(task: Task) -> str:
    return json.dumps(task.trace_obj().values) if task.type == "deduction" else ""


def deduction_score(text: str, truth: list[list[str]]) -> SampleScore:
    predicted = parse_trace_answer(text, len(truth), len(truth[0]) if truth else 0)
    if predicted is None:
        return SampleScore(0.0, "bad_format")
    ok = trace_matches(predicted, truth)
    return SampleScore(1.0 if ok else 0.0, "scored", ok, "equivalent" if ok else "mismatch")


__all__ = ["SelfPlayJudge", "deduction_score"]
