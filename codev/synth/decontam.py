"""Decontamination against the six benchmark sets, twice.

By text: the overlap of canonical token n-grams (identifiers renamed by first appearance, comments and
layout ignored) between the item and a benchmark reference, as a Dice coefficient (the F1 of the two
containments, like Rouge-N): above the threshold it is a copy even with renamed signals and reformatted
code. Both directions count, so a short reference whose generic header and flip-flop pattern appear in
a different design is not a match. By function: an item whose ports (names, directions,
widths) equal a benchmark problem's and which the checker finds equivalent to that problem's reference
is dropped even when it shares no text with it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from codev.eval.benchmarks import BENCHMARKS, load_benchmark
from testbench_gen import CheckJob, CheckOptions, Interface, VerdictKind, infer_interface

from .checking import Checker
from .config import DecontamConfig
from .items import Item
from .store import Outcome
from .tokens import canonical, ngrams

Signature = frozenset  # of (port name, direction, width)


@dataclass(frozen=True)
class Reference:
    benchmark: str
    problem: str
    code: str
    ngram_count: int


def signature(iface: Interface) -> Signature:
    return frozenset((p.name, p.direction, p.width) for p in iface.ports)


class BenchmarkIndex:
    """Every benchmark reference's n-grams (inverted: n-gram -> references) and port signature."""

    def __init__(self, root: Path, config: DecontamConfig):
        self.config = config
        self.refs: list[Reference] = []
        self.by_ngram: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.by_signature: dict[Signature, list[int]] = defaultdict(list)
        seen: dict[str, int] = {}
        for name in config.benchmarks or tuple(BENCHMARKS):
            for problem in load_benchmark(name, Path(root)):
                code = problem.reference
                if code in seen:  # VerilogEval v1/v2 share references: index each text once
                    continue
                grams = ngrams(canonical(code), config.ngram)
                index = len(self.refs)
                seen[code] = index
                self.refs.append(Reference(name, problem.id, code, len(grams)))
                if len(grams) >= config.min_ngrams:
                    for g in grams:
                        self.by_ngram[g].append(index)
                try:
                    self.by_signature[signature(infer_interface(code, top=problem.top))].append(index)
                except Exception:  # noqa: BLE001 - a reference pyslang cannot read is only text-checked
                    pass

    def text_match(self, code: str) -> tuple[Reference, float] | None:
        grams = ngrams(canonical(code), self.config.ngram)
        hits: dict[int, int] = defaultdict(int)
        for g in grams:
            for index in self.by_ngram.get(g, ()):
                hits[index] += 1
        best = None
        for index, n in hits.items():
            score = 2 * n / (len(grams) + self.refs[index].ngram_count)
            if score >= self.config.threshold and (best is None or score > best[1]):
                best = (self.refs[index], score)
        return best

    def same_ports(self, iface: Interface) -> list[Reference]:
        return [self.refs[i] for i in self.by_signature.get(signature(iface), ())]


def _interface(item: Item) -> Interface | None:
    if "interface" in item.data:
        return Interface.from_json(json.loads(item.data["interface"]))
    try:
        return infer_interface(item.code, top=item.top or None)
    except Exception:  # noqa: BLE001 - no interface: nothing to compare by function
        return None


def _drop(item: Item, kind: str, ref: Reference, detail: str) -> Outcome:
    item.data["contamination"] = {"reason": kind, "benchmark": ref.benchmark, "problem": ref.problem}
    return Outcome(item, False, kind, f"{ref.benchmark}/{ref.problem}: {detail}")


class Decontaminator:
    name = "decontam"

    def __init__(self, index: BenchmarkIndex, options: CheckOptions, checker: Checker):
        self.index, self.options, self.checker = index, options, checker

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        pending: list[tuple[Item, list[Reference]]] = []
        for item in items:
            match = self.index.text_match(item.code)
            if match:
                ref, score = match
                yield _drop(item, "text", ref, f"{self.index.config.ngram}-gram overlap (Dice) {score:.2f}")
                continue
            iface = _interface(item) if self.index.config.function else None
            candidates = self.index.same_ports(iface) if iface else []
            if candidates:
                pending.append((item, candidates))
            else:
                yield Outcome(item, True)
        jobs = [CheckJob(ref.code, [item.code], self.options) for item, refs in pending for ref in refs]
        verdicts = iter(self.checker.check_jobs(jobs))
        for item, refs in pending:
            found = None
            for ref in refs:
                verdict = next(verdicts)[0]
                if found is None and verdict.kind == VerdictKind.EQUIVALENT:
                    found = ref
            if found:
                yield _drop(item, "function", found, "equivalent to the reference")
            else:
                yield Outcome(item, True)
