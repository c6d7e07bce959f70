"""`codev synth reason`: a reasoning model writes the `<think>` for generator items (CodeV-R1's distillation
on fresh problems). Each item's RL prompt goes to the model (`samples` times at most); the first answer
that is well formed (`answers.py`) and that the checker finds equivalent to the golden becomes the SFT
row, reasoning and code as the model wrote them. Items the model never solves are dropped with the last
reason (malformed, mismatch, ...); transient LLM failures leave the item pending for a rerun."""
from __future__ import annotations

from typing import Iterable, Iterator

from codev.llm.backend import ChatRequest
from codev.synth.records import RLItem, SFTItem
from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .answers import Answer, parse_answer
from .checking import Checker
from .items import Item
from .llm_cache import ResponseCache
from .roundtrip import ask, transient
from .store import Outcome


def item_of(row: RLItem) -> Item:
    """An RL row as a stage item: the golden is the code, the prompt travels in data."""
    import json

    top = json.loads(row.interface).get("top", "")
    return Item(row.id, row.golden, top, row.source, data={"prompt": row.prompt, "interface": row.interface,
                                                           "meta": row.meta})


def rl_of(item: Item, level_pass_rate: float | None = None) -> RLItem:
    """The RL row of a generator item after the difficulty filter (item_of's inverse): its pass count over k
    and its family and level's measured pass rate (calibrate.py) join the row's meta."""
    meta = {**item.data.get("meta", {}), "passes": item.data.get("passes", 0), "k": item.data.get("k", 0),
            "level_pass_rate": level_pass_rate}
    return RLItem(item.id, item.data["prompt"], item.code, item.data["interface"], int(meta.get("level", 1)),
                  item.source, meta)


def sft_of(item: Item) -> SFTItem:
    messages = list(item.data["prompt"]) + [{"role": "assistant", "content": item.data["response"]}]
    meta = {**item.data.get("meta", {}), "reasoning": "model", "sample": item.data.get("sample", 0)}
    return SFTItem(item.id, messages, f"reason/{item.source}", meta)


class Reasoner:
    name = "reason"

    def __init__(self, llm: ResponseCache, samples: int, options: CheckOptions, checker: Checker):
        self.llm, self.samples, self.options, self.checker = llm, samples, options, checker

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        requests = [ChatRequest((item.id, s), item.data["prompt"], sample=s)
                    for item in items for s in range(self.samples)]
        answers, errors = ask(self.llm, requests)
        jobs, owners = [], []
        for item in items:
            failed = [errors[(item.id, s)] for s in range(self.samples) if (item.id, s) in errors]
            if failed:
                if not any(transient(exc) for exc in failed):  # else pending: a rerun asks again
                    yield Outcome(item, False, "llm_error", str(failed[0]))
                continue
            parsed = [(s, parse_answer(answers[(item.id, s)])) for s in range(self.samples)]
            usable = [(s, a) for s, a in parsed if isinstance(a, Answer)]
            if not usable:
                yield Outcome(item, False, "malformed", parsed[-1][1])
                continue
            jobs.append(CheckJob(item.code, [a.code for _, a in usable], self.options))
            owners.append((item, usable))
        for (item, usable), verdicts in zip(owners, self.checker.check_jobs(jobs) if jobs else []):
            good = [s for (s, _), v in zip(usable, verdicts) if v.kind == VerdictKind.EQUIVALENT]
            if good:
                item.data.update(sample=good[0], response=answers[(item.id, good[0])])
                yield Outcome(item, True, detail=f"{len(good)} of {self.samples} samples equivalent")
            else:
                last = verdicts[-1]
                yield Outcome(item, False, str(last.kind), last.reason)
