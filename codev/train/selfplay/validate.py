"""Validation of proposed tasks, fail closed: a task enters the buffer only when every check ran and passed.

Each rejected proposal carries one funnel reason (the first check it failed, cheapest checks first):
`parse` (the completion holds no task), `too_long`, `spec_has_code` (the description gives the design
away), `compile`, `policy` (the checker's sandbox policy rejects the golden), `invalid_golden` (beyond the
checker's limits, no outputs, simulation failed), `nondeterministic` (the golden disagrees with its own copy
under one of two stimulus seeds), `unchecked` (the checker timed out or failed: not known to be good),
`interface` (no interface inferred), `trivial` (every output constant under the checker's stimulus, or
equivalent to a pass-through of an input), `untoggled` (some output never changes under the stimulus: a
pass would say nothing about it), `contaminated` (a benchmark problem by text, Rouge-L of the code or of the
description, or by function, through codev.synth.decontam), `duplicate` (a copy of, or functionally
equivalent to, a buffer task of the same type, through the same machinery over the buffer), `trace` (the
shown trace could not be recorded).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Callable, Iterable

from codev.synth.decontam import BenchmarkIndex, DecontamConfig, Decontaminator, Reference
from codev.synth.items import Item
from codev.synth.port_match import shape_key, shape_keys
from codev.synth.rouge import RougeIndex
from codev.synth.tokens import canonical, ngrams, skeleton, tokens
from testbench_gen import CheckJob, CheckOptions, Interface, InvalidGolden, Verdict, VerdictKind, infer_interface

from .config import ValidationSettings
from .tasks import Proposal, Task, record_trace

REASONS = ("parse", "too_long", "spec_has_code", "compile", "policy", "invalid_golden", "nondeterministic",
           "unchecked", "interface", "trivial", "untoggled", "contaminated", "duplicate", "trace")

_CODE_IN_TEXT = re.compile(r"```|\bendmodule\b|\bmodule\s+\w+\s*[(#;]|\bassign\s+\w+(\s*\[[^\]]*\])?\s*=|"
                           r"\balways\s*@|<=\s*\w+\s*[+&|^]")
SPEC_NGRAM = 6  # a description sharing a 6-token run of code (names as written) with its golden copies it


@dataclass
class Outcome:
    proposal: Proposal
    valid: bool
    reason: str = ""       # one of REASONS ("" when valid)
    detail: str = ""
    task: Task | None = None


class BufferIndex:
    """The buffer's tasks of one type in the shape of a `BenchmarkIndex`, so `Decontaminator` finds functional
    (and textual) duplicates among them exactly as it finds benchmark copies."""

    def __init__(self, tasks: Iterable[Task], config: DecontamConfig):
        self.config = config
        self.refs: list[Reference] = []
        self.by_shape: dict[tuple, list[int]] = defaultdict(list)
        self.grams: list[set] = []
        self.by_code = RougeIndex(config.rouge_min_tokens)  # task skeletons, as decontam indexes references
        for task in tasks:
            self.add(task)

    def add(self, task: Task) -> None:
        iface = task.iface
        grams = ngrams(canonical(task.golden), self.config.ngram)
        self.by_shape[shape_key(iface)].append(len(self.refs))
        self.by_code.add(len(self.refs), skeleton(task.golden))
        self.refs.append(Reference("buffer", task.id, task.golden, len(grams), iface))
        self.grams.append(grams)

    def text_match(self, code: str) -> tuple[Reference, float] | None:
        grams = ngrams(canonical(code), self.config.ngram)
        best = None
        for ref, other in zip(self.refs, self.grams):
            if not grams and not other:
                score = 1.0 if canonical(code) == canonical(ref.code) else 0.0
            else:
                score = 2 * len(grams & other) / (len(grams) + len(other))
            if score >= self.config.threshold and (best is None or score > best[1]):
                best = (ref, score)
        return best

    def rouge_match(self, code: str, spec: str = "") -> tuple[Reference, float, str] | None:
        """A buffer task whose code skeleton has a Rouge-L F of at least `rouge_l_code` with `code` (a
        reordered or padded copy); descriptions are not compared (one function may be described many ways)."""
        found = self.by_code.best(skeleton(code), self.config.rouge_l_code) if self.refs else None
        return (self.refs[found[0]], found[1], "code") if found else None

    def same_shapes(self, iface: Interface) -> list[Reference]:
        found = sorted({i for key in shape_keys(iface) for i in self.by_shape.get(key, ())})
        return [self.refs[i] for i in found]


def spec_has_code(spec: str, golden: str) -> str:
    """Why the description gives its design away ("" when it does not)."""
    match = _CODE_IN_TEXT.search(spec)
    if match:
        return f"the description holds code ({match.group(0).strip()!r})"
    shared = ngrams(tokens(spec), SPEC_NGRAM) & ngrams(tokens(golden), SPEC_NGRAM)
    if shared:
        return f"the description copies {len(shared)} {SPEC_NGRAM}-token run(s) of the design"
    return ""


def passthrough_candidates(iface: Interface) -> list[str]:
    """Modules with the golden's ports whose every output is one input (resized as Verilog assigns do)."""
    if iface.inouts or not iface.inputs:
        return []
    decl = ", ".join(f"{p.direction}{' signed' if p.signed else ''}{f' [{p.width - 1}:0]' if p.width > 1 else ''} "
                     f"{p.name}" for p in iface.ports)
    out = []
    for source in iface.inputs:
        body = "\n".join(f"  assign {o.name} = {source.name};" for o in iface.outputs)
        out.append(f"module {iface.top}({decl});\n{body}\nendmodule\n")
    return out


def self_check_reason(verdict: Verdict) -> tuple[str, str]:
    """(funnel reason, detail) of the golden checked against its own copy; ("", "") when it passed."""
    kind, text = verdict.kind, f"{verdict.reason} {verdict.detail}".strip()
    if kind is VerdictKind.EQUIVALENT:
        return "", ""
    if kind is VerdictKind.INVALID_GOLDEN:
        low = verdict.reason.lower()
        if "does not compile" in low:
            return "compile", text
        if "policy" in low or "not allowed" in low or "forbidden" in low:
            return "policy", text
        if "no outputs" in low or "interface" in low or "module" in low and "top" in low:
            return "interface", text
        return "invalid_golden", text
    if kind is VerdictKind.COMPILE_ERROR:
        return "compile", text
    if kind is VerdictKind.REJECTED:
        return "policy", text
    if kind in (VerdictKind.MISMATCH, VerdictKind.INTERFACE_MISMATCH):
        return "nondeterministic", text
    return "unchecked", text  # timeout / infra error: not known to be good, so not accepted


class Validator:
    """Checks proposals in batches through a checker object with `check_jobs(jobs) -> verdicts per job`
    (codev.synth.checking.Checker): one checker call per stage for the whole batch."""

    def __init__(self, settings: ValidationSettings, checker, buffer: Callable[[str], list[Task]],
                 trace_cycles: int = 4, bench_index: BenchmarkIndex | None = None):
        self.settings = settings
        self.checker = checker
        self.buffer = buffer  # task type -> the buffer's tasks of that type (read at each call)
        self.trace_cycles = trace_cycles
        self.bench_index = bench_index
        if settings.decontam and bench_index is None:
            raise ValueError("validation.decontam needs a benchmark index (or set validation.decontam: false)")
        self.options = CheckOptions(cycles=settings.cycles, seeds=2, timeout=settings.timeout)
        self.dedup_config = DecontamConfig(max_bijections=settings.max_bijections)

    def validate(self, proposals: list[Proposal], round_: int = -1, origin: str = "proposed") -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(proposals)

        def reject(i: int, reason: str, detail: str) -> None:
            outcomes[i] = Outcome(proposals[i], False, reason, detail[:400])

        live = []
        for i, p in enumerate(proposals):
            if p.golden is None:
                reject(i, "parse", p.problem)
            elif len(p.golden) > self.settings.max_golden_chars:
                reject(i, "too_long", f"{len(p.golden)} characters > {self.settings.max_golden_chars}")
            elif p.type == "spec" and spec_has_code(p.spec, p.golden):
                reject(i, "spec_has_code", spec_has_code(p.spec, p.golden))
            else:
                live.append(i)
        # the golden against its own copy under two stimulus seeds: compiles, passes the policy, deterministic
        jobs = [CheckJob(proposals[i].golden, [proposals[i].golden], replace(self.options, seed=s))
                for i in live for s in self.settings.seeds]
        verdicts = self.checker.check_jobs(jobs) if jobs else []
        n_seeds = len(self.settings.seeds)
        ifaces: dict[int, Interface] = {}
        survivors = []
        for k, i in enumerate(live):
            per_seed = [verdicts[k * n_seeds + j][0] for j in range(n_seeds)]
            reason, detail = next(((r, d) for r, d in map(self_check_reason, per_seed) if r), ("", ""))
            if reason:
                reject(i, reason, detail)
                continue
            try:
                ifaces[i] = infer_interface(proposals[i].golden)
            except Exception as exc:  # noqa: BLE001 - anything pyslang says: no interface
                reject(i, "interface", f"{type(exc).__name__}: {exc}")
                continue
            untoggled = sorted(set().union(*(v.untoggled for v in per_seed)))
            outputs = [p.name for p in ifaces[i].outputs + ifaces[i].inouts]
            if set(outputs) <= set(untoggled):
                reject(i, "trivial", f"every output is constant under the checker's stimulus ({', '.join(outputs)})")
            elif untoggled:
                reject(i, "untoggled", f"output(s) {', '.join(untoggled)} never change under the checker's stimulus")
            else:
                survivors.append(i)
        survivors = self._trivial(proposals, survivors, ifaces, reject)
        survivors = self._contaminated(proposals, survivors, ifaces, reject)
        survivors = self._duplicates(proposals, survivors, ifaces, reject)
        for i in survivors:
            p = proposals[i]
            trace = None
            if p.type in ("deduction", "induction"):
                seed = int(hashlib.sha256(p.golden.encode()).hexdigest()[:7], 16)
                try:
                    trace = record_trace(p.golden, self.trace_cycles, seed, ifaces[i].top)
                except InvalidGolden as exc:
                    reject(i, "trace", str(exc))
                    continue
            ident = f"{origin}-{p.type}-{hashlib.sha256((p.type + p.spec + p.golden).encode()).hexdigest()[:16]}"
            task = Task(ident, p.type, origin, p.golden, json.dumps(ifaces[i].to_json()), p.spec,
                        asdict(trace) if trace else None, round_, source=f"selfplay/{p.type}")
            outcomes[i] = Outcome(p, True, task=task)
        return [o for o in outcomes if o is not None]

    def _trivial(self, proposals, live, ifaces, reject) -> list[int]:
        owners, jobs = [], []
        for i in live:
            cands = passthrough_candidates(ifaces[i])
            if cands:
                owners.append(i)
                jobs.append(CheckJob(proposals[i].golden, cands, replace(self.options, seed=self.settings.seeds[0])))
        hits = set()
        for i, verdicts in zip(owners, self.checker.check_jobs(jobs) if jobs else []):
            for n, v in enumerate(verdicts):
                if v.kind is VerdictKind.EQUIVALENT:
                    reject(i, "trivial", f"equivalent to passing input {ifaces[i].inputs[n].name} to every output")
                    hits.add(i)
                    break
        return [i for i in live if i not in hits]

    def _items(self, proposals, live, ifaces) -> list[Item]:
        return [Item(str(i), proposals[i].golden, ifaces[i].top, "selfplay",
                     data={"interface": json.dumps(ifaces[i].to_json()), "spec": proposals[i].spec}) for i in live]

    def _contaminated(self, proposals, live, ifaces, reject) -> list[int]:
        if not self.settings.decontam or not live:
            return live
        found = Decontaminator(self.bench_index, self.options, self.checker).screen(self._items(proposals, live, ifaces))
        for key, why in found.items():
            reject(int(key), "contaminated", why)
        return [i for i in live if str(i) not in found]

    def _duplicates(self, proposals, live, ifaces, reject) -> list[int]:
        """Against the buffer's tasks of the same type, then against those accepted earlier in this batch."""
        if not self.settings.dedup or not live:
            return live
        kept = []
        by_type: dict[str, list[int]] = defaultdict(list)
        for i in live:
            by_type[proposals[i].type].append(i)
        for task_type, members in by_type.items():
            index = BufferIndex(self.buffer(task_type), self.dedup_config)
            found = Decontaminator(index, self.options, self.checker).screen(self._items(proposals, members, ifaces))
            for key, why in found.items():
                reject(int(key), "duplicate", why)
            batch = BufferIndex([], self.dedup_config)
            for i in members:
                if str(i) in found:
                    continue
                if batch.refs:
                    again = Decontaminator(batch, self.options, self.checker).screen(self._items(proposals, [i], ifaces))
                    if again:
                        reject(i, "duplicate", next(iter(again.values())) + " (same batch)")
                        continue
                batch.add(Task(f"batch-{i}", task_type, "proposed", proposals[i].golden,
                               json.dumps(ifaces[i].to_json())))
                kept.append(i)
        return [i for i in live if i in kept]
