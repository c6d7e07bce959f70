"""Second opinion: our equivalence checker (testbench_gen) compares each answer with the reference.

Where it disagrees with the benchmark's testbench, one of them is wrong: a weak testbench passing a
wrong design, a racy testbench failing a right one, or a checker limitation. The report lists them.
"""
from __future__ import annotations

from typing import Callable

from .problem import Problem
from .cvdp_answer import answer_files
from .cvdp_harness import design_sources


def pair(problem: Problem, code: str) -> tuple[str, str] | str:
    """(golden, candidate) sources to compare, or why there are none. CVDP: the RTL its harness compiles,
    with the reference files, then with the answer's, in place."""
    if problem.cvdp is None:
        return problem.reference, code  # the answer file as assemble.py wrote it
    task = problem.cvdp
    if not task.solution:
        return "no reference solution in this copy of the dataset"
    golden = design_sources(task, dict(task.solution))
    candidate = design_sources(task, answer_files(task, code))
    if golden is None or candidate is None:
        return "a VERILOG_SOURCES file is neither in the datapoint nor in the answer"
    return golden, candidate


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
