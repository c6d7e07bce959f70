"""Second opinion: our equivalence checker (testbench_gen) compares each answer with the reference.

Where it disagrees with the benchmark's testbench, one of them is wrong: a weak testbench passing a
wrong design, a racy testbench failing a right one, or a checker limitation. The report lists them.
"""
from __future__ import annotations

from typing import Callable

from .flavours import flavour
from .problem import Problem


def pair(problem: Problem, code: str) -> tuple[str, str] | str:
    """(golden, candidate) sources to compare, or why there are none (each flavour says what its flow compiles)."""
    return flavour(problem.rule).equivalence_pair(problem, code)


def make_checker() -> Callable[[Problem, str | None], dict]:
    """A function (problem, answer file from assemble.py) -> JSON-ready checker verdict; imports the checker once."""
    from testbench_gen import CheckOptions, InvalidGolden, check

    def run(problem: Problem, code: str | None) -> dict:
        if code is None or not code.strip():
            return {"verdict": "no-code", "reason": "no Verilog found in the response", "checked": False}
        sources = pair(problem, code)
        if isinstance(sources, str):
            return {"verdict": "not-checked", "reason": sources, "checked": False}
        golden, candidate = sources
        try:
            verdict = check(golden, [candidate], CheckOptions(top=problem.top))[0]
        except InvalidGolden as exc:
            return {"verdict": "infra_error", "reason": f"reference unusable as golden: {exc}", "checked": False}
        return {
            "verdict": verdict.kind.value,
            "reason": verdict.reason,
            "checked": verdict.is_checked,
            "seconds": round(verdict.seconds, 3),
        }

    return run
