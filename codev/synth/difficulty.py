"""Difficulty: k samples per item from a base model, each checked against the item's code (round-trip items
and, before RL, generator items: the same filter for both). Items the
model fails (at most `max_passes` of k) are kept for RL; every item records its pass count for curricula.
Answers that could not be checked (timeout, infra_error) are counted apart: they are neither pass nor fail."""
from __future__ import annotations

from typing import Iterable, Iterator

from codev.eval.extract import extract_code
from codev.llm.backend import ChatRequest
from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .checking import Checker
from .items import Item
from .llm_cache import ResponseCache
from .prompts import code_messages
from .roundtrip import ask, transient
from .static_filters import screen_goldens
from .store import Outcome

UNCHECKED = {VerdictKind.TIMEOUT, VerdictKind.INFRA_ERROR}


class DifficultyFilter:
    name = "difficulty"

    def __init__(self, llm: ResponseCache, k: int, max_passes: int, options: CheckOptions, checker: Checker):
        self.llm, self.k, self.max_passes, self.options, self.checker = llm, k, max_passes, options, checker

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        drops, items = screen_goldens(items)  # each item becomes a golden, which the checker trusts
        yield from drops
        for item in items:
            if not item.data.get("spec") and not item.data.get("prompt"):
                yield Outcome(item, False, "no_spec", "item has no round-trip spec (data.spec) or prompt (data.prompt)")
        items = [item for item in items if item.data.get("spec") or item.data.get("prompt")]
        # a generator item carries its RL prompt; a round-trip item its spec, asked as the RL prompt asks it
        requests = [ChatRequest((item.id, s), item.data.get("prompt") or code_messages(item.data["spec"]), sample=s)
                    for item in items for s in range(self.k)]
        answers, errors = ask(self.llm, requests)
        jobs, owners = [], []
        for item in items:
            failed = [errors[(item.id, s)] for s in range(self.k) if (item.id, s) in errors]
            if failed:
                if not any(transient(exc) for exc in failed):  # else: pending, a rerun asks again
                    yield Outcome(item, False, "llm_error", str(failed[0]))
                continue
            # a sample without code is a failure the checker would give anyway: check an empty module
            codes = [extract_code(answers[(item.id, s)]).code or "" for s in range(self.k)]
            jobs.append(CheckJob(item.code, codes, self.options))
            owners.append(item)
        for item, verdicts in zip(owners, self.checker.check_jobs(jobs)):
            passes = sum(v.kind == VerdictKind.EQUIVALENT for v in verdicts)
            unchecked = sum(v.kind in UNCHECKED for v in verdicts)
            item.data.update(passes=passes, k=self.k, unchecked=unchecked,
                             sample_verdicts=[str(v.kind) for v in verdicts])
            if passes > self.max_passes:
                yield Outcome(item, False, "too_easy", f"base model solved {passes} of {self.k}")
            elif passes + unchecked > self.max_passes:
                yield Outcome(item, False, "unchecked", f"{unchecked} of {self.k} answers could not be checked")
            else:
                yield Outcome(item, True, detail=f"base model solved {passes} of {self.k}")
