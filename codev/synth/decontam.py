"""Decontamination against the six benchmark sets, three ways.

By text: the overlap of canonical token n-grams (identifiers renamed by first appearance, comments and
layout ignored) between the item and a benchmark reference, as a Dice coefficient (the F1 of the two
containments, like Rouge-N): above the threshold it is a copy even with renamed signals and reformatted
code. Both directions count, so a short reference whose generic header and flip-flop pattern appear in
a different design is not a match. By Rouge-L (CodeV-R1's screen): the F-measure of the longest common
token subsequence between the item's code and a reference, and between the item's spec (when it has one)
and a problem's description (words); a looser screen that still sees a copy whose names first appear in
another order (which renumbers every canonical name, so 8-gram Dice falls to 0.2-0.6) or whose statements
were padded. The code is compared as its skeleton (every identifier one token), which no renaming or
reordering of declarations changes. By function: an item whose ports have the same shapes as a benchmark
problem's (direction, width, clock/reset role) and which the checker finds equivalent to that problem's
reference, under one of the shape-preserving port bijections (`port_match`: names first when they agree,
else at most `max_bijections` per problem), is dropped even when it shares no text and no port name with it.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from codev.eval.benchmarks import DEFAULT_BENCHMARKS, load_benchmark
from testbench_gen import CheckJob, CheckOptions, Interface, VerdictKind, infer_interface
from testbench_gen.run.simulators import get_backend

from .checking import Checker
from .items import Item, digest
from .port_match import bijections, shape_keys, shim
from .rouge import RougeIndex
from .store import Outcome
from .tokens import canonical, ngrams, skeleton

Signature = frozenset  # of (port name, direction, width)
_WORD = re.compile(r"[a-z_][a-z0-9_]+")  # words of prose: a table of 0s and 1s is not a description
FALLBACK_BACKEND = "verilator"  # runs the SystemVerilog references Icarus cannot compile


@dataclass(frozen=True)
class DecontamConfig:
    """The `decontam:` section of a synthesis config (here, not in config.py, so the generator can use it)."""
    enabled: bool = True
    bench_root: str = ""  # default: $CODEV_BENCH_ROOT, else ../shared/benchmarks
    benchmarks: tuple[str, ...] = ()  # default: all six
    ngram: int = 8  # tokens per n-gram (identifiers canonicalised, so renaming does not hide a copy)
    threshold: float = 0.8  # n-gram overlap (Dice: 2|A&B| / (|A|+|B|)) at which an item is a copy
    min_ngrams: int = 12  # references shorter than this are left to the functional check
    rouge_l: float = 0.5  # Rouge-L F of spec vs problem description at which an item is a copy (CodeV-R1; 0: off)
    # Rouge-L F of code vs reference skeleton (identifiers as one token) at which an item is a copy; higher than
    # the spec's, since Verilog shares its skeleton. Measured (bench/decontam_rouge.py): of 212 renamed, reordered
    # reference copies the 8-gram screen misses, 195 score 0.9 or more; RTLLM's references against VerilogEval's
    # score at most 0.81; of 200 generator items 3 score 0.97-1.0 (VerilogEval's gates4, gates100 and vector2
    # with other names: genuine copies) and the rest at most 0.88
    rouge_l_code: float = 0.9
    rouge_min_tokens: int = 40  # references (and descriptions) shorter than this are left to the other checks
    function: bool = True
    max_bijections: int = 24  # port mappings tried per benchmark problem when port names differ (0: names only)


@dataclass(frozen=True)
class Reference:
    benchmark: str
    problem: str
    code: str
    ngram_count: int
    interface: Interface | None = None  # None: pyslang cannot read it, so it is only text-checked
    description: tuple[str, ...] = ()  # the problem description's words (lower case)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def signature(iface: Interface) -> Signature:
    return frozenset((p.name, p.direction, p.width) for p in iface.ports)


class BenchmarkIndex:
    """Every benchmark reference's n-grams (inverted: n-gram -> references) and port shapes."""

    def __init__(self, root: Path, config: DecontamConfig):
        self.config = config
        self.refs: list[Reference] = []
        self.by_ngram: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.by_shape: dict[tuple, list[int]] = defaultdict(list)
        self.described: list[Reference] = []  # every problem with a description, shared references or not
        self.by_code = RougeIndex(config.rouge_min_tokens)  # reference skeletons -> index in refs
        self.by_spec = RougeIndex(config.rouge_min_tokens)  # description words -> index in described
        seen: dict[str, int] = {}
        for name in config.benchmarks or DEFAULT_BENCHMARKS:
            for problem in load_benchmark(name, Path(root)):
                code = problem.reference
                description = tuple(words(problem.prompt))
                if code in seen:  # VerilogEval v1/v2 share references: index each text once, each description
                    ref = self.refs[seen[code]]
                    self.by_spec.add(len(self.described), description)
                    self.described.append(replace(ref, benchmark=name, problem=problem.id, description=description))
                    continue
                grams = ngrams(canonical(code), config.ngram)
                index = len(self.refs)
                seen[code] = index
                try:
                    iface = infer_interface(code, top=problem.top)
                except Exception:  # noqa: BLE001 - a reference pyslang cannot read is only text-checked
                    iface = None
                self.refs.append(Reference(name, problem.id, code, len(grams), iface, description))
                self.by_code.add(index, skeleton(code))
                self.by_spec.add(len(self.described), description)
                self.described.append(self.refs[index])
                if len(grams) >= config.min_ngrams:
                    for g in grams:
                        self.by_ngram[g].append(index)
                if iface is not None:
                    for key in shape_keys(iface):
                        self.by_shape[key].append(index)

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

    def rouge_match(self, code: str, spec: str = "") -> tuple[Reference, float, str] | None:
        """The reference whose skeleton has the highest Rouge-L F with the item's code, when at least
        rouge_l_code; else the problem whose description has the highest with `spec`, when at least rouge_l."""
        found = self.by_code.best(skeleton(code), self.config.rouge_l_code)
        if found:
            return self.refs[found[0]], found[1], "code"
        found = self.by_spec.best(words(spec), self.config.rouge_l) if spec else None
        if found:
            return self.described[found[0]], found[1], "spec"
        return None

    def same_shapes(self, iface: Interface) -> list[Reference]:
        """References whose ports have the same multiset of shapes as `iface` (names may differ) under some
        reading of resets recognised by name only (`port_match.VIEWS`)."""
        found = sorted({i for key in shape_keys(iface) for i in self.by_shape.get(key, ())})
        return [self.refs[i] for i in found]


def _interface(item: Item) -> Interface | None:
    if "interface" in item.data:
        return Interface.from_json(json.loads(item.data["interface"]))
    try:
        return infer_interface(item.code, top=item.top or None)
    except Exception:  # noqa: BLE001 - no interface: nothing to compare by function
        return None


def spec_of(item: Item) -> str:
    """The item's problem statement when it has one: a round-trip spec, or a generator item's user prompt."""
    return item.data.get("spec") or item.data.get("prompt") or ""


def _drop(item: Item, kind: str, ref: Reference, detail: str) -> Outcome:
    item.data["contamination"] = {"reason": kind, "benchmark": ref.benchmark, "problem": ref.problem}
    return Outcome(item, False, kind, f"{ref.benchmark}/{ref.problem}: {detail}")


@dataclass
class FunctionStats:
    """What the functional check cost in this session and what its bound left out."""
    problems: int = 0  # (item, benchmark problem) pairs with the same port shapes
    candidates: int = 0  # item versions checked: the item itself or one shim per port bijection
    truncated: int = 0  # pairs with more bijections than max_bijections (the rest were not tried)
    untried: int = 0  # bijections those pairs left out
    fallback: int = 0  # benchmark problems checked again on FALLBACK_BACKEND (the configured one cannot compile them)

    def describe(self) -> str:
        return (f"{self.problems} item/problem pairs with the same port shapes, {self.candidates} versions checked; "
                f"{self.truncated} pairs had more than the bijection limit ({self.untried} bijections not tried); "
                f"{self.fallback} problem checks rerun on {FALLBACK_BACKEND} (the configured simulator cannot compile the reference)")


class Decontaminator:
    name = "decontam"

    def __init__(self, index: BenchmarkIndex, options: CheckOptions, checker: Checker):
        self.index, self.options, self.checker = index, options, checker
        self.stats = FunctionStats()

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        """Text first; then one checker job per benchmark problem holding every version (the item, or its
        shims) of every item in the chunk with that problem's port shapes: one compile and run per problem."""
        pending: list[Item] = []
        by_ref: dict[int, tuple[Reference, list[tuple[int, str, str]]]] = {}  # versions: (item, code, note)
        for item in items:
            match = self.index.text_match(item.code)
            if match:
                ref, score = match
                yield _drop(item, "text", ref, f"{self.index.config.ngram}-gram overlap (Dice) {score:.2f}")
                continue
            loose = self.index.rouge_match(item.code, spec_of(item))
            if loose:
                ref, score, what = loose
                yield _drop(item, "rouge_l", ref, f"Rouge-L of the {what} {score:.2f}")
                continue
            iface = _interface(item) if self.index.config.function else None
            for ref in self.index.same_shapes(iface) if iface else []:
                codes, notes = self._versions(item, iface, ref)
                versions = by_ref.setdefault(id(ref), (ref, []))[1]
                versions.extend((len(pending), code, note) for code, note in zip(codes, notes))
            pending.append(item)
        groups = [group for group in by_ref.values() if group[1]]
        found: dict[int, tuple[Reference, str]] = {}
        for (ref, versions), verdicts in zip(groups, self._verdicts(groups)):
            for (owner, _, note), verdict in zip(versions, verdicts):
                if verdict.kind == VerdictKind.EQUIVALENT and owner not in found:
                    found[owner] = (ref, note)
        for n, item in enumerate(pending):
            if n in found:
                yield _drop(item, "function", found[n][0], f"equivalent to the reference ({found[n][1]})")
            else:
                yield Outcome(item, True)

    def _verdicts(self, groups: list[tuple[Reference, list[tuple[int, str, str]]]]) -> list[list]:
        """One verdict list per group. A reference the configured simulator cannot compile (Icarus and
        SystemVerilog casts, e.g. VerilogEval's review2015_fsm) is checked again on Verilator: a reference
        no simulator runs would otherwise let every copy of it through."""
        if not groups:
            return []
        jobs = [CheckJob(ref.code, [code for _, code, _ in versions], self.options) for ref, versions in groups]
        verdicts = self.checker.check_jobs(jobs)
        retry = [n for n, found in enumerate(verdicts)
                 if found and all(v.kind == VerdictKind.INVALID_GOLDEN for v in found)]
        fallback = replace(self.options, backend=FALLBACK_BACKEND)
        if retry and self.options.backend != FALLBACK_BACKEND and get_backend(FALLBACK_BACKEND).available():
            again = self.checker.check_jobs([replace(jobs[n], options=fallback) for n in retry])
            for n, found in zip(retry, again):
                verdicts[n] = found
            self.stats.fallback += len(retry)
        return verdicts

    def screen(self, items: list[Item]) -> dict[str, str]:
        """Item id -> why it copies a benchmark problem ("text: ...", "function: ..."), for those that do."""
        return {o.item.id: f"{o.reason}: {o.detail}" for o in self.process(items) if not o.kept}

    def _versions(self, item: Item, iface: Interface, ref: Reference) -> tuple[list[str], list[str]]:
        """The item versions to check against `ref` (the item itself when the port names agree, else one
        shim per port bijection, at most max_bijections) and what each one maps."""
        self.stats.problems += 1
        if signature(iface) == signature(ref.interface):
            self.stats.candidates += 1
            return [item.code], ["same port names"]
        found = bijections(ref.interface, iface, self.index.config.max_bijections)
        if found.truncated:
            self.stats.truncated += 1
            self.stats.untried += found.total - len(found.mappings)
        codes, notes = [], []
        name = f"codev_shim_{digest(item.code, length=12)}"
        for mapping in found.mappings:
            try:
                codes.append(shim(item.code, iface.top, ref.interface, mapping, name))
            except ValueError:  # an escaped identifier: not mapped
                continue
            notes.append("ports " + ", ".join(f"{i}->{r}" for r, i in mapping.items() if r != i))
        self.stats.candidates += len(codes)
        return codes, notes
