"""Static filters: size bounds, pyslang parse, the checker's policy, interface inference (inputs and
outputs), Icarus compile.

An item that passes carries its inferred interface (JSON) in `data["interface"]`, which later stages and
the RL rows use. Corpus code is untrusted too, and it becomes the golden the checker simulates, so the
checker's policy applies to it (no `include, file or system tasks, DPI, force, hierarchical escapes)
and Icarus runs in the checker's sandbox (limits, own temp dir, process-group kill).
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from testbench_gen.backends import get_backend
from testbench_gen.frontend import analyse_golden_bounded
from testbench_gen.infer import has_syntax_errors
from testbench_gen.policy import scan
from testbench_gen.sandbox import Limits, clean_paths, sandbox_dir

from .checking import Checker
from .config import FilterConfig
from .items import Item
from .store import Outcome


def compile_error(code: str, top: str, timeout_s: float) -> str | None:
    """Icarus's message when the item does not compile (None when it does)."""
    backend = get_backend("icarus")
    with sandbox_dir("codev-synth-") as work:
        (work / "item.v").write_text(code, encoding="utf-8")
        result = backend.compile(work, [work / "item.v"], top, Limits(wall_seconds=timeout_s))
        if result.timed_out:
            return f"compile timed out after {timeout_s:g} s"
        if result.returncode != 0:
            return clean_paths(backend.compile_errors(result), work)[:500] or f"iverilog exit status {result.returncode}"
    return None


def policy_violation(code: str) -> str | None:
    """Why the checker must not simulate this code as a golden (goldens are trusted there), or None."""
    violations = scan(code)
    return "; ".join(str(v) for v in violations[:3]) if violations else None


def screen_goldens(items: list[Item]) -> tuple[list[Outcome], list[Item]]:
    """Drops for items the checker must not trust as goldens, and the rest (stages whose input may not
    have passed the filter stage, e.g. `codev synth roundtrip --input raw.jsonl`)."""
    drops, safe = [], []
    for item in items:
        violation = policy_violation(item.code)
        if violation:
            drops.append(Outcome(item, False, "forbidden_construct", violation))
        else:
            safe.append(item)
    return drops, safe


def judge(item: Item, config: FilterConfig) -> Outcome:
    lines = item.code.count("\n")
    if lines < config.min_lines:
        return Outcome(item, False, "too_small", f"{lines} lines < {config.min_lines}")
    if lines > config.max_lines or len(item.code) > config.max_chars:
        return Outcome(item, False, "too_large", f"{lines} lines, {len(item.code)} chars")
    if has_syntax_errors(item.code):
        return Outcome(item, False, "parse_error", "pyslang reports syntax errors")
    violation = policy_violation(item.code)
    if violation:
        return Outcome(item, False, "forbidden_construct", violation)
    # elaborated in the checker's limited front-end worker: a corpus is untrusted text, and a
    # 262k-instance tree or a 2e9-step constant function must cost this item, not the run
    front = analyse_golden_bounded(item.code, "item.v", item.top)
    if front.failure:
        return Outcome(item, False, "front_end_limit", front.failure)
    iface = front.interface
    if iface is None:
        return Outcome(item, False, "no_interface", front.interface_error)
    if not iface.inputs:
        return Outcome(item, False, "no_inputs", f"module {item.top} has no input ports")
    if not iface.outputs:
        return Outcome(item, False, "no_outputs", f"module {item.top} has no output ports")
    if config.compile:
        message = compile_error(item.code, item.top, config.compile_timeout_s)
        if message:
            return Outcome(item, False, "compile_error", message)
    item.data["interface"] = json.dumps(iface.to_json())
    return Outcome(item, True)


class StaticFilter:
    """`checker`: where the compiles and front-end runs go (its threads, or its Ray cluster); by default
    `jobs` threads here."""
    name = "filter"

    def __init__(self, config: FilterConfig, jobs: int = 1, checker: Checker | None = None):
        self.config, self.checker = config, checker or Checker(jobs)

    def prime(self, kept: Iterable[Item]) -> None:
        pass

    def process(self, items: list[Item]) -> Iterator[Outcome]:
        yield from self.checker.map(judge, items, self.config)
