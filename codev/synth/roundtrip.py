"""Round trip: an LLM writes a spec from the code, an LLM writes reasoning + code from the spec, and the
checker compares the regenerated code with the original. Equivalent pairs are kept; every other verdict
is recorded with its reason (mismatch, compile_error, interface_mismatch, ..., no_code, llm_error).
An item whose LLM request failed transiently (endpoint down, retries exhausted) gets no outcome: it stays
pending and a rerun asks again."""
from __future__ import annotations

from typing import Iterable, Iterator

from codev.eval.extract import extract_code
from codev.llm.backend import ChatRequest
from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .checking import Checker
from .items import Item
from .llm_cache import ResponseCache
from .prompts import code_messages, spec_messages
from .static_filters import screen_goldens
from .store import Outcome


def ask(llm: ResponseCache, requests: list[ChatRequest]) -> tuple[dict, dict[object, Exception]]:
    """Answers and errors by request key."""
    answers, errors = {}, {}
    llm.complete(requests, lambda r, text: answers.__setitem__(r.key, text),
                 lambda r, exc: errors.__setitem__(r.key, exc))
    return answers, errors


def transient(exc: Exception) -> bool:
    """An LLM failure worth asking again later: the item gets no outcome and stays pending."""
    return bool(getattr(exc, "transient", False))


class RoundTrip:
    name = "roundtrip"

    def __init__(self, llm: ResponseCache, options: CheckOptions, checker: Checker):
        self.llm, self.options, self.checker = llm, options, checker

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        drops, items = screen_goldens(items)  # each item becomes a golden, which the checker trusts
        yield from drops
        specs, errors = ask(self.llm, [ChatRequest(item.id, spec_messages(item.code)) for item in items])
        with_spec = [item for item in items if item.id in specs]
        for item in items:
            if item.id in errors and not transient(errors[item.id]):
                yield Outcome(item, False, "llm_error", f"spec: {errors[item.id]}")
        responses, errors = ask(self.llm, [ChatRequest(i.id, code_messages(specs[i.id])) for i in with_spec])
        to_check = []
        for item in with_spec:
            item.data["spec"] = specs[item.id]
            if item.id in errors:
                if not transient(errors[item.id]):
                    yield Outcome(item, False, "llm_error", f"code: {errors[item.id]}")
                continue
            item.data["response"] = responses[item.id]
            code = extract_code(responses[item.id]).code
            if code is None:
                yield Outcome(item, False, "no_code", responses[item.id][-300:])
                continue
            to_check.append((item, code))
        verdicts = self.checker.check_jobs([CheckJob(item.code, [code], self.options) for item, code in to_check])
        for (item, _), (verdict,) in zip(to_check, verdicts):
            item.data["verdict"] = str(verdict.kind)
            if verdict.kind == VerdictKind.EQUIVALENT:
                yield Outcome(item, True)
            else:
                detail = f"{verdict.reason}: {verdict.detail}" if verdict.detail else verdict.reason
                yield Outcome(item, False, str(verdict.kind), detail)
