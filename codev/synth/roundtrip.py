"""Round trip: a spec writer (LLM) writes a spec from the code, a solver (LLM, the same or another) writes
reasoning + code from the spec, and the checker compares the regenerated code with the original.
Equivalent pairs are kept; every other verdict is recorded with its reason (mismatch, compile_error,
interface_mismatch, ..., no_code, llm_error). The spec is cleaned first (the writer's <think> removed) and
dropped when it gives the code away (`spec_has_code`); a solver answer that is not a well-formed
<think>/<answer> is dropped as `malformed` (it would teach the format wrongly). An item whose LLM request
failed transiently (endpoint down, retries exhausted) gets no outcome: it stays pending and a rerun asks
again. A replay file without a response for a prompt is a setup error, not a dropped item."""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from codev.eval.extract import extract_code
from codev.llm.backend import ChatRequest
from codev.llm.replay import ReplayMiss
from testbench_gen import CheckJob, CheckOptions, VerdictKind

from .answers import parse_answer
from .checking import Checker
from .items import Item
from .llm_cache import ResponseCache
from .prompts import code_messages, spec_messages
from .static_filters import screen_goldens
from .store import Outcome


class NoRecordedResponse(Exception):
    """The replay backend has no response for a prompt: the user must name a model, not lose the item."""


def ask(llm: ResponseCache, requests: list[ChatRequest]) -> tuple[dict, dict[object, Exception]]:
    """Answers and errors by request key. A replay miss stops the stage with what to do about it."""
    answers, errors = {}, {}
    llm.complete(requests, lambda r, text: answers.__setitem__(r.key, text),
                 lambda r, exc: errors.__setitem__(r.key, exc))
    miss = next((exc for exc in errors.values() if isinstance(exc, ReplayMiss)), None)
    if miss is not None:
        raise NoRecordedResponse(
            f"{miss}: the replay backend only answers prompts recorded in its file; set `llm:` to an endpoint: "
            "{kind: openai, base_url: URL, model: NAME} (API key: api_key: or $OPENAI_API_KEY) or "
            "{kind: hf, model: DIR}")
    return answers, errors


_THINK = re.compile(r"<think>[\s\S]*?(</think>|$)")
_GIVES_CODE = re.compile(r"\bendmodule\b|\balways(_ff|_comb)?\s*@|\bassign\s+[\w\[\]:]+\s*=")


def clean_spec(text: str) -> tuple[str, str]:
    """The spec without the writer's reasoning, and "" or why it cannot be used (it contains code)."""
    spec = _THINK.sub("", text).strip()
    if not spec:
        return spec, "empty spec"
    if _GIVES_CODE.search(spec):
        return spec, "the spec contains the code or the module body"
    return spec, ""


def transient(exc: Exception) -> bool:
    """An LLM failure worth asking again later: the item gets no outcome and stays pending."""
    return bool(getattr(exc, "transient", False))


class RoundTrip:
    name = "roundtrip"

    def __init__(self, llm: ResponseCache, options: CheckOptions, checker: Checker, solver: ResponseCache | None = None):
        self.llm, self.options, self.checker = llm, options, checker
        self.solver = solver or llm

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        drops, items = screen_goldens(items)  # each item becomes a golden, which the checker trusts
        yield from drops
        specs, errors = ask(self.llm, [ChatRequest(item.id, spec_messages(item.code)) for item in items])
        with_spec = []
        for item in items:
            if item.id in errors and not transient(errors[item.id]):
                yield Outcome(item, False, "llm_error", f"spec: {errors[item.id]}")
            if item.id not in specs:
                continue
            item.data["spec"], problem = clean_spec(specs[item.id])
            if problem:
                yield Outcome(item, False, "spec_has_code", problem)
            else:
                with_spec.append(item)
        responses, errors = ask(self.solver, [ChatRequest(i.id, code_messages(i.data["spec"])) for i in with_spec])
        to_check = []
        for item in with_spec:
            if item.id in errors:
                if not transient(errors[item.id]):
                    yield Outcome(item, False, "llm_error", f"code: {errors[item.id]}")
                continue
            item.data["response"] = responses[item.id]
            code = extract_code(responses[item.id]).code
            if code is None:
                yield Outcome(item, False, "no_code", responses[item.id][-300:])
                continue
            parsed = parse_answer(responses[item.id])
            if isinstance(parsed, str):
                yield Outcome(item, False, "malformed", parsed)
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
